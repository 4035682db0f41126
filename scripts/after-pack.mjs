// electron-builder `afterPack` hook (electron-builder.yml): runs once per platform and arch after the app
// folder and app.asar are written and before the bundle is signed. It checks the node-pty that went into
// app.asar.unpacked and makes its spawn-helper executable: node-pty 1.1.0 publishes the macOS helpers with
// mode 0644, electron-builder copies them as they are, and macOS then fails every PTY spawn with
// "posix_spawnp failed.". Anything wrong with what was packed fails the build here, before it is signed.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { inspectSpawnHelpers, modeString, nativeDirFor, repairSpawnHelpers } from './spawn-helper.mjs';

/**
 * Checks and repairs node-pty inside a packaged app's resources folder. Returns the lines it logs.
 * platform: 'darwin' | 'mas' | 'linux' (electron-builder's electronPlatformName); arch: 'x64', 'arm64', ….
 * The work is synchronous; a problem still arrives as the rejection, as callers await it.
 */
export function checkPackagedNodePty(options) {
  return new Promise((resolve) => resolve(inspectPackagedNodePty(options)));
}

/** checkPackagedNodePty's work: returns the lines it logs, throws on what was packed wrong. */
function inspectPackagedNodePty({ resourcesDir, platform, arch }) {
  const ptyDir = path.join(resourcesDir, 'app.asar.unpacked', 'node_modules', 'node-pty');
  const problems = [];
  if (!existsSync(path.join(ptyDir, 'package.json'))) {
    throw new Error(
      `node-pty is not in ${path.dirname(ptyDir)}: node-pty loads pty.node and runs spawn-helper from disk, so ` +
        'electron-builder.yml must keep `node_modules/node-pty/**` in asarUnpack',
    );
  }
  const prebuilds = existsSync(path.join(ptyDir, 'prebuilds')) ? readdirSync(path.join(ptyDir, 'prebuilds')) : [];
  const isMac = platform === 'darwin' || platform === 'mas';
  if (isMac) {
    const own = `darwin-${arch}`;
    const strays = prebuilds.filter((d) => d !== own);
    if (strays.length) problems.push(`prebuilds for other systems or arches were packed: ${strays.join(', ')}`);
    if (existsSync(path.join(ptyDir, 'build'))) {
      problems.push('build/ was packed (a host build that node-pty would load before the prebuild)');
    }
    if (nativeDirFor(ptyDir, 'darwin', arch) !== `prebuilds/${own}`) {
      problems.push(`prebuilds/${own}/pty.node is missing`);
    }
    if (!existsSync(path.join(ptyDir, 'prebuilds', own, 'spawn-helper'))) {
      problems.push(`prebuilds/${own}/spawn-helper is missing`);
    }
  } else {
    if (prebuilds.length) problems.push(`prebuilds were packed (${prebuilds.join(', ')}); Linux loads build/Release`);
    if (nativeDirFor(ptyDir, 'linux', arch) !== 'build/Release') {
      problems.push('build/Release/pty.node is missing: run `npm install` on this machine so node-pty compiles');
    }
  }
  for (const d of ['src', 'deps', 'third_party']) {
    if (existsSync(path.join(ptyDir, d))) problems.push(`${d}/ was packed`);
  }
  if (problems.length) {
    throw new Error(
      `node-pty in ${ptyDir} is not what a ${platform}-${arch} package needs:\n  ${problems.join('\n  ')}\n` +
        'Fix the node-pty patterns in electron-builder.yml (files, mac.files, linux.files).',
    );
  }
  const lines = [`loads ${nativeDirFor(ptyDir, isMac ? 'darwin' : 'linux', arch)}/pty.node`];
  for (const r of repairSpawnHelpers(ptyDir)) {
    lines.push(`${path.relative(ptyDir, r.file)}: mode ${modeString(r.from)} -> ${modeString(r.to)}`);
  }
  for (const h of inspectSpawnHelpers(ptyDir)) lines.push(`${h.dir}/spawn-helper is mode ${modeString(h.mode)}`);
  return lines;
}

/**
 * One line on how electron-builder will sign this mac bundle next (from the merged mac options), so a
 * build log - and the packaging tests - show which identity and entitlements a build uses.
 */
export function describeMacSigning(mac) {
  let identity = 'Developer ID from the keychain or CSC_LINK';
  if (mac.identity === '-') identity = 'ad-hoc ("-")';
  else if (mac.identity === null) identity = 'none (signing skipped)';
  else if (mac.identity) identity = `"${mac.identity}"`;
  return [
    `identity ${identity}`,
    `required ${mac.forceCodeSigning === true ? 'yes' : 'no'}`,
    `hardened runtime ${mac.hardenedRuntime === false ? 'off' : 'on'}`,
    `entitlements ${mac.entitlements ?? 'default'}`,
    `inherit ${mac.entitlementsInherit ?? 'default'}`,
    `notarize ${mac.notarize === false ? 'off' : 'when APPLE_* credentials are set'}`,
  ].join(', ');
}

/** The hook electron-builder calls (context: AfterPackContext). */
export default async function afterPack(context) {
  // electron-builder passes the arch as its Arch enum (a number); the enum maps it back to a name.
  const { Arch } = createRequire(import.meta.url)('electron-builder');
  const arch = Arch[context.arch];
  if (arch === 'universal') {
    throw new Error('universal mac builds are not supported: each arch package carries its own node-pty prebuild');
  }
  const resourcesDir = context.packager.getResourcesDir(context.appOutDir);
  const lines = await checkPackagedNodePty({ resourcesDir, platform: context.electronPlatformName, arch });
  for (const line of lines) console.log(`  • afterPack node-pty  ${line}`);
  if (context.electronPlatformName === 'darwin') {
    console.log(`  • afterPack signing  ${describeMacSigning(context.packager.platformSpecificBuildOptions)}`);
  }
}
