#!/usr/bin/env node
// `npm run demo [-- options]`: builds only when a source changed since the last build (building takes a
// minute; the demo should start at once when nothing changed), then runs `clawmedic demo` with the options.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleReason } from './build-current.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const why = staleReason(ROOT);
if (why) {
  console.log(`Building first (${why})…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const b = spawnSync(npm, ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) {
    console.error('The build failed (see above); fix it, then run `npm run demo` again.');
    process.exit(b.status ?? 1);
  }
}
const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/clawmedic.js'), 'demo', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
