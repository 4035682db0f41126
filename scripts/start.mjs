#!/usr/bin/env node
// `npm start`: builds the app (tsc, the renderer, the preload bundle) and runs it in Electron.
//   node scripts/start.mjs [--no-build] [-- <extra electron args>]
//   node scripts/start.mjs --build-only      build what the app loads, run nothing (CI, packaging)
// Electron's npm package downloads its binary on first use; where that binary is missing (no network,
// ELECTRON_SKIP_BINARY_DOWNLOAD, a headless server) this says so and points at what works without it.
// It never requires the `electron` package: doing so would start that download.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @type {Partial<Record<NodeJS.Platform, string>>} */
const PLATFORM_BINARY = {
  darwin: 'Electron.app/Contents/MacOS/Electron',
  linux: 'electron',
  freebsd: 'electron',
  openbsd: 'electron',
  win32: 'electron.exe',
};

/**
 * Where the Electron binary is (or would be), the way the electron package itself resolves it.
 * @param {{ root?: string, env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform }} [opts]
 */
export function electronBinary({ root = ROOT, env = process.env, platform = process.platform } = {}) {
  const pkg = path.join(root, 'node_modules', 'electron');
  let rel = PLATFORM_BINARY[platform] ?? 'electron';
  try {
    rel = readFileSync(path.join(pkg, 'path.txt'), 'utf8').trim() || rel;
  } catch {
    // No path.txt: the binary was never downloaded; report the default location.
  }
  const file = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, rel)
    : path.join(pkg, 'dist', rel);
  return { file, exists: existsSync(file), packageInstalled: existsSync(path.join(pkg, 'package.json')) };
}

/** @param {ReturnType<typeof electronBinary>} bin */
export function missingElectronMessage(bin) {
  const why = bin.packageInstalled
    ? `The Electron binary is not installed (looked for ${path.relative(ROOT, bin.file) || bin.file}).\n` +
      'The electron npm package only downloads it on first use, from GitHub; here that download was skipped\n' +
      '(ELECTRON_SKIP_BINARY_DOWNLOAD) or is not possible.'
    : 'The electron package is not installed (run `npm install` first).';
  return [
    `ClawMedic's menu-bar app cannot start: ${why}`,
    '',
    'On a Mac or a Linux desktop with network access: `npx install-electron`, then `npm start` again.',
    '',
    'Without Electron (a server, CI, this machine), the same engine and UI run as:',
    '  npm run demo                           a scripted outage and recovery, in the terminal',
    "  npx clawmedic watch --dashboard        the watcher, with the app's UI in your browser",
  ].join('\n');
}

/** @param {string} cmd @param {string[]} args @param {string} label */
function run(cmd, args, label) {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (r.status !== 0) {
    console.error(
      `\n${label} failed (exit ${r.status ?? r.signal}); fix the errors above and run \`npm start\` again.`,
    );
    process.exit(r.status || 1);
  }
}

function build() {
  const bin = (/** @type {string} */ name) => path.join(ROOT, 'node_modules', '.bin', name);
  run(process.execPath, [path.join(ROOT, 'scripts', 'build-validators.mjs')], 'Compiling the settings validator');
  run(bin('tsc'), ['-b'], 'Type-checking and compiling (tsc -b)');
  const pkg = /** @type {{ scripts?: Record<string, string> }} */ (
    JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  );
  const scripts = pkg.scripts ?? {};
  if (scripts['build:renderer']) run('npm', ['run', '--silent', 'build:renderer'], 'Building the renderer');
  else
    run(
      bin('vite'),
      ['build', '--config', path.join(ROOT, 'renderer', 'vite.config.ts')],
      'Building the renderer (vite)',
    );
  run(process.execPath, [path.join(ROOT, 'scripts', 'build-preload.mjs')], 'Bundling the preload');
  const page = path.join(ROOT, 'dist', 'renderer', 'index.html');
  if (!existsSync(page)) console.error(`warning: ${path.relative(ROOT, page)} is missing; the window will report it.`);
}

/** @param {string[]} argv */
function main(argv) {
  const sep = argv.indexOf('--');
  const own = sep >= 0 ? argv.slice(0, sep) : argv;
  const extra = sep >= 0 ? argv.slice(sep + 1) : [];
  if (own.includes('--build-only')) {
    build();
    return;
  }
  const bin = electronBinary();
  if (!bin.exists) {
    // Checked before building: a two-minute build that cannot be run helps nobody.
    console.error(missingElectronMessage(bin));
    process.exit(1);
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.error(
      'No display (DISPLAY and WAYLAND_DISPLAY are unset): the menu-bar app needs a desktop session.\n' +
        'Use `npx clawmedic watch --dashboard` on a headless machine.',
    );
    process.exit(1);
  }
  if (!own.includes('--no-build')) build();
  const child = spawn(bin.file, [ROOT, ...extra], { stdio: 'inherit', cwd: ROOT });
  for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(sig, () => child.kill(sig));
  child.on('error', (err) => {
    console.error(`Could not run ${bin.file}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
