// The ladder's state machine: observe (probe every interval), confirm (N consecutive failures),
// restart (steps, wait for healthy, attempts with backoff, a per-hour cap), hand over to the doctor,
// and stop-and-ask (needs-attention) instead of looping. Time comes only from the injected Clock.
import type {
  DoctorPhase,
  EngineEvent,
  GatewayCheck,
  IncidentEvent,
  Result,
  SupervisorState,
} from '../../common/contract.js';
import { iso, sleep, type Clock } from '../../common/clock.js';
import type { DoctorOutcome, DoctorPort } from './doctor/port.js';
import type { IncidentHandle, IncidentStore } from './incidents/store.js';
import type { KnownFixPort } from './knownfix/port.js';
import type { RateHistory } from './rate-history.js';
import { describeStep, stepSucceeded, type StepResult } from './restart.js';
import { restartSteps } from './settings/index.js';
import type { Settings } from '../../common/settings-schema.js';

/** While waiting for a restarted gateway, probe every second: recovery is noticed within ~1 s. */
export const WAIT_HEALTHY_POLL_MS = 1000;
/** After a wake from sleep, give Wi-Fi/VPN a few seconds before the first probe counts. */
export const RESUME_SETTLE_MS = 5000;
/** A gap between ticks this much longer than planned means sleep or a clock jump, not downtime. */
export const CLOCK_JUMP_SLACK_MS = 15_000;
/**
 * The failed checks kept for the incident and the doctor's context: the streak's last 20 (the threshold is at most
 * 100).
 */
export const RECENT_FAILURES_KEPT = 20;
/**
 * 10 min: an outage confirmed this soon after the last one recovered is the same trouble coming back (a
 * gateway that dies 20 s after each start): it continues that incident, one record and one notification,
 * instead of a new incident per crash.
 */
export const FLAP_WINDOW_MS = 10 * 60_000;
/**
 * After ClawMedic gave up ("needs attention"), it tries the ladder again after 15 min, then 30, 60, 120,
 * and every 4 h at most (systemd's start-limit window is the model): a person away for a weekend does not
 * come back to a weekend-long outage, and a broken gateway is never hammered. The caps still apply.
 */
export const GIVE_UP_RETRY_FIRST_MS = 15 * 60_000;
export const GIVE_UP_RETRY_MAX_MS = 4 * 60 * 60_000;

/** "14:05" in the machine's time zone: what a person reads in a menu or a notification. */
export function clockText(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
}

export interface SupervisorDeps {
  clock: Clock;
  /** Current settings, paths resolved. Read at every decision so edits apply without a restart. */
  settings: () => Settings;
  check: () => Promise<GatewayCheck>;
  runStep: (command: string, timeoutSec: number, signal: AbortSignal) => Promise<StepResult>;
  incidents: IncidentStore;
  history: RateHistory;
  doctor: DoctorPort | null;
  /** Level 2½: the fingerprint and the known-fix rungs between the restarts and the doctor (null: none). */
  knownFixes?: KnownFixPort | null;
  emit: (event: EngineEvent) => void;
}

type Busy = 'ladder' | 'doctor' | null;

export class Supervisor {
  private state: SupervisorState = 'starting';
  private since: number;
  private reason = 'waiting for the first check';
  private lastCheck: GatewayCheck | null = null;
  /** Consecutive failed checks in the current streak (a long outage can count thousands). */
  private failureCount = 0;
  /** The first failed check of the streak (the incident starts there) and the most recent ones. */
  private firstFailure: GatewayCheck | null = null;
  private failures: GatewayCheck[] = [];
  private startingSince: number | null = null;
  private incident: IncidentHandle | null = null;
  /** The last incident ClawMedic gave up on; gets a `healthy-again` note when a human fixes things. */
  private gaveUpOn: IncidentHandle | null = null;
  /** When ClawMedic tries again after giving up, and the back-off it used (doubled each time). */
  private retryAt: number | null = null;
  private retryBackoff = GIVE_UP_RETRY_FIRST_MS;
  /** The last health incident that recovered, and when: a new outage soon after continues it (flapping). */
  private lastRecovery: { incident: IncidentHandle; at: number; outages: number } | null = null;
  private pausedUntil: number | null = null;
  private pausedForever = false;
  private suspended = false;
  private lastTickAt: number | null = null;
  private plannedDelay = 0;
  private busy: Busy = null;
  private busyDone: Promise<unknown> = Promise.resolve();
  /** Restarts and the doctor wait for this (start-up clean-up, see start()). */
  private ready: Promise<unknown> = Promise.resolve();
  private wakeCtl = new AbortController();
  private readonly stopCtl = new AbortController();
  private doctorCtl: AbortController | null = null;
  private loopDone: Promise<void> | null = null;
  /** After a wake from sleep, the first probe waits until this time. */
  private resumeAt: number | null = null;
  /** The last restart step's result: its exit code and output are facts for the fingerprint. */
  private lastStep: StepResult | null = null;

  constructor(private readonly d: SupervisorDeps) {
    this.since = d.clock.now();
  }

  // ---- public surface -------------------------------------------------------------------------

  /**
   * Starts probing at once. `ready` is the watcher's start-up clean-up (ending what a crashed run left):
   * checks and state changes go ahead meanwhile, but no restart or doctor starts before it is done, so
   * two restart steps never run at once and the first probe does not wait for the clean-up.
   */
  start(opts: { ready?: Promise<unknown> } = {}): void {
    if (opts.ready) this.ready = opts.ready.catch(() => undefined);
    if (!this.loopDone) this.loopDone = this.loop();
  }

  snapshotFields() {
    return {
      state: this.state,
      since: iso(this.since),
      reason: this.reason,
      lastCheck: this.lastCheck,
      consecutiveFailures: this.failureCount,
      pausedUntil: this.pausedForever ? 'until resumed' : this.pausedUntil ? iso(this.pausedUntil) : null,
      openIncidentId: this.incident && !this.incident.isClosed ? this.incident.id : null,
    };
  }

  get currentState(): SupervisorState {
    return this.state;
  }

  /** What is running right now, if anything ('ladder' = restarts, 'doctor' = a doctor session). */
  get busyWith(): Busy {
    return this.busy;
  }

  /** Probe now (outside the schedule) and let the result drive the state machine. */
  async checkNow(): Promise<GatewayCheck> {
    const check = await this.d.check();
    if (!this.busy && !this.isPaused() && !this.stopCtl.signal.aborted) await this.handle(check);
    this.wake();
    return check;
  }

  pause(minutes: number | null): void {
    const now = this.d.clock.now();
    this.pausedForever = minutes === null;
    this.pausedUntil = minutes === null ? null : now + minutes * 60_000;
    this.setState(
      'paused',
      minutes === null ? 'monitoring paused until resumed' : `monitoring paused for ${minutes} min`,
    );
    this.wake();
  }

  resume(): void {
    if (!this.isPaused()) return;
    this.pausedForever = false;
    this.pausedUntil = null;
    this.resetStreak();
    this.setState('starting', 'monitoring resumed');
    this.wake();
  }

  notifySuspend(): void {
    this.suspended = true;
    this.wake();
  }

  notifyResume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    this.resetStreak();
    this.lastTickAt = null;
    this.resumeAt = this.d.clock.now() + RESUME_SETTLE_MS;
    this.wake();
  }

  /** A human asked for a restart: one pass of the ladder's restart steps, no rate cap, no doctor. */
  async restartNow(): Promise<Result> {
    if (this.busy)
      return {
        ok: false,
        message:
          `A ${this.busy === 'doctor' ? 'doctor session' : 'restart'} is already ` +
          `running; wait for it or stop it first.`,
      };
    const incident = await this.d.incidents.open({ trigger: 'manual', summary: 'restart requested by the user' });
    this.incident = incident;
    const run = this.runExclusive('ladder', () => this.restartLadder(incident, { attempts: 1, manual: true }));
    const ok = await run;
    return ok
      ? { ok: true, value: undefined }
      : {
          ok: false,
          message: `The gateway is not healthy after the restart: ${incident.record.events.at(-1)?.detail ?? ''}`,
        };
  }

  /**
   * A human asked for the doctor now (CLI `clawmedic doctor`, tray "Start doctor now"). The gateway is
   * probed first: healthy means no agent and no incident. `force` runs one anyway, as a check-up: its
   * end is not a recovery and teaches no learning.
   */
  async startDoctor(opts: { force: boolean } = { force: false }): Promise<Result<DoctorOutcome>> {
    if (!this.d.doctor) return { ok: false, message: 'The doctor is not available in this build.' };
    if (this.busy)
      return { ok: false, message: `A ${this.busy === 'doctor' ? 'doctor session' : 'restart'} is already running.` };
    const check = await this.d.check();
    this.lastCheck = check;
    const up = check.condition === 'healthy' || check.condition === 'degraded';
    if (up && !opts.force) {
      return {
        ok: true,
        value: {
          outcome: 'not-needed',
          resolvedBy: null,
          agent: null,
          detail: `the gateway answers ${check.condition} (${check.health.detail}): no doctor session was needed`,
        },
      };
    }
    const summary = up ? 'doctor check-up requested while the gateway was healthy' : 'doctor requested by the user';
    const incident = await this.d.incidents.open({ trigger: 'manual', summary });
    this.incident = incident;
    const why = up ? 'a check-up requested by the user' : 'requested by the user';
    const outcome = await this.runExclusive('doctor', () => this.runDoctor(incident, why, { checkup: up }));
    return { ok: true, value: outcome };
  }

  stopDoctor(): Result {
    if (!this.doctorCtl) return { ok: false, message: 'No doctor session is running.' };
    this.doctorCtl.abort();
    return { ok: true, value: undefined };
  }

  /** Stops probing, cancels a running restart or doctor, closes an open incident as interrupted. */
  async stop(reason: string): Promise<void> {
    if (this.stopCtl.signal.aborted) return this.loopDone ?? undefined;
    this.stopCtl.abort();
    this.doctorCtl?.abort();
    this.wake();
    await this.busyDone.catch(() => undefined);
    await this.loopDone;
    if (this.incident && !this.incident.isClosed) {
      await this.incident.close('interrupted', null, `ClawMedic stopped (${reason}) before the incident ended`);
    }
    this.setState('stopped', reason);
  }

  /** Adds a timeline entry to an incident, live or already closed (e.g. a late notification failure). */
  async noteOnIncident(id: string, type: string, detail: string): Promise<void> {
    for (const h of [this.incident, this.gaveUpOn]) {
      if (h?.id === id) return h.event(type, detail);
    }
    await this.d.incidents.appendEvent(id, type, detail);
  }

  /** Synchronous last resort for fatal paths: mark the open incident interrupted. */
  interruptSync(reason: string): void {
    if (this.incident && !this.incident.isClosed) this.incident.closeSync('interrupted', reason);
  }

  // ---- the loop --------------------------------------------------------------------------------

  private async loop(): Promise<void> {
    const stop = this.stopCtl.signal;
    while (!stop.aborted) {
      if (this.suspended) {
        await this.waitForWake(null);
        continue;
      }
      if (this.resumeAt !== null) {
        const wait = this.resumeAt - this.d.clock.now();
        if (wait > 0) {
          await this.waitForWake(wait);
          continue;
        }
        this.resumeAt = null;
      }
      if (this.isPaused()) {
        const now = this.d.clock.now();
        if (this.pausedUntil !== null && now >= this.pausedUntil) {
          this.pausedUntil = null;
          this.resetStreak();
          this.setState('starting', 'pause ended');
        } else {
          await this.waitForWake(this.pausedUntil === null ? null : this.pausedUntil - now);
          continue;
        }
      }
      if (this.busy) {
        await this.busyDone.catch(() => undefined);
        this.lastTickAt = null;
        continue;
      }
      try {
        this.detectClockJump();
        const check = await this.d.check();
        if (stop.aborted) break;
        if (this.suspended || this.isPaused() || this.busy) continue;
        await this.handle(check);
      } catch (err) {
        // Nothing may end the watch: a step that throws (an unexpected disk or process error) is reported
        // and the next check comes on schedule, so the gateway stays watched.
        this.reason = `an internal error interrupted this check: ${(err as Error).message}`;
        process.emitWarning(`ClawMedic: ${this.reason}`);
      }
      this.lastTickAt = this.d.clock.now();
      this.plannedDelay = this.nextDelay();
      await this.waitForWake(this.plannedDelay);
    }
  }

  private nextDelay(): number {
    const g = this.d.settings().gateway;
    const failing = this.failureCount > 0 || this.state === 'starting';
    return (failing ? Math.min(g.retryIntervalSec, g.checkIntervalSec) : g.checkIntervalSec) * 1000;
  }

  private detectClockJump(): void {
    if (this.lastTickAt === null) return;
    const now = this.d.clock.now();
    const elapsed = now - this.lastTickAt;
    const limit = this.plannedDelay * 2 + CLOCK_JUMP_SLACK_MS;
    if (elapsed < 0 || elapsed > limit) {
      const had = this.failureCount;
      this.resetStreak();
      if (had > 0 || elapsed < 0) {
        this.reason = `clock jumped ${Math.round(elapsed / 1000)} s (sleep/wake?): failure count reset`;
      }
    }
  }

  private waitForWake(ms: number | null): Promise<void> {
    const signal = AbortSignal.any([this.wakeCtl.signal, this.stopCtl.signal]);
    if (ms === null) {
      return new Promise((resolve) => {
        if (signal.aborted) return resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    return sleep(this.d.clock, ms, signal);
  }

  private wake(): void {
    this.wakeCtl.abort();
    this.wakeCtl = new AbortController();
  }

  private isPaused(): boolean {
    return this.pausedForever || this.pausedUntil !== null;
  }

  private resetStreak(): void {
    this.failures = [];
    this.failureCount = 0;
    this.firstFailure = null;
    this.startingSince = null;
  }

  // ---- decisions -------------------------------------------------------------------------------

  private async handle(check: GatewayCheck): Promise<void> {
    const s = this.d.settings();
    const now = this.d.clock.now();
    if (check.condition === 'starting') {
      this.startingSince ??= now;
      if (now - this.startingSince < s.gateway.startupGraceSec * 1000) {
        this.lastCheck = check;
        this.emitCheck(check);
        this.setState('starting', 'the gateway reports it is still starting');
        return;
      }
      check = {
        ...check,
        condition: 'down',
        health: {
          ...check.health,
          detail: `still starting after ${s.gateway.startupGraceSec} s (gateway.startupGraceSec)`,
        },
      };
    } else {
      this.startingSince = null;
    }
    this.lastCheck = check;

    if (check.condition === 'healthy' || check.condition === 'degraded') {
      this.failures = [];
      this.failureCount = 0;
      this.firstFailure = null;
      this.emitCheck(check);
      if (this.state === 'needs-attention' && this.gaveUpOn) {
        await this.gaveUpOn.event('healthy-again', 'the gateway answers healthy again (fixed outside ClawMedic)');
        this.gaveUpOn = null;
      }
      if (check.condition === 'degraded') {
        this.setState(
          'degraded',
          `alive, but not ready: ` +
            `${check.failing.join(', ') || 'readiness check failing'} (a restart ` +
            `would not fix this)`,
        );
      } else {
        this.setState('healthy', `healthy (${check.health.latencyMs} ms)`);
      }
      return;
    }

    this.failureCount++;
    this.firstFailure ??= check;
    this.failures.push(check);
    if (this.failures.length > RECENT_FAILURES_KEPT) this.failures.shift();
    this.emitCheck(check);
    const n = this.failureCount;
    if (this.state === 'needs-attention') {
      if (this.retryAt !== null && now >= this.retryAt && this.gaveUpOn) {
        const incident = this.gaveUpOn;
        await this.runExclusive('ladder', () => this.retryAfterGivingUp(incident));
        return;
      }
      const next = this.retryAt !== null ? `; trying again at ${clockText(this.retryAt)}` : '';
      this.reason = `still down: ${check.health.detail}${next}`;
      return;
    }
    if (n < s.gateway.failureThreshold) {
      this.setState('failing', `${n} of ${s.gateway.failureThreshold} failed checks: ${check.health.detail}`);
      return;
    }
    await this.runExclusive('ladder', () => this.outage());
  }

  private emitCheck(check: GatewayCheck): void {
    this.d.emit({ type: 'check', check, consecutiveFailures: this.failureCount });
  }

  private async runExclusive<T>(kind: Exclude<Busy, null>, fn: () => Promise<T>): Promise<T> {
    this.busy = kind;
    const p = this.ready.then(fn);
    this.busyDone = p;
    try {
      return await p;
    } finally {
      this.busy = null;
      this.wake();
    }
  }

  /** Confirmed outage: open the incident and climb the ladder. */
  private async outage(): Promise<void> {
    const s = this.d.settings();
    const first = this.firstFailure ?? this.failures[0]!;
    const shown = this.failures.includes(first) ? this.failures : [first, ...this.failures];
    const events: IncidentEvent[] = shown.map((f) => ({ at: f.at, type: 'probe-failed', detail: f.health.detail }));
    const kinds = [...new Set(this.failures.map((f) => f.health.kind))].join('/');
    events.push({
      at: iso(this.d.clock.now()),
      type: 'confirmed',
      detail:
        `${this.failureCount} consecutive failed checks ` +
        `(gateway.failureThreshold = ${s.gateway.failureThreshold})`,
    });
    const checks = `${this.failureCount} check${this.failureCount === 1 ? '' : 's'}`;
    const summary = `${first.health.detail} (${kinds}, ${checks})`;
    const flap = this.lastRecovery;
    let incident: IncidentHandle;
    if (flap && flap.incident.isClosed && this.d.clock.now() - flap.at <= FLAP_WINDOW_MS) {
      // The same trouble again soon after it recovered: one incident (and one notification) for the lot.
      flap.outages++;
      const minutes = Math.max(
        1,
        Math.round((this.d.clock.now() - Date.parse(flap.incident.record.startedAt)) / 60_000),
      );
      events.push({
        at: iso(this.d.clock.now()),
        type: 'relapse',
        detail:
          `down again ${Math.round((this.d.clock.now() - flap.at) / 1000)} s after it recovered ` +
          `(outage ${flap.outages})`,
      });
      await flap.incident.reopen(events, `flapping: ${flap.outages} outages in ${minutes} min (latest: ${summary})`);
      incident = flap.incident;
    } else {
      this.lastRecovery = null;
      incident = await this.d.incidents.open({ trigger: 'health', summary, startedAtMs: Date.parse(first.at), events });
    }
    this.incident = incident;
    this.setState('failing', `gateway down: ${first.health.detail}`);
    const ok = await this.restartLadder(incident, { attempts: s.restart.attempts, manual: false });
    if (ok || incident.isClosed || this.stopCtl.signal.aborted) return;
    if (await this.tryKnownFixes(incident)) return;
    await this.handOverToDoctor(incident);
  }

  /** The known-fix rungs: returns true when the incident is over (recovered, or ClawMedic stopping). */
  private async tryKnownFixes(incident: IncidentHandle): Promise<boolean> {
    const kf = this.d.knownFixes;
    if (!kf) return false;
    const stop = this.stopCtl.signal;
    this.setState('restarting', 'the restarts did not help: looking for a known fix');
    let out;
    try {
      out = await kf.run({
        incident,
        settings: this.d.settings(),
        lastCheck: this.lastCheck,
        lastStep: this.lastStep,
        check: async () => {
          const c = await this.d.check();
          this.lastCheck = c;
          return c;
        },
        restart: async () => {
          let last: StepResult | null = null;
          for (const step of restartSteps(this.d.settings())) {
            last = await this.d.runStep(step.command, step.timeoutSec, stop);
            await incident.event('restart-step', describeStep(last));
            if (!stepSucceeded(last)) return { ok: false, last };
          }
          return { ok: last !== null, last };
        },
        waitHealthy: (ms) => this.waitHealthy(ms),
        signal: stop,
        setReason: (reason) => this.setState('restarting', reason),
      });
    } catch (err) {
      // A bug or a disk error in a rung must not keep the doctor from running.
      await incident.event(
        'known-fix-error',
        `the known fixes failed: ${(err as Error).message}; going on to the doctor`,
      );
      return stop.aborted;
    }
    if (stop.aborted || incident.isClosed) return true;
    if (!out.recovered) {
      await incident.event('known-fix-none', out.detail);
      return false;
    }
    await incident.close('recovered', out.resolvedBy, out.detail);
    this.afterRecovery(out.check ?? this.lastCheck, `recovered by ${out.resolvedBy ?? 'a known fix'}`);
    return true;
  }

  /** Returns true when the gateway is healthy again (the incident is then closed as recovered). */
  private async restartLadder(incident: IncidentHandle, opts: { attempts: number; manual: boolean }): Promise<boolean> {
    const stop = this.stopCtl.signal;
    const steps = restartSteps(this.d.settings());
    if (steps.length === 0) {
      await incident.event('restart-failed', 'no restart steps are configured (restart.command / restart.steps)');
      if (opts.manual) await this.giveUp(incident, 'failed', 'no restart steps are configured');
      return false;
    }
    for (let attempt = 1; attempt <= opts.attempts; attempt++) {
      if (stop.aborted) return false;
      const s = this.d.settings();
      const now = this.d.clock.now();
      if (!opts.manual && this.d.history.restartsInLastHour(now) >= s.restart.maxPerHour) {
        const freeAt = this.d.history.restartBudgetFreesAt(now);
        const flapping =
          this.lastRecovery?.incident === incident
            ? ` while the gateway keeps failing (${incident.record.summary})`
            : '';
        const detail =
          `restart limit reached: ${s.restart.maxPerHour} restarts in the last hour (restart.maxPerHour)${flapping}` +
          (freeAt ? `; the budget frees up at ${iso(freeAt)}` : '');
        await incident.event('circuit-open', detail);
        await this.giveUp(incident, 'failed', detail);
        return false;
      }
      this.setState('restarting', `restart attempt ${attempt} of ${opts.attempts}`);
      await incident.event(
        'restart-attempt',
        `attempt ${attempt} of ${opts.attempts}: ${steps.map((x) => x.command).join(' → ')}`,
      );
      await this.d.history.recordRestart(now);
      await incident.update({ restarts: incident.record.restarts + 1 });
      let stepsOk = true;
      for (const step of steps) {
        const r = await this.d.runStep(step.command, step.timeoutSec, stop);
        this.lastStep = r;
        if (stop.aborted) return false;
        await incident.event('restart-step', describeStep(r));
        if (!stepSucceeded(r)) {
          stepsOk = false;
          break;
        }
      }
      const healthy = await this.waitHealthy(stepsOk ? s.restart.waitHealthySec * 1000 : 0);
      if (stop.aborted) return false;
      if (healthy) {
        await incident.close('recovered', 'restart', `healthy again after restart attempt ${attempt}`);
        this.afterRecovery(healthy, `recovered by restart (attempt ${attempt})`);
        return true;
      }
      await incident.event(
        'restart-failed',
        stepsOk
          ? `still not healthy ${s.restart.waitHealthySec} s after attempt ` +
              `${attempt} (restart.waitHealthySec): ` +
              `${this.lastCheck?.health.detail ?? ''}`
          : `attempt ${attempt} failed; skipped waiting for healthy`,
      );
      if (attempt < opts.attempts) {
        const backoff = s.restart.backoffSec * 1000 * 2 ** (attempt - 1);
        if (backoff > 0) {
          await incident.event('backoff', `waiting ${Math.round(backoff / 1000)} s before the next attempt`);
          await sleep(this.d.clock, backoff, stop);
          const check = await this.d.check();
          this.lastCheck = check;
          if (check.condition === 'healthy' || check.condition === 'degraded') {
            await incident.close('recovered', 'restart', 'healthy again during the back-off after a restart');
            this.afterRecovery(check, 'recovered by restart');
            return true;
          }
        }
      }
    }
    if (opts.manual) await this.giveUp(incident, 'failed', 'the gateway is still down after the requested restart');
    return false;
  }

  /** Polls fast until healthy or the deadline; returns the healthy check or null. */
  private async waitHealthy(ms: number): Promise<GatewayCheck | null> {
    const deadline = this.d.clock.now() + ms;
    const stop = this.stopCtl.signal;
    for (;;) {
      const check = await this.d.check();
      this.lastCheck = check;
      if (check.condition === 'healthy' || check.condition === 'degraded') return check;
      if (stop.aborted || this.d.clock.now() + WAIT_HEALTHY_POLL_MS > deadline) return null;
      await sleep(this.d.clock, WAIT_HEALTHY_POLL_MS, stop);
    }
  }

  private async handOverToDoctor(incident: IncidentHandle): Promise<void> {
    const s = this.d.settings();
    if (!s.doctor.enabled || !this.d.doctor) {
      const why = !s.doctor.enabled ? 'the doctor is disabled (doctor.enabled)' : 'no doctor is available';
      await this.giveUp(incident, 'failed', `restarts did not bring the gateway back and ${why}`);
      return;
    }
    const now = this.d.clock.now();
    if (this.d.history.doctorRunsInLastDay(now) >= s.doctor.maxPerDay) {
      const detail = `doctor limit reached: ${s.doctor.maxPerDay} sessions in the last 24 h (doctor.maxPerDay)`;
      await incident.event('circuit-open', detail);
      await this.giveUp(incident, 'failed', detail);
      return;
    }
    this.busy = 'doctor';
    await this.runDoctor(incident, 'restarts did not help');
  }

  private async runDoctor(
    incident: IncidentHandle,
    why: string,
    o: { checkup?: boolean } = {},
  ): Promise<DoctorOutcome> {
    const doctor = this.d.doctor!;
    const ctl = new AbortController();
    this.doctorCtl = ctl;
    const onStop = () => ctl.abort();
    this.stopCtl.signal.addEventListener('abort', onStop, { once: true });
    this.setState('recovering', `the doctor is working (${why})`);
    await this.d.history.recordDoctorRun(this.d.clock.now());
    let outcome: DoctorOutcome;
    try {
      outcome = await doctor.run({
        incident,
        settings: this.d.settings(),
        check: async () => {
          const c = await this.d.check();
          this.lastCheck = c;
          return c;
        },
        recentFailures: [...this.failures],
        checkup: o.checkup ?? false,
        signal: ctl.signal,
        emit: (phase: DoctorPhase, detail: string) =>
          this.d.emit({ type: 'doctor', phase, incidentId: incident.id, detail, at: iso(this.d.clock.now()) }),
      });
    } catch (err) {
      outcome = {
        outcome: 'failed',
        resolvedBy: null,
        agent: null,
        detail: `the doctor crashed: ${(err as Error).message}`,
      };
    } finally {
      this.doctorCtl = null;
      this.stopCtl.signal.removeEventListener('abort', onStop);
    }
    if (this.stopCtl.signal.aborted) return outcome;
    if (outcome.agent) await incident.update({ agent: outcome.agent });
    if (o.checkup && outcome.outcome === 'recovered') {
      // Healthy before and after: nothing was recovered, and the gateway never needed the agent.
      await incident.event('checkup', 'the gateway was healthy before the session and is healthy after it');
      await incident.close('recovered', 'self', `check-up finished: ${outcome.detail}`);
      this.afterRecovery(this.lastCheck, 'doctor check-up finished');
    } else if (outcome.outcome === 'recovered') {
      await incident.close('recovered', outcome.resolvedBy ?? 'doctor', outcome.detail);
      this.afterRecovery(this.lastCheck, `recovered by the doctor${outcome.agent ? ` (${outcome.agent})` : ''}`);
    } else if (outcome.outcome !== 'not-needed') {
      await this.giveUp(incident, outcome.outcome, outcome.detail);
    }
    return outcome;
  }

  private afterRecovery(check: GatewayCheck | null, reason: string): void {
    this.resetStreak();
    this.gaveUpOn = null;
    this.retryAt = null;
    this.retryBackoff = GIVE_UP_RETRY_FIRST_MS;
    const inc = this.incident;
    if (inc && inc.record.trigger === 'health') {
      const outages = this.lastRecovery?.incident === inc ? this.lastRecovery.outages : 1;
      this.lastRecovery = { incident: inc, at: this.d.clock.now(), outages };
    }
    this.setState(check?.condition === 'degraded' ? 'degraded' : 'healthy', reason);
  }

  /** The back-off after giving up has passed and the gateway is still down: the ladder once more. */
  private async retryAfterGivingUp(incident: IncidentHandle): Promise<void> {
    this.retryAt = null;
    this.incident = incident;
    await incident.reopen(
      [
        {
          at: iso(this.d.clock.now()),
          type: 'retry',
          detail: 'still down after the back-off: trying the ladder again',
        },
      ],
      incident.record.summary,
    );
    const s = this.d.settings();
    const ok = await this.restartLadder(incident, { attempts: s.restart.attempts, manual: false });
    if (ok || incident.isClosed || this.stopCtl.signal.aborted) return;
    await this.handOverToDoctor(incident);
  }

  private async giveUp(
    incident: IncidentHandle,
    outcome: 'failed' | 'timeout' | 'cancelled',
    detail: string,
  ): Promise<void> {
    await incident.event('needs-attention', detail);
    // Health outages are tried again later (never sooner than the restart cap allows); a person's own
    // request (restart, doctor) is not repeated behind their back.
    if (incident.record.trigger === 'health' && outcome !== 'cancelled') {
      const now = this.d.clock.now();
      // Never sooner than the restart cap allows: when the budget is spent, wait until its oldest restart ages out.
      const capped = this.d.history.restartsInLastHour(now) >= this.d.settings().restart.maxPerHour;
      const budget = capped ? (this.d.history.restartBudgetFreesAt(now) ?? now) : now;
      this.retryAt = Math.max(now + this.retryBackoff, budget);
      await incident.event(
        'retry-planned',
        `ClawMedic will try again at ${clockText(this.retryAt)} unless the gateway is back before (back-off ` +
          `${Math.round(this.retryBackoff / 60_000)} min, doubling up to ${GIVE_UP_RETRY_MAX_MS / 3_600_000} h)`,
      );
      this.retryBackoff = Math.min(this.retryBackoff * 2, GIVE_UP_RETRY_MAX_MS);
    }
    await incident.close(outcome, null, detail);
    this.gaveUpOn = incident;
    this.setState('needs-attention', detail);
  }

  private setState(state: SupervisorState, reason: string): void {
    if (state === this.state && reason === this.reason) return;
    const previous = this.state;
    const changed = state !== previous;
    this.reason = reason;
    if (!changed) return;
    this.state = state;
    this.since = this.d.clock.now();
    this.d.emit({ type: 'state', state, previous, reason, at: iso(this.since) });
  }
}
