// The menu-bar app: hosts the engine and wires it to the tray, the window, IPC, native notifications,
// power events, login items and quitting. Every Electron module comes in through `deps` (as `menubar`
// takes `app`), so this file imports nothing from electron at run time and type-checks against it.
//
// Start-up order (what a person sees): the tray icon first, in its "checking" shape, so a click gets an
// answer at once; then the login shell's environment (bounded, see login-shell.ts); then the engine.
import type {
  App,
  BrowserWindow as BrowserWindowClass,
  Dialog,
  IpcMain,
  Menu as MenuClass,
  MessageBoxOptions,
  MessageBoxReturnValue,
  Notification as NotificationClass,
  PowerMonitor,
  Protocol,
  Screen,
  Session,
  Shell,
  Tray as TrayClass,
} from 'electron';
import path from 'node:path';
import type { Incident, Result, StatusSnapshot } from '../../common/contract.js';
import type { EngineApi } from '../engine/engine-api.js';
import type { Message } from '../engine/notify/policy.js';
import { checkPtyHelper, findPtyDir } from '../engine/pty-check.js';
import { settingsFilePath, type SettingsSource } from '../engine/settings/index.js';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './app-protocol.js';
import { AppWindow, hardenContents, hardenSession } from './app-window.js';
import { registerIpc, type IpcRouter as IpcRegistration } from './ipc-router.js';
import type { TrustedOrigins } from './ipc-validate.js';
import {
  defaultView,
  ENGINE_STOP_TIMEOUT_MS,
  LOGIN_ITEMS_SETTINGS_URL,
  loginItemState,
  powerAction,
  quitChoice,
  quitPlan,
  type PowerEvent,
} from './lifecycle.js';
import type { Logger } from './log.js';
import { NativeNotifier } from './notifications.js';
import { SettingsStore, type SettingsStoreOptions, type StoreLike } from './settings-store.js';
import { TrayController } from './tray-controller.js';
import { trayIconFile, trayModel, type TrayAction, type TrayInput } from './tray-model.js';
import { contentSecurityPolicy, devServerOrigin, type Bounds, type View } from './window-options.js';

export interface ElectronModules {
  app: App;
  BrowserWindow: typeof BrowserWindowClass;
  Tray: typeof TrayClass;
  Menu: typeof MenuClass;
  Notification: typeof NotificationClass;
  ipcMain: IpcMain;
  powerMonitor: PowerMonitor;
  protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  screen: Screen;
  shell: Shell;
  dialog: Dialog;
  defaultSession: () => Session;
}

export interface StartedEngine {
  engine: EngineApi;
  /** Cleans up what a crashed run left and starts monitoring; returns incidents it marked interrupted. */
  start(): Promise<{ interrupted: Incident[]; cleaned: string[] }>;
}

export interface ShellDeps {
  electron: ElectronModules;
  /** The environment for the engine: the login shell's (bounded in time; never throws). */
  loginEnv: () => Promise<NodeJS.ProcessEnv>;
  /**
   * Builds the engine. `onNativeMessage` must receive every message the engine's notifier lets
   * through (NotifierOptions.onMessage: deduplicated, not while paused, redacted). `settings` is the
   * app's electron-store over `settingsFile`: the engine must read and save its settings through it.
   */
  createEngine: (
    settingsFile: string,
    hooks: {
      env: NodeJS.ProcessEnv;
      onNativeMessage: (message: Message) => void;
      settings: SettingsSource;
      packaged: boolean;
    },
  ) => Promise<StartedEngine>;
  /** `new ElectronStore(options)` for the settings file: the app's one reader and writer of it. */
  openSettingsStore: (options: SettingsStoreOptions) => StoreLike;
  /** Remembered window bounds (a separate store in the app's userData folder: not a setting). */
  windowState: { get(): unknown; set(bounds: Bounds): void };
  paths: {
    /** dist/renderer: served as clawmedic://app/ */
    rendererDir: string;
    /** dist/preload/preload.cjs */
    preloadFile: string;
    /** The folder holding tray/ and icon.png */
    assetsDir: string;
  };
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  log: Logger;
}

export interface RunningShell {
  showView(view: View): void;
  quit(): void;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * node-pty's spawn-helper, checked at start-up (pty-check.ts): repaired in a checkout, reported in an
 * installed app (whose files are sealed by its signature), so the cause is named before a doctor needs it.
 */
function ptySelfCheck(platform: NodeJS.Platform, packaged: boolean, log: Logger): void {
  const dir = findPtyDir();
  if (!dir)
    return log.warn('node-pty is not installed: the live terminal will be unavailable (the doctor still runs in tmux)');
  const r = checkPtyHelper({ ptyDir: dir, platform, repair: !packaged });
  if (r.status === 'repaired') log.info(r.message);
  else if (r.status === 'broken' || r.status === 'missing') log.warn(r.message);
}

/** The status the tray shows before the engine exists. */
function startingStatus(): StatusSnapshot {
  return {
    state: 'starting',
    since: new Date().toISOString(),
    reason: 'ClawMedic is starting',
    lastCheck: null,
    consecutiveFailures: 0,
    pausedUntil: null,
    openIncidentId: null,
    doctor: null,
    gatewayUrl: '',
    settingsProblems: [],
  };
}

export async function startShell(deps: ShellDeps): Promise<RunningShell | null> {
  const { electron: E, log } = deps;
  const { app } = E;

  // A second launch hands over to the first (which shows its window) and leaves.
  if (!app.requestSingleInstanceLock()) {
    log.info('ClawMedic is already running; showing its window instead');
    app.quit();
    return null;
  }
  // Must happen before 'ready': the page's scheme gets a real origin (app-protocol.ts).
  E.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  // Until the window can be shown, a second launch or a re-open from Finder is remembered, not lost.
  let showDefault: (() => void) | null = null;
  let pendingShow = false;
  const reopen = () => {
    if (showDefault) showDefault();
    else pendingShow = true;
  };
  app.on('second-instance', reopen);
  // macOS: opening the app again from Finder, Spotlight or Launchpad (no Dock icon, maybe no window).
  app.on('activate', reopen);
  // A menu-bar app stays alive with no window open.
  app.on('window-all-closed', () => undefined);

  await app.whenReady();
  app.dock?.hide();

  const dev = devServerOrigin(deps.env.CLAWMEDIC_DEV_SERVER, app.isPackaged);
  if (dev.ignored) log.warn(dev.ignored);
  const trustedOrigins: TrustedOrigins = { devServerOrigin: dev.origin };
  const trusted = () => trustedOrigins;
  E.protocol.handle(APP_SCHEME, appProtocolHandler(deps.paths.rendererDir, contentSecurityPolicy(null)));
  app.on('web-contents-created', (_e, contents) => hardenContents(contents, trusted, E.shell, log));
  hardenSession(E.defaultSession(), trusted, log);

  const settingsFile = settingsFilePath(undefined, deps.env);
  const settings = new SettingsStore(settingsFile, deps.openSettingsStore);
  let shellSettings = settings.shellSettings();
  if (shellSettings.problem) log.warn(shellSettings.problem);

  // ---- the tray, first ------------------------------------------------------------------------------
  let engine: EngineApi | null = null;
  let lastIncident: Incident | null = null;
  /** The preflight's ✗ lines (what cannot work as configured), for the tray; the window shows them all. */
  let setupProblems: string[] = [];
  const loggedSetup = new Set<string>();
  let startingUp: string | null = 'Starting ClawMedic…';
  const loginSupported = deps.platform === 'darwin' || deps.platform === 'win32';
  const trayInput = (): TrayInput => ({
    status: engine?.status() ?? startingStatus(),
    lastIncident,
    now: Date.now(),
    loginItem: loginItemState({
      supported: loginSupported,
      packaged: app.isPackaged,
      wanted: shellSettings.launchAtLogin,
      os: loginSupported && app.isPackaged ? app.getLoginItemSettings() : null,
    }),
    startingUp,
    setupProblems,
  });
  // Set once the engine exists; until then a dialog has no parent window to attach to.
  let window: AppWindow | null = null;
  let ipc: IpcRegistration | null = null;
  const showMessage = async (options: MessageBoxOptions): Promise<MessageBoxReturnValue> => {
    // No Dock icon: without this the dialog can open behind the active app ("Quit does nothing").
    app.focus({ steal: true });
    const parent = window?.visibleWindow() ?? null;
    return parent ? E.dialog.showMessageBox(parent, options) : E.dialog.showMessageBox(options);
  };
  const tell = (what: string, r: Result) => {
    if (r.ok) return;
    const detail = r.problems?.length
      ? `${r.message}\n\n${r.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`
      : r.message;
    void showMessage({ type: 'warning', message: what, detail, buttons: ['OK'] });
  };
  const failed = (what: string) => (err: unknown) => tell(what, { ok: false, message: (err as Error).message });

  let quitState: 'running' | 'asking' | 'stopping' | 'done' = 'running';
  let shutdown = false;
  let requestQuit: (cause: 'user' | 'shutdown') => Promise<void> = () => {
    // Before the engine exists there is nothing to stop or ask about.
    quitState = 'done';
    app.quit();
    return Promise.resolve();
  };
  const showView = (view: View) => window?.show(view);
  const syncLoginItem = () => {
    if (!loginSupported || !app.isPackaged) return;
    if (app.getLoginItemSettings().openAtLogin !== shellSettings.launchAtLogin) {
      app.setLoginItemSettings({ openAtLogin: shellSettings.launchAtLogin });
    }
  };

  const dispatch = (action: TrayAction): void => {
    if (action.type === 'quit') return void requestQuit('user');
    if (action.type === 'open-login-items') {
      E.shell.openExternal(LOGIN_ITEMS_SETTINGS_URL).catch(failed('System Settings did not open'));
      return;
    }
    if (action.type === 'set-launch-at-login') {
      const r = settings.setLaunchAtLogin(action.enabled);
      if (r.ok) {
        shellSettings = { ...shellSettings, launchAtLogin: action.enabled };
        syncLoginItem();
      } else tell('"Launch at login" was not changed', r);
      tray.refresh();
      return;
    }
    if (!engine) return;
    const e = engine;
    switch (action.type) {
      case 'open-terminal':
        return showView({ name: 'terminal' });
      case 'check-now':
        e.checkNow().catch(failed('The health check failed'));
        return;
      case 'restart':
        e.restartNow().then((r) => tell('The gateway was not restarted', r), failed('The restart failed'));
        return;
      case 'start-doctor':
        e.startDoctor().then((r) => {
          if (r.ok) showView({ name: 'terminal' });
          else tell('The doctor did not start', r);
        }, failed('The doctor did not start'));
        return;
      case 'stop-doctor':
        e.stopDoctor().then((r) => tell('The doctor was not stopped', r), failed('The doctor was not stopped'));
        return;
      case 'pause':
        e.pause(action.minutes);
        tray.refresh();
        return;
      case 'resume':
        e.resume();
        tray.refresh();
        return;
      case 'open-incidents':
        return showView(action.id ? { name: 'incidents', id: action.id } : { name: 'incidents' });
      case 'open-settings':
        return showView({ name: 'settings' });
      case 'open-overview':
        return showView({ name: 'overview' });
    }
  };

  const first = trayModel(trayInput());
  const tray = new TrayController({
    tray: new E.Tray(path.join(deps.paths.assetsDir, trayIconFile(first.icon, 0, deps.platform))),
    buildMenu: (template) => E.Menu.buildFromTemplate(template),
    assetsDir: deps.paths.assetsDir,
    platform: deps.platform,
    input: trayInput,
    dispatch,
  });

  // ---- quitting -------------------------------------------------------------------------------------
  // Our own Quit (tray menu) asks while a doctor runs, stops the engine, then quits for real. A quit the
  // OS starts (log out, restart, shut down) is never held up: cancelling it would cancel the logout; the
  // engine is then stopped synchronously in will-quit (see lifecycle.ts).
  app.on('before-quit', () => {
    if (quitState !== 'done') log.info('quit requested by the system: stopping at once');
  });
  app.on('will-quit', () => {
    if (quitState === 'done' || !engine) return;
    quitState = 'done';
    engine.interruptSync?.('ClawMedic quit with the system (log out, restart or shut down)');
    ipc?.dispose();
  });
  // electron.d.ts types this listener without arguments, but Electron passes an event whose
  // preventDefault delays the shutdown (Linux; documented for macOS too) until we quit.
  E.powerMonitor.on('shutdown', (...args: unknown[]) => {
    (args[0] as { preventDefault?: () => void } | undefined)?.preventDefault?.();
    shutdown = true;
    void requestQuit('shutdown');
  });

  // ---- the engine -----------------------------------------------------------------------------------
  tray.refresh();
  startingUp = 'Reading your login shell…';
  tray.refresh();
  const env = await deps.loginEnv();
  startingUp = 'Starting the engine…';
  tray.refresh();
  // Messages can arrive while the engine starts, before the notifier exists: they are shown late, not lost.
  let showNative: ((m: Message) => void) | null = null;
  const early: Message[] = [];
  const onNativeMessage = (m: Message) => (showNative ? showNative(m) : void early.push(m));
  let started: StartedEngine;
  try {
    started = await deps.createEngine(settingsFile, { env, onNativeMessage, settings, packaged: app.isPackaged });
  } catch (err) {
    const message = (err as Error).message;
    log.error(`the engine did not start: ${message}`);
    await showMessage({
      type: 'error',
      message: 'ClawMedic could not start',
      detail: `${message}\n\nSettings: ${settingsFile}. Run \`clawmedic config validate\` in a terminal for details.`,
      buttons: ['Quit'],
    });
    tray.dispose();
    app.exit(1);
    return null;
  }
  engine = started.engine;
  const eng = engine;
  syncLoginItem();
  ptySelfCheck(deps.platform, app.isPackaged, log);

  window = new AppWindow({
    createWindow: (o) => new E.BrowserWindow(o),
    workAreas: () => E.screen.getAllDisplays().map((d) => d.workArea),
    trusted,
    preloadPath: deps.paths.preloadFile,
    iconPath: path.join(deps.paths.assetsDir, 'icon.png'),
    devTools: !app.isPackaged,
    loadBounds: () => deps.windowState.get(),
    saveBounds: (b) => deps.windowState.set(b),
    focusApp: () => app.focus({ steal: true }),
    showError: (title, message) => {
      app.focus({ steal: true });
      E.dialog.showErrorBox(title, message);
    },
    log,
  });
  const registered = registerIpc({ ipcMain: E.ipcMain, engine: eng, trusted, log });
  ipc = registered;

  try {
    lastIncident = (await eng.listIncidents())[0] ?? null;
  } catch (err) {
    // The menu just lacks the "last incident" line until the next incident event.
    log.warn(`could not read the incident history: ${(err as Error).message}`);
  }

  const notifier = new NativeNotifier({
    create: (o) => new E.Notification(o),
    isSupported: () => E.Notification.isSupported(),
    // Electron shows notification buttons on macOS only.
    supportsActions: deps.platform === 'darwin',
    stopDoctor: () => dispatch({ type: 'stop-doctor' }),
    enabled: () => shellSettings.nativeNotifications,
    showView,
    log,
  });
  showNative = (m) => void notifier.show(m);
  for (const m of early.splice(0)) showNative(m);

  eng.on((event) => {
    if (event.type === 'incident-opened' || event.type === 'incident-closed') lastIncident = event.incident;
    if (event.type === 'preflight') {
      setupProblems = event.report.items.filter((x) => x.status === 'fail').map((x) => `${x.label}: ${x.detail}`);
      // Each in the log once, however often the preflight runs again.
      for (const x of event.report.items.filter((i) => i.status === 'fail')) {
        const line = `setup: ${x.label}: ${x.detail}. ${x.fix ?? ''}`.trim();
        if (!loggedSetup.has(line)) log.warn(line);
        loggedSetup.add(line);
      }
    }
    if (event.type === 'settings-changed' || event.type === 'settings-invalid') {
      shellSettings = settings.shellSettings();
      syncLoginItem();
    }
    tray.refresh();
  });

  const onPower = (event: PowerEvent) => () => {
    const action = powerAction(event);
    if (action === 'suspend') eng.notifySuspend();
    else if (action === 'resume') eng.notifyResume();
  };
  E.powerMonitor.on('suspend', onPower('suspend'));
  E.powerMonitor.on('resume', onPower('resume'));
  E.powerMonitor.on('lock-screen', onPower('lock-screen'));
  E.powerMonitor.on('unlock-screen', onPower('unlock-screen'));

  requestQuit = async (cause) => {
    if (quitState !== 'running') return;
    const plan = quitPlan(eng.status(), shutdown ? 'shutdown' : cause, Date.now());
    if (plan.ask) {
      quitState = 'asking';
      const { response } = await showMessage(plan.dialog);
      if (quitChoice(response) === 'cancel') {
        quitState = 'running';
        return;
      }
    }
    quitState = 'stopping';
    const r = await withTimeout(
      eng.stop('quit').catch((err: unknown) => log.error(`stopping the engine failed: ${(err as Error).message}`)),
      ENGINE_STOP_TIMEOUT_MS,
    );
    if (r === 'timeout') {
      log.warn(`the engine did not stop within ${ENGINE_STOP_TIMEOUT_MS / 1000} s; quitting anyway`);
      eng.interruptSync?.('ClawMedic quit while stopping was stuck');
    }
    registered.dispose();
    tray.dispose();
    quitState = 'done';
    app.quit();
  };

  showDefault = () => showView(defaultView(eng.status()));
  if (pendingShow) showDefault();

  startingUp = null;
  tray.refresh();
  try {
    const { interrupted, cleaned } = await started.start();
    for (const inc of interrupted) log.info(`incident ${inc.id} was left open by an earlier run: marked interrupted`);
    for (const c of cleaned) log.info(c);
  } catch (err) {
    log.error(`monitoring did not start: ${(err as Error).message}`);
    tell('ClawMedic could not start monitoring', { ok: false, message: (err as Error).message });
  }
  tray.refresh();

  return { showView, quit: () => void requestQuit('user') };
}
