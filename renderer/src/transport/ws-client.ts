// ClawMedicApi over the dashboard's WebSocket (main/dashboard/server.ts), so the renderer runs
// unchanged in a browser. Calls carry ids and are answered by id; failures come back as values for the
// methods that return a Result; the connection comes back by itself after a drop.
import type { EngineEvent, Result, TerminalChunk } from '../../../common/contract.js';
import {
  answersWithResult,
  operationsFor,
  OPERATIONS,
  type CallName,
  type ClawMedicApi,
  type SendName,
} from '../../../common/operations.js';
import {
  decodeTermFrame,
  encodeAckFrame,
  PROTOCOL_VERSION,
  type ClientFrame,
  type ServerFrame,
} from '../../../common/ws-protocol.js';

/** The protocol version this client speaks (the server's, from the shared module). */
export const CLIENT_PROTOCOL = PROTOCOL_VERSION;

/** The part of the WebSocket interface we use (the browser's, or the `ws` package's in Node tests). */
export interface SocketLike {
  readonly readyState: number;
  /** 'arraybuffer': binary frames (the terminal's) arrive as ArrayBuffers. */
  binaryType?: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';
export interface ConnectionStatus {
  state: ConnectionState;
  readOnly: boolean;
  /** Why we are not connected, in words for the user; null while all is well. */
  message: string | null;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WsClientOptions {
  url: string;
  socket?: SocketFactory;
  timers?: Timers;
}

export interface DashboardClient extends ClawMedicApi {
  connection(): ConnectionStatus;
  onConnection(listener: (status: ConnectionStatus) => void): () => void;
  /** Messages from the server about refused actions (e.g. keystrokes while read-only). */
  onNotice(listener: (message: string) => void): () => void;
  close(): void;
}

// Reconnect backoff 250 ms doubling to 5 s: quick after a blip (the server restarting), gentle on a
// laptop whose dashboard is gone for good.
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;
// 10 s: how long a call waits for a connection before it fails with a message the user can act on.
const UNSENT_CALL_TIMEOUT_MS = 10_000;

const OPEN = 1;

interface Pending {
  method: CallName;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  frame: ClientFrame;
  sent: boolean;
  timer: unknown;
}

export function dashboardSocketUrl(pageUrl: string): string {
  const u = new URL('ws', pageUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.search = '';
  u.hash = '';
  return u.toString();
}

export function createWsClient(opts: WsClientOptions): DashboardClient {
  const timers: Timers = opts.timers ?? {
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
  };
  const makeSocket: SocketFactory = opts.socket ?? ((url) => new WebSocket(url) as unknown as SocketLike);

  let socket: SocketLike | null = null;
  /** The viewer's last terminal size, re-sent whenever a connection opens. */
  let lastSize: { cols: number; rows: number } | null = null;
  let status: ConnectionStatus = { state: 'connecting', readOnly: true, message: null };
  let everOpened = false;
  let closedByUs = false;
  let backoff = RECONNECT_MIN_MS;
  let reconnectTimer: unknown = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const connectionListeners = new Set<(s: ConnectionStatus) => void>();
  const noticeListeners = new Set<(m: string) => void>();
  const eventListeners = new Set<(e: EngineEvent) => void>();
  const terminalListeners = new Set<(c: TerminalChunk) => void>();

  const setStatus = (next: Partial<ConnectionStatus>) => {
    status = { ...status, ...next };
    for (const l of [...connectionListeners]) l(status);
  };

  const rawSend = (frame: ClientFrame): boolean => {
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  };

  const settle = (p: Pending, message: string) => {
    if (answersWithResult(p.method)) p.resolve({ ok: false, message } satisfies Result);
    else p.reject(new Error(message));
  };

  const connect = () => {
    reconnectTimer = null;
    let s: SocketLike;
    try {
      s = makeSocket(opts.url);
    } catch (err) {
      setStatus({ state: 'reconnecting', message: `Cannot open the dashboard connection: ${(err as Error).message}` });
      scheduleReconnect();
      return;
    }
    socket = s;
    s.binaryType = 'arraybuffer';
    s.onopen = () => {
      everOpened = true;
      backoff = RECONNECT_MIN_MS;
      // Status flips to 'open' on the server's hello, which also says whether input is allowed.
      if (terminalListeners.size > 0) rawSend({ t: 'term-sub' });
      // A size chosen while connecting (or before a reconnect) would otherwise be lost.
      if (lastSize) rawSend({ t: 'send', op: 'terminalResize', args: [lastSize.cols, lastSize.rows] });
      for (const p of pending.values()) {
        if (!p.sent && rawSend(p.frame)) {
          p.sent = true;
          timers.clearTimeout(p.timer);
        }
      }
    };
    s.onmessage = (ev) => {
      if (typeof ev.data !== 'string') {
        // Binary: terminal data (ws-protocol.ts). Anything else binary is not ours to read.
        const d = ev.data;
        const bytes = d instanceof ArrayBuffer ? new Uint8Array(d) : d instanceof Uint8Array ? d : null;
        const chunk = bytes ? decodeTermFrame(bytes) : null;
        if (chunk) for (const l of [...terminalListeners]) l(chunk);
        return;
      }
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        // A frame we cannot parse cannot be answered or shown; the server only sends JSON.
        return;
      }
      handle(frame);
    };
    s.onerror = () => {
      // The close event that follows carries what we need; errors alone say nothing more in browsers.
    };
    s.onclose = (ev) => {
      if (socket !== s) return;
      socket = null;
      for (const [id, p] of pending) {
        if (p.sent) {
          pending.delete(id);
          timers.clearTimeout(p.timer);
          settle(p, 'The connection to ClawMedic dropped before it answered; check the status and try again.');
        }
      }
      if (closedByUs) return setStatus({ state: 'closed', message: null });
      let message: string;
      if (ev.code === 4008) message = 'The live terminal fell too far behind. Reconnecting to replay it…';
      else if (ev.code === 1001) message = 'The ClawMedic dashboard stopped. Reconnecting when it is back…';
      else if (!everOpened)
        message =
          'Cannot connect to the ClawMedic dashboard. It may have stopped, or ' +
          'this link is from an earlier run: open the URL printed by `clawmedic ' +
          'watch --dashboard`.';
      else message = 'Connection to ClawMedic lost. Reconnecting…';
      setStatus({ state: 'reconnecting', message });
      scheduleReconnect();
    };
  };

  const scheduleReconnect = () => {
    if (closedByUs || reconnectTimer !== null) return;
    const wait = backoff;
    backoff = Math.min(backoff * 2, RECONNECT_MAX_MS);
    reconnectTimer = timers.setTimeout(connect, wait);
  };

  const handle = (frame: ServerFrame) => {
    switch (frame.t) {
      case 'hello':
        setStatus({
          state: 'open',
          readOnly: frame.readOnly,
          message: frame.protocol === CLIENT_PROTOCOL ? null : 'ClawMedic was updated: reload this page.',
        });
        return;
      case 'result': {
        const p = pending.get(frame.id);
        if (!p) return;
        pending.delete(frame.id);
        if (frame.ok) p.resolve(frame.value);
        else settle(p, frame.message);
        return;
      }
      case 'event':
        for (const l of [...eventListeners]) l(frame.event);
        return;
      case 'term-start':
        // A (re)subscription starts over with the whole session: an empty replay chunk tells the view to reset.
        for (const l of [...terminalListeners]) l({ kind: 'replay', data: '', sessionName: null });
        return;
      case 'notice':
        for (const l of [...noticeListeners]) l(frame.message);
        return;
    }
  };

  function call<T>(method: CallName, ...args: unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const frame: ClientFrame = { t: 'call', id, method, args };
      const p: Pending = { method, resolve: resolve as (v: unknown) => void, reject, frame, sent: false, timer: null };
      if (closedByUs) return settle(p, 'The dashboard connection was closed.');
      pending.set(id, p);
      if (rawSend(frame)) {
        p.sent = true;
        return;
      }
      p.timer = timers.setTimeout(() => {
        if (!pending.has(id) || p.sent) return;
        pending.delete(id);
        settle(p, status.message ?? 'Not connected to ClawMedic; try again in a moment.');
      }, UNSENT_CALL_TIMEOUT_MS);
    });
  }

  /** One method per operation the dashboard offers, from the operation table. */
  function operationMethods(): ClawMedicApi {
    const api: Record<string, unknown> = {};
    for (const name of operationsFor('ws')) {
      api[name] =
        OPERATIONS[name].kind === 'call'
          ? (...args: unknown[]) => call(name as CallName, ...args)
          : sendOp(name as SendName);
    }
    return api as unknown as ClawMedicApi;
  }

  function sendOp(op: SendName): (...args: unknown[]) => void {
    switch (op) {
      case 'terminalAck':
        // Acks for a connection that dropped mean nothing to the next one; the server clamps any excess.
        return (chars) => {
          // A 5-byte binary frame (ws-protocol.ts): acks come every few thousand characters in a flood.
          const n = chars as number;
          if (n > 0 && socket && socket.readyState === OPEN) socket.send(encodeAckFrame(n));
        };
      case 'terminalInput':
        return (data) => {
          if (!rawSend({ t: 'send', op, args: [data] })) {
            for (const l of [...noticeListeners]) l('Not connected: the keystrokes were not sent.');
          }
        };
      case 'terminalResize':
        return (cols, rows) => {
          lastSize = { cols: cols as number, rows: rows as number };
          rawSend({ t: 'send', op, args: [cols, rows] });
        };
    }
  }

  connect();

  return {
    connection: () => status,
    onConnection(l) {
      connectionListeners.add(l);
      return () => connectionListeners.delete(l);
    },
    onNotice(l) {
      noticeListeners.add(l);
      return () => noticeListeners.delete(l);
    },
    close() {
      closedByUs = true;
      if (reconnectTimer !== null) timers.clearTimeout(reconnectTimer);
      reconnectTimer = null;
      for (const [id, p] of pending) {
        pending.delete(id);
        timers.clearTimeout(p.timer);
        settle(p, 'The dashboard connection was closed.');
      }
      socket?.close(1000, 'closed by the page');
      setStatus({ state: 'closed', message: null });
    },
    ...operationMethods(),
    terminalSubscribe(listener: (chunk: TerminalChunk) => void) {
      terminalListeners.add(listener);
      if (terminalListeners.size === 1) rawSend({ t: 'term-sub' });
      return () => {
        if (!terminalListeners.delete(listener)) return;
        if (terminalListeners.size === 0) rawSend({ t: 'term-unsub' });
      };
    },
    onEvent(listener: (event: EngineEvent) => void) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
  };
}
