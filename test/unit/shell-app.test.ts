// The composition root (startShell) driven with stand-ins for Electron's modules: single instance, no
// Dock icon, tray actions reaching the engine, launch at login, power events, native messages, and the
// quit sequence (ask while a doctor runs, then stop the engine, then quit).
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { DoctorLive, Incident, Result, StatusSnapshot } from '../../common/contract.js';
import type { Message } from '../../main/engine/notify/policy.js';
import { startShell, type ElectronModules, type ShellDeps, type StartedEngine } from '../../main/shell/app.js';
import { memoryLogger } from '../../main/shell/log.js';
import { QUIT_BUTTONS } from '../../main/shell/lifecycle.js';
import { SettingsStore, type SettingsStoreOptions, type StoreLike } from '../../main/shell/settings-store.js';

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
function fakeElectron(
  opts: { lock?: boolean; dialogResponse?: number; packaged?: boolean; loginStatus?: string } = {},
) {
  const rec = {
    quit: 0,
    exit: [] as number[],
    dockHidden: 0,
    loginItem: [] as { openAtLogin: boolean }[],
    windows: [] as { options: unknown; urls: string[] }[],
    dialogs: [] as { message?: string; detail?: string; buttons?: string[]; parent: unknown; focusedFirst: boolean }[],
    focus: 0,
    beforeQuit: [] as boolean[],
    willQuit: 0,
    schemes: [] as unknown[],
    handlers: [] as string[],
    notifications: [] as { title: string; body: string }[],
    trays: [] as FakeTray[],
    menus: [] as MenuItemConstructorOptions[][],
  };
  const app = Object.assign(new EventEmitter(), {
    isPackaged: opts.packaged ?? true,
    dock: { hide: () => void rec.dockHidden++ },
    requestSingleInstanceLock: () => opts.lock ?? true,
    whenReady: () => Promise.resolve(),
    focus: () => void rec.focus++,
    getLoginItemSettings: () => ({
      openAtLogin: rec.loginItem.at(-1)?.openAtLogin ?? false,
      ...(opts.loginStatus ? { status: opts.loginStatus } : {}),
    }),
    setLoginItemSettings: (s: { openAtLogin: boolean }) => void rec.loginItem.push(s),
    // Electron's sequence: before-quit, then will-quit, each may be prevented.
    quit() {
      rec.quit++;
      const e = {
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      };
      app.emit('before-quit', e);
      rec.beforeQuit.push(e.defaultPrevented);
      if (e.defaultPrevented) return;
      const w = {
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      };
      app.emit('will-quit', w);
      if (!w.defaultPrevented) rec.willQuit++;
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
    isVisible = () => true;
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
    shell: { openExternal: () => Promise.resolve(undefined) },
    dialog: {
      showMessageBox: (...args: unknown[]) => {
        const o = args.at(-1) as { message?: string; detail?: string; buttons?: string[] };
        rec.dialogs.push({ ...o, parent: args.length > 1 ? args[0] : null, focusedFirst: rec.focus > 0 });
        return Promise.resolve({ response: opts.dialogResponse ?? 0, checkboxChecked: false });
      },
      showErrorBox: () => undefined,
    },
    defaultSession: () => session,
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => void rec.schemes.push(...s),
      handle: (scheme: string) => void rec.handlers.push(scheme),
    },
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
    checkNow: vi.fn(() => Promise.resolve({})),
    restartNow: vi.fn((): Promise<Result> =>
      Promise.resolve({ ok: false, message: 'Restart limit reached (6 per hour).' }),
    ),
    startDoctor: vi.fn(() => Promise.resolve(ok)),
    stopDoctor: vi.fn(() => Promise.resolve(ok)),
    pause: vi.fn(),
    resume: vi.fn(),
    notifySuspend: vi.fn(),
    notifyResume: vi.fn(),
    listIncidents: vi.fn((): Promise<Incident[]> => Promise.resolve([])),
    stop: vi.fn(() => Promise.resolve(undefined)),
    interruptSync: vi.fn(),
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

/**
 * A settings store over a plain JSON file, reading and writing through the options' (de)serializer as
 * electron-store does (its behaviour itself is tested in shell-settings-store).
 */
function jsonStore(options: SettingsStoreOptions): StoreLike {
  const file = path.join(options.cwd!, `${options.name}.${options.fileExtension}`);
  const read = () => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // Missing file: empty settings, as electron-store reports it.
      return {};
    }
    return options.deserialize!(text);
  };
  return {
    path: file,
    get store() {
      return read();
    },
    set store(value) {
      writeFileSync(file, options.serialize!(value));
    },
  };
}

interface StartOptions {
  status?: StatusSnapshot;
  lock?: boolean;
  dialogResponse?: number;
  platform?: NodeJS.Platform;
  packaged?: boolean;
  loginStatus?: string;
  /** Resolves the login shell's environment; by default at once. */
  loginEnv?: () => Promise<NodeJS.ProcessEnv>;
}

function begin(opts: StartOptions = {}) {
  const fe = fakeElectron(opts);
  const en = fakeEngine(opts.status ?? statusOf());
  const log = memoryLogger();
  let hooks: Parameters<ShellDeps['createEngine']>[1] | null = null;
  const started = { engine: en.engine, start: vi.fn(() => Promise.resolve({ interrupted: [], cleaned: [] })) };
  const deps: ShellDeps = {
    electron: fe.E,
    loginEnv: opts.loginEnv ?? (() => Promise.resolve({ PATH: '/opt/homebrew/bin:/usr/bin' })),
    createEngine: (_file, h) => {
      hooks = h;
      return Promise.resolve(started as unknown as StartedEngine);
    },
    openSettingsStore: jsonStore,
    windowState: { get: () => undefined, set: () => undefined },
    paths: { rendererDir: dir, preloadFile: path.join(dir, 'preload.cjs'), assetsDir: '/assets' },
    env: { CLAWMEDIC_CONFIG: path.join(dir, 'settings.json') },
    platform: opts.platform ?? 'darwin',
    log,
  };
  const running = startShell(deps);
  return { fe, en, log, started, deps, running, hooks: () => hooks! };
}

async function start(opts: StartOptions = {}) {
  const { fe, en, log, started, running, hooks } = begin(opts);
  const shell = await running;
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
  return { ...fe, ...en, started, shell, log, hooks, click, menuItem };
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
    expect(s.rec.trays[0]!.images.at(-1)).toBe(path.join('/assets', 'tray', 'healthyTemplate.png'));
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
    expect(s.rec.dialogs.at(-1)).toMatchObject({
      message: 'The gateway was not restarted',
      detail: 'Restart limit reached (6 per hour).',
    });
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
      webPreferences: {
        preload: path.join(dir, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
      },
    });
  });

  it('Launch at login writes the setting to the settings file and registers the login item', async () => {
    const s = await start();
    s.click('Launch at login');
    expect(JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8'))).toEqual({ app: { launchAtLogin: true } });
    expect(s.rec.loginItem.at(-1)).toEqual({ openAtLogin: true });
    expect(s.menuItem('Launch at login').checked).toBe(true);
  });

  it('hands the engine its electron-store over the settings file: the one reader and writer of it', async () => {
    const s = await start();
    const settings = s.hooks().settings;
    expect(settings).toBeInstanceOf(SettingsStore);
    expect(settings.file).toBe(path.join(dir, 'settings.json'));
    await settings.save({ app: { launchAtLogin: true } });
    expect(JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8'))).toEqual({ app: { launchAtLogin: true } });
  });

  it("Launch at login is never registered from a checkout (it would be node_modules' Electron.app)", async () => {
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ app: { launchAtLogin: true } }));
    const s = await start({ packaged: false });
    expect(s.rec.loginItem).toEqual([]);
    expect(s.menuItem('Launch at login (installed app only)').enabled).toBe(false);
  });

  it('Launch at login waiting for approval in System Settings says so and opens the right pane', async () => {
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ app: { launchAtLogin: true } }));
    const opened: string[] = [];
    const s = await start({ loginStatus: 'requires-approval' });
    (s.E.shell as unknown as { openExternal: (u: string) => Promise<void> }).openExternal = (u) => {
      opened.push(u);
      return Promise.resolve();
    };
    s.click('Allow in System Settings › Login Items…');
    expect(opened).toEqual(['x-apple.systempreferences:com.apple.LoginItems-Settings.extension']);
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
    expect(s.rec.quit).toBe(1);
    expect(s.rec.beforeQuit).toEqual([false]);
    expect(s.engine.interruptSync).not.toHaveBeenCalled();
  });

  it(
    'quitting while a doctor runs: asks; "Keep Running" cancels, "Stop the ' + 'Doctor and Quit" stops and quits',
    async () => {
      const keep = await start({ status: statusOf({ state: 'recovering', doctor }), dialogResponse: 1 });
      keep.click('Quit ClawMedic');
      await settle();
      expect(keep.rec.dialogs.at(-1)?.buttons).toEqual([...QUIT_BUTTONS]);
      // No Dock icon: the app comes to the front before asking, or the question hides behind other apps.
      expect(keep.rec.dialogs.at(-1)?.focusedFirst).toBe(true);
      expect(keep.engine.stop).not.toHaveBeenCalled();
      expect(keep.rec.quit).toBe(0);

      const stop = await start({ status: statusOf({ state: 'recovering', doctor }), dialogResponse: 0 });
      stop.click('Quit ClawMedic');
      await settle();
      expect(stop.engine.stop).toHaveBeenCalledWith('quit');
      expect(stop.rec.quit).toBe(1);
    },
  );

  it('a quit the system starts (log out) is never prevented: the engine stops synchronously', async () => {
    const s = await start({ status: statusOf({ state: 'recovering', doctor }), dialogResponse: 1 });
    s.app.quit();
    expect(s.rec.beforeQuit).toEqual([false]);
    expect(s.rec.willQuit).toBe(1);
    expect(s.rec.dialogs).toHaveLength(0);
    expect(s.engine.interruptSync).toHaveBeenCalledWith(expect.stringMatching(/quit with the system/));
  });

  it('on system shutdown: delays it (preventDefault), no question, stops the engine, quits', async () => {
    const s = await start({ status: statusOf({ state: 'recovering', doctor }), dialogResponse: 1 });
    const e = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    s.powerMonitor.emit('shutdown', e);
    await settle();
    expect(e.prevented).toBe(true);
    expect(s.rec.dialogs).toHaveLength(0);
    expect(s.engine.stop).toHaveBeenCalledWith('quit');
    expect(s.rec.quit).toBe(1);
    expect(s.rec.beforeQuit).toEqual([false]);
  });

  it('re-opening the app (Finder, Spotlight: activate) or a second launch shows the window', async () => {
    const s = await start();
    s.app.emit('activate');
    expect(s.rec.windows).toHaveLength(1);
    expect(s.rec.windows[0]!.urls.at(-1)).toBe('clawmedic://app/index.html#/');
    s.app.emit('second-instance');
    expect(s.rec.windows).toHaveLength(1);
  });

  it('a re-open during start-up is answered once the window can be shown', async () => {
    let release!: (env: NodeJS.ProcessEnv) => void;
    const b = begin({ loginEnv: () => new Promise((r) => (release = r)) });
    await settle();
    b.fe.app.emit('activate');
    expect(b.fe.rec.windows).toHaveLength(0);
    release({ PATH: '/usr/bin' });
    await b.running;
    expect(b.fe.rec.windows).toHaveLength(1);
  });

  it('the tray comes first, in the checking shape, before the login shell answers', async () => {
    let release!: (env: NodeJS.ProcessEnv) => void;
    const b = begin({ loginEnv: () => new Promise((r) => (release = r)) });
    await settle();
    expect(b.fe.rec.trays).toHaveLength(1);
    expect(b.fe.rec.trays[0]!.images[0]).toBe(path.join('/assets', 'tray', 'checkingTemplate.png'));
    expect(b.fe.rec.trays[0]!.tooltip).toBe('ClawMedic · Reading your login shell…');
    expect(b.hooks()).toBeNull();
    release({ PATH: '/opt/homebrew/bin:/usr/bin', CUSTOM: '1' });
    await b.running;
    // The engine gets the login shell's environment.
    expect(b.hooks().env).toEqual({ PATH: '/opt/homebrew/bin:/usr/bin', CUSTOM: '1' });
    expect(b.fe.rec.trays[0]!.images.at(-1)).toBe(path.join('/assets', 'tray', 'healthyTemplate.png'));
  });

  it('serves the page from its own scheme, registered before the app is ready', async () => {
    const s = await start();
    expect(s.rec.schemes).toEqual([
      { scheme: 'clawmedic', privileges: expect.objectContaining({ standard: true, secure: true }) as unknown },
    ]);
    expect(s.rec.handlers).toEqual(['clawmedic']);
  });

  it('the tray follows engine events', async () => {
    const s = await start();
    s.set(statusOf({ state: 'restarting', reason: 'restart attempt 1 of 2' }));
    s.emit({
      type: 'state',
      state: 'restarting',
      previous: 'failing',
      reason: 'restart attempt 1 of 2',
      at: new Date().toISOString(),
    });
    expect(s.rec.trays[0]!.images.at(-1)).toBe(path.join('/assets', 'tray', 'restarting-0Template.png'));
    expect(s.menuItem('Restart gateway').enabled).toBe(false);
  });
});
