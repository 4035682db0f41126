// The electron-builder afterPack hook (scripts/after-pack.mjs) on packaged trees made here: it repairs the
// helper's mode and refuses a package whose node-pty holds the wrong binaries. The real electron-builder
// run that calls it is in test/packaging/.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import afterPack, { checkPackagedNodePty, describeMacSigning } from '../../scripts/after-pack.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A resources folder whose app.asar.unpacked holds node-pty with the given files (mode 0644). */
function resources(files: string[]): { resourcesDir: string; pty: string } {
  const resourcesDir = mkdtempSync(path.join(os.tmpdir(), 'cm-afterpack-'));
  dirs.push(resourcesDir);
  const pty = path.join(resourcesDir, 'app.asar.unpacked/node_modules/node-pty');
  for (const rel of ['package.json', 'lib/index.js', ...files]) {
    mkdirSync(path.dirname(path.join(pty, rel)), { recursive: true });
    writeFileSync(path.join(pty, rel), 'x');
    chmodSync(path.join(pty, rel), 0o644);
  }
  return { resourcesDir, pty };
}

const MAC_ARM64 = ['prebuilds/darwin-arm64/pty.node', 'prebuilds/darwin-arm64/spawn-helper'];

describe('afterPack: node-pty in the package', () => {
  it('mac: makes the arch own spawn-helper executable and says so', async () => {
    const { resourcesDir, pty } = resources(MAC_ARM64);
    const lines = await checkPackagedNodePty({ resourcesDir, platform: 'darwin', arch: 'arm64' });
    expect(lines).toEqual([
      'loads prebuilds/darwin-arm64/pty.node',
      'prebuilds/darwin-arm64/spawn-helper: mode 644 -> 755',
      'prebuilds/darwin-arm64/spawn-helper is mode 755',
    ]);
    expect(statSync(path.join(pty, 'prebuilds/darwin-arm64/spawn-helper')).mode & 0o777).toBe(0o755);
  });

  it('mac: refuses other arches, Windows binaries, a host build and sources (they would be signed)', async () => {
    const { resourcesDir } = resources([
      ...MAC_ARM64,
      'prebuilds/darwin-x64/pty.node',
      'prebuilds/win32-x64/conpty.node',
      'build/Release/pty.node',
      'src/unixTerminal.ts',
    ]);
    const err = await checkPackagedNodePty({ resourcesDir, platform: 'darwin', arch: 'arm64' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toContain('not what a darwin-arm64 package needs');
    expect(msg).toContain('other systems or arches were packed: darwin-x64, win32-x64');
    expect(msg).toContain('build/ was packed');
    expect(msg).toContain('src/ was packed');
    expect(msg).toContain('Fix the node-pty patterns in electron-builder.yml');
  });

  it('mac: refuses a package without its own prebuild', async () => {
    const { resourcesDir } = resources(['prebuilds/darwin-x64/pty.node', 'prebuilds/darwin-x64/spawn-helper']);
    await expect(checkPackagedNodePty({ resourcesDir, platform: 'darwin', arch: 'arm64' })).rejects.toThrow(
      /prebuilds\/darwin-arm64\/pty\.node is missing/,
    );
  });

  it('linux: wants build/Release and no prebuilds', async () => {
    const linux = (files: string[]) =>
      checkPackagedNodePty({ resourcesDir: resources(files).resourcesDir, platform: 'linux', arch: 'x64' });
    await expect(linux(['build/Release/pty.node'])).resolves.toEqual(['loads build/Release/pty.node']);
    await expect(linux(['prebuilds/darwin-x64/pty.node'])).rejects.toThrow(
      /prebuilds were packed \(darwin-x64\)[\s\S]*build\/Release\/pty\.node is missing/,
    );
  });

  it('says asarUnpack is the cause when node-pty is not unpacked at all', async () => {
    const resourcesDir = mkdtempSync(path.join(os.tmpdir(), 'cm-afterpack-'));
    dirs.push(resourcesDir);
    await expect(checkPackagedNodePty({ resourcesDir, platform: 'darwin', arch: 'x64' })).rejects.toThrow(/asarUnpack/);
  });

  it('as the hook: takes the arch and resources folder from electron-builder context', async () => {
    const { resourcesDir, pty } = resources(MAC_ARM64);
    const seen: string[] = [];
    // builder-util's Arch enum: 3 is arm64.
    await afterPack({
      arch: 3,
      appOutDir: '/out/mac-arm64',
      electronPlatformName: 'darwin',
      packager: { getResourcesDir: (d) => (seen.push(d), resourcesDir), platformSpecificBuildOptions: {} },
    });
    expect(seen).toEqual(['/out/mac-arm64']);
    expect(statSync(path.join(pty, 'prebuilds/darwin-arm64/spawn-helper')).mode & 0o777).toBe(0o755);
    const packager = { getResourcesDir: () => resourcesDir, platformSpecificBuildOptions: {} };
    await expect(afterPack({ arch: 4, appOutDir: '/x', electronPlatformName: 'darwin', packager })).rejects.toThrow(
      /universal/,
    );
  });
});

describe('afterPack: the signing line in the build log', () => {
  it('tells a release build from an ad-hoc one', () => {
    const release = describeMacSigning({
      forceCodeSigning: true,
      hardenedRuntime: true,
      entitlements: 'build/entitlements.mac.plist',
      entitlementsInherit: 'build/entitlements.mac.plist',
    });
    expect(release).toBe(
      'identity Developer ID from the keychain or CSC_LINK, required yes, hardened runtime on, ' +
        'entitlements build/entitlements.mac.plist, inherit build/entitlements.mac.plist, ' +
        'notarize when APPLE_* credentials are set',
    );
    const local = describeMacSigning({ identity: '-', notarize: false, entitlements: 'x.plist' });
    expect(local).toMatch(/^identity ad-hoc \("-"\), required no, hardened runtime on, entitlements x\.plist/);
    expect(local).toMatch(/notarize off$/);
    expect(describeMacSigning({ identity: null })).toMatch(/^identity none \(signing skipped\)/);
  });
});
