// The app's own URL scheme, clawmedic://app/…, serving the built renderer (dist/renderer) to the window.
// Electron's security checklist prefers this to file://: the page gets a real origin, so module scripts,
// CORS and the CSP's 'self' behave as in a browser, and the page loses file://'s reach into the disk.
// The scheme is registered as standard and secure before the app is ready; this module decides what
// each request gets (pure), and reads the file.
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export const APP_SCHEME = 'clawmedic';
export const APP_HOST = 'app';
/** The page's origin as Chromium reports it (a standard scheme has a host-based origin). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX = `${APP_ORIGIN}/index.html`;

/** What registerSchemesAsPrivileged gets: standard (real origin, relative URLs), secure (like https). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
} as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/** True for a URL of our page's origin (any path, any hash). */
export function isAppUrl(url: URL): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && !url.username && !url.password && !url.port;
}

export type AppRequestDecision =
  { kind: 'file'; file: string; contentType: string } | { kind: 'refuse'; status: 403 | 404 | 405; reason: string };

/**
 * Maps a request to a file under `rendererDir`. Only GET/HEAD on our host; the path is decoded once,
 * normalised, and must stay inside the folder; source maps are not served; unknown types are refused.
 */
export function decideAppRequest(method: string, rawUrl: string, rendererDir: string): AppRequestDecision {
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'refuse', status: 405, reason: `method ${method}` };
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    // Not a URL: Electron would not route it here, but refuse rather than guess.
    return { kind: 'refuse', status: 404, reason: 'unparsable URL' };
  }
  if (!isAppUrl(url)) return { kind: 'refuse', status: 403, reason: `foreign origin ${url.origin}` };
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    // Malformed percent-encoding: no file has that name.
    return { kind: 'refuse', status: 404, reason: 'malformed path' };
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  if (rel.includes('\0') || rel.includes('\\')) return { kind: 'refuse', status: 404, reason: 'invalid path' };
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${path.posix.normalize(rel)}`);
  if (file !== root && !file.startsWith(root + path.sep))
    return { kind: 'refuse', status: 403, reason: 'outside the app' };
  const ext = path.extname(file).toLowerCase();
  const contentType = CONTENT_TYPES[ext];
  if (!contentType) return { kind: 'refuse', status: 404, reason: `not served: ${ext || 'no extension'}` };
  return { kind: 'file', file, contentType };
}

/**
 * The handler for protocol.handle(APP_SCHEME, …): every response carries the CSP and nosniff; a file
 * that resolves (through a symlink) outside the folder is refused like one that does not exist.
 */
export function appProtocolHandler(rendererDir: string, csp: string): (req: Request) => Promise<Response> {
  const headers = (contentType: string) => ({
    'content-type': contentType,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  const refuse = (status: number) => new Response(null, { status, headers: headers('text/plain; charset=utf-8') });
  return async (req) => {
    const d = decideAppRequest(req.method, req.url, rendererDir);
    if (d.kind === 'refuse') return refuse(d.status);
    try {
      const real = await fsp.realpath(d.file);
      const root = await fsp.realpath(rendererDir);
      if (!real.startsWith(root + path.sep)) return refuse(403);
      const body = await fsp.readFile(real);
      return new Response(req.method === 'HEAD' ? null : body, { status: 200, headers: headers(d.contentType) });
    } catch {
      // Missing or unreadable: the window's did-fail-load handler tells the user to build the page.
      return refuse(404);
    }
  };
}
