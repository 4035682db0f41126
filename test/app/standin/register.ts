// `node --import <dist>/test/app/standin/register.js <app>/dist/main/shell/main.js`: makes the app process
// look like Electron on a Mac before the app's first line runs. It reads the stand-in's configuration,
// sets process.platform (the app and its libraries branch on it), and registers the resolve hooks that
// hand the app (and electron-store) the stand-in Electron, and node-pty's macOS behaviour.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { standinConfig } from './config.js';
import type { HookData } from './resolve-hooks.js';

const cfg = standinConfig();
Object.defineProperty(process, 'platform', { value: cfg.platform, enumerable: true, configurable: true });

const data: HookData = {
  electron: new URL('./electron.js', import.meta.url).href,
  nodePty: cfg.macPty ? new URL('./mac-pty.js', import.meta.url).href : null,
  appRoot: pathToFileURL(`${cfg.appPath}/`).href,
};
register('./resolve-hooks.js', { parentURL: import.meta.url, data });
