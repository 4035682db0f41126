// A start-up self-check for node-pty's spawn helper. On macOS node-pty starts every PTY through a small
// executable, `spawn-helper`, next to its native module; node-pty 1.1.0's npm tarball ships the darwin
// helpers with mode 0644 (microsoft/node-pty#850), and then every spawn fails with "posix_spawnp
// failed.". Our install step and the packaging hook set 0755; this check catches whatever slipped
// through (an install with --ignore-scripts, a copy that lost its modes), names the cause and repairs it
// where that is safe. Linux and the BSDs use forkpty and need no helper.
import { accessSync, chmodSync, constants as fsc, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type PtyHelperStatus = 'ok' | 'not-needed' | 'repaired' | 'broken' | 'missing';

export interface PtyHelperCheck {
  status: PtyHelperStatus;
  /** The helper node-pty will run, when there is one. */
  helper: string | null;
  /** One sentence for a person: what is wrong and what to do (empty when ok / not needed). */
  message: string;
}

export interface PtyHelperOptions {
  /** node-pty's package folder. */
  ptyDir: string;
  platform?: NodeJS.Platform;
  arch?: string;
  /** chmod the helper when it is not executable (never inside a signed .app bundle: see below). */
  repair?: boolean;
}

/** The folders node-pty 1.1.0 loads pty.node from, in its own order (lib/utils.js loadNativeModule). */
export function nativeDirs(platform: string, arch: string): string[] {
  return ['build/Release', 'build/Debug', `prebuilds/${platform}-${arch}`];
}

/** node-pty's folder as the running process sees it; inside an asar archive, its unpacked twin on disk. */
export function findPtyDir(): string | null {
  try {
    const dir = path.dirname(createRequire(import.meta.url).resolve('node-pty/package.json'));
    return dir.replace(/app\.asar(?=[/\\])/, 'app.asar.unpacked');
  } catch {
    // node-pty is not installed: the live view reports that itself when it tries to load it.
    return null;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, fsc.X_OK);
    return true;
  } catch {
    // Missing or not executable: both mean node-pty cannot run it.
    return false;
  }
}

/** An app bundle's files are covered by its code signature: changing a mode there breaks the seal. */
function insideAppBundle(file: string): boolean {
  return /\.app\/Contents\//.test(file);
}

export function checkPtyHelper(opts: PtyHelperOptions): PtyHelperCheck {
  const platform = opts.platform ?? process.platform;
  const arch = opts.arch ?? process.arch;
  if (platform !== 'darwin') return { status: 'not-needed', helper: null, message: '' };
  const dir = nativeDirs(platform, arch)
    .map((d) => path.join(opts.ptyDir, d))
    .find((d) => existsSync(path.join(d, 'pty.node')));
  if (!dir) {
    return {
      status: 'missing',
      helper: null,
      message:
        `node-pty has no native module for ${platform}-${arch} in ` +
        `${opts.ptyDir}: reinstall ClawMedic (or run \`npm rebuild node-pty\` ` +
        `in a checkout).`,
    };
  }
  const helper = path.join(dir, 'spawn-helper');
  if (!existsSync(helper)) {
    return {
      status: 'missing',
      helper,
      message: `node-pty's spawn-helper is missing (${helper}), so no terminal can start: reinstall ClawMedic.`,
    };
  }
  if (isExecutable(helper)) return { status: 'ok', helper, message: '' };
  const mode = (statSync(helper).mode & 0o777).toString(8);
  if (opts.repair && !insideAppBundle(helper)) {
    try {
      chmodSync(helper, 0o755);
      if (isExecutable(helper)) {
        return {
          status: 'repaired',
          helper,
          message: `node-pty's spawn-helper had mode ${mode}; it is now 755 (${helper}).`,
        };
      }
    } catch {
      // Not ours to change (another owner, a read-only volume): reported as broken below.
    }
  }
  return {
    status: 'broken',
    helper,
    message:
      `node-pty's spawn-helper is not executable (mode ${mode}: ${helper}), so the live terminal cannot start ` +
      `("posix_spawnp failed."). ` +
      `${insideAppBundle(helper) ? 'Reinstall ClawMedic from a release build.' : `Run: chmod 755 '${helper}'`}`,
  };
}
