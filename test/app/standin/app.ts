// Stand-in for Electron's `app` on macOS: ready, the single-instance lock, paths, focus and the Dock, login
// items (with macOS 13's `status`), app events the OS sends (activate, second-instance), and the quit
// sequence: quit() emits before-quit → (windows close) → will-quit → quit, honouring preventDefault on each,
// and the OS drives the very same sequence at logout or shut-down. exit(code) skips all of it.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { standinConfig } from './config.js';
import { note, preventable, problem, provide, record, recordFlushed } from './control.js';
import type { LoginItemStatus, QuitCause } from './wire.js';

/** What the app needs of each open window (window.ts registers them): quitting closes them all. */
export interface WindowParticipant {
  isVisible(): boolean;
  /** Closes the window as quitting does ('close' may be prevented): true when it closed. */
  closeForQuit(): boolean;
  /** Gone without events (exit). */
  destroyQuietly(): void;
}

const cfg = standinConfig();

interface PackageJson {
  name: string;
  productName?: string;
  version: string;
}

function readPackage(): PackageJson {
  return JSON.parse(readFileSync(path.join(cfg.appPath, 'package.json'), 'utf8')) as PackageJson;
}

export class StandinApp extends EventEmitter {
  readonly isPackaged = cfg.isPackaged;
  /** How many times app.focus() was called: dialogs record whether the app came forward before them. */
  focusCount = 0;
  private readyFlag = false;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private name: string;
  private readonly version: string;
  private readonly paths = new Map<string, string>();
  private windows: () => WindowParticipant[] = () => [];
  private quitting = false;
  private inBeforeQuit = false;
  private exiting = false;
  private loginItem: { openAtLogin: boolean; status: LoginItemStatus } = {
    openAtLogin: cfg.loginItemStatus === 'enabled',
    status: cfg.loginItemStatus,
  };
  private dockVisible = true;

  readonly dock = {
    hide: (): void => {
      this.dockVisible = false;
      record('app.dock', { call: 'hide' });
    },
    show: (): Promise<void> =>
      new Promise((resolve) => {
        this.dockVisible = true;
        record('app.dock', { call: 'show' });
        resolve();
      }),
    isVisible: (): boolean => this.dockVisible,
    setIcon: (): void => undefined,
    setBadge: (): void => undefined,
    getBadge: (): string => '',
    setMenu: (): void => undefined,
    bounce: (): number => 0,
    cancelBounce: (): void => undefined,
  };

  readonly commandLine = {
    appendSwitch: (): void => undefined,
    appendArgument: (): void => undefined,
    hasSwitch: (): boolean => false,
    getSwitchValue: (): string => '',
    removeSwitch: (): void => undefined,
  };

  constructor() {
    super();
    const pkg = readPackage();
    this.name = pkg.productName ?? pkg.name;
    this.version = pkg.version;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    // Electron is ready once the main script's first turn has run (so it can still register schemes).
    setImmediate(() => {
      this.readyFlag = true;
      record('app.ready', {});
      this.emit('will-finish-launching');
      this.markReady();
      this.emit('ready', preventable(), {});
    });
  }

  /** window.ts hands over its list of open windows (quitting closes them). */
  trackWindows(list: () => WindowParticipant[]): void {
    this.windows = list;
  }

  hasVisibleWindows(): boolean {
    return this.windows().some((w) => w.isVisible());
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  isReady(): boolean {
    return this.readyFlag;
  }

  getAppPath(): string {
    return cfg.appPath;
  }

  getName(): string {
    return this.name;
  }

  setName(name: string): void {
    this.name = name;
  }

  getVersion(): string {
    return this.version;
  }

  getLocale(): string {
    return 'en-US';
  }

  getSystemLocale(): string {
    return 'en-US';
  }

  /** macOS locations, under the stand-in home. */
  getPath(name: string): string {
    const own = this.paths.get(name);
    if (own) return own;
    const lib = path.join(cfg.home, 'Library');
    const appData = path.join(lib, 'Application Support');
    const known: Record<string, string> = {
      home: cfg.home,
      appData,
      userData: path.join(appData, this.name),
      sessionData: path.join(appData, this.name),
      temp: process.env.TMPDIR ?? '/tmp',
      logs: path.join(lib, 'Logs', this.name),
      desktop: path.join(cfg.home, 'Desktop'),
      documents: path.join(cfg.home, 'Documents'),
      downloads: path.join(cfg.home, 'Downloads'),
      exe: process.execPath,
      module: process.execPath,
    };
    const p = known[name];
    if (!p) throw new Error(`Failed to get '${name}' path`);
    return p;
  }

  setPath(name: string, p: string): void {
    this.paths.set(name, p);
  }

  requestSingleInstanceLock(): boolean {
    record('app.single-instance-lock', { granted: cfg.singleInstanceLock });
    return cfg.singleInstanceLock;
  }

  hasSingleInstanceLock(): boolean {
    return cfg.singleInstanceLock;
  }

  releaseSingleInstanceLock(): void {
    note('app.releaseSingleInstanceLock()');
  }

  focus(options?: { steal?: boolean }): void {
    this.focusCount += 1;
    record('app.focus', { steal: options?.steal === true });
  }

  hide(): void {
    note('app.hide()');
  }

  show(): void {
    note('app.show()');
  }

  setActivationPolicy(policy: string): void {
    note(`app.setActivationPolicy(${policy})`);
  }

  setAboutPanelOptions(): void {
    // Only shapes the About panel, which no scenario opens.
  }

  setAppUserModelId(): void {
    // Windows only.
  }

  relaunch(): void {
    note('app.relaunch()');
  }

  /** macOS 13+: SMAppService status; openAtLogin is true only once it is enabled. */
  getLoginItemSettings(): Record<string, unknown> {
    record('app.login-item-read', { status: this.loginItem.status, openAtLogin: this.loginItem.openAtLogin });
    return {
      openAtLogin: this.loginItem.openAtLogin,
      openAsHidden: false,
      wasOpenedAtLogin: false,
      wasOpenedAsHidden: false,
      restoreState: false,
      status: this.loginItem.status,
      executableWillLaunchAtLogin: false,
      launchItems: [],
    };
  }

  setLoginItemSettings(settings: { openAtLogin?: boolean }): void {
    if (settings.openAtLogin === true) this.loginItem.status = cfg.loginItemApproval;
    else if (settings.openAtLogin === false) this.loginItem.status = 'not-registered';
    this.loginItem.openAtLogin = this.loginItem.status === 'enabled';
    record('app.login-item-set', { openAtLogin: settings.openAtLogin ?? null, status: this.loginItem.status });
  }

  quit(): void {
    this.runQuit('app');
  }

  /** Exits at once: no before-quit, will-quit or window close events. */
  exit(code = 0): void {
    void this.finish(code, 'exit');
  }

  /** The quit sequence, started by the app (quit()) or by the OS (logout, shut down). */
  runQuit(by: QuitCause): void {
    // A quit() from inside a before-quit listener, or while windows close, joins the running sequence.
    if (this.inBeforeQuit || this.quitting || this.exiting) return;
    record('app.quit-requested', { by });
    const before = preventable();
    this.inBeforeQuit = true;
    try {
      this.emit('before-quit', before);
    } finally {
      this.inBeforeQuit = false;
    }
    record('app.before-quit', { by, prevented: before.defaultPrevented });
    if (before.defaultPrevented) return this.cancelled(by, 'before-quit');
    this.quitting = true;
    for (const w of this.windows()) {
      if (!w.closeForQuit()) {
        this.quitting = false;
        return this.cancelled(by, 'window-close');
      }
    }
    // Electron closes the windows asynchronously and emits will-quit once they are all gone.
    setImmediate(() => {
      const will = preventable();
      this.emit('will-quit', will);
      record('app.will-quit', { by, prevented: will.defaultPrevented });
      if (will.defaultPrevented) {
        this.quitting = false;
        return this.cancelled(by, 'will-quit');
      }
      this.emit('quit', preventable(), 0);
      void this.finish(0, 'quit');
    });
  }

  private cancelled(by: QuitCause, at: 'before-quit' | 'window-close' | 'will-quit'): void {
    record('app.quit-cancelled', { by, at });
  }

  private async finish(code: number, how: 'quit' | 'exit'): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    for (const w of this.windows()) w.destroyQuietly();
    await recordFlushed('app.exit', { code, how });
    process.exit(code);
  }
}

export const app = new StandinApp();

provide({
  emitAppEvent(event, argv) {
    record('app.event', { event });
    if (event === 'activate') app.emit('activate', preventable(), app.hasVisibleWindows());
    else app.emit('second-instance', preventable(), argv, cfg.home, {});
  },
  osQuit() {
    app.runQuit('os');
  },
});

// Electron reports an exception or rejection nobody caught and keeps running; here it also fails the scenario.
process.on('uncaughtException', (err) => problem(`uncaught exception in the app: ${err.stack ?? String(err)}`));
process.on('unhandledRejection', (reason) => {
  const what = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
  problem(`unhandled promise rejection in the app: ${what}`);
});
