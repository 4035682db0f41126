// The composition root (startShell) driven with stand-ins for Electron's modules: single instance, no
// Dock icon, tray actions reaching the engine, launch at login, power events, native messages, and the
// quit sequence (ask while a doctor runs, then stop the engine, then quit).
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { DoctorLive, Incident, Result, StatusSnapshot } from '../../preload/contract.js';
import type { Message } from '../../main/engine/notify/policy.js';
import { startShell, type ElectronModules, type ShellDeps, type StartedEngine } from '../../main/shell/app.js';
import { memoryLogger } from '../../main/shell/log.js';
import { QUIT_BUTTONS } from '../../main/shell/lifecycle.js';
import type { SettingsStoreOptions, StoreLike } from '../../main/shell/settings-store.js';

function statusOf(over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    state: 'healthy',
    since: new Date().toISOString(),
    reason: '',
    lastCheck: null,
    consecutiveFailures: 0,
    pausedUntil: null,
    openIncidentId: null,
    doctor: null,
    gatewayUrl: 'http://127.0.0.1:18789',
    settingsProblems: [],
    ...over,
  };
}

const doctor: DoctorLive = {
  incidentId: 'inc-1',
  agent: 'claude',
  sessionName: 'clawmedic-inc-1',
  attachCommand: 'tmux attach',
  startedAt: new Date().toISOString(),
  deadline: new Date(Date.now() + 1_800_000).toISOString(),
  takenOver: false,
  needsApproval: false,
};

/** Every Electron module startShell touches, recording what it was asked to do. */
function fakeElectron(opts: { lock?: boolean; dialogResponse?: number } = {}) {
  const rec = {
    quit: 0,
    exit: [] as number[],
    dockHidden: 0,
    loginItem: [] as { openAtLogin: boolean }[],
    windows: [] as { options: unknown; urls: string[] }[],
    dialogs: [] as { message?: string; detail?: string; buttons?: string[] }[],
    notifications: [] as { title: string; body: string }[],
    trays: [] as FakeTray[],
    menus: [] as MenuItemConstructorOptions[][],
  };
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    dock: { hide: () => void rec.dockHidden++ },
    requestSingleInstanceLock: () => opts.lock ?? true,
    whenReady: () => Promise.resolve(),
    focus: () => undefined,
    getLoginItemSettings: () => ({ openAtLogin: rec.loginItem.at(-1)?.openAtLogin ?? false }),
    setLoginItemSettings: (s: { openAtLogin: boolean }) => void rec.loginItem.push(s),
    quit() {
      rec.quit++;
      const e = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
      app.emit('before-quit', e);
    },
    exit: (code: number) => void rec.exit.push(code),
  });
  class FakeTray extends EventEmitter {
    images: string[] = [];
    tooltip = '';
    constructor(image: string) {
      super();
      this.images.push(image);
      rec.trays.push(this);
    }
    setImage(i: string) {
      this.images.push(i);
    }
    setToolTip(t: string) {
      this.tooltip = t;
    }
    setContextMenu() {}
    popUpContextMenu() {}
    destroy() {}
  }
  class FakeWindow extends EventEmitter {
    record: { options: unknown; urls: string[] };
    webContents = Object.assign(new EventEmitter(), { getURL: () => this.record.urls.at(-1) ?? '' });
    constructor(options: unknown) {
      super();
      this.record = { options, urls: [] };
      rec.windows.push(this.record);
    }
    loadURL(url: string) {
      this.record.urls.push(url);
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isMinimized = () => false;
    show() {}
    focus() {}
    close() {}
    getNormalBounds = () => ({ x: 0, y: 0, width: 900, height: 600 });
  }
  class FakeNotification extends EventEmitter {
    static isSupported = () => true;
    constructor(private readonly o: { title: string; body: string }) {
      super();
    }
    show() {
      rec.notifications.push({ title: this.o.title, body: this.o.body });
    }
  }
  const powerMonitor = new EventEmitter();
  const session = {
    setPermissionRequestHandler() {},
    setPermissionCheckHandler() {},
    webRequest: { onHeadersReceived() {} },
  };
  const E = {
    app,
    BrowserWindow: FakeWindow,
    Tray: FakeTray,
    Menu: { buildFromTemplate: (t: MenuItemConstructorOptions[]) => (rec.menus.push(t), { template: t }) },
    Notification: FakeNotification,
    ipcMain: { handle() {}, on() {}, removeHandler() {}, removeAllListeners() {} },
    powerMonitor,
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1440, height: 900 } }] },
    shell: { openExternal: async () => undefined },
    dialog: {
      showMessageBox: async (o: { message?: string; detail?: string; buttons?: string[] }) => {
        rec.dialogs.push(o);
        return { response: opts.dialogResponse ?? 0, checkboxChecked: false };
      },
      showErrorBox: () => undefined,
    },
    defaultSession: () => session,
  };
  return { E: E as unknown as ElectronModules, rec, app, powerMonitor };
}

function fakeEngine(initial: StatusSnapshot) {
  let status = initial;
  const listeners = new Set<(e: unknown) => void>();
  const ok: Result = { ok: true, value: undefined };
  const engine = {
    on: (l: (e: unknown) => void) => (listeners.add(l), () => listeners.delete(l)),
    status: () => status,
    checkNow: vi.fn(async () => ({})),
    restartNow: vi.fn(async (): Promise<Result> => ({ ok: false, message: 'Restart limit reached (6 per hour).' })),
    startDoctor: vi.fn(async () => ok),
    stopDoctor: vi.fn(async () => ok),
    pause: vi.fn(),
    resume: vi.fn(),
    notifySuspend: vi.fn(),
    notifyResume: vi.fn(),
    listIncidents: vi.fn(async (): Promise<Incident[]> => []),
    stop: vi.fn(async () => undefined),
    terminal: { subscribe: () => ({ ack() {}, close() {} }) },
  };
  return {
    engine,
    set: (s: StatusSnapshot) => (status = s),
    emit: (e: unknown) => listeners.forEach((l) => l(e)),
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'clawmedic-shell-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A settings store over a plain JSON file (electron-store's behaviour is tested in shell-settings-store). */
function jsonStore(options: SettingsStoreOptions): StoreLike {
  const file = path.join(options.cwd!, `${options.name}.${options.fileExtension}`);
  const read = () => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      // Missing file: empty settings, as electron-store reports it.
      return {};
    }
  };
  return {
    path: file,
    get store() {
      return read();
    },
    set(key: string, value: unknown) {
      const s = read();
      const [a, b] = key.split('.') as [string, string];
      s[a] = { ...(s[a] as object), [b]: value };
      writeFileSync(file, JSON.stringify(s));
    },
  };
}

async function start(opts: { status?: StatusSnapshot; lock?: boolean; dialogResponse?: number; platform?: NodeJS.Platform } = {}) {
  const fe = fakeElectron(opts);
  const en = fakeEngine(opts.status ?? statusOf());
  const log = memoryLogger();
  let hooks: { onNativeMessage: (m: Message) => void } | null = null;
  const started = { engine: en.engine, start: vi.fn(async () => ({ interrupted: [], cleaned: [] })) };
  const deps: ShellDeps = {
    electron: fe.E,
    createEngine: async (_file, h) => {
      hooks = h;
      return started as unknown as StartedEngine;
    },
    openSettingsStore: jsonStore,
    windowState: { get: () => undefined, set: () => undefined },
    paths: { rendererFile: path.join(dir, 'index.html'), preloadFile: path.join(dir, 'preload.cjs'), assetsDir: '/assets' },
    env: { CLAWMEDIC_CONFIG: path.join(dir, 'settings.json') },
    platform: opts.platform ?? 'darwin',
    log,
  };
  const shell = await startShell(deps);
  const menuItem = (label: string) => {
    const find = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions | undefined => {
      for (const i of items) {
        if (i.label === label) return i;
        const sub = Array.isArray(i.submenu) ? find(i.submenu) : undefined;
        if (sub) return sub;
      }
      return undefined;
    };
    const item = find(fe.rec.menus.at(-1) ?? []);
    if (!item) throw new Error(`no menu item "${label}"`);
    return item;
  };
  const click = (label: string) => (menuItem(label).click as () => void)();
  return { ...fe, ...en, started, shell, log, hooks: () => hooks!, click, menuItem };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('startShell', () => {
  it('a second instance hands over and quits without starting anything', async () => {
    const s = await start({ lock: false });
    expect(s.shell).toBeNull();
    expect(s.rec.quit).toBe(1);
    expect(s.rec.trays).toHaveLength(0);
    expect(s.started.start).not.toHaveBeenCalled();
  });

  it('starts as a menu-bar app: no Dock icon, a tray icon for the state, monitoring started', async () => {
    const s = await start();
    expect(s.rec.dockHidden).toBe(1);
    expect(s.rec.trays).toHaveLength(1);
    expect(s.rec.trays[0]!.images[0]).toBe(path.join('/assets', 'tray', 'healthyTemplate.png'));
    expect(s.rec.trays[0]!.tooltip).toMatch(/^ClawMedic · Healthy/);
    expect(s.started.start).toHaveBeenCalledTimes(1);
    // Closing the last window must not quit a menu-bar app.
    expect(s.app.listenerCount('window-all-closed')).toBe(1);
  });

  it('tray actions reach the engine; a refused action is explained in a dialog', async () => {
    const s = await start();
    s.click('Restart gateway');
    await settle();
    expect(s.engine.restartNow).toHaveBeenCalled();
    expect(s.rec.dialogs.at(-1)).toMatchObject({ message: 'The gateway was not restarted', detail: 'Restart limit reached (6 per hour).' });
    s.click('For 1 hour');
    expect(s.engine.pause).toHaveBeenCalledWith(60);
    s.click('Start doctor now');
    await settle();
    expect(s.engine.startDoctor).toHaveBeenCalled();
    // A started doctor opens the live terminal.
    expect(s.rec.windows).toHaveLength(1);
    expect(s.rec.windows[0]!.urls.at(-1)).toMatch(/#\/live$/);
    s.click('Settings…');
    expect(s.rec.windows).toHaveLength(1);
    expect(s.rec.windows[0]!.urls.at(-1)).toMatch(/#\/settings$/);
  });

  it('the window is created with the hardened options and the preload bundle', async () => {
    const s = await start();
    s.click('Incidents…');
    expect(s.rec.windows[0]!.options).toMatchObject({
      webPreferences: { preload: path.join(dir, 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
    });
  });

  it('Launch at login writes the setting to the settings file and registers the login item', async () => {
    const s = await start();
    s.click('Launch at login');
    expect(JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8'))).toEqual({ app: { launchAtLogin: true } });
    expect(s.rec.loginItem.at(-1)).toEqual({ openAtLogin: true });
    expect(s.menuItem('Launch at login').checked).toBe(true);
  });

  it('sleep and wake reach the engine; locking the screen does not', async () => {
    const s = await start();
    s.powerMonitor.emit('lock-screen');
    s.powerMonitor.emit('suspend');
    s.powerMonitor.emit('resume');
    s.powerMonitor.emit('unlock-screen');
    expect(s.engine.notifySuspend).toHaveBeenCalledTimes(1);
    expect(s.engine.notifyResume).toHaveBeenCalledTimes(1);
  });

  it("shows the notifier's messages natively (also those sent while the engine was starting)", async () => {
    const s = await start();
    const m: Message = {
      kind: 'down',
      incidentId: 'inc-7',
      title: 'OpenClaw gateway is down on mac',
      body: 'connection refused',
      severity: 'critical',
      dedupeKey: 'inc-7:down',
      at: new Date().toISOString(),
      host: 'mac',
    };
    s.hooks().onNativeMessage(m);
    expect(s.rec.notifications).toEqual([{ title: m.title, body: m.body }]);
  });

  it('quitting without a doctor: stops the engine, then quits', async () => {
    const s = await start();
    s.click('Quit ClawMedic');
    await settle();
    expect(s.rec.dialogs).toHaveLength(0);
    expect(s.engine.stop).toHaveBeenCalledWith('quit');
    expect(s.rec.quit).toBe(2);
  });

  it('quitting while a doctor runs: asks; "Keep Running" cancels, "Stop the Doctor and Quit" stops and quits', async () => {
    const keep = await start({ status: statusOf({ state: 'recovering', doctor }), dialogResponse: 1 });
    keep.click('Quit ClawMedic');
    await settle();
    expect(keep.rec.dialogs.at(-1)?.buttons).toEqual([...QUIT_BUTTONS]);
    expect(keep.engine.stop).not.toHaveBeenCalled();
    expect(keep.rec.quit).toBe(1);

    const stop = await start({ status: statusOf({ state: 'recovering', doctor }), dialogResponse: 0 });
    stop.click('Quit ClawMedic');
    await settle();
    expect(stop.engine.stop).toHaveBeenCalledWith('quit');
    expect(stop.rec.quit).toBe(2);
  });

  it('on system shutdown: no question, the engine is stopped', async () => {
    const s = await start({ status: statusOf({ state: 'recovering', doctor }), dialogResponse: 1 });
    s.powerMonitor.emit('shutdown');
    s.app.quit();
    await settle();
    expect(s.rec.dialogs).toHaveLength(0);
    expect(s.engine.stop).toHaveBeenCalled();
  });

  it('the tray follows engine events', async () => {
    const s = await start();
    s.set(statusOf({ state: 'restarting', reason: 'restart attempt 1 of 2' }));
    s.emit({ type: 'state', state: 'restarting', previous: 'failing', reason: 'restart attempt 1 of 2', at: new Date().toISOString() });
    expect(s.rec.trays[0]!.images.at(-1)).toBe(path.join('/assets', 'tray', 'restarting-0Template.png'));
    expect(s.menuItem('Restart gateway').enabled).toBe(false);
  });
});
