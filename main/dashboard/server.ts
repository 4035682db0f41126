// The loopback web dashboard: serves the built renderer over HTTP and implements ClawMedicApi over a
// WebSocket, for headless machines (`clawmedic watch --dashboard`) and for browser tests.
//
// Access: a random token (256 bits) printed once in the URL. The first request carrying ?token= gets it
// as an HttpOnly, SameSite=Strict cookie and is redirected to the same page without it, so the token
// leaves the address bar and history while every later asset and the WebSocket are authenticated by
// the cookie (page scripts never see it). Tools may send ?token= or `Authorization: Bearer` instead.
// Host is checked on every request (DNS rebinding), Origin on the WebSocket handshake.
//
// Read-only unless allowInput: what a read-only viewer may do is the operation table's `readOnly` flag.
//
// This file composes the parts: access.ts (token, Host, Origin), http.ts (pages and the token-for-cookie
// exchange), upgrade.ts (WebSocket handshakes), connection.ts (one browser's session and its calls).
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { EngineApi } from '../engine/engine-api.js';
import { engineHandlers } from '../engine/operations.js';
import { allowedHosts, allowedOrigins, loopbackHost, newToken, type AccessPolicy } from './access.js';
import { serveConnection } from './connection.js';
import { handleHttp } from './http.js';
import { Redactor } from './redaction.js';
import { sendText } from './static-files.js';
import { handleUpgrade } from './upgrade.js';

export interface DashboardOptions {
  engine: EngineApi;
  /** Loopback only (127.0.0.1, ::1, localhost); anything else is refused. */
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Allow operations that change state (take over, keystrokes, settings, restart, doctor, pause…). */
  allowInput?: boolean;
  /** Folder of the Vite-built renderer (default: dist/renderer next to this compiled file). */
  rendererDir?: string;
  /** Fixed token (tests); default: a fresh random one. */
  token?: string;
}

export interface Dashboard {
  /** Full URL including the token: print it once, it is the key. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

// 1 MiB: a settings document with a long prompt template is a few KiB; keystrokes are bytes.
const MAX_FRAME_BYTES = 1024 * 1024;
// See close(): long enough for a live browser to answer a close frame, short enough not to delay exit.
const CLOSE_GRACE_MS = 500;

function defaultRendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, '../..');
  // Compiled: dist/main/dashboard → dist/renderer. From source (vitest, tsx): main/dashboard → dist/renderer,
  // never the unbuilt renderer/ folder (its index.html points at TypeScript).
  return path.basename(root) === 'dist' ? path.join(root, 'renderer') : path.join(root, 'dist', 'renderer');
}

export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const engine = opts.engine;
  const host = opts.host ?? '127.0.0.1';
  if (!loopbackHost(host)) {
    throw new Error(
      `Refusing to serve the dashboard on ${host}: it binds loopback only ` +
        `(127.0.0.1). Use an SSH tunnel (ssh -L) to reach it from another machine.`,
    );
  }
  const rendererDir = path.resolve(opts.rendererDir ?? defaultRendererDir());
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(
      `The dashboard UI is not built: ${path.join(rendererDir, 'index.html')} ` +
        `is missing. Run \`npm run build:renderer\` (or \`npm run build\`) first.`,
    );
  }
  const allowInput = opts.allowInput ?? false;
  const token = opts.token ?? newToken();
  const redactor = new Redactor(() => engine.gatewaySecrets?.() ?? []);
  try {
    redactor.learn((await engine.getSettings()).settings);
  } catch {
    // Without settings there are no literal secrets to learn; pattern-based redaction still applies.
  }

  let policy: AccessPolicy | null = null;
  const sockets = new Set<Socket>();
  /** Per-connection teardown (engine listener, terminal stream, ping timer), run at close() too. */
  const cleanups = new Set<() => void>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const handlers = engineHandlers(engine);

  const server = http.createServer((req, res) => {
    handleHttp({ policy: policy!, token, rendererDir }, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, `Dashboard error: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    handleUpgrade(policy!, wss, req, socket, head, (ws) => {
      const cleanup = serveConnection(ws, { engine, handlers, redactor, readOnly: !allowInput });
      cleanups.add(cleanup);
      ws.on('close', () => cleanups.delete(cleanup));
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `Port ${opts.port} on ${host} is already in use; pick another with --port (or 0 for any free port).`
            : `Could not start the dashboard on ${host}:${opts.port ?? 0}: ${err.message}`,
        ),
      );
    };
    server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  policy = { token, port, hosts: allowedHosts(host, port), origins: allowedOrigins(host, port) };
  const urlHost = host === '::1' ? '[::1]' : host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.close(1001, 'ClawMedic dashboard stopped');
        for (const c of [...cleanups]) c();
        wss.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // 500 ms for browsers to answer the close frames; after that, sockets that did not finish the
        // handshake (a suspended tab) would hold close() open forever, so they are cut.
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, CLOSE_GRACE_MS).unref();
      });
      return closing;
    },
  };
}
