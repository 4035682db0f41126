// electron-store with our options is the CLI's settings file (same path, schema and layout, private
// permissions, a broken file never wiped), and the app's engine reads and saves only through it. Tested with
// `conf`, the library electron-store extends (electron-store itself cannot load outside Electron: it imports
// electron at load time).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine.js';
import {
  defaultSettings,
  loadSettings,
  saveSettings,
  SettingsError,
  settingsFilePath,
} from '../../main/engine/settings/index.js';
import {
  SettingsStore,
  settingsStoreOptions,
  type SettingsStoreOptions,
  type StoreLike,
} from '../../main/shell/settings-store.js';

// conf is electron-store's own dependency (not ours): resolve it from there, as electron-store does.
const requireFromStore = createRequire(
  path.resolve(__dirname, '..', '..', 'node_modules', 'electron-store', 'index.js'),
);
const confEntry = pathToFileURL(requireFromStore.resolve('conf')).href;

type ConfCtor = new (o: Record<string, unknown>) => StoreLike;
let Conf: ConfCtor;

/** What electron-store does with its options before handing them to conf. */
function open(options: SettingsStoreOptions): StoreLike {
  const { name, ...rest } = options as SettingsStoreOptions & { name: string };
  return new Conf({ ...rest, configName: name });
}

let dir: string;
beforeEach(async () => {
  Conf = ((await import(confEntry)) as { default: ConfCtor }).default;
  dir = mkdtempSync(path.join(os.tmpdir(), 'clawmedic-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('settings store options', () => {
  it('resolve to exactly the file the CLI reads (default, CLAWMEDIC_CONFIG, odd names)', () => {
    const files = [
      settingsFilePath(undefined, { HOME: dir }),
      settingsFilePath(undefined, { CLAWMEDIC_CONFIG: path.join(dir, 'custom.json') }),
      path.join(dir, 'sub', 'my.settings.json'),
      path.join(dir, 'no-extension'),
    ];
    for (const file of files) {
      const o = settingsStoreOptions(file);
      expect(o.clearInvalidConfig).toBe(false);
      if (!file.startsWith(dir)) continue; // the default lives in the real home: do not touch it
      expect(open(o).path).toBe(file);
    }
  });

  it('read what the CLI wrote, and write what the CLI then reads, in the same layout, 0600', async () => {
    const file = path.join(dir, 'settings.json');
    await saveSettings(file, { gateway: { url: 'http://127.0.0.1:18789', checkIntervalSec: 15 } });
    const store = new SettingsStore(file, open);
    expect(store.shellSettings()).toEqual({ launchAtLogin: false, nativeNotifications: true, problem: null });

    expect(store.setLaunchAtLogin(true)).toEqual({ ok: true, value: undefined });
    const text = readFileSync(file, 'utf8');
    // Only the changed key was added: defaults are not frozen into the user's file.
    expect(JSON.parse(text)).toEqual({
      gateway: { url: 'http://127.0.0.1:18789', checkIntervalSec: 15 },
      app: { launchAtLogin: true },
    });
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await loadSettings(file)).settings.app.launchAtLogin).toBe(true);
    expect(store.shellSettings().launchAtLogin).toBe(true);
  });

  it('create a missing folder private (0700)', () => {
    const file = path.join(dir, 'fresh', 'settings.json');
    const store = new SettingsStore(file, open);
    expect(store.setLaunchAtLogin(true).ok).toBe(true);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ app: { launchAtLogin: true } });
  });

  it('never wipe or rewrite a broken file; report it instead', () => {
    const file = path.join(dir, 'settings.json');
    for (const broken of ['{ "gateway": { "url": 5 } }', '{ "bogus": true }', '{ not json']) {
      writeFileSync(file, broken);
      const store = new SettingsStore(file, open);
      const s = store.shellSettings();
      expect(s.problem, broken).toMatch(/cannot read/);
      expect(s.launchAtLogin).toBe(false);
      const r = store.setLaunchAtLogin(true);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/nothing was changed/);
      expect(readFileSync(file, 'utf8')).toBe(broken);
    }
  });

  it('refuse a change when the file breaks a rule only the engine checks (semantics), naming it', () => {
    const file = path.join(dir, 'settings.json');
    // Schema-valid, semantically wrong: the agent list names a profile that does not exist.
    const content = JSON.stringify({ doctor: { agents: ['ghost'] } });
    writeFileSync(file, content);
    const r = new SettingsStore(file, open).setLaunchAtLogin(true);
    expect(r).toMatchObject({ ok: false, problems: [expect.objectContaining({ path: 'doctor.agents.0' })] });
    expect(readFileSync(file, 'utf8')).toBe(content);
  });

  it('see a file that became readable again (opened lazily, retried)', () => {
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, '{ oops');
    const store = new SettingsStore(file, open);
    expect(store.shellSettings().problem).not.toBeNull();
    writeFileSync(file, JSON.stringify({ notify: { native: false } }));
    expect(store.shellSettings()).toEqual({ launchAtLogin: false, nativeNotifications: false, problem: null });
    expect(existsSync(file)).toBe(true);
  });
});

describe('the engine reading and saving through electron-store', () => {
  /** Opens conf as electron-store does, counting the writes that go through it. */
  function counting() {
    const counter = { writes: 0 };
    const openCounting = (options: SettingsStoreOptions): StoreLike => {
      const inner = open(options);
      return {
        path: inner.path,
        get store() {
          return inner.store;
        },
        set store(value) {
          counter.writes++;
          inner.store = value;
        },
      };
    };
    return { counter, openCounting };
  }

  it('loads the defaults for a missing file, and the file with defaults filled in otherwise', async () => {
    const file = path.join(dir, 'settings.json');
    const store = new SettingsStore(file, open);
    expect(await store.load()).toEqual({ file, exists: false, settings: defaultSettings() });
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, JSON.stringify({ gateway: { checkIntervalSec: 15 } }));
    const r = await store.load();
    expect(r.exists).toBe(true);
    expect(r.settings.gateway).toMatchObject({ checkIntervalSec: 15, url: 'http://127.0.0.1:18789' });
    // Reading never writes: the file keeps exactly what the user wrote.
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ gateway: { checkIntervalSec: 15 } }));
  });

  it("names every problem of a broken file by key path (not conf's one-line schema violation)", async () => {
    const file = path.join(dir, 'settings.json');
    const broken = { gateway: { url: 5, checkIntervalSec: 0 }, bogus: true, doctor: { agents: ['x'] } };
    writeFileSync(file, JSON.stringify(broken));
    const store = new SettingsStore(file, open);
    const err = await store.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SettingsError);
    expect((err as SettingsError).problems).toEqual([
      { path: 'bogus', message: expect.stringMatching(/^unknown key/) as unknown },
      { path: 'gateway.url', message: 'must be string' },
      { path: 'gateway.checkIntervalSec', message: 'must be >= 1' },
      { path: 'doctor.agents.0', message: expect.stringMatching(/names profile "x"/) as unknown },
    ]);
    writeFileSync(file, '{ "gateway": ');
    await expect(store.load()).rejects.toMatchObject({
      problems: [{ path: '(file)', message: expect.stringMatching(/not valid JSON/) as unknown }],
    });
    // Valid shape, broken cross-field rule: the engine refuses it too (the shell still reads its two keys).
    writeFileSync(file, JSON.stringify({ doctor: { agents: ['ghost'] }, app: { launchAtLogin: true } }));
    await expect(store.load()).rejects.toMatchObject({ problems: [{ path: 'doctor.agents.0' }] });
    expect(store.shellSettings()).toEqual({ launchAtLogin: true, nativeNotifications: true, problem: null });
  });

  it('saves only valid settings, as given, and moves a broken file aside before writing', async () => {
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, '{ half-edited');
    const store = new SettingsStore(file, open);
    await expect(store.save({ gateway: { failureThreshold: 0 } })).rejects.toMatchObject({
      problems: [{ path: 'gateway.failureThreshold', message: 'must be >= 1' }],
    });
    expect(readFileSync(file, 'utf8')).toBe('{ half-edited');
    const saved = await store.save({ gateway: { failureThreshold: 4 } }, new Date('2026-11-25T12:00:00Z'));
    expect(saved.gateway.failureThreshold).toBe(4);
    expect(readFileSync(`${file}.broken-2026-11-25T12-00-00-000Z`, 'utf8')).toBe('{ half-edited');
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify({ gateway: { failureThreshold: 4 } }, null, 2)}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await loadSettings(file)).settings.gateway.failureThreshold).toBe(4);
  });

  it("is the only way the app's engine touches the file: loading, saving, reloading", async () => {
    const file = path.join(dir, 'settings.json');
    const dataDir = path.join(dir, 'data');
    writeFileSync(file, JSON.stringify({ dataDir }));
    const { counter, openCounting } = counting();
    const store = new SettingsStore(file, openCounting);
    const engine = await Engine.create({ settingsFile: file, settingsSource: store, doctorFactory: null });
    try {
      expect(engine.settings.dataDir).toBe(dataDir);
      const r = await engine.saveSettings({ dataDir, gateway: { checkIntervalSec: 45 } });
      expect(r).toEqual({ ok: true, value: undefined });
      expect(counter.writes).toBe(1);
      expect(engine.settings.gateway.checkIntervalSec).toBe(45);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ dataDir, gateway: { checkIntervalSec: 45 } });
      const refused = await engine.saveSettings({ dataDir, gateway: { checkIntervalSec: 'often' } });
      expect(refused).toMatchObject({
        ok: false,
        problems: [{ path: 'gateway.checkIntervalSec', message: 'must be number' }],
      });
      expect(counter.writes).toBe(1);
      // "Launch at login" writes through the same store, and the engine reads it back through it.
      expect(store.setLaunchAtLogin(true)).toEqual({ ok: true, value: undefined });
      expect(counter.writes).toBe(2);
      expect((await store.load()).settings.app.launchAtLogin).toBe(true);
    } finally {
      await engine.stop('test over');
    }
  });

  it("refuses a source for another file than the engine's", async () => {
    const store = new SettingsStore(path.join(dir, 'a.json'), open);
    const create = Engine.create({
      settingsFile: path.join(dir, 'b.json'),
      settingsSource: store,
      doctorFactory: null,
    });
    await expect(create).rejects.toThrow(/settings source reads .*a\.json, not .*b\.json/);
  });
});
