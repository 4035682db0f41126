// Real electron-builder runs for Linux (offline, on a skeleton Electron): `--linux dir`, and `--linux deb`
// with a stand-in fpm that records what electron-builder asks it to package (fpm itself is downloaded from
// GitHub). What is checked: the app, the white tray icons, node-pty's Linux build, and that the deb keeps
// Chromium's sandbox on Ubuntu 24.04+ through electron-builder's AppArmor profile instead of --no-sandbox.
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeElectronDist } from './electron-dist.js';
import { expectedAppFiles, nodePtyLib, trayFilesInUse } from './expected.js';
import {
  asarFiles,
  asarUnpacked,
  binaryKind,
  build,
  ELECTRON_VERSION,
  expectSuccess,
  ROOT,
  type BuildResult,
} from './harness.js';

/**
 * Linux packages carry the node-pty that `npm install` compiled on the build machine, and on a Mac
 * electron-builder fetches Linux tools for a deb: these runs only make sense on Linux (where CI runs).
 */
const ON_LINUX = process.platform === 'linux';

let work: string;
let dirRun: { result: BuildResult; out: string };
let debRun: { result: BuildResult; out: string; record: string };

/** Two runs of 3-6 s each, plus a possible cold install of the Node that runs them (see mac.test.ts). */
const SETUP_TIMEOUT_MS = 600_000;

beforeAll(async () => {
  if (!ON_LINUX) return;
  work = mkdtempSync(path.join(os.tmpdir(), 'cm-pack-linux-'));
  const electronDist = makeElectronDist(work, 'linux', ELECTRON_VERSION);
  const dirWork = mkdtempSync(path.join(work, 'dir-'));
  dirRun = {
    result: await build({ args: ['--linux', 'dir', `-c.electronDist=${electronDist}`], workDir: dirWork }),
    out: path.join(dirWork, 'out'),
  };
  const debWork = mkdtempSync(path.join(work, 'deb-'));
  // A copy with its mode set here, so a checkout that lost the file's execute bit does not matter.
  const fpm = path.join(debWork, 'fpm');
  copyFileSync(path.join(ROOT, 'test/packaging/fake-fpm.cjs'), fpm);
  chmodSync(fpm, 0o755);
  const record = path.join(debWork, 'fpm-record');
  const env = { CUSTOM_FPM_PATH: fpm, FAKE_FPM_RECORD: record };
  debRun = {
    result: await build({ args: ['--linux', 'deb', `-c.electronDist=${electronDist}`], workDir: debWork, env }),
    out: path.join(debWork, 'out'),
    record,
  };
}, SETUP_TIMEOUT_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.runIf(ON_LINUX)('linux: electron-builder --linux dir', () => {
  const unpacked = () => path.join(dirRun.out, 'linux-unpacked');
  const archive = () => path.join(unpacked(), 'resources', 'app.asar');

  it('completes offline, with the afterPack hook checking node-pty', () => {
    expectSuccess(dirRun.result);
    expect(dirRun.result.output).toContain('afterPack node-pty  loads build/Release/pty.node');
  });

  it('the executable is named clawmedic; chrome-sandbox is not setuid in the package', () => {
    expect(statSync(path.join(unpacked(), 'clawmedic')).mode & 0o111).toBe(0o111);
    expect(existsSync(path.join(unpacked(), 'electron'))).toBe(false);
    expect(statSync(path.join(unpacked(), 'chrome-sandbox')).mode & 0o7777).toBe(0o755);
  });

  it('app.asar: the same app as on macOS, with the white Linux tray icons instead of the template ones', () => {
    const app = asarFiles(archive()).filter((f) => !f.startsWith('node_modules/'));
    expect(app).toEqual(expectedAppFiles('linux'));
    for (const f of trayFilesInUse('linux')) expect(app, f).toContain(f);
    expect(app.filter((f) => f.startsWith('assets/tray/'))).toEqual([]);
  });

  it('node-pty: unpacked with the build/Release binary compiled here, and no prebuilds', () => {
    const inAsar = asarFiles(archive())
      .filter((f) => f.startsWith('node_modules/node-pty/'))
      .map((f) => f.replace('node_modules/node-pty/', ''));
    expect(inAsar).toEqual(['LICENSE', 'build/Release/pty.node', ...nodePtyLib(), 'package.json'].sort());
    for (const f of inAsar) expect(asarUnpacked(archive(), `node_modules/node-pty/${f}`), f).toBe(true);
    const pty = path.join(unpacked(), 'resources/app.asar.unpacked/node_modules/node-pty');
    expect(readdirSync(pty).sort()).toEqual(['LICENSE', 'build', 'lib', 'package.json']);
    expect(binaryKind(path.join(pty, 'build/Release/pty.node'))).toBe('ELF');
  });
});

describe.runIf(ON_LINUX)('linux: electron-builder --linux deb (fpm stood in for)', () => {
  const args = () => JSON.parse(readFileSync(path.join(debRun.record, 'args.json'), 'utf8')) as string[];

  it('completes offline and hands fpm the app for /opt/ClawMedic, recommending tmux', () => {
    expectSuccess(debRun.result);
    const a = args();
    expect(a.slice(0, 5)).toEqual(['-s', 'dir', '--force', '-t', 'deb']);
    expect(a).toContain(`${path.join(debRun.out, 'linux-unpacked')}/=/opt/ClawMedic`);
    expect(a[a.indexOf('--deb-recommends') + 1]).toBe('tmux');
    expect(a[a.indexOf('--name') + 1]).toBe('clawmedic');
    expect(existsSync(a[a.indexOf('--package') + 1]!)).toBe(true);
  });

  it('ships an AppArmor profile that lets exactly the installed executable use user namespaces', () => {
    const profile = readFileSync(path.join(debRun.out, 'linux-unpacked/resources/apparmor-profile'), 'utf8');
    expect(profile).toContain('profile "clawmedic" "/opt/ClawMedic/clawmedic" flags=(unconfined)');
    expect(profile).toMatch(/^\s*userns,$/m);
    // The path it names is where the deb puts the app's executable (linux-unpacked/ becomes /opt/ClawMedic).
    expect(existsSync(path.join(debRun.out, 'linux-unpacked/clawmedic'))).toBe(true);
  });

  it("installs and loads the profile after install, removes it on uninstall (electron-builder's own scripts)", () => {
    const install = readFileSync(path.join(debRun.record, 'after-install'), 'utf8');
    expect(install).toContain("APPARMOR_PROFILE_SOURCE='/opt/ClawMedic/resources/apparmor-profile'");
    expect(install).toContain("APPARMOR_PROFILE_TARGET='/etc/apparmor.d/clawmedic'");
    expect(install).toContain('apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"');
    // setuid chrome-sandbox only where user namespaces do not work at all.
    const userns = 'if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then';
    expect(install).toContain(userns);
    expect(install.slice(install.indexOf(userns)).split('\n').slice(1, 4).join('\n')).toMatch(/chmod 4755/);
    const remove = readFileSync(path.join(debRun.record, 'after-remove'), 'utf8');
    expect(remove).toContain("APPARMOR_PROFILE_DEST='/etc/apparmor.d/clawmedic'");
    expect(remove).toContain('apparmor_parser --remove "$APPARMOR_PROFILE_DEST"');
  });

  it('the desktop entry starts the app with its sandbox (no --no-sandbox)', () => {
    const desktop = readFileSync(path.join(debRun.record, 'app.desktop'), 'utf8');
    expect(desktop).toMatch(/^Exec=\/opt\/ClawMedic\/clawmedic %U$/m);
    expect(desktop).not.toContain('--no-sandbox');
  });
});
