// `npm test` does its own set-up: before the end-to-end files run, install (once, into a cache outside
// the repo) the pinned Node 24, OpenClaw and Claude Code they drive. A re-run with the cache in place
// takes a fraction of a second. CLAWMEDIC_SKIP_E2E=1 skips it (and the e2e tests say so).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  if (process.env.CLAWMEDIC_SKIP_E2E === '1') return;
  const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/e2e-toolchain.mjs');
  const r = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error(
      `Installing the end-to-end toolchain failed (exit ${r.status}); run ` +
        `\`node scripts/e2e-toolchain.mjs\` to see why, or set ` +
        `CLAWMEDIC_SKIP_E2E=1 to skip the end-to-end tests.`,
    );
  }
}
