// node-pty as it behaves on macOS, for the app's `import('node-pty')` (the resolve hook substitutes this
// module): the real node-pty from the app copy does the work, but first every spawn checks what macOS's
// node-pty 1.1.0 needs, an executable prebuilds/darwin-<arch>/spawn-helper. npm ships those helpers 0644
// (microsoft/node-pty#850) and then every spawn on a Mac throws `posix_spawnp failed.`; so does this one.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as NodePty from 'node-pty';
import { standinConfig } from './config.js';
import { record } from './control.js';

const appPath = standinConfig().appPath;
const real = createRequire(path.join(appPath, 'package.json'))('node-pty') as typeof NodePty;

/** The helper the darwin build of node-pty spawns every PTY through. */
export const spawnHelper = path.join(appPath, 'node_modules/node-pty/prebuilds', `darwin-${process.arch}/spawn-helper`);

function refusal(): string | null {
  let mode: number;
  try {
    mode = statSync(spawnHelper).mode;
  } catch {
    return `posix_spawnp failed. (${spawnHelper} is missing)`;
  }
  return mode & 0o111 ? null : 'posix_spawnp failed.';
}

export function spawn(file: string, args: string[] | string, options: NodePty.IPtyForkOptions): NodePty.IPty {
  const refused = refusal();
  record('pty.spawn', { file, refused });
  if (refused) throw new Error('posix_spawnp failed.');
  return real.spawn(file, args, options);
}

export const fork = spawn;
export const createTerminal = spawn;
export default { spawn, fork, createTerminal };
