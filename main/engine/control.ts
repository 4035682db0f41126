// The running watcher's control socket: `clawmedic restart | doctor | pause | resume` in another
// terminal ask the watcher (app or `clawmedic watch`) to act, instead of starting a second engine
// that would record its own incident for the same outage. A Unix socket in the private data dir:
// file permissions (0600 in a 0700 folder) are the authentication. Newline-delimited JSON.
import { existsSync, unlinkSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { EngineEvent, Result, StatusSnapshot } from '../../common/contract.js';
import type { DoctorOutcome } from './doctor/port.js';
import { PRIVATE_FILE_MODE } from './fsutil.js';

/** macOS limits a socket path to 104 bytes; keep a margin. */
const MAX_SOCKET_PATH = 100;
/** 10 s to answer a quick request (status, pause): the watcher answers in milliseconds when alive. */
const QUICK_REPLY_MS = 10_000;
/** A request line larger than this is not ours. */
const MAX_REQUEST_BYTES = 64 * 1024;

export type ControlRequest =
  | { op: 'status' }
  | { op: 'pause'; minutes: number | null }
  | { op: 'resume' }
  | { op: 'restart' }
  | { op: 'doctor' }
  | { op: 'stop-doctor' };

export type ControlReply =
  | { type: 'event'; event: EngineEvent }
  | { type: 'result'; result: Result<unknown> };

/** What the control server needs from the engine (kept small so it can be tested with a fake). */
export interface ControlTarget {
  on(listener: (e: EngineEvent) => void): () => void;
  status(): StatusSnapshot;
  pause(minutes: number | null): void;
  resume(): void;
  restartNow(): Promise<Result>;
  runDoctor(): Promise<Result<DoctorOutcome>>;
  stopDoctor(): Promise<Result>;
}

export function controlSocketPath(dataDir: string): string {
  const p = path.join(dataDir, 'control.sock');
  if (p.length <= MAX_SOCKET_PATH) return p;
  // A deep data dir: a short, per-dir name in the temp folder (still private: created 0600).
  const h = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `clawmedic-${h}.sock`);
}

function parseRequest(line: string): ControlRequest | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    // Not JSON: refused below with a message.
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const r = v as Record<string, unknown>;
  switch (r.op) {
    case 'status':
    case 'resume':
    case 'restart':
    case 'doctor':
    case 'stop-doctor':
      return { op: r.op };
    case 'pause':
      if (r.minutes === null || (typeof r.minutes === 'number' && r.minutes > 0 && r.minutes <= 7 * 24 * 60)) return { op: 'pause', minutes: r.minutes as number | null };
      return null;
    default:
      return null;
  }
}

export interface ControlServer {
  path: string;
  close(): Promise<void>;
}

export async function serveControl(target: ControlTarget, dataDir: string): Promise<ControlServer> {
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
      void handle(target, req, sock);
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

async function handle(target: ControlTarget, req: ControlRequest | null, sock: net.Socket): Promise<void> {
  const send = (r: ControlReply) => {
    if (!sock.destroyed) sock.write(JSON.stringify(r) + '\n');
  };
  const finish = (result: Result<unknown>) => {
    send({ type: 'result', result });
    sock.end();
  };
  if (!req) return finish({ ok: false, message: 'ClawMedic did not understand that request (a newer or older clawmedic?).' });
  switch (req.op) {
    case 'status':
      return finish({ ok: true, value: target.status() });
    case 'pause':
      target.pause(req.minutes);
      return finish({ ok: true, value: target.status() });
    case 'resume':
      target.resume();
      return finish({ ok: true, value: target.status() });
    case 'stop-doctor':
      return finish(await target.stopDoctor());
  }
  // Long operations stream the engine's events until they end.
  const off = target.on((event) => {
    if (event.type !== 'check') send({ type: 'event', event });
  });
  try {
    finish(req.op === 'restart' ? await target.restartNow() : await target.runDoctor());
  } catch (err) {
    finish({ ok: false, message: `The watcher failed to carry it out: ${(err as Error).message}` });
  } finally {
    off();
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

/**
 * Sends one request to the running watcher. Resolves null when no watcher listens (the caller then
 * acts on its own); otherwise the final result, after passing every streamed event to onEvent.
 */
export function callControl(
  dataDir: string,
  req: ControlRequest,
  onEvent: (e: EngineEvent) => void = () => {},
): Promise<Result<unknown> | null> {
  const file = controlSocketPath(dataDir);
  return new Promise((resolve, reject) => {
    if (!existsSync(file)) return resolve(null);
    const sock = net.connect(file);
    let buf = '';
    let result: Result<unknown> | null = null;
    let connected = false;
    const quick = req.op !== 'restart' && req.op !== 'doctor';
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
      if (result) resolve(result);
      else reject(new Error('The running ClawMedic closed the connection without an answer (did it stop?).'));
    });
  });
}
