// What the app harness (the test process) and the stand-in Electron (inside the app's own Node process)
// say to each other over the app process's IPC channel: the stand-in's configuration, the records it
// keeps of everything the app did to "Electron", and the calls each side can make on the other.
// Types only: both sides import this file (the stand-in from dist/, the tests from the sources).

export type LoginItemStatus = 'not-registered' | 'enabled' | 'requires-approval' | 'not-found';

/** How the stand-in behaves; written by the harness as JSON, read once by the stand-in. */
export interface StandinConfig {
  /** app.getAppPath(): the built copy of the app (package.json, dist/, assets/, node_modules/node-pty). */
  appPath: string;
  isPackaged: boolean;
  /** process.platform as the app sees it ('darwin' for the Mac emulation). */
  platform: NodeJS.Platform;
  /** Substitute node-pty with the wrapper that refuses to spawn when the darwin spawn-helper is not executable. */
  macPty: boolean;
  /** What requestSingleInstanceLock() answers (false: another instance holds the lock). */
  singleInstanceLock: boolean;
  notificationsSupported: boolean;
  /** The login item's status before the app changes anything (macOS 13+ SMAppService). */
  loginItemStatus: LoginItemStatus;
  /** What setLoginItemSettings({ openAtLogin: true }) leads to: 'enabled', or 'requires-approval'. */
  loginItemApproval: 'enabled' | 'requires-approval';
  /** The user's home (app.getPath('home') and the Library folders under it). */
  home: string;
  /** screen.getAllDisplays(): bounds and work areas. */
  displays: Array<{ bounds: Rect; workArea: Rect }>;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MenuItemSnapshot {
  label: string;
  type: string;
  enabled: boolean;
  visible: boolean;
  checked: boolean;
  accelerator: string | null;
  submenu: MenuItemSnapshot[] | null;
}

/** The parts of BrowserWindow options the harness needs (plain data). */
export interface WindowOptionsSnapshot {
  width: number;
  height: number;
  show: boolean;
  title: string | null;
  icon: string | null;
  preload: string | null;
  contextIsolation: boolean | null;
  sandbox: boolean | null;
  nodeIntegration: boolean | null;
}

/** Who started a quit: the app itself (app.quit(), our tray menu) or the OS (logout, restart, shut down). */
export type QuitCause = 'app' | 'os';

/** Everything the stand-in records, by type. */
export interface RecordTypes {
  'app.ready': Record<string, never>;
  'app.single-instance-lock': { granted: boolean };
  /** An app event the harness emitted (activate, second-instance), as the OS would. */
  'app.event': { event: string };
  'app.quit-requested': { by: QuitCause };
  'app.before-quit': { by: QuitCause; prevented: boolean };
  'app.will-quit': { by: QuitCause; prevented: boolean };
  'app.quit-cancelled': { by: QuitCause; at: 'before-quit' | 'window-close' | 'will-quit' };
  'app.exit': { code: number; how: 'quit' | 'exit' };
  'app.focus': { steal: boolean };
  'app.dock': { call: string };
  'app.login-item-read': { status: LoginItemStatus; openAtLogin: boolean };
  'app.login-item-set': { openAtLogin: boolean | null; status: LoginItemStatus };
  'tray.created': { tray: number; image: string };
  'tray.image': { tray: number; image: string };
  'tray.tooltip': { tray: number; text: string };
  'tray.title': { tray: number; text: string };
  'tray.context-menu': { tray: number; menu: MenuItemSnapshot[] | null };
  'tray.popup': { tray: number; menu: MenuItemSnapshot[] };
  'tray.destroyed': { tray: number };
  'menu.clicked': { path: string[] };
  'window.created': { window: number; options: WindowOptionsSnapshot };
  'window.load': { window: number; url: string };
  'window.loaded': { window: number; url: string };
  'window.load-failed': { window: number; url: string; code: number; description: string };
  'window.shown': { window: number };
  'window.hidden': { window: number };
  'window.focused': { window: number };
  'window.closed': { window: number };
  'dialog.opened': {
    dialog: number;
    kind: 'message-box' | 'error-box' | 'open' | 'save';
    /** The window the dialog is attached to (its id), or null for an app-modal dialog. */
    parent: number | null;
    /** app.focus() was called since the previous dialog (a Dock-less app must come forward first). */
    afterFocus: boolean;
    sync: boolean;
    message: string;
    detail: string;
    buttons: string[];
  };
  'dialog.answered': { dialog: number; response: number };
  'notification.shown': { notification: number; title: string; body: string; silent: boolean };
  'notification.closed': { notification: number };
  'notification.clicked': { notification: number };
  'power.event': { event: string; prevented: boolean };
  'shell.open-external': { url: string };
  'protocol.privileged': { schemes: string[] };
  'protocol.handled': { scheme: string };
  'permission.asked': { permission: string; url: string; granted: boolean; kind: 'request' | 'check' };
  'pty.spawn': { file: string; refused: string | null };
  /** Something a real Mac would not accept (a missing tray image, an API misused): fails the scenario. */
  problem: { message: string };
  /** Worth knowing when a scenario fails (an API the stand-in does not emulate was touched). */
  note: { message: string };
}

export type RecordType = keyof RecordTypes;
export type AppRecord<T extends RecordType = RecordType> = T extends RecordType
  ? { seq: number; type: T } & RecordTypes[T]
  : never;

/** The frame an IPC message came from, as the page reported it (URL already in the app's own scheme). */
export interface FrameInfo {
  url: string;
  isMainFrame: boolean;
}

/** A request the page made for one of the app's own URLs (custom scheme or file://). */
export interface ServeRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** Electron's webRequest resourceType: mainFrame, subFrame, script, stylesheet, image, font, xhr, other. */
  resourceType: string;
}

export type ServeResponse =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: Uint8Array }
  /** Not ours to answer: Chromium loads it itself (e.g. a file that does not exist, so it fails as it would). */
  | { kind: 'fallback' }
  | { kind: 'abort'; reason: string };

/** How a loadURL ended: loaded (inPage: only the hash changed, no new document), or failed as Chromium said. */
export type LoadResult = { ok: true; inPage: boolean } | { ok: false; code: number; description: string };

export type PowerEventName = 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen' | 'shutdown';

/** What the harness can ask of the stand-in (test → app). */
export interface AppControl {
  emitAppEvent(event: 'activate' | 'second-instance', argv: string[]): void;
  /** The quit the OS drives at logout or shut-down: before-quit → will-quit → quit, as for app.quit(). */
  osQuit(): void;
  emitPower(event: PowerEventName): { prevented: boolean };
  clickTray(kind: 'click' | 'right-click' | 'double-click'): void;
  /** Right-clicks the tray and returns the menu that opened. */
  openTrayMenu(): MenuItemSnapshot[];
  /** Clicks an item of the open tray menu by its labels (submenu labels first). */
  clickMenuItem(path: string[]): void;
  clickNotification(id: number): void;
  failNotification(id: number, error: string): void;
  answerDialog(id: number, response: number): void;
  /** The user closes a window (its close button). */
  userCloseWindow(window: number): void;
  ipcInvoke(window: number, frame: FrameInfo, channel: string, args: unknown[]): unknown;
  ipcSend(window: number, frame: FrameInfo, channel: string, args: unknown[]): void;
  serve(window: number, request: ServeRequest): ServeResponse;
  /** The page's main frame committed a navigation (including in-page, hash-only ones). */
  navigated(window: number, url: string): void;
  /** The page itself starts navigating its main frame (a link, location.href = …). */
  willNavigate(window: number, url: string): { prevented: boolean };
  /** Asks the session's permission handlers, as Chromium would for a page's request. */
  permission(window: number, kind: 'request' | 'check', permission: string, url: string): boolean;
}

/** What the stand-in asks of the harness, which hosts the windows in Chromium (app → test). */
export interface HostControl {
  openWindow(window: number, options: WindowOptionsSnapshot): void;
  loadWindow(window: number, url: string): LoadResult;
  pushToWindow(window: number, channel: string, args: unknown[]): void;
  closeWindow(window: number): void;
}

/** An implementation of T's methods that may answer asynchronously. */
export type Methods<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => R | Promise<R> : never;
};

export type WireMessage =
  | { kind: 'record'; record: AppRecord }
  | { kind: 'call'; id: number; method: string; args: unknown[] }
  | { kind: 'notify'; method: string; args: unknown[] }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };
