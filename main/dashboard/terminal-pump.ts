// Per-connection flow control for the live terminal, the same scheme as the IPC path: the browser acks
// characters after xterm parsed them, we stop sending above a high watermark of unacked characters and
// resume below a low one, and we ack the engine only for what the browser acked, so the engine pauses
// the PTY when a viewer falls behind. Closing forgets everything, so a gone tab never stalls the stream.
import type { TerminalChunk } from '../../common/contract.js';
import type { LiveTerminal, TerminalSubscription } from '../engine/engine-api.js';

// 100k / 5k characters: VS Code's terminal watermarks; ~100 ms of a flood for xterm to parse, and a
// resume point low enough that the pipe never runs dry while xterm catches up.
export const HIGH_WATERMARK = 100_000;
export const LOW_WATERMARK = 5_000;
// 16M characters (~32 MB of JS strings): far above any replay we expect (a 30-minute session is a few
// MB) yet a hard bound on memory if an engine keeps pushing to a viewer that never acks.
export const MAX_QUEUED = 16_000_000;
// 64k characters per merged frame: large enough that a backlog costs few messages, small enough that
// xterm parses one in a few milliseconds and the page stays responsive.
export const MAX_FRAME_CHARS = 64_000;

interface InFlight {
  sent: number;
  orig: number;
  /** Sent characters of this chunk the browser acked so far. */
  ackedSent: number;
  /** Original characters of this chunk already acked to the engine. */
  ackedOrig: number;
}

export interface PumpStats {
  unacked: number;
  queued: number;
  paused: boolean;
  engineAcked: number;
}

export interface TerminalPumpOptions {
  terminal: LiveTerminal;
  /** Sends one chunk to the browser. */
  send: (chunk: TerminalChunk) => void;
  /** Redacts outgoing text; may change its length (acks are translated back to original characters). */
  transform?: (data: string) => string;
  /** Called once when the viewer fell MAX_QUEUED behind; the caller closes the connection. */
  onOverflow: () => void;
}

export class TerminalPump {
  private sub: TerminalSubscription | null = null;
  private readonly queue: { chunk: TerminalChunk; orig: number }[] = [];
  private queuedChars = 0;
  private readonly inflight: InFlight[] = [];
  private unacked = 0;
  private paused = false;
  private closed = false;
  private engineAcked = 0;
  /** Engine acks owed before subscribe() returned (the replay can arrive synchronously). */
  private owedToEngine = 0;

  constructor(private readonly opts: TerminalPumpOptions) {
    const sub = opts.terminal.subscribe((chunk) => this.push(chunk));
    if (this.closed) {
      sub.close();
      return;
    }
    this.sub = sub;
    if (this.owedToEngine > 0) this.ackEngine(0);
  }

  stats(): PumpStats {
    return { unacked: this.unacked, queued: this.queuedChars, paused: this.paused, engineAcked: this.engineAcked };
  }

  private push(chunk: TerminalChunk): void {
    if (this.closed) return;
    const data = this.opts.transform ? this.opts.transform(chunk.data) : chunk.data;
    this.queue.push({ chunk: { ...chunk, data }, orig: chunk.data.length });
    this.queuedChars += data.length;
    if (this.queuedChars > MAX_QUEUED) {
      this.close();
      this.opts.onOverflow();
      return;
    }
    this.pump();
  }

  private pump(): void {
    while (!this.paused && !this.closed && this.queue.length > 0) {
      const item = this.queue.shift()!;
      const cap = Math.max(item.chunk.data.length, Math.min(MAX_FRAME_CHARS, HIGH_WATERMARK - this.unacked));
      // A backlog of small chunks (after a pause) goes out as few large frames, not thousands of tiny ones.
      while (
        item.chunk.kind !== 'end' &&
        this.queue.length > 0 &&
        this.queue[0]!.chunk.kind === item.chunk.kind &&
        this.queue[0]!.chunk.sessionName === item.chunk.sessionName &&
        item.chunk.data.length + this.queue[0]!.chunk.data.length <= cap
      ) {
        const next = this.queue.shift()!;
        item.chunk = { ...item.chunk, data: item.chunk.data + next.chunk.data };
        item.orig += next.orig;
      }
      this.queuedChars -= item.chunk.data.length;
      const sent = item.chunk.data.length;
      if (sent > 0 || item.orig > 0) this.inflight.push({ sent, orig: item.orig, ackedSent: 0, ackedOrig: 0 });
      this.unacked += sent;
      this.opts.send(item.chunk);
      if (this.unacked >= HIGH_WATERMARK) this.paused = true;
    }
    // Chunks that redaction emptied can never be acked by the browser; settle them now.
    this.settleEmpty();
  }

  /** The browser parsed `chars` more characters. Over-acks are clamped (a confused client cannot defeat the pause). */
  ack(chars: number): void {
    if (this.closed || !Number.isFinite(chars) || chars <= 0) return;
    let n = Math.min(Math.floor(chars), this.unacked);
    this.unacked -= n;
    let toEngine = 0;
    while (n > 0 && this.inflight.length > 0) {
      const head = this.inflight[0]!;
      const take = Math.min(n, head.sent - head.ackedSent);
      head.ackedSent += take;
      n -= take;
      // Proportional for partial acks, exact once the whole chunk is acked.
      const origNow = head.ackedSent >= head.sent ? head.orig : Math.floor((head.ackedSent * head.orig) / head.sent);
      toEngine += origNow - head.ackedOrig;
      head.ackedOrig = origNow;
      if (head.ackedSent >= head.sent) this.inflight.shift();
    }
    this.ackEngine(toEngine);
    this.settleEmpty();
    if (this.paused && this.unacked <= LOW_WATERMARK) {
      this.paused = false;
      this.pump();
    }
  }

  private settleEmpty(): void {
    let owed = 0;
    while (this.inflight.length > 0 && this.inflight[0]!.sent === 0) owed += this.inflight.shift()!.orig;
    if (owed > 0) this.ackEngine(owed);
  }

  private ackEngine(chars: number): void {
    this.owedToEngine += chars;
    if (!this.sub || this.owedToEngine <= 0) return;
    const n = this.owedToEngine;
    this.owedToEngine = 0;
    this.engineAcked += n;
    this.sub.ack(n);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.inflight.length = 0;
    this.queuedChars = 0;
    this.unacked = 0;
    this.sub?.close();
    this.sub = null;
  }
}
