// One viewer's live-terminal stream, the same for every transport (the app window over IPC, a browser
// over the dashboard's WebSocket): it batches the engine's chunks into fewer messages, can transform the
// text on the way (the dashboard redacts secrets), and passes the viewer's acks back to the engine in
// the engine's own characters. Flow control itself stays in one place, the engine's subscription
// (doctor/terminal.ts pauses the PTY while any viewer is too far behind), so there is one window, not
// a stop-and-wait window per hop. close() forgets everything the viewer had not acknowledged.
import { systemClock, type Clock, type TimerHandle } from '../../common/clock.js';
import type { TerminalChunk } from '../../common/contract.js';
import type { LiveTerminal, TerminalSubscription } from './engine-api.js';

/**
 * A transform that may hold text back (the dashboard's StreamRedactor, redact-stream.ts): push() returns
 * what may be shown now; releaseIdle() what may be shown after a pause; releaseAll() everything.
 */
export interface StreamTransform {
  push(data: string): string;
  releaseIdle(): string;
  releaseAll(): string;
  readonly holding: number;
}

/** 100 ms without new output: release an unfinished ordinary word (a prompt, a spinner) so the view stays live. */
export const IDLE_RELEASE_MS = 100;
/**
 * 5 s: how long a tail that may be the start of a secret waits for the rest before it goes out redacted.
 * A secret printed in two writes arrives within a second or two; a view stuck for 5 s would be noticed.
 */
export const SUSPECT_RELEASE_MS = 5000;

/**
 * 5 ms: short enough that typing echoes without visible lag (a frame is 16 ms), long enough to turn a
 * flood of tiny PTY reads into about one message per frame.
 */
export const BATCH_MS = 5;
/** 64 Ki chars per message: cheap to clone or frame, and xterm parses one in well under a frame. */
export const BATCH_MAX_CHARS = 64 * 1024;

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

export interface ViewerStreamOptions {
  terminal: LiveTerminal;
  /** Delivers one message to the viewer; a throw closes the stream (the viewer is gone). */
  send: (chunk: TerminalChunk) => void;
  /** Rewrites outgoing text (redaction); may change its length and hold text back: acks are translated. */
  transform?: StreamTransform;
  clock?: Clock;
  batchMs?: number;
  maxChars?: number;
  /** Called when send() failed and the stream closed itself. */
  onError?: (err: Error) => void;
  /**
   * The engine dropped this viewer for falling far behind the others (terminal.ts FLOW_LAG_LIMIT); the
   * stream is closed. The transport reconnects or subscribes again (the replay starts it over).
   */
  onLag?: () => void;
}

interface Sent {
  /** Characters the viewer got for this message. */
  sent: number;
  /** The engine's characters behind them. */
  orig: number;
  ackedSent: number;
  ackedOrig: number;
}

export class ViewerStream {
  private sub: TerminalSubscription | null = null;
  private readonly clock: Clock;
  private readonly batchMs: number;
  private readonly maxChars: number;
  /** Engine text not sent yet (untransformed: the transform runs once per message, in deliver). */
  private pending: TerminalChunk | null = null;
  private timer: TimerHandle | null = null;
  private idleTimer: TimerHandle | null = null;
  private suspectTimer: TimerHandle | null = null;
  private closed = false;
  private readonly sentLog: Sent[] = [];
  private unacked = 0;
  /** Engine acks owed before subscribe() returned (the replay arrives synchronously). */
  private owed = 0;
  /** The session of the last message, for text the transform releases later. */
  private lastSession: string | null = null;

  constructor(private readonly opts: ViewerStreamOptions) {
    this.clock = opts.clock ?? systemClock;
    this.batchMs = opts.batchMs ?? BATCH_MS;
    this.maxChars = opts.maxChars ?? BATCH_MAX_CHARS;
    const sub = opts.terminal.subscribe((chunk) => this.onChunk(chunk), {
      onLag: () => {
        this.sub = null;
        this.close();
        opts.onLag?.();
      },
    });
    if (this.closed) {
      sub.close();
      return;
    }
    this.sub = sub;
    this.ackEngine(0);
  }

  /** Characters sent and not acknowledged yet. */
  get pendingAcks(): number {
    return this.unacked;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The viewer parsed `chars` more characters. Over-acks are clamped: a viewer cannot ack what it never got. */
  ack(chars: number): void {
    if (this.closed || !Number.isFinite(chars) || chars <= 0) return;
    let n = Math.min(Math.floor(chars), this.unacked);
    this.unacked -= n;
    let toEngine = 0;
    while (n > 0 && this.sentLog.length > 0) {
      const head = this.sentLog[0]!;
      const take = Math.min(n, head.sent - head.ackedSent);
      head.ackedSent += take;
      n -= take;
      // Proportional while a message is partly acked, exact once all of it is.
      const origNow = head.ackedSent >= head.sent ? head.orig : Math.floor((head.ackedSent * head.orig) / head.sent);
      toEngine += origNow - head.ackedOrig;
      head.ackedOrig = origNow;
      if (head.ackedSent >= head.sent) this.sentLog.shift();
    }
    this.ackEngine(toEngine);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
    this.idleTimer?.cancel();
    this.idleTimer = null;
    this.suspectTimer?.cancel();
    this.suspectTimer = null;
    this.pending = null;
    this.sentLog.length = 0;
    this.unacked = 0;
    this.sub?.close();
    this.sub = null;
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
    else this.pending = { ...chunk };
    // Full batches go out at once, so a flood never builds a buffer bigger than one batch.
    while (this.pending && this.pending.data.length >= this.maxChars) this.flushHead();
    if (this.pending && this.pending.data.length === 0) this.pending = null;
    if (this.pending && this.timer === null) {
      this.timer = this.clock.schedule(this.batchMs, () => {
        this.timer = null;
        this.flush(false);
      });
    }
  }

  private flushHead(): void {
    const p = this.pending!;
    const cut = safeCut(p.data, this.maxChars);
    const head = p.data.slice(0, cut);
    p.data = p.data.slice(cut);
    this.deliver({ kind: p.kind, sessionName: p.sessionName, data: head });
  }

  /** Sends what is pending. Unless forced, a trailing high surrogate waits for its partner. */
  private flush(force: boolean): void {
    this.timer?.cancel();
    this.timer = null;
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
    const t = this.opts.transform;
    if (!t) return this.send(chunk, chunk.data.length);
    const before = t.holding;
    let data = chunk.data ? t.push(chunk.data) : '';
    // The session ended: nothing more will come to complete a held tail.
    if (chunk.kind === 'end') data += t.releaseAll();
    this.send({ ...chunk, data }, chunk.data.length + before - t.holding);
    this.armRelease();
  }

  /** While the transform holds text back, release it after a pause (see IDLE_RELEASE_MS, SUSPECT_RELEASE_MS). */
  private armRelease(): void {
    const t = this.opts.transform;
    if (!t || this.closed) return;
    this.idleTimer?.cancel();
    this.idleTimer = null;
    if (t.holding === 0) {
      this.suspectTimer?.cancel();
      this.suspectTimer = null;
      return;
    }
    const release = (all: boolean) => {
      const p = this.pending;
      // A batch still waiting comes first: the held text precedes nothing that was already sent.
      if (p) this.flush(true);
      const before = t.holding;
      const data = all ? t.releaseAll() : t.releaseIdle();
      if (before !== t.holding)
        this.send({ kind: 'live', sessionName: p?.sessionName ?? this.lastSession, data }, before - t.holding);
      this.armRelease();
    };
    this.idleTimer = this.clock.schedule(IDLE_RELEASE_MS, () => {
      this.idleTimer = null;
      release(false);
    });
    this.suspectTimer ??= this.clock.schedule(SUSPECT_RELEASE_MS, () => {
      this.suspectTimer = null;
      release(true);
    });
  }

  private send(chunk: TerminalChunk, orig: number): void {
    this.lastSession = chunk.sessionName;
    const data = chunk.data;
    const sent = data.length;
    if (sent > 0) {
      this.sentLog.push({ sent, orig, ackedSent: 0, ackedOrig: 0 });
      this.unacked += sent;
    } else if (orig > 0) {
      // Transformed to nothing: the viewer can never ack it, so it is settled with the engine now.
      this.ackEngine(orig);
    }
    if (sent === 0 && chunk.kind !== 'end') return;
    try {
      this.opts.send(chunk);
    } catch (err) {
      // The viewer went away between our check and the send: forget it like a closed window.
      this.close();
      this.opts.onError?.(err as Error);
    }
  }

  private ackEngine(chars: number): void {
    this.owed += chars;
    if (!this.sub || this.owed <= 0) return;
    const n = this.owed;
    this.owed = 0;
    this.sub.ack(n);
  }
}
