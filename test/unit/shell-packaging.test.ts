// Packaging and launching without running Electron: electron-builder.yml checked by electron-builder's
// own loader and schema, the entitlements, the sandbox-ready preload bundle, and `npm start`'s message
// where the Electron binary is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const require = createRequire(import.meta.url);

interface BuilderConfig {
  [key: string]: unknown;
  mac: Record<string, unknown> & {
    target: { target: string; arch: string[] }[];
    extendInfo: Record<string, unknown>;
    files: string[];
  };
  linux: Record<string, unknown> & { target: string[]; files: string[] };
  files: { filter: string[] }[];
  asarUnpack: string[];
}

// electron-builder's own config loader and validator (what `electron-builder` runs first), used directly.
const builderConfig = require(path.join(ROOT, 'node_modules/app-builder-lib/out/util/config/config.js')) as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<BuilderConfig>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require(path.join(ROOT, 'node_modules/builder-util')) as {
  DebugLogger: new (enabled: boolean) => unknown;
};
const yaml = require(path.join(ROOT, 'node_modules/js-yaml')) as { load(text: string): unknown };

describe('electron-builder.yml', () => {
  it('passes electron-builder validation and sets what a menu-bar app needs', async () => {
    const cfg = await builderConfig.getConfig(ROOT, null, null);
    await builderConfig.validateConfiguration(cfg, new DebugLogger(false));

    expect(cfg.mac.target).toEqual([
      { target: 'dmg', arch: ['arm64', 'x64'] },
      { target: 'zip', arch: ['arm64', 'x64'] },
    ]);
    expect(cfg.mac.extendInfo.LSUIElement).toBe(true);
    // Electron 45 needs macOS 13; a lower LSMinimumSystemVersion lets macOS 12 start an app that then fails.
    expect(cfg.mac.minimumSystemVersion).toBe('13.0');
    expect(cfg.mac.hardenedRuntime).toBe(true);
    expect(cfg.mac.entitlements).toBe('build/entitlements.mac.plist');
    // No AppImage: it cannot keep Chromium's sandbox on Ubuntu 24.04+ (see the comment in the file).
    expect(cfg.linux.target).toEqual(['deb']);
    // The deb's after-install script and AppArmor profile are electron-builder's own (they keep the sandbox).
    expect(cfg.deb).not.toHaveProperty('afterInstall');
    expect(cfg.linux).not.toHaveProperty('appArmorProfile');
    expect(cfg.linux).not.toHaveProperty('executableArgs');
    expect(cfg.asarUnpack).toContain('node_modules/node-pty/**');
    // Native modules are not rebuilt in place (see the comment in the file).
    expect(cfg.npmRebuild).toBe(false);
    expect(cfg.buildDependenciesFromSource).toBe(false);
    // The hook that makes node-pty's spawn-helper executable in the package (see scripts/after-pack.mjs).
    expect(cfg.afterPack).toBe('./scripts/after-pack.mjs');
    expect(existsSync(path.join(ROOT, cfg.afterPack as string))).toBe(true);

    for (const p of [cfg.mac.icon, cfg.linux.icon, cfg.mac.entitlements, cfg.mac.entitlementsInherit]) {
      expect(existsSync(path.join(ROOT, p as string)), String(p)).toBe(true);
    }
    // What the app loads at run time is packaged: main entry, preload bundle, page, tray icons.
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/shell/main.js');
    const common = cfg.files.flatMap((f) => f.filter);
    expect(common).toEqual(
      expect.arrayContaining(['package.json', 'dist/main/**', 'dist/preload/**', 'dist/renderer/**']),
    );
    // Each platform brings its own tray icons: macOS template images, white ones for Linux panels.
    expect(cfg.mac.files).toContain('assets/tray/**');
    expect(cfg.linux.files).toContain('assets/tray-linux/**');
  });

  it('every platform `files` list has an include pattern (exclusions alone make electron-builder pack all)', () => {
    // electron-builder prepends `**/*` to a platform file list holding only `!` patterns: the whole
    // checkout (sources, tests, .git) then lands in app.asar. test/packaging/ looks inside the real asar.
    const raw = yaml.load(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<
      string,
      { files?: unknown }
    >;
    for (const p of ['mac', 'linux']) {
      const files = raw[p]?.files;
      expect(Array.isArray(files), `${p}.files`).toBe(true);
      const strings = (files as unknown[]).filter((f): f is string => typeof f === 'string');
      expect(
        strings.some((f) => !f.startsWith('!')),
        `${p}.files has an include pattern`,
      ).toBe(true);
    }
  });

  it('a misspelled option is rejected (the validation above can fail)', async () => {
    const cfg = await builderConfig.getConfig(ROOT, null, null);
    const broken = { ...cfg, mac: { ...cfg.mac, hardenedRuntim: true } };
    await expect(builderConfig.validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/configuration/i);
  });

  it('entitlements: a valid plist allowing the JIT only, no App Sandbox', () => {
    const plist = require(path.join(ROOT, 'node_modules/plist')) as { parse(s: string): Record<string, unknown> };
    const ent = plist.parse(readFileSync(path.join(ROOT, 'build/entitlements.mac.plist'), 'utf8'));
    expect(ent).toEqual({ 'com.apple.security.cs.allow-jit': true });
  });
});

describe('preload bundle', () => {
  it('is one CommonJS file that requires nothing but electron (what a sandboxed preload can load)', async () => {
    const { buildPreload } = (await import(path.join(ROOT, 'scripts/build-preload.mjs'))) as {
      buildPreload: (o: { quiet: boolean }) => Promise<string>;
    };
    const out = await buildPreload({ quiet: true });
    expect(out).toBe(path.join(ROOT, 'dist/preload/preload.cjs'));
    const code = readFileSync(out, 'utf8');
    const requires = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(requires).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).toContain('exposeInMainWorld("clawmedic"');
    // The operation table travels with it: the bridge's methods and channels come from it.
    expect(code).toContain('terminalAck');
    expect(code).toContain('clawmedic:');
  }, 60_000);
});

describe('npm start without the Electron binary', () => {
  it('explains what is missing and what to run instead, before building anything', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'clawmedic-no-electron-'));
    try {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
        cwd: ROOT,
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('cannot start: The Electron binary is not installed');
      expect(r.stderr).toContain('npx install-electron');
      expect(r.stderr).toContain('npm run demo');
      expect(r.stderr).toContain('npx clawmedic watch --dashboard');
      expect(r.stdout).toBe('');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
