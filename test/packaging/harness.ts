// Runs the real electron-builder (through scripts/dist.mjs, as `npm run dist` does) offline, on a skeleton
// Electron, into a temporary folder, and reads what it produced.
//
// What keeps the run offline, and why each is needed:
// - `-c.electronDist=<skeleton>`: no Electron zip download (electron-dist.ts makes the skeleton).
// - npmRebuild: false in electron-builder.yml: no Electron headers download for a native rebuild.
// - mac.icon is a ready build/icon.icns: a PNG would need an icon converter that electron-builder downloads.
// - `dir` targets, and for the deb a stand-in fpm (CUSTOM_FPM_PATH): dmg, AppImage and fpm tool sets are
//   downloaded from GitHub. Signing is skipped on Linux ("supported only on macOS"), so no signing tools.
// - `--publish never`: nothing is uploaded, whatever CI variables say.
// - ELECTRON_BUILDER_CACHE in the temporary folder: a tool cached by an earlier run cannot hide a download.
// Anything that still tries the network meets no-network.cjs (preloaded into every Node process of the run),
// fails at once and is listed in the result; expectOffline turns that into a test failure that says so.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeSupported } from '../../scripts/dist.mjs';
import { ensureToolchain } from '../e2e/harness/toolchain.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NO_NETWORK = path.join(ROOT, 'test/packaging/no-network.cjs');
const require = createRequire(import.meta.url);

export const ELECTRON_VERSION = (require(path.join(ROOT, 'node_modules/electron/package.json')) as { version: string })
  .version;

/**
 * The Node that runs electron-builder: this one when it is 22.12 or later (what `npm run dist` requires),
 * else the Node 24 of the e2e toolchain (installed by .ci/run; installed here if missing - from the npm
 * registry only).
 */
export function builderNode(): string {
  return nodeSupported(process.version) ? process.execPath : ensureToolchain().node;
}

export interface BuildResult {
  status: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  /** Network attempts no-network.cjs refused, one line each. */
  blocked: string[];
  seconds: number;
}

export interface BuildOptions {
  /** Arguments for scripts/dist.mjs (`--local` and electron-builder options). */
  args: string[];
  /** A temporary folder of the test's own: output, caches and temp files go there. */
  workDir: string;
  env?: Record<string, string>;
  /** Kill the run as soon as it tries the network (used to show the trap works, without waiting for it). */
  stopWhenBlocked?: boolean;
}

/**
 * A mac or linux `dir` build takes 3-6 s on two idle cores; 3 min leaves room for a busy machine
 * (the other test projects may run next to it) before the run is called stuck.
 */
const BUILD_TIMEOUT_MS = 180_000;

export function build(opts: BuildOptions): Promise<BuildResult> {
  const blockedLog = path.join(opts.workDir, `network-${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: `--require ${NO_NETWORK}`,
    CLAWMEDIC_NO_NETWORK_LOG: blockedLog,
    ELECTRON_BUILDER_CACHE: path.join(opts.workDir, 'builder-cache'),
    TMPDIR: opts.workDir,
    // No keychain search, no PR heuristics: the run must not depend on the machine's signing setup.
    CSC_IDENTITY_AUTO_DISCOVERY: 'false',
    // electron-builder lists the app's dependencies with npm, which must not check for its own update.
    npm_config_update_notifier: 'false',
    ...opts.env,
  };
  // Mirrors would point downloads elsewhere instead of failing them: the run must not download at all.
  // VITEST* makes electron-builder's logger drop everything but errors; the tests read its log.
  for (const name of Object.keys(env)) if (/MIRROR/i.test(name) || name.startsWith('VITEST')) delete env[name];
  const started = Date.now();
  const args = [
    path.join(ROOT, 'scripts/dist.mjs'),
    ...opts.args,
    `-c.directories.output=${path.join(opts.workDir, 'out')}`,
    '--publish',
    'never',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(builderNode(), args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone: nothing to stop.
      }
    };
    const timer = setTimeout(() => {
      killGroup();
      const what = args.join(' ');
      reject(new Error(`electron-builder ran over ${BUILD_TIMEOUT_MS / 1000} s (${what}); output:\n${output}`));
    }, BUILD_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (opts.stopWhenBlocked && output.includes('network trap refused')) killGroup();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      const blocked = existsSync(blockedLog) ? readFileSync(blockedLog, 'utf8').split('\n').filter(Boolean) : [];
      resolve({ status, output, blocked, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** Fails with what electron-builder tried to fetch, and how to keep it offline, if it tried anything. */
export function expectOffline(r: BuildResult): void {
  if (r.blocked.length === 0) return;
  throw new Error(
    `electron-builder tried to download during a packaging test, which must run offline:\n  ` +
      `${r.blocked.join('\n  ')}\nFind the option that avoids the download (see the list at the top of ` +
      `test/packaging/harness.ts) instead of allowing the network.\nelectron-builder said:\n${r.output}`,
  );
}

/** Fails with electron-builder's own output when the run did not succeed. */
export function expectSuccess(r: BuildResult): void {
  expectOffline(r);
  if (r.status !== 0) throw new Error(`electron-builder exited with ${r.status}:\n${r.output}`);
}

// @electron/asar (a devDependency, the version electron-builder itself uses) reads the archive.
const asar = require('@electron/asar') as {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  statFile(archive: string, filename: string, followLinks?: boolean): { unpacked?: boolean; size?: number };
  extractFile(archive: string, filename: string): Buffer;
};

/** Every file (not folder) in an asar, as paths without the leading slash. */
export function asarFiles(archive: string): string[] {
  return asar
    .listPackage(archive, { isPack: false })
    .map((p) =>
      p
        .replace(/^[\\/]/, '')
        .split(path.sep)
        .join('/'),
    )
    .filter((p) => {
      const st = asar.statFile(archive, p) as { files?: unknown };
      return st.files === undefined;
    })
    .sort();
}

export function asarUnpacked(archive: string, file: string): boolean {
  return asar.statFile(archive, file).unpacked === true;
}

export function asarRead(archive: string, file: string): Buffer {
  return asar.extractFile(archive, file);
}

const plist = require(path.join(ROOT, 'node_modules/plist')) as { parse(text: string): unknown };

export function readPlist(file: string): Record<string, unknown> {
  return plist.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The CPU a thin Mach-O 64-bit binary is built for ('arm64', 'x64'), or what else the file is. */
export function machOArch(file: string): string {
  const head = readFileSync(file).subarray(0, 8);
  if (head.readUInt32LE(0) !== 0xfeedfacf) return `not a 64-bit Mach-O (magic ${head.toString('hex', 0, 4)})`;
  const cpu = head.readUInt32LE(4);
  return cpu === 0x0100000c ? 'arm64' : cpu === 0x01000007 ? 'x64' : `cpu type 0x${cpu.toString(16)}`;
}

/** 'ELF' for an ELF binary (what node-pty's Linux build/Release/pty.node is). */
export function binaryKind(file: string): string {
  const head = readFileSync(file).subarray(0, 4);
  return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])) ? 'ELF' : head.toString('hex');
}
