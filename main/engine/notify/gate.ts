// The flood guard between "this is news" (policy) and "send it" (channels, native notifications):
// the same news goes out once, nothing goes out while ClawMedic is paused, and each channel keeps a
// minimum interval between two messages. Pure state plus an injected clock.
import type { Clock } from '../../../common/clock.js';
import type { Message } from './policy.js';

/**
 * 24 h: incident ids are unique, so a key never legitimately recurs; forgetting keys after a day only
 * bounds memory for a daemon that runs for months.
 */
const DEDUPE_MEMORY_MS = 24 * 60 * 60 * 1000;
/** Hard cap on remembered keys, in case a broken engine emitted a storm of distinct incidents. */
const MAX_KEYS = 5000;

export class NotificationGate {
  private readonly sent = new Map<string, number>();
  private readonly lastSend = new Map<string, number>();
  private pausedFlag = false;

  constructor(private readonly clock: Clock) {}

  setPaused(paused: boolean): void {
    this.pausedFlag = paused;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  /**
   * True when the message should go out; remembers its dedupe key. A message refused because
   * ClawMedic is paused is not remembered (it was never sent).
   */
  admit(msg: Pick<Message, 'dedupeKey'>): boolean {
    if (this.pausedFlag) return false;
    const now = this.clock.now();
    this.prune(now);
    if (this.sent.has(msg.dedupeKey)) return false;
    this.sent.set(msg.dedupeKey, now);
    return true;
  }

  /** Milliseconds this channel must still wait before its next message (0 = send now). */
  delayFor(channel: string, minIntervalSec: number): number {
    const last = this.lastSend.get(channel);
    if (last === undefined) return 0;
    return Math.max(0, last + minIntervalSec * 1000 - this.clock.now());
  }

  /** Records that the channel sent (or tried to send) a message now. */
  recordSend(channel: string): void {
    this.lastSend.set(channel, this.clock.now());
  }

  private prune(now: number): void {
    for (const [key, at] of this.sent) {
      // Map iteration is insertion order, so the oldest come first.
      if (now - at < DEDUPE_MEMORY_MS && this.sent.size < MAX_KEYS) break;
      this.sent.delete(key);
    }
  }
}
