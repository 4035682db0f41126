// The menu-bar app: hosts the engine and wires it to the tray, the window, IPC, native notifications,
// power events, login items and quitting. Every Electron module comes in through `deps` (as `menubar`
// takes `app`), so this file imports nothing from electron at run time and type-checks against it.
import type {
  App,
  BrowserWindow as BrowserWindowClass,
  Dialog,
  IpcMain,
  Menu as MenuClass,
  MessageBoxOptions,
  Notification as NotificationClass,
  PowerMonitor,
  Screen,
  Session,
  Shell,
  Tray as TrayClass,
} from 'electron';
import type { Incident, Result } from '../../preload/contract.js';
import type { EngineApi } from '../engine/engine-api.js';
import { settingsFilePath } from '../engine/settings/index.js';
import { AppWindow, hardenContents, hardenSession } from './app-window.js';
import { registerIpc } from './ipc-router.js';
import type { TrustedOrigins } from './ipc-validate.js';
import {
  defaultView,
  ENGINE_STOP_TIMEOUT_MS,
  powerAction,
  quitChoice,
  quitPlan,
  type PowerEvent,
} from './lifecycle.js';
import type { Logger } from './log.js';
import type { Message } from '../engine/notify/policy.js';
import { NativeNotifier } from './notifications.js';
import { SettingsStore, type SettingsStoreOptions, type StoreLike } from './settings-store.js';
import { TrayController } from './tray-controller.js';
import type { TrayAction } from './tray-model.js';
import { trayIconFile, trayModel } from './tray-model.js';
import { devServerOrigin, type Bounds, type View } from './window-options.js';
import path from 'node:path';

export interface ElectronModules {
  app: App;
  BrowserWindow: typeof BrowserWindowClass;
  Tray: typeof TrayClass;
  Menu: typeof MenuClass;
  Notification: typeof NotificationClass;
  ipcMain: IpcMain;
  powerMonitor: PowerMonitor;
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
  /**
   * Builds the engine. `onNativeMessage` must receive every message the engine's notifier lets
   * through (NotifierOptions.onMessage: deduplicated, not while paused, redacted).
   */
  createEngine: (settingsFile: string, hooks: { onNativeMessage: (message: Message) => void }) => Promise<StartedEngine>;
  /** `new ElectronStore(options)` for the settings file. */
  openSettingsStore: (options: SettingsStoreOptions) => StoreLike;
  /** Remembered window bounds (a separate store in the app's userData folder: not a setting). */
  windowState: { get(): unknown; set(bounds: Bounds): void };
  paths: {
    /** dist/renderer/index.html */
    rendererFile: string;
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

export async function startShell(deps: ShellDeps): Promise<RunningShell | null> {
  const { electron: E, log } = deps;
  const { app } = E;

  // A second launch hands over to the first (which shows its window) and leaves.
  if (!app.requestSingleInstanceLock()) {
    log.info('ClawMedic is already running; showing its window instead');
    app.quit();
    return null;
  }
  // A second launch may come while we start up: it is answered once the window can be shown.
  let onSecondInstance: () => void = () => log.info('a second launch arrived during start-up; ignored');
  app.on('second-instance', () => onSecondInstance());
  // A menu-bar app stays alive with no window open.
  app.on('window-all-closed', () => undefined);

  await app.whenReady();
  app.dock?.hide();

  const dev = devServerOrigin(deps.env.CLAWMEDIC_DEV_SERVER, app.isPackaged);
  if (dev.ignored) log.warn(dev.ignored);
  const trustedOrigins: TrustedOrigins = { rendererFile: deps.paths.rendererFile, devServerOrigin: dev.origin };
  const trusted = () => trustedOrigins;

  app.on('web-contents-created', (_e, contents) => hardenContents(contents, trusted, E.shell, log));
  hardenSession(E.defaultSession(), trusted, log);

  const settingsFile = settingsFilePath(undefined, deps.env);
  // Messages can arrive while the engine starts, before the notifier exists: they are shown late, not lost.
  let showNative: ((m: Message) => void) | null = null;
  const early: Message[] = [];
  const onNativeMessage = (m: Message) => (showNative ? showNative(m) : void early.push(m));
  let started: StartedEngine;
  try {
    started = await deps.createEngine(settingsFile, { onNativeMessage });
  } catch (err) {
    const message = (err as Error).message;
    log.error(`the engine did not start: ${message}`);
    await E.dialog.showMessageBox({
      type: 'error',
      message: 'ClawMedic could not start',
      detail: `${message}\n\nSettings: ${settingsFile}. Run \`clawmedic config validate\` in a terminal for details.`,
      buttons: ['Quit'],
    });
    app.exit(1);
    return null;
  }
  const { engine } = started;

  const settings = new SettingsStore(settingsFile, deps.openSettingsStore);
  let shellSettings = settings.shellSettings();
  if (shellSettings.problem) log.warn(shellSettings.problem);
  // setLoginItemSettings exists on macOS and Windows; Linux desktops use autostart files instead.
  const loginItemSupported = deps.platform === 'darwin' || deps.platform === 'win32';
  const syncLoginItem = () => {
    if (!loginItemSupported) return;
    if (app.getLoginItemSettings().openAtLogin !== shellSettings.launchAtLogin) {
      app.setLoginItemSettings({ openAtLogin: shellSettings.launchAtLogin });
    }
  };
  syncLoginItem();

  const window = new AppWindow({
    createWindow: (o) => new E.BrowserWindow(o),
    workAreas: () => E.screen.getAllDisplays().map((d) => d.workArea),
    trusted,
    preloadPath: deps.paths.preloadFile,
    iconPath: path.join(deps.paths.assetsDir, 'icon.png'),
    devTools: !app.isPackaged,
    loadBounds: () => deps.windowState.get(),
    saveBounds: (b) => deps.windowState.set(b),
    focusApp: () => app.focus({ steal: true }),
    showError: (title, message) => E.dialog.showErrorBox(title, message),
    log,
  });
  const showView = (view: View) => window.show(view);

  const ipc = registerIpc({ ipcMain: E.ipcMain, engine, trusted, log });

  const tell = (what: string, r: Result) => {
    if (r.ok) return;
    const detail = r.problems?.length ? `${r.message}\n\n${r.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}` : r.message;
    void E.dialog.showMessageBox({ type: 'warning', message: what, detail, buttons: ['OK'] } satisfies MessageBoxOptions);
  };
  const failed = (what: string) => (err: unknown) => tell(what, { ok: false, message: (err as Error).message });

  let lastIncident: Incident | null = null;
  try {
    lastIncident = (await engine.listIncidents())[0] ?? null;
  } catch (err) {
    // The menu just lacks the "last incident" line until the next incident event.
    log.warn(`could not read the incident history: ${(err as Error).message}`);
  }

  const dispatch = (action: TrayAction): void => {
    switch (action.type) {
      case 'open-terminal':
        return showView({ name: 'terminal' });
      case 'check-now':
        engine.checkNow().catch(failed('The health check failed'));
        return;
      case 'restart':
        engine.restartNow().then((r) => tell('The gateway was not restarted', r), failed('The restart failed'));
        return;
      case 'start-doctor':
        engine.startDoctor().then((r) => {
          if (r.ok) showView({ name: 'terminal' });
          else tell('The doctor did not start', r);
        }, failed('The doctor did not start'));
        return;
      case 'stop-doctor':
        engine.stopDoctor().then((r) => tell('The doctor was not stopped', r), failed('The doctor was not stopped'));
        return;
      case 'pause':
        engine.pause(action.minutes);
        tray.refresh();
        return;
      case 'resume':
        engine.resume();
        tray.refresh();
        return;
      case 'open-incidents':
        return showView(action.id ? { name: 'incidents', id: action.id } : { name: 'incidents' });
      case 'open-settings':
        return showView({ name: 'settings' });
      case 'set-launch-at-login': {
        const r = settings.setLaunchAtLogin(action.enabled);
        if (r.ok) {
          shellSettings = { ...shellSettings, launchAtLogin: action.enabled };
          syncLoginItem();
        } else tell('"Launch at login" was not changed', r);
        tray.refresh();
        return;
      }
      case 'quit':
        app.quit();
        return;
    }
  };

  const initial = trayModel({
    status: engine.status(),
    lastIncident,
    now: Date.now(),
    launchAtLogin: shellSettings.launchAtLogin,
    loginItemSupported,
  });
  const tray = new TrayController({
    tray: new E.Tray(path.join(deps.paths.assetsDir, trayIconFile(initial.icon, 0))),
    buildMenu: (template) => E.Menu.buildFromTemplate(template),
    assetsDir: deps.paths.assetsDir,
    platform: deps.platform,
    input: () => ({
      status: engine.status(),
      lastIncident,
      now: Date.now(),
      launchAtLogin: shellSettings.launchAtLogin,
      loginItemSupported,
    }),
    dispatch,
  });

  const notifier = new NativeNotifier({
    create: (o) => new E.Notification(o),
    isSupported: () => E.Notification.isSupported(),
    enabled: () => shellSettings.nativeNotifications,
    showView,
    log,
  });
  showNative = (m) => void notifier.show(m);
  for (const m of early.splice(0)) showNative(m);

  engine.on((event) => {
    if (event.type === 'incident-opened' || event.type === 'incident-closed') lastIncident = event.incident;
    if (event.type === 'settings-changed' || event.type === 'settings-invalid') {
      shellSettings = settings.shellSettings();
      syncLoginItem();
    }
    tray.refresh();
  });

  onSecondInstance = () => showView(defaultView(engine.status()));

  let shutdown = false;
  const onPower = (event: PowerEvent) => () => {
    const action = powerAction(event);
    if (action === 'suspend') engine.notifySuspend();
    else if (action === 'resume') engine.notifyResume();
    else if (action === 'shutdown') shutdown = true;
  };
  E.powerMonitor.on('suspend', onPower('suspend'));
  E.powerMonitor.on('resume', onPower('resume'));
  E.powerMonitor.on('lock-screen', onPower('lock-screen'));
  E.powerMonitor.on('unlock-screen', onPower('unlock-screen'));
  E.powerMonitor.on('shutdown', onPower('shutdown'));

  // Quitting: ask first if a doctor runs (see lifecycle.ts), then stop the engine, then really quit.
  let quitState: 'running' | 'asking' | 'stopping' | 'done' = 'running';
  const finishQuit = async () => {
    const plan = quitPlan(engine.status(), shutdown ? 'shutdown' : 'user', Date.now());
    if (plan.ask) {
      quitState = 'asking';
      const { response } = await E.dialog.showMessageBox(plan.dialog);
      if (quitChoice(response) === 'cancel') {
        quitState = 'running';
        return;
      }
    }
    quitState = 'stopping';
    const r = await withTimeout(
      engine.stop('quit').catch((err: unknown) => log.error(`stopping the engine failed: ${(err as Error).message}`)),
      ENGINE_STOP_TIMEOUT_MS,
    );
    if (r === 'timeout') log.warn(`the engine did not stop within ${ENGINE_STOP_TIMEOUT_MS / 1000} s; quitting anyway`);
    ipc.dispose();
    tray.dispose();
    quitState = 'done';
    app.quit();
  };
  app.on('before-quit', (e) => {
    if (quitState === 'done') return;
    e.preventDefault();
    if (quitState === 'running') void finishQuit();
  });

  try {
    const { interrupted, cleaned } = await started.start();
    for (const inc of interrupted) log.info(`incident ${inc.id} was left open by an earlier run: marked interrupted`);
    for (const c of cleaned) log.info(c);
  } catch (err) {
    log.error(`monitoring did not start: ${(err as Error).message}`);
    tell('ClawMedic could not start monitoring', { ok: false, message: (err as Error).message });
  }
  tray.refresh();

  return { showView, quit: () => app.quit() };
}
