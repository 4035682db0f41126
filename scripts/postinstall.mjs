#!/usr/bin/env node
// npm runs this after installing ClawMedic's dependencies: in a checkout (`npm install`/`npm ci`) and when
// ClawMedic itself is installed from the registry.
//
// node-pty 1.1.0 publishes prebuilds/darwin-*/spawn-helper with mode 0644 (microsoft/node-pty#850). macOS
// starts every PTY through that helper, so without execute bits every spawn fails ("posix_spawnp
// failed."). This adds them. It runs before TypeScript is compiled in a fresh checkout, so it cannot use
// main/engine/pty-check.ts; test/unit/pty-check.test.ts runs both on the same tree and compares.
//
//   node scripts/postinstall.mjs [NODE_PTY_DIR]     (default: the node-pty this package resolves)
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function findNodePty() {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('node-pty/package.json'));
  } catch {
    // Reported by the caller: a missing node-pty is an install problem, not this script's.
    return null;
  }
}

/** Makes every prebuilds/<os-arch>/spawn-helper executable; returns the lines to print. */
export function fixSpawnHelpers(ptyDir) {
  const lines = [];
  const prebuilds = path.join(ptyDir, 'prebuilds');
  if (!existsSync(prebuilds)) return lines;
  for (const d of readdirSync(prebuilds, { withFileTypes: true })) {
    const file = path.join(prebuilds, d.name, 'spawn-helper');
    if (!d.isDirectory() || !existsSync(file)) continue;
    const mode = statSync(file).mode & 0o7777;
    if ((mode & 0o111) === 0o111) continue;
    const to = mode | 0o111;
    chmodSync(file, to);
    lines.push(`made ${path.relative(ptyDir, file)} executable (${mode.toString(8)} -> ${to.toString(8)})`);
  }
  return lines;
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
    const fix = `chmod 755 '${ptyDir}'/prebuilds/darwin-*/spawn-helper`;
    console.warn(
      `clawmedic postinstall: could not make node-pty's spawn-helper executable (${err.message}). On macOS ` +
        `every doctor terminal will fail with "posix_spawnp failed." until you run: ${fix}`,
    );
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  process.exitCode = main(process.argv.slice(2));
}
