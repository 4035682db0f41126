// Forwards one window's live-terminal subscription: batches the engine's chunks into fewer IPC messages
// and passes the renderer's acks back to the engine's flow control. Electron-free, driven by injected
// timers so tests control time.
import type { TerminalChunk } from '../../common/contract.js';
import type { LiveTerminal, TerminalSubscription } from '../engine/engine-api.js';
import { realTimers, type Timers } from './timers.js';

/**
 * 5 ms: short enough that typing echoes without visible lag (a frame is 16 ms), long enough to turn a
 * flood of tiny PTY reads into one message per frame or so.
 */
export const TERMINAL_BATCH_MS = 5;
/** 64 Ki chars: one IPC message stays small for structured clone, and xterm parses it in well under a frame. */
export const TERMINAL_BATCH_MAX_CHARS = 64 * 1024;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Largest cut at or below `max` that does not separate a surrogate pair. */
export function safeCut(s: string, max: number): number {
  if (s.length <= max) return s.length;
  let n = max;
  if (n > 0 && isHighSurrogate(s.charCodeAt(n - 1))) n -= 1;
  return n;
}

export interface TerminalForwarderOptions {
  terminal: LiveTerminal;
  /** Delivers a batch to the window (webContents.send). */
  send: (chunk: TerminalChunk) => void;
  timers?: Timers;
  batchMs?: number;
  maxChars?: number;
}

/** One per subscribed window. close() forgets everything this window had not acknowledged. */
export class TerminalForwarder {
  private sub: TerminalSubscription | null = null;
  private readonly timers: Timers;
  private readonly batchMs: number;
  private readonly maxChars: number;
  private pending: { kind: TerminalChunk['kind']; sessionName: string | null; data: string } | null = null;
  private timer: unknown = null;
  private closed = false;
  /** Characters delivered to the renderer and not acknowledged yet (acks are clamped to this). */
  private unacked = 0;

  constructor(private readonly opts: TerminalForwarderOptions) {
    this.timers = opts.timers ?? realTimers;
    this.batchMs = opts.batchMs ?? TERMINAL_BATCH_MS;
    this.maxChars = opts.maxChars ?? TERMINAL_BATCH_MAX_CHARS;
    const sub = opts.terminal.subscribe((chunk) => this.onChunk(chunk));
    this.sub = sub;
    // The engine may replay (and a failed send may close us) before subscribe() returns.
    if (this.closed) sub.close();
  }

  /** The renderer parsed `chars` characters; passed on so the engine can resume a paused PTY. */
  ack(chars: number): void {
    if (this.closed || !Number.isFinite(chars)) return;
    // A confused renderer must not ack what it never got: that would let the engine overrun it.
    const n = Math.min(Math.max(0, Math.floor(chars)), this.unacked);
    if (n === 0) return;
    this.unacked -= n;
    this.sub?.ack(n);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.pending = null;
    this.sub?.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private onChunk(chunk: TerminalChunk): void {
    if (this.closed) return;
    const p = this.pending;
    if (p && (p.kind !== chunk.kind || p.sessionName !== chunk.sessionName)) this.flush(true);
    if (chunk.kind === 'end') {
      this.flush(true);
      this.deliver(chunk);
      return;
    }
    if (this.pending) this.pending.data += chunk.data;
    else this.pending = { kind: chunk.kind, sessionName: chunk.sessionName, data: chunk.data };
    // Full batches go out at once, so a flood never builds a buffer bigger than one batch.
    while (this.pending && this.pending.data.length >= this.maxChars) {
      const cut = safeCut(this.pending.data, this.maxChars);
      const head = this.pending.data.slice(0, cut);
      this.pending.data = this.pending.data.slice(cut);
      this.deliver({ kind: this.pending.kind, sessionName: this.pending.sessionName, data: head });
    }
    if (this.pending && this.pending.data.length === 0) this.pending = null;
    if (this.pending && this.timer === null) {
      this.timer = this.timers.set(() => {
        this.timer = null;
        this.flush(false);
      }, this.batchMs);
    }
  }

  /** Sends what is pending. Unless forced, a trailing high surrogate waits for its partner. */
  private flush(force: boolean): void {
    if (this.timer !== null) {
      this.timers.clear(this.timer);
      this.timer = null;
    }
    const p = this.pending;
    if (!p) return;
    let data = p.data;
    let keep = '';
    if (!force && data.length > 0 && isHighSurrogate(data.charCodeAt(data.length - 1))) {
      keep = data.slice(-1);
      data = data.slice(0, -1);
    }
    this.pending = keep ? { ...p, data: keep } : null;
    if (data.length > 0) this.deliver({ kind: p.kind, sessionName: p.sessionName, data });
  }

  private deliver(chunk: TerminalChunk): void {
    this.unacked += chunk.data.length;
    try {
      this.opts.send(chunk);
    } catch (err) {
      // The window went away between our check and the send: forget it like a closed window.
      process.emitWarning(`ClawMedic: terminal chunk not delivered, closing the stream: ${(err as Error).message}`);
      this.close();
    }
  }
}
