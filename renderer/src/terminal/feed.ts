// Turns the TerminalChunk stream into writes on a terminal: resets it when a new subscription or a new
// session starts over, and acks what the terminal has parsed as its parsing progresses (flow control):
// a chunk is written in slices of ACK_STEP_CHARS, each acked when xterm has parsed it, so acks flow
// back while a large chunk is still being parsed instead of once at its end.
import type { TerminalChunk } from '../../../common/contract.js';

export interface TerminalSink {
  write(data: string, parsed?: () => void): void;
}

/** ESC c (RIS): a full reset sent in-band, so it lands after everything already queued, never before. */
export const FULL_RESET = '\x1bc';

/**
 * 5000 characters per acked slice: the engine's window (doctor/terminal.ts) is hundreds of thousands of
 * characters, so acks in 5k steps keep it open continuously; xterm parses 5k in well under a millisecond,
 * so the callbacks cost little. (Per-frame acks made the window a stop-and-wait.)
 */
export const ACK_STEP_CHARS = 5_000;

/** Cuts `data` into slices of about `step` characters, never between the halves of a surrogate pair. */
export function slices(data: string, step: number): string[] {
  if (data.length <= step) return [data];
  const out: string[] = [];
  for (let i = 0; i < data.length;) {
    let end = Math.min(data.length, i + step);
    const c = data.charCodeAt(end - 1);
    if (end < data.length && c >= 0xd800 && c <= 0xdbff) end -= 1;
    out.push(data.slice(i, end));
    i = end;
  }
  return out;
}

export interface FeedState {
  sessionName: string | null;
  /** The session ended (its replay is a transcript now). */
  ended: boolean;
  /** Characters of session output shown since the last reset. */
  shown: number;
}

export class TerminalFeed {
  private lastKind: TerminalChunk['kind'] | null = null;
  private state: FeedState = { sessionName: null, ended: false, shown: 0 };

  constructor(
    private readonly sink: TerminalSink,
    private readonly ack: (chars: number) => void,
    private readonly onState: (s: FeedState) => void = () => undefined,
  ) {}

  current(): FeedState {
    return this.state;
  }

  push(chunk: TerminalChunk): void {
    const otherSession =
      chunk.sessionName !== null && this.state.sessionName !== null && chunk.sessionName !== this.state.sessionName;
    const startsOver = chunk.kind === 'replay' && this.lastKind !== null && this.lastKind !== 'replay';
    if (otherSession || startsOver) {
      this.sink.write(FULL_RESET);
      this.state = { sessionName: null, ended: false, shown: 0 };
    }
    this.lastKind = chunk.kind;
    const n = chunk.data.length;
    if (n > 0) {
      for (const part of slices(chunk.data, ACK_STEP_CHARS)) {
        const k = part.length;
        this.sink.write(part, () => this.ack(k));
      }
    }
    this.state = {
      sessionName: chunk.sessionName ?? this.state.sessionName,
      ended: chunk.kind === 'end' ? true : chunk.kind === 'live' ? false : this.state.ended,
      shown: this.state.shown + n,
    };
    this.onState(this.state);
  }
}
