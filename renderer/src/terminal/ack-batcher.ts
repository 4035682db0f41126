// Coalesces acks for parsed terminal characters: one message per ACK_BATCH_CHARS or per short tick,
// instead of one per xterm write callback during a flood.
import type { Timers } from '../transport/ws-client.js';

// 5000 characters: the feed's slice (feed.ts ACK_STEP_CHARS); a whole slice is acked at once, while
// small writes (typing echo, a spinner) are gathered for one tick.
export const ACK_BATCH_CHARS = 5_000;
// 16 ms (one frame): the remainder of a burst is acked promptly, so the producer never waits on us.
export const ACK_FLUSH_MS = 16;

export class AckBatcher {
  private pending = 0;
  private timer: unknown = null;
  private disposed = false;

  constructor(
    private readonly send: (chars: number) => void,
    private readonly timers: Timers = {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
    },
  ) {}

  add(chars: number): void {
    if (this.disposed || chars <= 0) return;
    this.pending += chars;
    if (this.pending >= ACK_BATCH_CHARS) this.flush();
    else if (this.timer === null) this.timer = this.timers.setTimeout(() => this.flush(), ACK_FLUSH_MS);
  }

  flush(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (this.pending > 0 && !this.disposed) {
      const n = this.pending;
      this.pending = 0;
      this.send(n);
    }
  }

  /** Sends what is owed (a view closing must not leave the stream paused), then stops. */
  dispose(): void {
    this.flush();
    this.disposed = true;
  }
}
