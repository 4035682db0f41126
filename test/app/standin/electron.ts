// The stand-in `electron` module the app (and electron-store) import instead of Electron's: the main-process
// modules ClawMedic uses, each in its own file. A member the stand-in lacks is noted when the app touches
// it (shown with a failing scenario), so a new Electron call in the shell is easy to spot.
import { app } from './app.js';
import { note } from './control.js';
import { dialog } from './dialog.js';
import { nativeImage } from './image.js';
import { ipcMain } from './ipc.js';
import { StandinMenu, StandinMenuItem } from './menu.js';
import { StandinNotification } from './notification.js';
import { powerMonitor } from './power.js';
import { protocol, session } from './session.js';
import { nativeTheme, screen, shell, systemPreferences } from './system.js';
import { StandinTray } from './tray.js';
import { StandinBrowserWindow } from './window.js';

/** Members some code probes for without using (promise checks, inspection). */
const NOT_NOTEWORTHY = new Set(['then', 'toJSON', 'constructor', 'inspect', 'asymmetricMatch', 'nodeType']);

function watched<T extends object>(name: string, target: T): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === 'string' && !(key in t) && !NOT_NOTEWORTHY.has(key)) {
        note(`${name}.${key} is not emulated by the stand-in`);
      }
      return Reflect.get(t, key, receiver) as unknown;
    },
  });
}

const appModule = watched('app', app);
const dialogModule = watched('dialog', dialog);
const shellModule = watched('shell', shell);
const screenModule = watched('screen', screen);
const powerMonitorModule = watched('powerMonitor', powerMonitor);
const protocolModule = watched('protocol', protocol);

export {
  appModule as app,
  StandinBrowserWindow as BrowserWindow,
  dialogModule as dialog,
  ipcMain,
  StandinMenu as Menu,
  StandinMenuItem as MenuItem,
  nativeImage,
  nativeTheme,
  StandinNotification as Notification,
  powerMonitorModule as powerMonitor,
  protocolModule as protocol,
  screenModule as screen,
  session,
  shellModule as shell,
  systemPreferences,
  StandinTray as Tray,
};

export default {
  app: appModule,
  BrowserWindow: StandinBrowserWindow,
  dialog: dialogModule,
  ipcMain,
  Menu: StandinMenu,
  MenuItem: StandinMenuItem,
  nativeImage,
  nativeTheme,
  Notification: StandinNotification,
  powerMonitor: powerMonitorModule,
  protocol: protocolModule,
  screen: screenModule,
  session,
  shell: shellModule,
  systemPreferences,
  Tray: StandinTray,
};
