// electron-store with our options is the CLI's settings file: same path, same schema, same layout,
// private permissions, and a broken file is never wiped. Tested with `conf`, the library electron-store
// extends (electron-store itself cannot load outside Electron: it imports electron at load time).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings, saveSettings, settingsFilePath } from '../../main/engine/settings/index.js';
import { SettingsStore, settingsStoreOptions, type SettingsStoreOptions, type StoreLike } from '../../main/shell/settings-store.js';

// conf is electron-store's own dependency (not ours): resolve it from there, as electron-store does.
const requireFromStore = createRequire(path.resolve(__dirname, '..', '..', 'node_modules', 'electron-store', 'index.js'));
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
    expect(JSON.parse(text)).toEqual({ gateway: { url: 'http://127.0.0.1:18789', checkIntervalSec: 15 }, app: { launchAtLogin: true } });
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
