// Everything that decides how the app window behaves, as pure functions: its options (security flags,
// sizes), where it may open, the Content-Security-Policy, and the answers to navigation, new-window,
// permission and external-link requests. app-window.ts only applies these.
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';
import { APP_INDEX, isAppUrl } from './app-protocol.js';
import type { TrustedOrigins } from './ipc-validate.js';

/**
 * The views the renderer routes to by URL hash (renderer/src/route.ts: `#/` the Overview, `#/live`,
 * `#/incidents/<id>`, `#/settings`).
 */
export type View =
  { name: 'overview' } | { name: 'terminal' } | { name: 'incidents'; id?: string } | { name: 'settings' };

export function viewHash(view: View): string {
  switch (view.name) {
    case 'overview':
      return '/';
    case 'terminal':
      return '/live';
    case 'incidents':
      return view.id ? `/incidents/${encodeURIComponent(view.id)}` : '/incidents';
    case 'settings':
      return '/settings';
  }
}

// 760x520: the settings form's two columns and an 80x24 terminal with the side bar both fit.
export const MIN_WIDTH = 760;
export const MIN_HEIGHT = 520;
export const DEFAULT_WIDTH = 1100;
export const DEFAULT_HEIGHT = 720;
/** 100 px: enough of a window to recognise it; less means it was left on a screen that is gone. */
const MIN_VISIBLE = 100;

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowOptionsInput {
  preloadPath: string;
  /** Restored bounds (already validated by restoreBounds), or null to centre a default-sized window. */
  bounds: Bounds | null;
  /** Dev tools only in development. */
  devTools: boolean;
  iconPath?: string;
}

export function windowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'ClawMedic',
    ...(input.bounds
      ? { x: input.bounds.x, y: input.bounds.y, width: input.bounds.width, height: input.bounds.height }
      : { width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT, center: true }),
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    // Shown on 'ready-to-show', so the user never sees an empty white frame.
    show: false,
    backgroundColor: '#1e1e1e',
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools,
    },
  };
}

/**
 * Validates remembered bounds against the screens attached now. Malformed or too-small bounds, or bounds
 * that show less than MIN_VISIBLE x MIN_VISIBLE of the window on every screen (a monitor was unplugged),
 * give null: the window opens centred. Otherwise the window goes to the screen it overlaps most, shrunk
 * to that screen's work area if needed and moved fully onto it, title bar included.
 */
export function restoreBounds(saved: unknown, workAreas: Rectangle[]): Bounds | null {
  if (saved === null || typeof saved !== 'object') return null;
  const b = saved as Record<string, unknown>;
  const raw = [b.x, b.y, b.width, b.height];
  if (!raw.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  const [x, y, width, height] = (raw as number[]).map(Math.round) as [number, number, number, number];
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return null;
  let best: { wa: Rectangle; area: number } | null = null;
  for (const wa of workAreas) {
    const w = Math.min(x + width, wa.x + wa.width) - Math.max(x, wa.x);
    const h = Math.min(y + height, wa.y + wa.height) - Math.max(y, wa.y);
    if (w >= MIN_VISIBLE && h >= MIN_VISIBLE && (!best || w * h > best.area)) best = { wa, area: w * h };
  }
  if (!best) return null;
  const wa = best.wa;
  const w = Math.min(width, wa.width);
  const h = Math.min(height, wa.height);
  return {
    x: Math.min(Math.max(x, wa.x), wa.x + wa.width - w),
    y: Math.min(Math.max(y, wa.y), wa.y + wa.height - h),
    width: w,
    height: h,
  };
}

/** The renderer's CSP, sent as a header; renderer/index.html carries the same policy in a <meta> tag. */
export function contentSecurityPolicy(devServerOrigin: string | null): string {
  const dev = devServerOrigin ? ` ${devServerOrigin}` : '';
  // Vite's dev client talks to its server over a WebSocket on the same host and port.
  const devWs = devServerOrigin ? ` ${devServerOrigin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'none'",
    `script-src 'self'${dev}`,
    // xterm.js writes its theme and cell styles into <style> elements: inline styles are needed.
    `style-src 'self' 'unsafe-inline'${dev}`,
    `img-src 'self' data:${dev}`,
    `font-src 'self'${dev}`,
    `connect-src 'self'${dev}${devWs}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "worker-src 'none'",
  ].join('; ');
}

/** The URL the window loads for a view. */
export function pageUrl(trusted: TrustedOrigins, view: View): string {
  const base = new URL(trusted.devServerOrigin ? new URL('/', trusted.devServerOrigin).href : APP_INDEX);
  base.hash = viewHash(view);
  return base.href;
}

/** True when `url` is our own page (any hash). */
export function isOwnPage(url: string, trusted: TrustedOrigins): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not a URL at all: certainly not our page.
    return false;
  }
  if (isAppUrl(u)) return u.pathname === '/index.html';
  return trusted.devServerOrigin !== null && u.origin === trusted.devServerOrigin;
}

/**
 * will-navigate / will-frame-navigate: the page may only reload itself (e.g. a hash route change that
 * became a load); anything else is denied. Links to the web go through openExternal instead.
 */
export function decideNavigation(url: string, trusted: TrustedOrigins): 'allow' | 'deny' {
  return isOwnPage(url, trusted) ? 'allow' : 'deny';
}

/**
 * The one check before shell.openExternal: only http(s) URLs with a host and without embedded
 * credentials. Returns the normalised URL to open, or null with nothing to open.
 */
export function safeExternalUrl(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > 4096) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Unparsable: nothing safe to open.
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (!u.hostname || u.username || u.password) return null;
  return u.href;
}

/** setWindowOpenHandler: no window ever opens; a web link is handed to the browser instead. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternal: string | null } {
  return { action: 'deny', openExternal: safeExternalUrl(url) };
}

/** Permissions the page may have: copying the terminal's selection to the clipboard, nothing else. */
const GRANTED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export function decidePermission(permission: string, requestingUrl: string, trusted: TrustedOrigins): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isOwnPage(requestingUrl, trusted);
}

/**
 * The dev server, if any: only in an unpackaged app, only on loopback. Anything else is ignored (with
 * the reason), so a stray environment variable can never point the app at a remote page.
 */
export function devServerOrigin(
  raw: string | undefined,
  isPackaged: boolean,
): { origin: string | null; ignored: string | null } {
  if (!raw) return { origin: null, ignored: null };
  if (isPackaged) return { origin: null, ignored: 'CLAWMEDIC_DEV_SERVER is ignored in a packaged app' };
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // Reported to the user as "ignored", with the reason.
    return { origin: null, ignored: `CLAWMEDIC_DEV_SERVER=${raw} is not a URL` };
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'http:' || !loopback) {
    return {
      origin: null,
      ignored: `CLAWMEDIC_DEV_SERVER must be http://localhost:<port> or http://127.0.0.1:<port>, not ${raw}`,
    };
  }
  return { origin: u.origin, ignored: null };
}
