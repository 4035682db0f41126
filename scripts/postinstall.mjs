#!/usr/bin/env node
// npm runs this after installing ClawMedic's dependencies: in a checkout (`npm install`/`npm ci`) and when
// ClawMedic itself is installed from the registry.
//
// node-pty 1.1.0 publishes prebuilds/darwin-*/spawn-helper with mode 0644 (microsoft/node-pty#850). macOS
// starts every PTY through that helper, so without execute bits every spawn fails ("posix_spawnp
// failed."). This adds them (scripts/spawn-helper.mjs).
//
//   node scripts/postinstall.mjs [NODE_PTY_DIR]     (default: the node-pty this package resolves)
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { modeString, repairSpawnHelpers } from './spawn-helper.mjs';

function findNodePty() {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('node-pty/package.json'));
  } catch {
    // Reported by the caller: a missing node-pty is an install problem, not this script's.
    return null;
  }
}

/** Makes every spawn-helper in ptyDir executable; returns the lines to print. */
export function fixSpawnHelpers(ptyDir) {
  return repairSpawnHelpers(ptyDir).map(
    (r) => `made ${path.relative(ptyDir, r.file)} executable (${modeString(r.from)} -> ${modeString(r.to)})`,
  );
}

function main(argv) {
  const ptyDir = argv[0] ? path.resolve(argv[0]) : findNodePty();
  if (!ptyDir || !existsSync(path.join(ptyDir, 'package.json'))) {
    console.warn(
      `clawmedic postinstall: node-pty was not found${ptyDir ? ` at ${ptyDir}` : ''}; the doctor's terminal ` +
        'will not work. Run `npm install` again and check its output for a failed node-pty install.',
    );
    return 0;
  }
  try {
    for (const line of fixSpawnHelpers(ptyDir)) console.log(`clawmedic postinstall: node-pty: ${line}`);
  } catch (err) {
    // Not fatal for the install (the CLI's health checks and restarts work without a PTY), but loud.
    console.warn(`clawmedic postinstall: ${err.message}`);
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
