// The doctor's own probe of the gateway while an agent works: the only judge of success. It probes at
// a steady cadence while the gateway is down, and switches to fast confirmation probes as soon as there
// is a reason to expect "healthy": the probe saw healthy once, or the agent said it finished (its Stop
// hook). Two healthy probes a confirmation interval apart are then "healthy and stable" within a fraction
// of a second, instead of a whole probe interval later.
import type { GatewayCheck } from '../../../common/contract.js';
import type { Clock, TimerHandle } from '../../../common/clock.js';

export interface HealthWatchTiming {
  /** Cadence while nothing suggests the gateway is back (DoctorTiming.probeMs). */
  probeMs: number;
  /** Cadence while a healthy answer is being confirmed (DoctorTiming.confirmMs). */
  confirmMs: number;
  /** Consecutive healthy probes that count as "healthy and stable" (DoctorTiming.healthyStreak). */
  healthyStreak: number;
}

/**
 * The wait before the next probe. Pure, so the rule is tested on its own: fast while a streak is being
 * built or right after the agent finished its turn; the steady cadence otherwise (down, or confirmed).
 */
export function nextProbeDelay(streak: number, hinted: boolean, t: HealthWatchTiming): number {
  if (streak > 0 && streak < t.healthyStreak) return t.confirmMs;
  if (hinted && streak < t.healthyStreak) return t.confirmMs;
  return t.probeMs;
}

export interface HealthWatchOptions {
  clock: Clock;
  check: () => Promise<GatewayCheck>;
  timing: HealthWatchTiming;
  /** After every probe (the attempt's loop wakes up and reads the streak). */
  onResult: () => void;
}

export class HealthWatch {
  private streak = 0;
  private detail = 'not probed yet';
  private stopped = false;
  private hinted = false;
  private timer: TimerHandle | null = null;
  private wakeSleep: (() => void) | null = null;
  private probing = false;
  private done: Promise<void> | null = null;
  /** Probes run so far (tests and the bench read it). */
  probes = 0;

  constructor(private readonly o: HealthWatchOptions) {}

  healthyStreak(): number {
    return this.streak;
  }

  lastDetail(): string {
    return this.detail;
  }

  start(): void {
    this.done ??= this.loop();
  }

  /**
   * The agent says it finished: probe now (unless a probe is on its way) and confirm at the fast cadence,
   * so the verdict does not wait out the rest of a steady interval.
   */
  hint(): void {
    if (this.stopped) return;
    this.hinted = true;
    if (!this.probing) this.wakeSleep?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSleep?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.probing = true;
      try {
        const c = await this.o.check();
        // Degraded = alive with a failing channel: the outage the doctor was called for is over.
        const up = c.condition === 'healthy' || c.condition === 'degraded';
        this.streak = up ? this.streak + 1 : 0;
        this.detail = `${c.condition}: ${c.health.detail}`;
      } catch (err) {
        this.streak = 0;
        this.detail = `probe error: ${(err as Error).message}`;
      }
      this.probes++;
      this.probing = false;
      const delay = nextProbeDelay(this.streak, this.hinted, this.o.timing);
      // A hint buys one more fast probe when the gateway was still down, then the steady cadence again.
      if (this.streak === 0 || this.streak >= this.o.timing.healthyStreak) this.hinted = false;
      this.o.onResult();
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        this.wakeSleep = () => {
          this.timer?.cancel();
          this.timer = null;
          this.wakeSleep = null;
          resolve();
        };
        this.timer = this.o.clock.schedule(delay, () => this.wakeSleep?.());
      });
    }
  }
}
