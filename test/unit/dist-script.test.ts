// scripts/dist.mjs (`npm run dist`, `npm run dist:local`): the electron-builder command line it builds,
// checked against electron-builder's own config loader and schema, and its notarization check.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { builderArgs, LOCAL_ARGS, nodeSupported, notarizationConfigured } from '../../scripts/dist.mjs';

const ROOT = path.resolve(__dirname, '..', '..');
const require = createRequire(import.meta.url);

type MacConfig = Record<string, unknown>;
const builderConfig = require(path.join(ROOT, 'node_modules/app-builder-lib/out/util/config/config.js')) as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<{ mac: MacConfig }>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require(path.join(ROOT, 'node_modules/builder-util')) as {
  DebugLogger: new (enabled: boolean) => unknown;
};

/** `-c.a.b=v` options as the object electron-builder's CLI turns them into. */
function cliConfig(args: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of args) {
    const m = /^-c\.([^=]+)=(.*)$/.exec(a);
    if (!m) continue;
    const keys = m[1]!.split('.');
    let at = out;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    at[keys.at(-1)!] = m[2] === 'false' ? false : m[2];
  }
  return out;
}

describe('dist.mjs', () => {
  it("release: the config as it is; --local adds the ad-hoc options in front of the caller's own", () => {
    expect(builderArgs(['--mac', 'dmg'])).toEqual(['--config', 'electron-builder.yml', '--mac', 'dmg']);
    const local = builderArgs(['--local', '--mac', 'dir']);
    expect(local).toEqual(['--config', 'electron-builder.yml', ...LOCAL_ARGS, '--mac', 'dir']);
  });

  it('--local: ad-hoc identity, its own entitlements, no notarization, and electron-builder accepts it', async () => {
    const cfg = await builderConfig.getConfig(ROOT, null, cliConfig(LOCAL_ARGS));
    await builderConfig.validateConfiguration(cfg, new DebugLogger(false));
    expect(cfg.mac).toMatchObject({
      identity: '-',
      entitlements: 'build/entitlements.mac.local.plist',
      entitlementsInherit: 'build/entitlements.mac.local.plist',
      notarize: false,
      // Still required and still hardened: the local build differs from a release only in its identity.
      forceCodeSigning: true,
      hardenedRuntime: true,
    });
    const plist = require(path.join(ROOT, 'node_modules/plist')) as { parse(s: string): Record<string, unknown> };
    const ent = plist.parse(readFileSync(path.join(ROOT, 'build/entitlements.mac.local.plist'), 'utf8'));
    expect(ent).toEqual({
      'com.apple.security.cs.allow-jit': true,
      'com.apple.security.cs.disable-library-validation': true,
    });
  });

  it('release: signing is required and the release entitlements are used', async () => {
    const cfg = await builderConfig.getConfig(ROOT, null, null);
    expect(cfg.mac.forceCodeSigning).toBe(true);
    expect(cfg.mac.identity).toBeUndefined();
    expect(cfg.mac.entitlements).toBe('build/entitlements.mac.plist');
  });

  it('knows when notarization credentials are complete', () => {
    expect(notarizationConfigured({})).toBe(false);
    expect(notarizationConfigured({ APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'p' })).toBe(false);
    expect(notarizationConfigured({ APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 't' })).toBe(true);
    expect(notarizationConfigured({ APPLE_API_KEY: 'k', APPLE_API_KEY_ID: 'i', APPLE_API_ISSUER: 's' })).toBe(true);
    expect(notarizationConfigured({ APPLE_KEYCHAIN_PROFILE: 'p' })).toBe(true);
  });
});

describe('dist.mjs and the Node.js version', () => {
  it('accepts 22.12 and later, refuses older ones', () => {
    for (const v of ['v22.12.0', '22.13.1', 'v23.0.0', 'v24.21.0', 'v30.1.2']) expect(nodeSupported(v), v).toBe(true);
    for (const v of ['v20.20.2', 'v22.11.9', '21.99.0', 'v18.0.0']) expect(nodeSupported(v), v).toBe(false);
  });

  const old = !nodeSupported(process.version);
  it.runIf(old)('on this Node (older than 22.12) it stops before electron-builder, saying why', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/dist.mjs'), '--linux', 'dir'], {
      encoding: 'utf8',
      // It refuses before loading electron-builder (well under a second); 20 s only guards against a hang.
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Node.js 22.12.0 or later is needed to package the app; this is ${process.version}`);
    expect(r.stderr).toContain('CLI itself still runs on Node 20.19+');
    expect(r.stdout).not.toContain('electron-builder');
  });
});

describe('package.json engines', () => {
  it('asks for what the toolchain needs: Node 22.12 (Electron 45, electron-builder 26)', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
      devDependencies: Record<string, string>;
    };
    expect(pkg.engines.node).toBe('>=22.12');
    // The same floor the Electron package itself declares.
    const electron = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as {
      engines: { node: string };
    };
    expect(electron.engines.node.replace(/\s/g, '')).toBe('>=22.12.0');
  });
});
