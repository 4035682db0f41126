// A Clock whose time moves only when a test says so. Timers fire in order, synchronously, inside
// advance(); settle() waits (in real time, briefly) until the code under test is blocked on the clock.
import type { Clock, TimerHandle } from '../../common/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  private activity = 0;

  constructor(start = Date.parse('2026-11-25T12:00:00.000Z')) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  schedule(ms: number, fn: () => void): TimerHandle {
    const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    this.activity++;
    return {
      cancel: () => {
        this.timers = this.timers.filter((x) => x !== timer);
        this.activity++;
      },
    };
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Time of the next timer, or null. */
  get nextAt(): number | null {
    return this.timers.length ? Math.min(...this.timers.map((x) => x.at)) : null;
  }

  /** Moves time forward by ms, firing every timer that falls due, in order (no awaiting between). */
  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      this.activity++;
      due.fn();
    }
    this.t = target;
  }

  /** Jumps the wall clock without firing timers (what a sleeping laptop or an NTP step looks like). */
  jump(ms: number): void {
    this.t += ms;
    for (const timer of this.timers) timer.at += ms;
  }

  /**
   * Resolves once the code under test waits on this clock: at least one timer pending and no
   * timer activity for a few event-loop turns (real I/O in between, e.g. incident writes, finishes).
   */
  async settle(opts: { allowNoTimers?: boolean; maxMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (opts.maxMs ?? 5000);
    let last = -1;
    let stableTurns = 0;
    let quietSince = Date.now();
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (this.activity === last) stableTurns++;
      else {
        stableTurns = 0;
        last = this.activity;
        quietSince = Date.now();
      }
      if (stableTurns >= 5 && this.timers.length > 0) return;
      // Without a timer to wait for, "settled" can only mean quiet for a while: 50 turns and 50 ms
      // cover an fsync on a slow disk.
      if (opts.allowNoTimers && stableTurns >= 50 && Date.now() - quietSince >= 50) return;
      if (Date.now() > deadline)
        throw new Error(
          `FakeClock.settle: code under test never waited on the clock (pending timers: ${this.timers.length})`,
        );
    }
  }

  /** Advance to the next timer, then settle. Returns the ms advanced. */
  async step(): Promise<number> {
    const next = this.nextAt;
    if (next === null) throw new Error('FakeClock.step: nothing is scheduled');
    const ms = next - this.t;
    this.advance(ms);
    await this.settle({ allowNoTimers: true });
    return ms;
  }
}
