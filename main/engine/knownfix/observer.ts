// What the known fixes learn while the gateway is healthy: the version that runs healthy (an update is
// "broken" only relative to it). Driven by the supervisor's check events; one /startupz request per
// healthy stretch.
import type { GatewayCheck } from '../../../common/contract.js';
import { iso, type Clock } from '../../../common/clock.js';
import type { Settings } from '../../../common/settings-schema.js';
import { gatewayVersion } from '../probe.js';
import { openclawVersion } from './openclaw-cli.js';
import type { KnownFixState } from './state.js';

export interface ObserverDeps {
  clock: Clock;
  env: NodeJS.ProcessEnv;
  settings: () => Settings;
  openclaw: () => string;
  state: KnownFixState;
}

export class HealthyObserver {
  /** Start of the current healthy stretch (our own observation), null while not healthy. */
  private healthySince: number | null = null;
  private versionSeen = false;
  private busy: Promise<void> | null = null;

  constructor(private readonly d: ObserverDeps) {}

  /** Feed every check; returns the work it started (tests await it). */
  onCheck(check: GatewayCheck): Promise<void> {
    const alive = check.condition === 'healthy' || check.condition === 'degraded';
    if (!alive) {
      this.healthySince = null;
      this.versionSeen = false;
      return Promise.resolve();
    }
    const now = this.d.clock.now();
    this.healthySince ??= now;
    if (this.busy) return this.busy;
    const work = this.work(check, now).catch((err: unknown) => {
      // Learning is best effort: a failed copy is retried at the next healthy check.
      process.emitWarning(`ClawMedic: could not record the last-known-good state: ${(err as Error).message}`);
    });
    this.busy = work.finally(() => {
      this.busy = null;
    });
    return this.busy;
  }

  private async work(_check: GatewayCheck, now: number): Promise<void> {
    const s = this.d.settings();
    if (!this.versionSeen) {
      this.versionSeen = true;
      const v = (await gatewayVersion(s.gateway.url, s.gateway.timeoutSec * 1000)) ?? (await openclawVersion(this.d.openclaw(), this.d.env));
      if (v && v !== this.d.state.get().lastHealthyVersion) await this.d.state.set({ lastHealthyVersion: v, lastHealthyAt: iso(now) });
    }
  }
}
