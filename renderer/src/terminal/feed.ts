// Turns the TerminalChunk stream into writes on a terminal: resets it when a new subscription or a new
// session starts over, and acks every chunk once the terminal has parsed it (flow control).
import type { TerminalChunk } from '../../../common/contract.js';

export interface TerminalSink {
  write(data: string, parsed?: () => void): void;
}

/** ESC c (RIS): a full reset sent in-band, so it lands after everything already queued, never before. */
export const FULL_RESET = '\x1bc';

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
    const otherSession = chunk.sessionName !== null && this.state.sessionName !== null && chunk.sessionName !== this.state.sessionName;
    const startsOver = chunk.kind === 'replay' && this.lastKind !== null && this.lastKind !== 'replay';
    if (otherSession || startsOver) {
      this.sink.write(FULL_RESET);
      this.state = { sessionName: null, ended: false, shown: 0 };
    }
    this.lastKind = chunk.kind;
    const n = chunk.data.length;
    if (n > 0) this.sink.write(chunk.data, () => this.ack(n));
    this.state = {
      sessionName: chunk.sessionName ?? this.state.sessionName,
      ended: chunk.kind === 'end' ? true : chunk.kind === 'live' ? false : this.state.ended,
      shown: this.state.shown + n,
    };
    this.onState(this.state);
  }
}
