// Serves the Vite-built renderer from one folder: GET/HEAD only, no directory listings, no path
// escapes, and the same strict CSP the Electron window uses (plus frame-ancestors, which a meta tag cannot set).
import { promises as fsp } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * style-src needs 'unsafe-inline': xterm.js creates <style> elements for its theme and row layout at
 * run time (no nonce hook). Scripts stay 'self' only, which is what stops injected markup from running.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // The UI can show secrets-adjacent data (incidents, settings); keep it out of any cache.
    'Cache-Control': 'no-store',
  };
}

export function sendText(
  res: ServerResponse,
  status: number,
  message: string,
  extra: Record<string, string> = {},
): void {
  const body = message.endsWith('\n') ? message : message + '\n';
  res.writeHead(status, {
    ...securityHeaders(),
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

/** Resolves a URL path inside root, or null when it would leave it. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    // A malformed %-escape cannot name one of our files.
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = path.resolve(root, rel);
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  return full;
}

export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  urlPath: string,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Only GET and HEAD are served here; the dashboard talks over its WebSocket.', {
      Allow: 'GET, HEAD',
    });
    return;
  }
  const file = resolveInside(root, urlPath);
  if (!file) {
    sendText(res, 404, 'Not found.');
    return;
  }
  let data: Buffer;
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) {
      sendText(res, 404, 'Not found.');
      return;
    }
    data = await fsp.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      sendText(res, 404, 'Not found.');
      return;
    }
    sendText(res, 500, `Could not read ${path.basename(file)}: ${(err as Error).message}`);
    return;
  }
  res.writeHead(200, {
    ...securityHeaders(),
    'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': data.length,
  });
  res.end(req.method === 'HEAD' ? undefined : data);
}
