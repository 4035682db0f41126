// Stand-ins for the small system modules: screen (one 1440×900 display with the menu bar's 25 px taken
// from its work area, unless configured), shell (openExternal recorded, never opened), nativeTheme and
// systemPreferences (light, defaults).
import { EventEmitter } from 'node:events';
import { standinConfig } from './config.js';
import { note, record } from './control.js';

export class StandinScreen extends EventEmitter {
  getAllDisplays() {
    return standinConfig().displays.map((d, i) => ({
      id: i + 1,
      bounds: d.bounds,
      workArea: d.workArea,
      scaleFactor: 2,
      rotation: 0,
      internal: i === 0,
    }));
  }

  getPrimaryDisplay() {
    const first = this.getAllDisplays()[0];
    if (!first) throw new Error('the stand-in has no display');
    return first;
  }

  getDisplayMatching() {
    return this.getPrimaryDisplay();
  }

  getDisplayNearestPoint() {
    return this.getPrimaryDisplay();
  }

  getCursorScreenPoint() {
    return { x: 0, y: 0 };
  }
}

export const screen = new StandinScreen();

export const shell = {
  openExternal(url: string): Promise<void> {
    return new Promise((resolve) => {
      record('shell.open-external', { url });
      resolve();
    });
  },
  openPath(p: string): Promise<string> {
    return new Promise((resolve) => {
      note(`shell.openPath(${p})`);
      resolve('');
    });
  },
  showItemInFolder(p: string): void {
    note(`shell.showItemInFolder(${p})`);
  },
  beep(): void {
    // Silence.
  },
};

export class StandinNativeTheme extends EventEmitter {
  themeSource = 'system';
  readonly shouldUseDarkColors = false;
  readonly shouldUseHighContrastColors = false;
}

export const nativeTheme = new StandinNativeTheme();

export const systemPreferences = {
  getUserDefault: (): unknown => undefined,
  isTrustedAccessibilityClient: (): boolean => false,
  getMediaAccessStatus: (): string => 'not-determined',
  subscribeNotification: (): number => 0,
  unsubscribeNotification: (): void => undefined,
};
