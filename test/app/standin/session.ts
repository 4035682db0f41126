// Stand-ins for Electron's session.defaultSession and protocol. The window host routes every request the
// page makes for the app's own URLs here (serve): a custom scheme goes to the handler the app registered
// with protocol.handle (a web Request in, a web Response out), file:// is read from disk; then the
// session's webRequest.onHeadersReceived listener sees the response and may change its headers (the
// app's CSP). Permission requests go to the app's handlers.
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from './app.js';
import { problem, provide, record } from './control.js';
import type { ServeRequest, ServeResponse } from './wire.js';

type Headers = Record<string, string[]>;
type HeadersAnswer = { cancel?: boolean; responseHeaders?: Record<string, string | string[]>; statusLine?: string };
type HeadersListener = (details: Record<string, unknown>, callback: (answer: HeadersAnswer) => void) => void;
type Details = Record<string, unknown>;
type PermissionRequestHandler = (wc: unknown, name: string, answer: (ok: boolean) => void, details: Details) => void;
type PermissionCheckHandler = (wc: unknown, permission: string, origin: string, details: Details) => boolean;
type ProtocolHandler = (request: Request) => Response | Promise<Response>;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

export class StandinProtocol {
  private readonly handlers = new Map<string, ProtocolHandler>();
  readonly privileged: string[] = [];

  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges?: Record<string, boolean> }>): void {
    if (app.isReady()) {
      problem('protocol.registerSchemesAsPrivileged() was called after the app was ready: Electron throws there');
      throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    }
    this.privileged.push(...schemes.map((s) => s.scheme));
    record('protocol.privileged', { schemes: schemes.map((s) => s.scheme) });
  }

  handle(scheme: string, handler: ProtocolHandler): void {
    if (!app.isReady()) problem(`protocol.handle('${scheme}') was called before the app was ready`);
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
    record('protocol.handled', { scheme });
  }

  unhandle(scheme: string): void {
    this.handlers.delete(scheme);
  }

  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }

  handlerFor(scheme: string): ProtocolHandler | null {
    return this.handlers.get(scheme) ?? null;
  }
}

export class StandinWebRequest {
  headersListener: HeadersListener | null = null;

  onHeadersReceived(a: unknown, b?: unknown): void {
    // (listener) or (filter, listener); null removes it.
    const listener = typeof a === 'function' || a === null ? a : b;
    this.headersListener = (listener as HeadersListener | null | undefined) ?? null;
  }

  onBeforeRequest(): void {
    record('note', { message: 'session.webRequest.onBeforeRequest is not emulated' });
  }

  onBeforeSendHeaders(): void {
    record('note', { message: 'session.webRequest.onBeforeSendHeaders is not emulated' });
  }
}

export class StandinSession extends EventEmitter {
  readonly webRequest = new StandinWebRequest();
  readonly protocol = protocol;
  permissionRequest: PermissionRequestHandler | null = null;
  permissionCheck: PermissionCheckHandler | null = null;
  readonly cookies = {
    get: () => Promise.resolve([]),
    set: () => Promise.resolve(undefined),
    remove: () => Promise.resolve(undefined),
  };

  setPermissionRequestHandler(h: PermissionRequestHandler | null): void {
    this.permissionRequest = h;
  }

  setPermissionCheckHandler(h: PermissionCheckHandler | null): void {
    this.permissionCheck = h;
  }

  setDevicePermissionHandler(): void {
    // No devices (USB, HID, serial) in the stand-in.
  }

  setSpellCheckerEnabled(): void {
    // Spellchecking is a renderer nicety the harness does not look at.
  }

  async clearCache(): Promise<void> {
    // Chromium's cache lives in the harness's fresh user-data dir.
  }

  async clearStorageData(): Promise<void> {
    // As clearCache.
  }

  getUserAgent(): string {
    return 'ClawMedic stand-in Electron';
  }
}

export const protocol = new StandinProtocol();
export const defaultSession = new StandinSession();
export const session = {
  get defaultSession() {
    return defaultSession;
  },
  fromPartition: () => defaultSession,
};

async function fromHandler(handler: ProtocolHandler, req: ServeRequest): Promise<ServeResponse> {
  const response = await handler(new Request(req.url, { method: req.method, headers: req.headers }));
  if (!(response instanceof Response)) {
    throw new Error(`the ${new URL(req.url).protocol} handler did not return a Response`);
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  return { kind: 'response', status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) };
}

async function fromFile(req: ServeRequest): Promise<ServeResponse> {
  let file: string;
  try {
    file = fileURLToPath(req.url);
  } catch {
    // file://host/…: a share Chromium will refuse by itself.
    return { kind: 'fallback' };
  }
  try {
    const body = await readFile(file);
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return { kind: 'response', status: 200, headers: { 'content-type': type }, body: new Uint8Array(body) };
  } catch {
    // Missing or unreadable: Chromium loads it itself and fails the way Electron would (ERR_FILE_NOT_FOUND).
    return { kind: 'fallback' };
  }
}

/** onHeadersReceived: the app's listener sees the response and may replace its headers or cancel it. */
type Served = Extract<ServeResponse, { kind: 'response' }>;

function applyHeadersListener(req: ServeRequest, res: Served, wcId: number): Promise<ServeResponse> {
  const listener = defaultSession.webRequest.headersListener;
  if (!listener) return Promise.resolve(res);
  const responseHeaders: Headers = {};
  for (const [k, v] of Object.entries(res.headers)) responseHeaders[k] = [v];
  const details = {
    id: 0,
    url: req.url,
    method: req.method,
    resourceType: req.resourceType,
    referrer: '',
    timestamp: Date.now(),
    statusLine: `HTTP/1.1 ${res.status}`,
    statusCode: res.status,
    responseHeaders,
    webContentsId: wcId,
  };
  return new Promise((resolve) => {
    listener(details, (answer) => {
      if (answer.cancel) return resolve({ kind: 'abort', reason: 'blockedbyclient' });
      if (!answer.responseHeaders) return resolve(res);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(answer.responseHeaders)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      resolve({ ...res, headers });
    });
  });
}

provide({
  async serve(window, req) {
    const scheme = new URL(req.url).protocol.replace(/:$/, '');
    const handler = protocol.handlerFor(scheme);
    let res: ServeResponse;
    if (handler) res = await fromHandler(handler, req);
    else if (scheme === 'file') res = await fromFile(req);
    else return { kind: 'abort', reason: 'failed' };
    return res.kind === 'response' ? applyHeadersListener(req, res, window) : res;
  },
  async permission(_window, kind, permission, url) {
    const session = defaultSession;
    const granted =
      kind === 'check'
        ? (session.permissionCheck?.(null, permission, new URL(url).origin, { requestingUrl: url }) ?? true)
        : await new Promise<boolean>((resolve) => {
            if (!session.permissionRequest) return resolve(true);
            session.permissionRequest(null, permission, resolve, { requestingUrl: url, isMainFrame: true });
          });
    record('permission.asked', { permission, url, granted, kind });
    return granted;
  },
});
