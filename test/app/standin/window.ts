// Stand-in for Electron's BrowserWindow and its webContents. The page itself is real: the harness hosts
// each window as a Chromium page (test/app/harness/window-host.ts) running the real renderer with the real
// preload, and this side keeps what Electron's main process would know: the window's state, its URL, its
// events (ready-to-show, did-finish-load, did-fail-load, will-navigate, close/closed, destroyed).
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { app, type WindowParticipant } from './app.js';
import { host, preventable, problem, provide, record } from './control.js';
import { StandinNativeImage } from './image.js';
import { ipcMain } from './ipc.js';
import { defaultSession } from './session.js';
import type { Rect, WindowOptionsSnapshot } from './wire.js';

let nextId = 1;
const windows = new Map<number, StandinBrowserWindow>();
/** The focused window, by id (a closed window leaves `windows`). */
let focusedId: number | null = null;

type OpenDetails = { url: string; frameName: string; features: string; disposition: string };
type OpenHandler = (details: OpenDetails) => { action: 'allow' | 'deny' };

export class StandinWebContents extends EventEmitter {
  readonly id: number;
  private url = '';
  private destroyed = false;
  private openHandler: OpenHandler | null = null;
  readonly session = defaultSession;

  constructor(readonly owner: StandinBrowserWindow) {
    super();
    this.id = owner.id;
  }

  getURL(): string {
    return this.url;
  }

  /** Not Electron API: the host reports each committed URL (hash changes included). */
  setCommittedUrl(url: string): void {
    const inPage = sameDocument(this.url, url);
    this.url = url;
    if (inPage) this.emit('did-navigate-in-page', preventable(), url, true);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  isLoading(): boolean {
    return this.owner.loading;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    host.notify('pushToWindow', this.id, channel, args);
  }

  loadURL(url: string): Promise<void> {
    return this.owner.loadURL(url);
  }

  reload(): void {
    if (this.url) void this.owner.loadURL(this.url);
  }

  /** Kept, not used: the harness opens no popups (a page's window.open goes nowhere). */
  setWindowOpenHandler(handler: OpenHandler): void {
    this.openHandler = handler;
  }

  focus(): void {
    // Focus belongs to the window here.
  }

  openDevTools(): void {
    record('note', { message: `devtools opened for window ${this.id}` });
  }

  isDevToolsOpened(): boolean {
    return false;
  }

  markDestroyed(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }
}

function sameDocument(a: string, b: string): boolean {
  if (!a || !b) return false;
  return a.split('#')[0] === b.split('#')[0];
}

function describeIcon(icon: unknown): string | null {
  if (icon === undefined || icon === null) return null;
  if (icon instanceof StandinNativeImage) return icon.sourcePath;
  if (typeof icon === 'string') return icon;
  // Neither of what Electron takes (a NativeImage or a path): recorded by its type, e.g. "[object Object]".
  return Object.prototype.toString.call(icon);
}

interface WindowOptions {
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  show?: boolean;
  title?: string;
  icon?: unknown;
  webPreferences?: { preload?: string; contextIsolation?: boolean; sandbox?: boolean; nodeIntegration?: boolean };
}

export class StandinBrowserWindow extends EventEmitter implements WindowParticipant {
  readonly id = nextId++;
  readonly webContents: StandinWebContents;
  loading = false;
  private visible = false;
  private minimized = false;
  private destroyed = false;
  private shownOnce = false;
  private bounds: Rect;
  private title: string;
  private readonly opened: Promise<void>;

  static getAllWindows(): StandinBrowserWindow[] {
    return [...windows.values()];
  }

  static getFocusedWindow(): StandinBrowserWindow | null {
    const focused = focusedId === null ? undefined : windows.get(focusedId);
    return focused && !focused.destroyed ? focused : null;
  }

  static fromWebContents(wc: StandinWebContents): StandinBrowserWindow | null {
    return wc.owner.destroyed ? null : wc.owner;
  }

  static fromId(id: number): StandinBrowserWindow | null {
    return windows.get(id) ?? null;
  }

  constructor(options: WindowOptions = {}) {
    super();
    const width = options.width ?? 800;
    const height = options.height ?? 600;
    this.bounds = { x: options.x ?? 0, y: options.y ?? 25, width, height };
    this.title = options.title ?? '';
    this.webContents = new StandinWebContents(this);
    windows.set(this.id, this);
    const snapshot: WindowOptionsSnapshot = {
      width,
      height,
      show: options.show ?? true,
      title: options.title ?? null,
      icon: describeIcon(options.icon),
      preload: options.webPreferences?.preload ?? null,
      contextIsolation: options.webPreferences?.contextIsolation ?? null,
      sandbox: options.webPreferences?.sandbox ?? null,
      nodeIntegration: options.webPreferences?.nodeIntegration ?? null,
    };
    for (const [what, file] of [
      ['icon', snapshot.icon],
      ['preload', snapshot.preload],
    ] as const) {
      if (file && !existsSync(file)) problem(`window ${this.id}: its ${what} ${file} does not exist`);
    }
    record('window.created', { window: this.id, options: snapshot });
    this.opened = host.call('openWindow', this.id, snapshot);
    this.opened.catch((err: Error) => problem(`window ${this.id} could not be opened in Chromium: ${err.message}`));
    app.emit('web-contents-created', preventable(), this.webContents);
    app.emit('browser-window-created', preventable(), this);
    if (snapshot.show) this.show();
  }

  async loadURL(url: string): Promise<void> {
    if (this.destroyed) throw new Error('Object has been destroyed');
    record('window.load', { window: this.id, url });
    await this.opened;
    this.loading = true;
    const r = await host.call('loadWindow', this.id, url).finally(() => (this.loading = false));
    if (this.destroyed) return;
    if (!r.ok) {
      record('window.load-failed', { window: this.id, url, code: r.code, description: r.description });
      this.webContents.emit('did-fail-load', preventable(), r.code, r.description, url, true, 1, 1);
      throw new Error(`${r.description} (${r.code}) loading '${url}'`);
    }
    record('window.loaded', { window: this.id, url });
    // An in-page (hash) navigation has no new document: Electron reports did-navigate-in-page only.
    if (r.inPage) return;
    this.webContents.emit('did-finish-load', preventable());
    if (!this.shownOnce && !this.visible) {
      this.shownOnce = true;
      this.emit('ready-to-show', preventable());
    }
  }

  show(): void {
    if (this.destroyed) return;
    this.visible = true;
    this.shownOnce = true;
    this.minimized = false;
    record('window.shown', { window: this.id });
    this.emit('show');
    this.focus();
  }

  showInactive(): void {
    this.visible = true;
    this.shownOnce = true;
    record('window.shown', { window: this.id });
    this.emit('show');
  }

  hide(): void {
    if (this.destroyed) return;
    this.visible = false;
    record('window.hidden', { window: this.id });
    this.emit('hide');
  }

  focus(): void {
    if (this.destroyed) return;
    focusedId = this.id;
    record('window.focused', { window: this.id });
    this.emit('focus');
  }

  blur(): void {
    if (focusedId === this.id) focusedId = null;
    this.emit('blur');
  }

  isVisible(): boolean {
    return this.visible && !this.destroyed;
  }

  isFocused(): boolean {
    return focusedId === this.id && !this.destroyed;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  minimize(): void {
    this.minimized = true;
    this.emit('minimize');
  }

  restore(): void {
    this.minimized = false;
    this.emit('restore');
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  getBounds(): Rect {
    return { ...this.bounds };
  }

  getNormalBounds(): Rect {
    return { ...this.bounds };
  }

  setBounds(b: Partial<Rect>): void {
    this.bounds = { ...this.bounds, ...b };
  }

  getTitle(): string {
    return this.title;
  }

  setTitle(t: string): void {
    this.title = t;
  }

  setMenuBarVisibility(): void {
    // macOS windows have no menu bar of their own.
  }

  setSkipTaskbar(): void {
    // Windows and Linux only.
  }

  /** Closes as the user's close button does: 'close' may be prevented; true when the window is gone. */
  close(): boolean {
    if (this.destroyed) return true;
    const e = preventable();
    this.emit('close', e);
    if (e.defaultPrevented) return false;
    this.destroy();
    return true;
  }

  closeForQuit(): boolean {
    return this.close();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyQuietly();
    this.emit('closed');
  }

  destroyQuietly(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    if (focusedId === this.id) focusedId = null;
    windows.delete(this.id);
    record('window.closed', { window: this.id });
    host.notify('closeWindow', this.id);
    this.webContents.markDestroyed();
  }
}

app.trackWindows(() => [...windows.values()]);

function windowOf(id: number): StandinBrowserWindow {
  const w = windows.get(id);
  if (!w) throw new Error(`window ${id} is gone`);
  return w;
}

provide({
  userCloseWindow(id) {
    windowOf(id).close();
  },
  navigated(id, url) {
    windows.get(id)?.webContents.setCommittedUrl(url);
  },
  willNavigate(id, url) {
    const e = Object.assign(preventable(), { url, isMainFrame: true, isSameDocument: false });
    windowOf(id).webContents.emit('will-navigate', e, url);
    windowOf(id).webContents.emit('will-frame-navigate', e);
    return { prevented: e.defaultPrevented };
  },
  ipcInvoke(id, frame, channel, args) {
    return ipcMain.invokeFrom(windowOf(id).webContents, frame, channel, args);
  },
  ipcSend(id, frame, channel, args) {
    ipcMain.sendFrom(windowOf(id).webContents, frame, channel, args);
  },
});
