// The one app window (live terminal, incidents, settings) and the hardening every web contents gets.
// Thin: each decision comes from window-options.ts; this file only wires it to Electron.
import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle, Session, Shell, WebContents } from 'electron';
import type { TrustedOrigins } from './ipc-validate.js';
import type { Logger } from './log.js';
import {
  contentSecurityPolicy,
  decideNavigation,
  decidePermission,
  decideWindowOpen,
  isOwnPage,
  pageUrl,
  restoreBounds,
  windowOptions,
  type Bounds,
  type View,
} from './window-options.js';

/**
 * Applies the navigation, new-window and webview rules to a web contents. Called for every web contents
 * the app creates (app 'web-contents-created'), not only our window, so nothing slips past.
 */
export function hardenContents(
  contents: WebContents,
  trusted: () => TrustedOrigins,
  shell: Pick<Shell, 'openExternal'>,
  log: Logger,
): void {
  const guard = (kind: string) => (e: { url: string; preventDefault(): void }) => {
    if (decideNavigation(e.url, trusted()) === 'deny') {
      e.preventDefault();
      log.warn(`${kind} to ${e.url.slice(0, 200)} blocked: the app window only shows its own page`);
    }
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-frame-navigate', guard('frame navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-attach-webview', (e) => {
    e.preventDefault();
    log.warn('a <webview> was blocked');
  });
  contents.setWindowOpenHandler(({ url }) => {
    const d = decideWindowOpen(url);
    if (d.openExternal) {
      shell.openExternal(d.openExternal).catch((err: unknown) => {
        log.warn(`could not open ${d.openExternal} in the browser: ${(err as Error).message}`);
      });
    } else {
      log.warn(`a new window for ${url.slice(0, 200)} was blocked (only http(s) links open, in the browser)`);
    }
    return { action: d.action };
  });
}

/** Session-wide rules: permissions and the CSP header on our page's responses. */
export function hardenSession(session: Session, trusted: () => TrustedOrigins, log: Logger): void {
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const granted = decidePermission(permission, details.requestingUrl, trusted());
    if (!granted) log.info(`permission "${permission}" denied to ${details.requestingUrl.slice(0, 200)}`);
    callback(granted);
  });
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
    decidePermission(permission, details.requestingUrl ?? requestingOrigin, trusted()),
  );
  // The page also carries the same policy in a <meta> tag; the header covers the dev server too.
  session.webRequest.onHeadersReceived((details, callback) => {
    const t = trusted();
    if (!isOwnPage(details.url, t)) return callback({});
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [contentSecurityPolicy(t.devServerOrigin)],
      },
    });
  });
}

export interface AppWindowOptions {
  createWindow: (options: BrowserWindowConstructorOptions) => BrowserWindow;
  workAreas: () => Rectangle[];
  trusted: () => TrustedOrigins;
  preloadPath: string;
  iconPath?: string;
  devTools: boolean;
  /** Remembered bounds (window-state store). */
  loadBounds: () => unknown;
  saveBounds: (bounds: Bounds) => void;
  /** macOS: an app without a Dock icon must pull itself to the front to show a window. */
  focusApp: () => void;
  /** Shown when the page cannot load (e.g. the renderer was never built). */
  showError: (title: string, message: string) => void;
  log: Logger;
}

export class AppWindow {
  private win: BrowserWindow | null = null;

  constructor(private readonly opts: AppWindowOptions) {}

  /** Opens (or reuses) the window on a view and brings it to the front. */
  show(view: View): void {
    const url = pageUrl(this.opts.trusted(), view);
    const existing = this.win && !this.win.isDestroyed() ? this.win : null;
    if (existing) {
      // Only the hash differs: Chromium treats this as an in-page navigation (the renderer's hashchange).
      if (existing.webContents.getURL() !== url) this.load(existing, url);
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      this.opts.focusApp();
      return;
    }
    const o = this.opts;
    const win = o.createWindow(
      windowOptions({
        preloadPath: o.preloadPath,
        bounds: restoreBounds(o.loadBounds(), o.workAreas()),
        devTools: o.devTools,
        ...(o.iconPath ? { iconPath: o.iconPath } : {}),
      }),
    );
    this.win = win;
    win.once('ready-to-show', () => {
      win.show();
      win.focus();
      o.focusApp();
    });
    win.on('close', () => {
      try {
        o.saveBounds(win.getNormalBounds());
      } catch (err) {
        // Losing the remembered size is harmless; say so in the log and close anyway.
        o.log.warn(`could not remember the window size: ${(err as Error).message}`);
      }
    });
    win.on('closed', () => {
      if (this.win === win) this.win = null;
    });
    win.webContents.on('did-fail-load', (_e, code, description, failedUrl, isMainFrame) => {
      // -3 (ERR_ABORTED) is a load replaced by the next one, e.g. two quick view changes.
      if (!isMainFrame || code === -3) return;
      o.log.error(`could not load ${failedUrl}: ${description} (${code})`);
      o.showError(
        'ClawMedic cannot show its window',
        `The page ${failedUrl} did not load (${description}). From a checkout, ` +
          `start it with "npm start", which builds the page first.`,
      );
    });
    this.load(win, url);
  }

  /** The window when it is on screen (a parent for dialogs), else null. */
  visibleWindow(): BrowserWindow | null {
    const w = this.win;
    return w && !w.isDestroyed() && w.isVisible() ? w : null;
  }

  close(): void {
    if (this.win && !this.win.isDestroyed()) this.win.close();
  }

  private load(win: BrowserWindow, url: string): void {
    win.loadURL(url).catch((err: unknown) => {
      // did-fail-load reports real failures to the user; the promise rejects for those too.
      this.opts.log.info(`load of ${url} ended early: ${(err as Error).message}`);
    });
  }
}
