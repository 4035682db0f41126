// node-pty's spawn-helper: on macOS node-pty starts every PTY through this small executable. node-pty
// 1.1.0 publishes prebuilds/darwin-*/spawn-helper with mode 0644 (upstream microsoft/node-pty#850), and
// then every spawn fails with "posix_spawnp failed.". These functions find the helpers in a node-pty folder
// (installed or packaged), say which native folder node-pty loads, and make the helpers executable. Used by
// scripts/postinstall.mjs (npm install) and scripts/after-pack.mjs (electron-builder); plain JS because
// both run before or without the TypeScript build. The app's start-up check is main/engine/pty-check.ts.
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const EXEC_BITS = 0o111;

/** "644": how `ls -l` and chmod spell a mode. */
export function modeString(mode) {
  return (mode & 0o777).toString(8).padStart(3, '0');
}

/**
 * The native folder node-pty will load (its own order, lib/utils.js loadNativeModule: build/Release,
 * build/Debug, prebuilds/<platform>-<arch>), relative to ptyDir; null when none holds pty.node.
 */
export function nativeDirFor(ptyDir, platform, arch) {
  const dirs = ['build/Release', 'build/Debug', `prebuilds/${platform}-${arch}`];
  return dirs.find((d) => existsSync(path.join(ptyDir, d, 'pty.node'))) ?? null;
}

/**
 * Every spawn-helper in a node-pty folder (build/Release, build/Debug, prebuilds/*), sorted by folder:
 * `{ dir, file, mode, executable }`, executable meaning by owner, group and others (any user may run the app).
 */
export function inspectSpawnHelpers(ptyDir) {
  if (!existsSync(path.join(ptyDir, 'package.json'))) {
    throw new Error(`no node-pty package at ${ptyDir} (package.json missing): reinstall with \`npm install\``);
  }
  const dirs = ['build/Release', 'build/Debug'];
  const prebuilds = path.join(ptyDir, 'prebuilds');
  if (existsSync(prebuilds)) {
    for (const d of readdirSync(prebuilds, { withFileTypes: true })) {
      if (d.isDirectory()) dirs.push(`prebuilds/${d.name}`);
    }
  }
  const found = [];
  for (const dir of dirs.sort()) {
    const file = path.join(ptyDir, dir, 'spawn-helper');
    if (!existsSync(file)) continue;
    const mode = statSync(file).mode & 0o7777;
    found.push({ dir, file, mode, executable: (mode & EXEC_BITS) === EXEC_BITS });
  }
  return found;
}

/**
 * Adds the execute bits to every helper that lacks them (0644 becomes 0755); returns `{ file, from, to }`
 * for each change. Throws, naming the file and the command that fixes it, when one cannot be changed.
 */
export function repairSpawnHelpers(ptyDir) {
  const repairs = [];
  for (const h of inspectSpawnHelpers(ptyDir)) {
    if (h.executable) continue;
    const to = h.mode | EXEC_BITS;
    try {
      chmodSync(h.file, to);
    } catch (err) {
      throw new Error(
        `cannot make ${h.file} executable (${err.code ?? err.message}); without it every terminal fails on macOS ` +
          `with "posix_spawnp failed.". Run: chmod ${modeString(to)} '${h.file}'`,
        { cause: err },
      );
    }
    repairs.push({ file: h.file, from: h.mode, to });
  }
  return repairs;
}
