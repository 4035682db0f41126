// What the supervisor gives the known-fix rungs and what it gets back. The supervisor owns the
// incident's lifecycle and the restart steps; the rungs add the fingerprint and their records to it and
// say whether the gateway is healthy again, and by which rung.
import type { GatewayCheck, ResolvedBy } from '../../../common/contract.js';
import type { Settings } from '../../../common/settings-schema.js';
import type { IncidentHandle } from '../incidents/store.js';
import type { StepResult } from '../restart.js';

export interface KnownFixRequest {
  incident: IncidentHandle;
  /** Settings with paths resolved. */
  settings: Settings;
  /** The last check before the rungs (the restarts' last verdict). */
  lastCheck: GatewayCheck | null;
  /** The last restart step's result (its exit code is a fact: 78 = config). */
  lastStep: StepResult | null;
  check(): Promise<GatewayCheck>;
  /** Runs the restart steps once, without the per-hour cap (each rung restarts at most once). */
  restart(): Promise<{ ok: boolean; last: StepResult | null }>;
  /** Probes every second until healthy or the time is up; the healthy check or null. */
  waitHealthy(ms: number): Promise<GatewayCheck | null>;
  signal: AbortSignal;
  /** What the supervisor's status line says meanwhile. */
  setReason(reason: string): void;
}

export interface KnownFixOutcome {
  recovered: boolean;
  resolvedBy: ResolvedBy;
  detail: string;
  check: GatewayCheck | null;
}

export interface KnownFixPort {
  run(req: KnownFixRequest): Promise<KnownFixOutcome>;
}
