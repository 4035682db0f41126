// A real `electron-builder --mac dir` run for each arch (offline, on a skeleton Electron), and what is in
// the ClawMedic.app it produces: Info.plist, app.asar, app.asar.unpacked/node_modules/node-pty, icon, and
// the signing setup a Mac would apply next (signing itself only runs on macOS: docs/macos-checklist.md).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeElectronDist, MAC_HELPERS } from './electron-dist.js';
import { expectedAppFiles, nodePtyLib, pkg, trayFilesInUse } from './expected.js';
import {
  asarFiles,
  asarUnpacked,
  build,
  ELECTRON_VERSION,
  expectSuccess,
  machOArch,
  readPlist,
  ROOT,
  type BuildResult,
} from './harness.js';

const ARCHES = ['arm64', 'x64'] as const;
/**
 * On a Mac electron-builder would really sign, and the skeleton Electron cannot be signed (nor should a
 * developer's keychain decide the result): there the runs skip signing explicitly, and the checks of the
 * signing setup, which expect a release configuration, are skipped. CI runs on Linux, where they all run.
 */
const ON_MAC = process.platform === 'darwin';
const HOST_ARGS = ON_MAC ? ['-c.mac.identity=null', '-c.mac.forceCodeSigning=false'] : [];
const DEV_ONLY = ['electron', 'electron-builder', 'vitest', 'vite', 'typescript', 'playwright-core', '@resvg/resvg-js'];
const RELEASE_SIGNING =
  'identity Developer ID from the keychain or CSC_LINK, required yes, hardened runtime on, ' +
  'entitlements build/entitlements.mac.plist, inherit build/entitlements.mac.plist, ' +
  'notarize when APPLE_* credentials are set';

let work: string;
/** The runs by name: each arch's release build, and 'local' (arm64, dist.mjs --local). */
const runs = new Map<string, { result: BuildResult; workDir: string; arch: string }>();

/**
 * Three runs of 3-6 s each on an idle machine; a cold e2e toolchain install (the Node 24 that runs them,
 * when this Node is older) can take minutes more.
 */
const SETUP_TIMEOUT_MS = 600_000;

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'cm-pack-mac-'));
  const electronDist = makeElectronDist(work, 'mac', ELECTRON_VERSION);
  const plan = [
    ...ARCHES.map((arch) => ({ name: arch, arch, extra: [] as string[] })),
    { name: 'local', arch: 'arm64', extra: ['--local'] },
  ];
  // One at a time: two cores, and each run already keeps one busy.
  for (const { name, arch, extra } of plan) {
    const workDir = mkdtempSync(path.join(work, `${name}-`));
    const args = [...extra, '--mac', 'dir', `--${arch}`, `-c.electronDist=${electronDist}`, ...HOST_ARGS];
    runs.set(name, { result: await build({ args, workDir }), workDir, arch });
  }
}, SETUP_TIMEOUT_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** ClawMedic.app/Contents of a run: under mac-arm64/, and plain mac/ for x64 (electron-builder's default). */
function appDir(name: string): string {
  const { workDir, arch } = runs.get(name)!;
  return path.join(workDir, 'out', arch === 'x64' ? 'mac' : `mac-${arch}`, 'ClawMedic.app', 'Contents');
}

describe.each(ARCHES)('mac %s: electron-builder --mac dir', (arch) => {
  const contents = () => appDir(arch);
  const archive = () => path.join(contents(), 'Resources', 'app.asar');
  const unpackedPty = () => path.join(contents(), 'Resources', 'app.asar.unpacked', 'node_modules', 'node-pty');

  it('completes offline, runs the afterPack hook, and skips signing only because this is not a Mac', () => {
    const r = runs.get(arch)!.result;
    expectSuccess(r);
    expect(r.output).toContain(`afterPack node-pty  loads prebuilds/darwin-${arch}/pty.node`);
    expect(r.output).toContain(`afterPack node-pty  prebuilds/darwin-${arch}/spawn-helper is mode 755`);
    if (!ON_MAC) expect(r.output).toContain('skipped macOS application code signing  reason=supported only on macOS');
  });

  it('Info.plist: bundle id, a menu-bar app (LSUIElement), macOS 13 or later, the ClawMedic icon', () => {
    const info = readPlist(path.join(contents(), 'Info.plist'));
    expect(info).toMatchObject({
      CFBundleIdentifier: 'dev.clawmedic.app',
      CFBundleName: 'ClawMedic',
      CFBundleExecutable: 'ClawMedic',
      CFBundleShortVersionString: pkg.version,
      CFBundleIconFile: 'icon.icns',
      LSUIElement: true,
    });
    const [major] = String(info.LSMinimumSystemVersion).split('.').map(Number);
    expect(major, `LSMinimumSystemVersion ${String(info.LSMinimumSystemVersion)}`).toBeGreaterThanOrEqual(13);
    expect(info).toHaveProperty('ElectronAsarIntegrity');
    const icns = readFileSync(path.join(contents(), 'Resources', 'icon.icns'));
    expect(icns.equals(readFileSync(path.join(ROOT, 'build/icon.icns'))), 'icon.icns is build/icon.icns').toBe(true);
    expect(existsSync(path.join(contents(), 'Resources', 'electron.icns'))).toBe(false);
    expect(statSync(path.join(contents(), 'MacOS', 'ClawMedic')).mode & 0o111).toBe(0o111);
  });

  it('the helper apps are renamed and carry ClawMedic bundle ids', () => {
    for (const helper of MAC_HELPERS) {
      const name = helper.replace('Electron', 'ClawMedic');
      const info = readPlist(path.join(contents(), 'Frameworks', `${name}.app`, 'Contents', 'Info.plist'));
      expect(info.CFBundleExecutable, name).toBe(name);
      expect(String(info.CFBundleIdentifier), name).toMatch(/^dev\.clawmedic\.app\.helper/);
    }
  });

  it('app.asar: exactly the built main, preload, page, app icon and macOS tray icons (no tests, sources, maps)', () => {
    const files = asarFiles(archive());
    const app = files.filter((f) => !f.startsWith('node_modules/'));
    expect(app).toEqual(expectedAppFiles('darwin'));
    expect(app).toContain(pkg.main);
    expect(app).toContain('dist/preload/preload.cjs');
    expect(app).toContain('dist/renderer/index.html');
    for (const f of trayFilesInUse('darwin')) expect(app, f).toContain(f);
    const unwanted = /\.(map|ts|mts|cts)$|^(test|bench|main|renderer\/src|docs|scripts|\.git)\//;
    expect(files.filter((f) => unwanted.test(f))).toEqual([]);
  });

  it('app.asar: the production dependencies, and none of the development tools', () => {
    const files = new Set(asarFiles(archive()));
    for (const dep of Object.keys(pkg.dependencies)) {
      expect(files.has(`node_modules/${dep}/package.json`), dep).toBe(true);
    }
    for (const dev of DEV_ONLY) expect(files.has(`node_modules/${dev}/package.json`), dev).toBe(false);
  });

  it("node-pty: unpacked, with only this arch's prebuild (helper 0755, both binaries for this CPU)", () => {
    const inAsar = asarFiles(archive())
      .filter((f) => f.startsWith('node_modules/node-pty/'))
      .map((f) => f.replace('node_modules/node-pty/', ''));
    const own = [`prebuilds/darwin-${arch}/pty.node`, `prebuilds/darwin-${arch}/spawn-helper`];
    expect(inAsar).toEqual(['LICENSE', ...nodePtyLib(), 'package.json', ...own].sort());
    for (const f of inAsar) expect(asarUnpacked(archive(), `node_modules/node-pty/${f}`), f).toBe(true);
    for (const f of inAsar) expect(existsSync(path.join(unpackedPty(), f)), `${f} on disk`).toBe(true);
    expect(readdirSync(unpackedPty()).sort()).toEqual(['LICENSE', 'lib', 'package.json', 'prebuilds']);
    expect(readdirSync(path.join(unpackedPty(), 'prebuilds'))).toEqual([`darwin-${arch}`]);
    const helper = path.join(unpackedPty(), 'prebuilds', `darwin-${arch}`, 'spawn-helper');
    expect((statSync(helper).mode & 0o777).toString(8)).toBe('755');
    expect(machOArch(helper)).toBe(arch);
    expect(machOArch(path.join(unpackedPty(), 'prebuilds', `darwin-${arch}`, 'pty.node'))).toBe(arch);
  });

  it.skipIf(ON_MAC)('signing setup for a Mac: Developer ID required, hardened runtime, release entitlements', () => {
    expect(runs.get(arch)!.result.output).toContain(`afterPack signing  ${RELEASE_SIGNING}`);
    const ent = readPlist(path.join(ROOT, 'build/entitlements.mac.plist'));
    expect(ent).toEqual({ 'com.apple.security.cs.allow-jit': true });
  });
});

describe.skipIf(ON_MAC)('mac arm64 via `npm run dist:local` (dist.mjs --local)', () => {
  it('signs ad-hoc with the local entitlements and no notarization, the app being the same', () => {
    const r = runs.get('local')!.result;
    expectSuccess(r);
    expect(r.output).toContain(
      'afterPack signing  identity ad-hoc ("-"), required yes, hardened runtime on, ' +
        'entitlements build/entitlements.mac.local.plist, inherit build/entitlements.mac.local.plist, notarize off',
    );
    const local = appDir('local');
    const info = readPlist(path.join(local, 'Info.plist'));
    expect(info).toMatchObject({ CFBundleIdentifier: 'dev.clawmedic.app', LSUIElement: true });
    const release = asarFiles(path.join(appDir('arm64'), 'Resources', 'app.asar'));
    expect(asarFiles(path.join(local, 'Resources', 'app.asar'))).toEqual(release);
  });
});
