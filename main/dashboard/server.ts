// The loopback web dashboard: serves the built renderer over HTTP and implements ClawMedicApi over a
// WebSocket, for headless machines (`clawmedic watch --dashboard`) and for browser tests.
//
// Access: a random token (256 bits) printed once in the URL. The first request carrying ?token= gets it
// as an HttpOnly, SameSite=Strict cookie and is redirected to the same page without it, so the token
// leaves the address bar and history while every later asset and the WebSocket are authenticated by
// the cookie (page scripts never see it). Tools may send ?token= or `Authorization: Bearer` instead.
// Host is checked on every request (DNS rebinding), Origin on the WebSocket handshake.
//
// Read-only unless allowInput: everything that changes state is refused (see INPUT_METHODS).
import { existsSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { Result } from '../../common/contract.js';
import { RESULT_METHODS as CONTRACT_RESULT_METHODS } from '../../common/contract.js';
import type { EngineApi } from '../engine/engine-api.js';
import {
  allowedHosts,
  allowedOrigins,
  checkRequest,
  cookieName,
  loopbackHost,
  newToken,
  type AccessPolicy,
  type Refusal,
} from './access.js';
import { PROTOCOL_VERSION, WS_PATH, type CallMethod, type ClientFrame, type ServerFrame } from '../../common/ws-protocol.js';
import { Redactor, restoreMasked } from './redaction.js';
import { sendText, serveStatic, securityHeaders } from './static-files.js';
import { TerminalPump } from './terminal-pump.js';

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

/**
 * Operations refused unless allowInput. Everything that changes the gateway, the doctor session, the
 * supervisor, the settings file, or sends a message somewhere. Reading status/incidents/settings, a
 * one-off probe (checkNow: observes, changes nothing) and rendering a brief preview stay allowed.
 * Resizing is allowed too: it only changes how the session is drawn for this viewer.
 */
export const INPUT_METHODS: ReadonlySet<CallMethod> = new Set<CallMethod>([
  'restartNow',
  'startDoctor',
  'stopDoctor',
  'pause',
  'resume',
  'saveSettings',
  'testNotification',
  'takeOver',
  'handBack',
]);

/** Methods whose answer is a Result, so a refusal travels as a value instead of a transport error. */
const RESULT_METHODS: ReadonlySet<CallMethod> = new Set<CallMethod>(CONTRACT_RESULT_METHODS);

// 1 MiB: a settings document with a long prompt template is a few KiB; keystrokes are bytes.
const MAX_FRAME_BYTES = 1024 * 1024;
// 30 s: a tab closed by a crash or a sleeping laptop stops answering pings; after one missed round we
// drop it so its terminal subscription (and unacked count) is forgotten.
const PING_INTERVAL_MS = 30_000;

// See close(): long enough for a live browser to answer a close frame, short enough not to delay exit.
const CLOSE_GRACE_MS = 500;

function defaultRendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, '../..');
  // Compiled: dist/main/dashboard → dist/renderer. From source (vitest, tsx): main/dashboard → dist/renderer,
  // never the unbuilt renderer/ folder (its index.html points at TypeScript).
  return path.basename(root) === 'dist' ? path.join(root, 'renderer') : path.join(root, 'dist', 'renderer');
}

function readOnlyMessage(what: string): string {
  return `The dashboard is read-only, so it cannot ${what}. Restart it with \`clawmedic watch --dashboard --allow-input\` to allow changes.`;
}

const WHAT: Record<string, string> = {
  restartNow: 'restart the gateway',
  startDoctor: 'start the doctor',
  stopDoctor: 'stop the doctor',
  pause: 'pause monitoring',
  resume: 'resume monitoring',
  saveSettings: 'save settings',
  testNotification: 'send a test notification',
  takeOver: 'take over the session',
  handBack: 'hand the session back',
};

export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const engine = opts.engine;
  const host = opts.host ?? '127.0.0.1';
  if (!loopbackHost(host)) {
    throw new Error(
      `Refusing to serve the dashboard on ${host}: it binds loopback only (127.0.0.1). Use an SSH tunnel (ssh -L) to reach it from another machine.`,
    );
  }
  const rendererDir = path.resolve(opts.rendererDir ?? defaultRendererDir());
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(
      `The dashboard UI is not built: ${path.join(rendererDir, 'index.html')} is missing. Run \`npm run build:renderer\` (or \`npm run build\`) first.`,
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
  /** Per-connection teardown (engine listener, terminal subscription, ping timer), run at close() too. */
  const cleanups = new Set<() => void>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  const server = http.createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, `Dashboard error: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const refusal = checkRequest(policy!, req, url, { websocket: false });
    if (refusal) return sendText(res, refusal.status, refusal.message);
    if (url.searchParams.has('token')) {
      // Trade the URL token for a cookie and drop it from the address bar.
      url.searchParams.delete('token');
      const location = url.pathname + (url.search || '') + (url.hash || '');
      res.writeHead(303, {
        ...securityHeaders(),
        Location: location,
        'Set-Cookie': `${cookieName(policy!.port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Content-Length': 0,
      });
      res.end();
      return;
    }
    if (url.pathname === WS_PATH) return sendText(res, 426, 'This address is the dashboard WebSocket; open / instead.');
    await serveStatic(rendererDir, req, res, url.pathname);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    let refusal: Refusal | null = checkRequest(policy!, req, url, { websocket: true });
    if (!refusal && url.pathname !== WS_PATH) refusal = { status: 403, message: `No WebSocket at ${url.pathname}.` };
    if (refusal) {
      const body = refusal.message + '\n';
      const reason = refusal.status === 401 ? 'Unauthorized' : 'Forbidden';
      socket.end(
        `HTTP/1.1 ${refusal.status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws));
  });

  function serveConnection(ws: WebSocket): void {
    let alive = true;
    let pump: TerminalPump | null = null;
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const offEvents = engine.on((event) => {
      if (event.type === 'settings-changed') {
        // New settings may hold new secrets: learn them before anything else is sent.
        engine.getSettings().then(
          (v) => redactor.learn(v.settings),
          () => undefined, // keeping the previous secret list is the safe fallback
        );
      }
      send({ t: 'event', event: redactor.deep(event) });
    });
    const ping = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, PING_INTERVAL_MS);
    ws.on('pong', () => (alive = true));
    const cleanup = () => {
      cleanups.delete(cleanup);
      clearInterval(ping);
      offEvents();
      pump?.close();
      pump = null;
    };
    cleanups.add(cleanup);
    ws.on('close', cleanup);
    ws.on('error', () => {
      // 'close' follows every 'error' on a ws socket and does the cleanup.
    });
    send({ t: 'hello', protocol: PROTOCOL_VERSION, readOnly: !allowInput });

    ws.on('message', (raw: RawData, isBinary: boolean) => {
      let frame: ClientFrame;
      try {
        if (isBinary) throw new Error('binary');
        frame = JSON.parse(raw.toString()) as ClientFrame;
        if (!frame || typeof frame !== 'object' || typeof frame.t !== 'string') throw new Error('shape');
      } catch {
        ws.close(1007, 'frames must be JSON objects with a "t" field');
        return;
      }
      switch (frame.t) {
        case 'call':
          void answer(frame.id, frame.method, Array.isArray(frame.args) ? frame.args : []).then(send);
          return;
        case 'ack':
          pump?.ack(Number(frame.chars));
          return;
        case 'term-sub':
          pump?.close();
          send({ t: 'term-start' });
          pump = new TerminalPump({
            terminal: engine.terminal,
            send: (chunk) => send({ t: 'term', ...chunk }),
            transform: (s) => redactor.text(s),
            onOverflow: () => ws.close(4008, 'terminal viewer fell too far behind; reload the page to replay'),
          });
          return;
        case 'term-unsub':
          pump?.close();
          pump = null;
          return;
        case 'input':
          if (!allowInput) return send({ t: 'notice', message: readOnlyMessage('type into the session') });
          if (typeof frame.data !== 'string') return;
          if (!engine.terminalInput(frame.data)) {
            send({ t: 'notice', message: 'Keystrokes were not sent: take over the session first.' });
          }
          return;
        case 'resize': {
          const cols = Math.floor(Number(frame.cols));
          const rows = Math.floor(Number(frame.rows));
          // 2..1000: anything outside is a confused client; tmux refuses it anyway.
          if (cols >= 2 && cols <= 1000 && rows >= 2 && rows <= 1000) engine.terminalResize(cols, rows);
          return;
        }
        default:
          send({ t: 'notice', message: `Unknown frame type ${JSON.stringify((frame as { t: unknown }).t)} ignored.` });
      }
    });
  }

  async function answer(id: number, method: CallMethod, args: unknown[]): Promise<ServerFrame> {
    const fail = (message: string): ServerFrame => ({ t: 'result', id, ok: false, message });
    const ok = (value: unknown): ServerFrame => ({ t: 'result', id, ok: true, value });
    if (!allowInput && INPUT_METHODS.has(method)) {
      const message = readOnlyMessage(WHAT[method] ?? method);
      return RESULT_METHODS.has(method) ? ok({ ok: false, message } satisfies Result) : fail(message);
    }
    try {
      switch (method) {
        case 'getStatus':
          return ok(redactor.deep(engine.status()));
        case 'checkNow':
          return ok(redactor.deep(await engine.checkNow()));
        case 'restartNow':
          return ok(redactor.deep(await engine.restartNow()));
        case 'startDoctor':
          return ok(redactor.deep(await engine.startDoctor()));
        case 'stopDoctor':
          return ok(redactor.deep(await engine.stopDoctor()));
        case 'pause': {
          const m = args[0];
          if (m !== null && (typeof m !== 'number' || !(m > 0))) return fail('pause needs a positive number of minutes or null.');
          engine.pause(m);
          return ok(undefined);
        }
        case 'resume':
          engine.resume();
          return ok(undefined);
        case 'listIncidents':
          return ok(redactor.deep(await engine.listIncidents()));
        case 'getIncident': {
          if (typeof args[0] !== 'string') return fail('getIncident needs an incident id.');
          return ok(redactor.deep(await engine.getIncident(args[0])));
        }
        case 'getSettings':
          return ok(redactor.settingsView(await engine.getSettings()));
        case 'saveSettings': {
          const current = (await engine.getSettings()).settings;
          const restored = restoreMasked(args[0], current, (s) => redactor.text(s));
          if (restored.problems.length) {
            return ok({
              ok: false,
              message: 'Some hidden values were changed in a way that cannot be restored; nothing was saved.',
              problems: restored.problems,
            } satisfies Result);
          }
          const r = await engine.saveSettings(restored.value);
          if (r.ok) redactor.learn(restored.value);
          return ok(redactor.deep(r));
        }
        case 'previewBrief': {
          if (typeof args[0] !== 'string') return ok({ ok: false, message: 'previewBrief needs the template text.' });
          return ok(redactor.deep(await engine.previewBrief(args[0])));
        }
        case 'testNotification': {
          if (typeof args[0] !== 'string') return ok({ ok: false, message: 'testNotification needs a channel name.' });
          return ok(redactor.deep(await engine.testNotification(args[0])));
        }
        case 'takeOver':
          return ok(redactor.deep(await engine.takeOver()));
        case 'handBack':
          return ok(redactor.deep(await engine.handBack()));
        default:
          return fail(`Unknown method ${JSON.stringify(method)}.`);
      }
    } catch (err) {
      const message = redactor.text(`ClawMedic could not ${WHAT[method] ?? `run ${method}`}: ${(err as Error).message}`);
      return RESULT_METHODS.has(method) ? ok({ ok: false, message } satisfies Result) : fail(message);
    }
  }

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
