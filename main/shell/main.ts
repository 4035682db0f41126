// Electron's entry point (package.json "main"): gathers the real Electron modules, electron-store and the
// engine, and hands them to startShell. Everything with a decision in it lives in the other files.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  powerMonitor,
  protocol,
  screen,
  session,
  shell,
  Tray,
} from 'electron';
import ElectronStore from 'electron-store';
import path from 'node:path';
import { Engine } from '../engine/engine.js';
import { PRIVATE_FILE_MODE } from '../engine/fsutil.js';
import { loginEnv } from '../engine/login-shell.js';
import { startShell } from './app.js';
import { consoleLogger } from './log.js';
import type { Bounds } from './window-options.js';

// The app's root: the checkout (`electron .`) or app.asar when packaged; both hold dist/ and assets/.
const root = app.getAppPath();

const windowState = new ElectronStore<{ bounds?: Bounds }>({
  name: 'window-state',
  // A broken window-state file only loses a window size: start from defaults rather than fail.
  clearInvalidConfig: true,
  configFileMode: PRIVATE_FILE_MODE,
});

startShell({
  electron: {
    app,
    BrowserWindow,
    Tray,
    Menu,
    Notification,
    ipcMain,
    powerMonitor,
    protocol,
    screen,
    shell,
    dialog,
    defaultSession: () => session.defaultSession,
  },
  // Restart steps, tools and the doctor need the user's real PATH (claude, openclaw, tmux), not launchd's.
  loginEnv: () => loginEnv(process.env, (m) => consoleLogger.warn(m)),
  async createEngine(settingsFile, hooks) {
    const engine = await Engine.create({
      settingsFile,
      // electron-store: the app reads and writes the settings file only through it.
      settingsSource: hooks.settings,
      env: hooks.env,
      // One watcher per data dir: a running `clawmedic watch` makes start() refuse, and the app says so.
      exclusive: true,
      onNotification: hooks.onNativeMessage,
      // The app keeps running on defaults with a broken file and shows its problems (menu + settings).
      onInvalidSettings: 'defaults',
      watchSettings: true,
      writeStatus: true,
      // An installed app's files are sealed by its signature: report a broken spawn-helper, never patch it.
      ptyRepair: !hooks.packaged,
    });
    return { engine, start: () => engine.start() };
  },
  openSettingsStore: (options) => new ElectronStore(options),
  windowState: {
    get: () => windowState.get('bounds'),
    set: (bounds) => windowState.set('bounds', bounds),
  },
  paths: {
    rendererDir: path.join(root, 'dist', 'renderer'),
    preloadFile: path.join(root, 'dist', 'preload', 'preload.cjs'),
    assetsDir: path.join(root, 'assets'),
  },
  env: process.env,
  platform: process.platform,
  log: consoleLogger,
}).catch((err: unknown) => {
  consoleLogger.error(`ClawMedic failed to start: ${(err as Error).stack ?? String(err)}`);
  app.focus({ steal: true });
  dialog.showErrorBox('ClawMedic failed to start', (err as Error).message);
  app.exit(1);
});
