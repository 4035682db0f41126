// node-pty's spawn-helper: on macOS node-pty starts every PTY through this small executable. node-pty
// 1.1.0 publishes prebuilds/darwin-*/spawn-helper with mode 0644 (upstream microsoft/node-pty#850), and
// then every spawn fails with "posix_spawnp failed.". These functions find the helpers in a node-pty
// folder (installed or packaged), tell which one node-pty will run, and make them executable.
// Used by the packaging hook (scripts/after-pack.mjs) and meant for a start-up self-check.
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const SPAWN_HELPER = 'spawn-helper';

export interface SpawnHelperState {
  /** The folder holding it, relative to the node-pty folder: 'prebuilds/darwin-arm64', 'build/Release'. */
  dir: string;
  /** Absolute path of the helper. */
  file: string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Executable by owner, group and others (what a helper needs: any user may run the app). */
  executable: boolean;
}

export interface SpawnHelperRepair {
  file: string;
  from: number;
  to: number;
}

const EXEC_BITS = 0o111;

/** "644": how `ls -l` and chmod spell a mode. */
export function modeString(mode: number): string {
  return (mode & 0o777).toString(8).padStart(3, '0');
}

/** node-pty's own search order for its native folder (lib/utils.js loadNativeModule), relative paths. */
export function nativeDirCandidates(platform: NodeJS.Platform, arch: string): string[] {
  return ['build/Release', 'build/Debug', `prebuilds/${platform}-${arch}`];
}

/**
 * The native folder node-pty will load on this platform and arch: the first candidate holding pty.node,
 * or null when there is none (node-pty then fails to load at all).
 */
export function nativeDirFor(ptyDir: string, platform: NodeJS.Platform, arch: string): string | null {
  return nativeDirCandidates(platform, arch).find((d) => existsSync(path.join(ptyDir, d, 'pty.node'))) ?? null;
}

/** Every spawn-helper in a node-pty folder (build/Release, build/Debug, prebuilds/*), sorted by folder. */
export function inspectSpawnHelpers(ptyDir: string): SpawnHelperState[] {
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
  const found: SpawnHelperState[] = [];
  for (const dir of dirs.sort()) {
    const file = path.join(ptyDir, dir, SPAWN_HELPER);
    if (!existsSync(file)) continue;
    const mode = statSync(file).mode & 0o7777;
    found.push({ dir, file, mode, executable: (mode & EXEC_BITS) === EXEC_BITS });
  }
  return found;
}

/**
 * Adds the execute bits to every helper that lacks them (0644 becomes 0755) and returns what it changed.
 * Throws, naming the file and the command that fixes it, when a helper cannot be changed.
 */
export function repairSpawnHelpers(ptyDir: string): SpawnHelperRepair[] {
  const repairs: SpawnHelperRepair[] = [];
  for (const h of inspectSpawnHelpers(ptyDir)) {
    if (h.executable) continue;
    const to = h.mode | EXEC_BITS;
    try {
      chmodSync(h.file, to);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new Error(
        `cannot make ${h.file} executable (${why}); without it every terminal fails on macOS ` +
          `with "posix_spawnp failed.". Run: chmod ${modeString(to)} '${h.file}'`,
      );
    }
    repairs.push({ file: h.file, from: h.mode, to });
  }
  return repairs;
}
