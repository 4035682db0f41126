// The running watcher's control socket: `clawmedic restart | doctor | pause | resume` in another
// terminal ask the watcher (app or `clawmedic watch`) to act, instead of starting a second engine
// that would record its own incident for the same outage. A Unix socket in the private data dir:
// file permissions (0600 in a 0700 folder) are the authentication. Newline-delimited JSON.
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { EngineEvent, Result } from '../../common/contract.js';
import { answersWithResult, OPERATIONS, type ArgsOf, type CallName, type ResultOf } from '../../common/operations.js';
import type { EngineApi } from './engine-api.js';
import { PRIVATE_FILE_MODE } from './fsutil.js';
import { fitsSocket, runtimeDir } from './runtime-dir.js';
import { dispatch, engineHandlers } from './operations.js';

/** 10 s to answer a quick request (status, pause): the watcher answers in milliseconds when alive. */
const QUICK_REPLY_MS = 10_000;
/** A request line larger than this is not ours. */
const MAX_REQUEST_BYTES = 64 * 1024;

/** One line from the client: an operation of the table that the control transport offers, and its arguments. */
export interface ControlRequest {
  op: string;
  args: unknown[];
}

export type ControlReply = { type: 'event'; event: EngineEvent } | { type: 'result'; result: Result<unknown> };

export function controlSocketPath(dataDir: string): string {
  // A deep data dir: the socket goes to this data dir's private runtime folder (runtime-dir.ts).
  return fitsSocket(dataDir) ? path.join(dataDir, 'control.sock') : path.join(runtimeDir(dataDir), 'control.sock');
}

function parseRequest(line: string): ControlRequest | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    // Not JSON: refused by the caller with a message.
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const r = v as Record<string, unknown>;
  if (typeof r.op !== 'string') return null;
  return { op: r.op, args: Array.isArray(r.args) ? r.args : [] };
}

export interface ControlServer {
  path: string;
  close(): Promise<void>;
}

export async function serveControl(engine: EngineApi, dataDir: string): Promise<ControlServer> {
  const file = controlSocketPath(dataDir);
  if (existsSync(file)) {
    if (await answers(file)) throw new Error(`Another ClawMedic already listens on ${file}.`);
    // Left by a watcher that crashed: nobody answers on it.
    unlinkSync(file);
  }
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {
      // The client went away mid-reply: what it asked for goes on; nothing to tell it any more.
    });
    let buf = '';
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      if (buf.length > MAX_REQUEST_BYTES) return sock.destroy();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const req = parseRequest(buf.slice(0, nl));
      sock.removeAllListeners('data');
      void handle(engine, req, sock);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  await chmod(file, PRIVATE_FILE_MODE);
  return {
    path: file,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function handle(engine: EngineApi, req: ControlRequest | null, sock: net.Socket): Promise<void> {
  const send = (r: ControlReply) => {
    if (!sock.destroyed) sock.write(JSON.stringify(r) + '\n');
  };
  if (!req) {
    send({
      type: 'result',
      result: { ok: false, message: 'ClawMedic did not understand that request (a newer or older clawmedic?).' },
    });
    return void sock.end();
  }
  // Long operations stream the engine's events until they end.
  const op = (OPERATIONS as Record<string, { kind: string; streamsEvents?: boolean }>)[req.op];
  const off =
    op?.kind === 'call' && op.streamsEvents
      ? engine.on((event) => {
          if (event.type !== 'check') send({ type: 'event', event });
        })
      : null;
  try {
    const a = await dispatch(engineHandlers(engine), req.op, req.args, { transport: 'control' });
    // Every answer is a Result on this transport: plain values are wrapped, refusals become values.
    let result: Result<unknown>;
    if (!a.ok) result = { ok: false, message: a.message };
    else result = answersWithResult(req.op) ? (a.value as Result<unknown>) : { ok: true, value: a.value };
    send({ type: 'result', result });
  } finally {
    off?.();
    sock.end();
  }
}

function answers(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(file);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Why a socket at `file` must not be trusted (another user's, not a socket), or null. */
export function socketProblem(file: string): string | null {
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  let st;
  try {
    st = lstatSync(file);
  } catch (err) {
    return `cannot check the control socket ${file}: ${(err as Error).message}`;
  }
  if (!st.isSocket())
    return `${file} is not a socket; ClawMedic will not talk to it. Remove it and start the watcher again.`;
  if (uid !== null && st.uid !== uid) {
    return (
      `${file} belongs to another user (uid ${st.uid}), not to you: ClawMedic will not send it commands. ` +
      'Remove it (or ask an administrator to), then start your watcher again.'
    );
  }
  return null;
}

/** What the watcher answers: the operation's own Result, or its value wrapped in one. */
export type ControlAnswer<K extends CallName> = ResultOf<K> extends Result<unknown> ? ResultOf<K> : Result<ResultOf<K>>;

/**
 * Sends one request to the running watcher. Resolves null when no watcher listens (the caller then
 * acts on its own); otherwise the final result, after passing every streamed event to onEvent.
 */
export function callControl<K extends CallName>(
  dataDir: string,
  name: K,
  args: ArgsOf<K>,
  onEvent: (e: EngineEvent) => void = () => {},
): Promise<ControlAnswer<K> | null> {
  const file = controlSocketPath(dataDir);
  const req: ControlRequest = { op: name, args };
  return new Promise((resolve, reject) => {
    if (!existsSync(file)) return resolve(null);
    const untrusted = socketProblem(file);
    if (untrusted) return reject(new Error(untrusted));
    const sock = net.connect(file);
    let buf = '';
    let result: Result<unknown> | null = null;
    let connected = false;
    // Operations that stream events run as long as they take (a doctor session: up to its time limit).
    const quick = !(OPERATIONS[name] as { streamsEvents?: boolean }).streamsEvents;
    const timer = quick
      ? setTimeout(() => {
          sock.destroy();
          reject(new Error(`The running ClawMedic did not answer within ${QUICK_REPLY_MS / 1000} s (socket ${file}).`));
        }, QUICK_REPLY_MS)
      : null;
    sock.on('connect', () => {
      connected = true;
      sock.write(JSON.stringify(req) + '\n');
    });
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const reply = JSON.parse(line) as ControlReply;
        if (reply.type === 'event') onEvent(reply.event);
        else result = reply.result;
      }
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      // A socket file nobody listens on: the watcher is gone; act without it.
      if (!connected && (err.code === 'ECONNREFUSED' || err.code === 'ENOENT')) return resolve(null);
      reject(new Error(`Lost the connection to the running ClawMedic (${err.message}).`));
    });
    sock.on('close', () => {
      if (timer) clearTimeout(timer);
      if (!connected) return;
      if (result) resolve(result as ControlAnswer<K>);
      else reject(new Error('The running ClawMedic closed the connection without an answer (did it stop?).'));
    });
  });
}
