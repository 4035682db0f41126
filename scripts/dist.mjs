#!/usr/bin/env node
// `npm run dist` / `npm run dist:local`: electron-builder with electron-builder.yml, after `npm run build`.
//
//   node scripts/dist.mjs [electron-builder args…]            release build: a mac build must be signed
//   node scripts/dist.mjs --local [electron-builder args…]    ad-hoc signed mac build, for this Mac only
//
// Release (the default): mac.forceCodeSigning in electron-builder.yml makes a mac build fail without a
// Developer ID Application identity (keychain, or CSC_LINK + CSC_KEY_PASSWORD) instead of producing an
// unsigned app that Apple silicon reports as "damaged". Notarization runs when the APPLE_* variables of one
// of electron-builder's three methods are set (docs/releasing.md).
//
// Needs Node.js 22.12 or later: Electron 45 and electron-builder's @electron/rebuild declare it (package.json
// engines). The CLI itself still runs on 20.19, which is why npm only warns in a checkout.
//
// --local: signs with the ad-hoc identity "-": no certificate needed, runs on the Mac that built it (and
// shows notifications, which need a signed bundle), but Gatekeeper blocks it elsewhere. Not notarized.
// Hardened runtime stays on, with build/entitlements.mac.local.plist adding disable-library-validation:
// ad-hoc signatures carry no Team ID, and library validation would refuse Electron's own framework.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOCAL_ENTITLEMENTS = 'build/entitlements.mac.local.plist';

/** electron-builder options that turn a release build into an ad-hoc signed local one. */
export const LOCAL_ARGS = Object.freeze([
  '-c.mac.identity=-',
  `-c.mac.entitlements=${LOCAL_ENTITLEMENTS}`,
  `-c.mac.entitlementsInherit=${LOCAL_ENTITLEMENTS}`,
  '-c.mac.notarize=false',
]);

/** The oldest Node.js the packaging toolchain supports. */
export const MIN_NODE = '22.12.0';

/** True when a Node.js version ("v20.20.2" or "20.20.2") is at least MIN_NODE. */
export function nodeSupported(version) {
  const [a, b, c] = version.replace(/^v/, '').split('.').map(Number);
  const [x, y, z] = MIN_NODE.split('.').map(Number);
  return a !== x ? a > x : b !== y ? b > y : c >= z;
}

/** The three credential sets electron-builder notarizes with (any one, complete, is enough). */
export const NOTARIZE_ENV_SETS = Object.freeze([
  ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
  ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
  ['APPLE_KEYCHAIN_PROFILE'],
]);

export function notarizationConfigured(env) {
  return NOTARIZE_ENV_SETS.some((set) => set.every((name) => env[name]));
}

/** The electron-builder command line for dist.mjs's own arguments. */
export function builderArgs(argv) {
  const local = argv.includes('--local');
  const rest = argv.filter((a) => a !== '--local');
  return ['--config', 'electron-builder.yml', ...(local ? LOCAL_ARGS : []), ...rest];
}

function main(argv) {
  if (!nodeSupported(process.version)) {
    console.error(
      `dist: Node.js ${MIN_NODE} or later is needed to package the app; this is ${process.version}. Electron 45 ` +
        "and electron-builder's @electron/rebuild require it. Install Node 22.12+ (24 LTS recommended) and " +
        'run `npm run dist` again; `node scripts/e2e-toolchain.mjs --print-env` installs a Node 24 and prints ' +
        'where it is. The `clawmedic` CLI itself still runs on Node 20.19+.',
    );
    process.exitCode = 1;
    return;
  }
  const local = argv.includes('--local');
  const args = builderArgs(argv);
  if (process.platform === 'darwin' && !local && !notarizationConfigured(process.env)) {
    console.warn(
      'dist: no notarization credentials in the environment (see docs/releasing.md): the app will be signed ' +
        'but not notarized, and Gatekeeper will block it on other Macs.',
    );
  }
  const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js');
  const child = spawn(process.execPath, [cli, ...args], { cwd: ROOT, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (code !== 0 && process.platform === 'darwin' && !local) {
      console.error(
        '\ndist: electron-builder failed. If it could not find a signing identity: install your "Developer ID ' +
          'Application" certificate in the login keychain or set CSC_LINK and CSC_KEY_PASSWORD ' +
          '(docs/releasing.md); for a build to test on this Mac only, run `npm run dist:local` (ad-hoc signed).',
      );
    }
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
