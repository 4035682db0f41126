// node-pty's spawn-helper modes: scripts/spawn-helper.mjs and the install-time fix that uses it
// (scripts/postinstall.mjs), on node-pty trees made here and on the installed node_modules/node-pty.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectSpawnHelpers, modeString, nativeDirFor, repairSpawnHelpers } from '../../scripts/spawn-helper.mjs';
import { fixSpawnHelpers } from '../../scripts/postinstall.mjs';

const ROOT = path.resolve(__dirname, '..', '..');
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A node-pty folder laid out like the published 1.1.0 package: both mac helpers at mode 0644. */
function fakeNodePty(opts: { release?: boolean } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cm-pty-'));
  dirs.push(dir);
  const put = (rel: string, mode: number) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), 'x');
    chmodSync(path.join(dir, rel), mode);
  };
  put('package.json', 0o644);
  for (const arch of ['arm64', 'x64']) {
    put(`prebuilds/darwin-${arch}/pty.node`, 0o644);
    put(`prebuilds/darwin-${arch}/spawn-helper`, 0o644);
  }
  put('prebuilds/win32-x64/pty.node', 0o644);
  if (opts.release) put('build/Release/pty.node', 0o755);
  return dir;
}

const modeOf = (f: string) => statSync(f).mode & 0o777;

describe('spawn-helper.mjs', () => {
  it('finds the mac helpers of a published node-pty as not executable, and repairs them to 755', () => {
    const dir = fakeNodePty();
    const before = inspectSpawnHelpers(dir);
    expect(before.map((h) => [h.dir, modeString(h.mode), h.executable])).toEqual([
      ['prebuilds/darwin-arm64', '644', false],
      ['prebuilds/darwin-x64', '644', false],
    ]);
    const repairs = repairSpawnHelpers(dir);
    expect(repairs.map((r) => [path.relative(dir, r.file), modeString(r.from), modeString(r.to)])).toEqual([
      ['prebuilds/darwin-arm64/spawn-helper', '644', '755'],
      ['prebuilds/darwin-x64/spawn-helper', '644', '755'],
    ]);
    expect(inspectSpawnHelpers(dir).every((h) => h.executable && h.mode === 0o755)).toBe(true);
    // Nothing left to do the second time.
    expect(repairSpawnHelpers(dir)).toEqual([]);
  });

  it('a helper executable by its owner only still counts as broken (the app may run as another user)', () => {
    const dir = fakeNodePty();
    chmodSync(path.join(dir, 'prebuilds/darwin-arm64/spawn-helper'), 0o744);
    expect(inspectSpawnHelpers(dir)[0]!.executable).toBe(false);
    repairSpawnHelpers(dir);
    expect(modeOf(path.join(dir, 'prebuilds/darwin-arm64/spawn-helper'))).toBe(0o755);
  });

  it('names the native folder node-pty loads: build/Release first, then the per-arch prebuild', () => {
    const dir = fakeNodePty();
    expect(nativeDirFor(dir, 'darwin', 'arm64')).toBe('prebuilds/darwin-arm64');
    expect(nativeDirFor(dir, 'linux', 'x64')).toBeNull();
    const withRelease = fakeNodePty({ release: true });
    expect(nativeDirFor(withRelease, 'darwin', 'arm64')).toBe('build/Release');
    expect(nativeDirFor(withRelease, 'linux', 'x64')).toBe('build/Release');
  });

  it('says what is wrong when the folder is not a node-pty package', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'cm-pty-'));
    dirs.push(empty);
    expect(() => inspectSpawnHelpers(empty)).toThrow(/no node-pty package at .*npm install/);
  });
});

describe('postinstall', () => {
  it('makes every helper executable and reports each one', () => {
    const dir = fakeNodePty();
    const lines = fixSpawnHelpers(dir);
    expect(lines).toEqual([
      'made prebuilds/darwin-arm64/spawn-helper executable (644 -> 755)',
      'made prebuilds/darwin-x64/spawn-helper executable (644 -> 755)',
    ]);
    const after = inspectSpawnHelpers(dir);
    expect(after).toHaveLength(2);
    expect(after.every((h) => h.executable)).toBe(true);
    expect(fixSpawnHelpers(dir)).toEqual([]);
  });

  it('runs as a script: fixes a given folder; warns but never fails the install when node-pty is missing', () => {
    const dir = fakeNodePty();
    const run = (arg: string) =>
      spawnSync(process.execPath, [path.join(ROOT, 'scripts/postinstall.mjs'), arg], {
        encoding: 'utf8',
        // It runs in well under a second; 20 s only guards against a hang on a loaded machine.
        timeout: 20_000,
      });
    const ok = run(dir);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('node-pty: made prebuilds/darwin-x64/spawn-helper executable (644 -> 755)');
    expect(modeOf(path.join(dir, 'prebuilds/darwin-x64/spawn-helper'))).toBe(0o755);
    const missing = run(path.join(dir, 'nope'));
    expect(missing.status).toBe(0);
    expect(missing.stderr).toMatch(/node-pty was not found at .*nope.*Run `npm install` again/);
  });

  it('ran on this install: package.json wires it up, and node_modules/node-pty has executable helpers', () => {
    // The published node-pty 1.1.0 tarball has both helpers at 0644; only the postinstall step changes that.
    const helpers = inspectSpawnHelpers(path.join(ROOT, 'node_modules/node-pty'));
    const mac = ['prebuilds/darwin-arm64', 'prebuilds/darwin-x64'];
    expect(helpers.map((h) => h.dir)).toEqual(expect.arrayContaining(mac));
    for (const h of helpers) expect(modeString(h.mode), h.dir).toBe('755');
  });
});
