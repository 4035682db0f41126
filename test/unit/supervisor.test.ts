import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent, GatewayCheck, GatewayCondition, ProbeKind, SupervisorState } from '../../common/contract.js';
import type { DoctorOutcome, DoctorPort, DoctorRequest } from '../../main/engine/doctor/port.js';
import { IncidentStore } from '../../main/engine/incidents/store.js';
import { RateHistory } from '../../main/engine/rate-history.js';
import type { StepResult } from '../../main/engine/restart.js';
import { validateSettings } from '../../main/engine/settings/index.js';
import type { Settings } from '../../common/settings-schema.js';
import { FLAP_WINDOW_MS, Supervisor } from '../../main/engine/supervisor.js';
import { FakeClock } from '../helpers/fake-clock.js';

const SEC = 1000;

function settings(over: Record<string, unknown> = {}): Settings {
  const base = {
    gateway: { checkIntervalSec: 30, retryIntervalSec: 5, failureThreshold: 3, startupGraceSec: 60 },
    restart: { command: 'restart-it', attempts: 2, waitHealthySec: 10, backoffSec: 10, maxPerHour: 6 },
    doctor: { enabled: false },
  };
  const merged = structuredClone(base) as Record<string, Record<string, unknown>>;
  for (const [k, v] of Object.entries(over)) merged[k] = { ...(merged[k] ?? {}), ...(v as object) };
  const r = validateSettings(merged);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.settings;
}

class Harness {
  clock = new FakeClock();
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-sup-'));
  events: EngineEvent[] = [];
  /** What the gateway answers now. */
  condition: GatewayCondition = 'healthy';
  kind: ProbeKind = 'refused';
  checks = 0;
  steps: { at: number; command: string }[] = [];
  /** Gateway condition after a restart step runs. */
  afterRestart: GatewayCondition | null = null;
  incidents = new IncidentStore(this.dir, this.clock, () => {});
  sup!: Supervisor;
  s: Settings;
  doctorRuns: DoctorRequest[] = [];
  /** Set while the supervisor legitimately waits without a timer (suspended, paused until resumed). */
  noTimersOk = false;

  constructor(
    s: Settings,
    private doctorOutcome: DoctorOutcome | null = null,
  ) {
    this.s = s;
  }

  async build(history?: RateHistory) {
    const doctor: DoctorPort | null = this.doctorOutcome
      ? ({
          run: (req: DoctorRequest) => {
            this.doctorRuns.push(req);
            req.emit('started', 'fake');
            if (this.doctorOutcome!.outcome === 'recovered') this.condition = 'healthy';
            return Promise.resolve(this.doctorOutcome!);
          },
        } as unknown as DoctorPort)
      : null;
    this.sup = new Supervisor({
      clock: this.clock,
      settings: () => this.s,
      check: () => Promise.resolve(this.check()),
      runStep: (command): Promise<StepResult> => {
        this.steps.push({ at: this.clock.now(), command });
        if (this.afterRestart) this.condition = this.afterRestart;
        return Promise.resolve({
          command,
          exitCode: 0,
          signal: null,
          timedOut: false,
          cancelled: false,
          durationMs: 5,
          output: 'ok',
          spawnError: null,
        });
      },
      incidents: this.incidents,
      history: history ?? (await RateHistory.load(null)),
      doctor,
      emit: (e) => this.events.push(e),
    });
    return this;
  }

  check(): GatewayCheck {
    this.checks++;
    const at = new Date(this.clock.now()).toISOString();
    const ok = this.condition === 'healthy' || this.condition === 'degraded';
    return {
      condition: this.condition,
      health: {
        ok,
        kind: ok ? 'healthy' : this.condition === 'starting' ? 'http-error' : this.kind,
        url: 'http://127.0.0.1:1/healthz',
        status: ok ? 200 : null,
        latencyMs: 1,
        detail: ok ? 'live' : `fake ${this.kind}`,
        at,
      },
      failing: this.condition === 'degraded' ? ['discord'] : [],
      at,
    };
  }

  states(): SupervisorState[] {
    return this.events.filter((e) => e.type === 'state').map((e) => (e as { state: SupervisorState }).state);
  }

  get state() {
    return this.sup.currentState;
  }

  async start() {
    this.sup.start();
    await this.clock.settle();
  }

  /** Advance by ms in timer-sized steps, settling after each so async work runs in between. */
  async run(ms: number) {
    const end = this.clock.now() + ms;
    while (this.clock.nextAt !== null && this.clock.nextAt <= end) {
      this.clock.advance(this.clock.nextAt - this.clock.now());
      await this.clock.settle({ allowNoTimers: this.noTimersOk });
    }
    this.clock.advance(end - this.clock.now());
    await this.clock.settle({ allowNoTimers: this.noTimersOk });
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let h: Harness;
afterEach(async () => {
  await h?.sup.stop('test over');
  h?.cleanup();
});

describe('observe and confirm', () => {
  beforeEach(async () => {
    h = await new Harness(settings()).build();
  });

  it('is healthy after a good first check and probes every checkIntervalSec', async () => {
    await h.start();
    expect(h.state).toBe('healthy');
    expect(h.checks).toBe(1);
    await h.run(29 * SEC);
    expect(h.checks).toBe(1);
    await h.run(1 * SEC);
    expect(h.checks).toBe(2);
  });

  it('counts failures up to the threshold, then opens one incident and restarts', async () => {
    await h.start();
    h.condition = 'down';
    await h.run(30 * SEC);
    expect(h.state).toBe('failing');
    expect(await h.incidents.list()).toHaveLength(0);
    // Confirmation probes use the faster retry interval.
    await h.run(5 * SEC);
    expect(h.sup.snapshotFields().consecutiveFailures).toBe(2);
    expect(h.steps).toHaveLength(0);
    h.afterRestart = 'healthy';
    await h.run(5 * SEC);
    expect(h.steps).toHaveLength(1);
    const [inc] = await h.incidents.list();
    expect(inc).toMatchObject({ trigger: 'health', outcome: 'recovered', resolvedBy: 'restart', restarts: 1 });
    expect(inc!.events.filter((e) => e.type === 'probe-failed')).toHaveLength(3);
    expect(inc!.startedAt).toBe(new Date(Date.parse('2026-11-25T12:00:00.000Z') + 30 * SEC).toISOString());
    expect(h.state).toBe('healthy');
    expect(h.states()).toEqual(['healthy', 'failing', 'restarting', 'healthy']);
  });

  it('treats a single blip as no incident', async () => {
    await h.start();
    h.condition = 'down';
    await h.run(30 * SEC);
    h.condition = 'healthy';
    await h.run(5 * SEC);
    expect(h.state).toBe('healthy');
    expect(await h.incidents.list()).toHaveLength(0);
    expect(h.steps).toHaveLength(0);
  });

  it('reports a degraded gateway and never restarts it', async () => {
    h.condition = 'degraded';
    await h.start();
    await h.run(10 * 60 * SEC);
    expect(h.state).toBe('degraded');
    expect(h.sup.snapshotFields().reason).toContain('discord');
    expect(h.steps).toHaveLength(0);
  });

  it('does not count "starting" as a failure within the grace period, but does after it', async () => {
    h.condition = 'starting';
    await h.start();
    expect(h.state).toBe('starting');
    await h.run(55 * SEC);
    expect(h.sup.snapshotFields().consecutiveFailures).toBe(0);
    await h.run(10 * SEC);
    expect(h.sup.snapshotFields().consecutiveFailures).toBeGreaterThan(0);
    expect(h.sup.snapshotFields().lastCheck?.health.detail).toContain('still starting');
  });

  it('resets the failure count after a clock jump (sleep/wake) instead of counting missed time', async () => {
    await h.start();
    h.condition = 'down';
    await h.run(30 * SEC);
    await h.run(5 * SEC);
    expect(h.sup.snapshotFields().consecutiveFailures).toBe(2);
    h.clock.jump(2 * 3600 * SEC);
    await h.run(5 * SEC);
    expect(h.sup.snapshotFields().consecutiveFailures).toBe(1);
    expect(h.steps).toHaveLength(0);
  });

  it('does not probe while the OS is suspended and waits for the network to settle after resume', async () => {
    await h.start();
    h.sup.notifySuspend();
    h.noTimersOk = true;
    await h.clock.settle({ allowNoTimers: true });
    const before = h.checks;
    await h.run(3600 * SEC);
    expect(h.checks).toBe(before);
    h.sup.notifyResume();
    h.noTimersOk = false;
    await h.clock.settle();
    await h.run(4 * SEC);
    expect(h.checks).toBe(before);
    await h.run(1 * SEC);
    expect(h.checks).toBe(before + 1);
  });
});

describe('restart ladder', () => {
  it('retries with exponential backoff, then gives up as needs-attention when there is no doctor', async () => {
    h = await new Harness(settings({ restart: { attempts: 3, backoffSec: 10, waitHealthySec: 4 } })).build();
    await h.start();
    h.condition = 'down';
    await h.run(30 * SEC + 10 * SEC);
    // Ladder runs to completion inside a few timer steps.
    await h.run(120 * SEC);
    const t = h.steps.map((x) => x.at);
    expect(t).toHaveLength(3);
    // attempt 1 → wait ~4 s → back-off 10 s → attempt 2 → wait ~4 s → back-off 20 s → attempt 3
    expect((t[1]! - t[0]!) / SEC).toBeGreaterThanOrEqual(14);
    expect((t[1]! - t[0]!) / SEC).toBeLessThan(16);
    expect((t[2]! - t[1]!) / SEC).toBeGreaterThanOrEqual(24);
    expect((t[2]! - t[1]!) / SEC).toBeLessThan(26);
    expect(h.state).toBe('needs-attention');
    const [inc] = await h.incidents.list();
    expect(inc).toMatchObject({ outcome: 'failed', resolvedBy: null, restarts: 3 });
    expect(inc!.events.map((e) => e.type)).toContain('needs-attention');
  });

  it('stays in needs-attention while down and notes when a human fixed it', async () => {
    h = await new Harness(settings({ restart: { attempts: 1, waitHealthySec: 2 } })).build();
    await h.start();
    h.condition = 'down';
    await h.run(60 * SEC);
    expect(h.state).toBe('needs-attention');
    await h.run(600 * SEC);
    expect(h.steps).toHaveLength(1);
    h.condition = 'healthy';
    await h.run(30 * SEC);
    expect(h.state).toBe('healthy');
    const [inc] = await h.incidents.list();
    expect(inc!.events.at(-1)!.type).toBe('healthy-again');
    expect(inc!.outcome).toBe('failed');
  });

  it('caps restarts per hour: a crash loop becomes needs-attention, not a restart storm', async () => {
    h = new Harness(settings({ restart: { attempts: 1, waitHealthySec: 2, maxPerHour: 2 } }));
    await h.build(await RateHistory.load(h.dir));
    await h.start();
    // Each restart "works" but the gateway crashes again soon after.
    for (let i = 0; i < 2; i++) {
      h.condition = 'down';
      h.afterRestart = 'healthy';
      await h.run(30 * SEC + 10 * SEC);
      expect(h.state).toBe('healthy');
    }
    expect(h.steps).toHaveLength(2);
    h.condition = 'down';
    await h.run(30 * SEC + 10 * SEC);
    expect(h.steps).toHaveLength(2);
    expect(h.state).toBe('needs-attention');
    const [latest] = await h.incidents.list();
    expect(latest!.events.map((e) => e.type)).toContain('circuit-open');
    expect(latest!.events.find((e) => e.type === 'circuit-open')!.detail).toMatch(/2 restarts in the last hour/);
  });

  it('a flapping gateway is one incident with one "down" per outage folded in, not an incident per crash', async () => {
    h = new Harness(settings({ restart: { attempts: 1, waitHealthySec: 2, maxPerHour: 10 } }));
    await h.build(await RateHistory.load(h.dir));
    await h.start();
    for (let i = 0; i < 3; i++) {
      h.condition = 'down';
      h.afterRestart = 'healthy';
      await h.run(30 * SEC + 10 * SEC);
      expect(h.state).toBe('healthy');
    }
    const list = await h.incidents.list();
    expect(list).toHaveLength(1);
    expect(list[0]!.summary).toMatch(/^flapping: 3 outages in \d+ min/);
    expect(list[0]!.events.filter((e) => e.type === 'relapse')).toHaveLength(2);
    expect(list[0]).toMatchObject({ outcome: 'recovered', resolvedBy: 'restart', restarts: 3 });
    // Long after the last recovery, a new outage is a new incident.
    await h.run(FLAP_WINDOW_MS + 60 * SEC);
    h.condition = 'down';
    await h.run(30 * SEC + 10 * SEC);
    expect(await h.incidents.list()).toHaveLength(2);
  });

  it('after giving up, tries again on a long back-off (15 min, then 30) and says when', async () => {
    h = new Harness(settings({ restart: { attempts: 1, waitHealthySec: 2 } }));
    await h.build(await RateHistory.load(h.dir));
    await h.start();
    h.condition = 'down';
    await h.run(60 * SEC);
    expect(h.state).toBe('needs-attention');
    expect(h.steps).toHaveLength(1);
    const gaveUpAt = h.clock.now();
    let [inc] = await h.incidents.list();
    expect(inc!.events.find((e) => e.type === 'retry-planned')!.detail).toMatch(
      /will try again at \d\d:\d\d.*back-off 15 min/,
    );
    expect(h.sup.snapshotFields().reason).toMatch(/trying again at \d\d:\d\d/);
    await h.run(14 * 60 * SEC);
    expect(h.steps).toHaveLength(1);
    await h.run(2 * 60 * SEC);
    expect(h.steps).toHaveLength(2);
    [inc] = await h.incidents.list();
    expect(inc!.events.map((e) => e.type)).toContain('retry');
    expect(await h.incidents.list()).toHaveLength(1);
    const second = inc!.events.filter((e) => e.type === 'retry-planned').at(-1)!;
    expect(second.detail).toMatch(/back-off 30 min/);
    // The next try waits 30 min, not 15.
    await h.run(25 * 60 * SEC);
    expect(h.steps).toHaveLength(2);
    await h.run(10 * 60 * SEC);
    expect(h.steps).toHaveLength(3);
    expect(h.clock.now() - gaveUpAt).toBeGreaterThan(45 * 60 * SEC);
    // Fixed meanwhile: the retry restarts it, the incident closes as recovered by restart.
    h.afterRestart = 'healthy';
    await h.run(70 * 60 * SEC);
    [inc] = await h.incidents.list();
    expect(inc).toMatchObject({ outcome: 'recovered', resolvedBy: 'restart' });
    expect(h.state).toBe('healthy');
  });

  it('persists the restart budget so restarting ClawMedic does not reset it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cm-rate-'));
    try {
      const a = await RateHistory.load(dir);
      await a.recordRestart(1000);
      await a.recordRestart(2000);
      const b = await RateHistory.load(dir);
      expect(b.restartsInLastHour(3000)).toBe(2);
      expect(b.restartsInLastHour(3600_000 + 1500)).toBe(1);
      expect(statSync(path.join(dir, 'rate-history.json')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands over to the doctor when restarts do not help, and records who fixed it', async () => {
    h = await new Harness(settings({ restart: { attempts: 1, waitHealthySec: 2 }, doctor: { enabled: true } }), {
      outcome: 'recovered',
      resolvedBy: 'doctor',
      agent: 'claude',
      detail: 'fixed the config',
    }).build();
    await h.start();
    h.condition = 'down';
    await h.run(60 * SEC);
    expect(h.doctorRuns).toHaveLength(1);
    expect(h.doctorRuns[0]!.recentFailures.length).toBeGreaterThanOrEqual(3);
    const [inc] = await h.incidents.list();
    expect(inc).toMatchObject({ outcome: 'recovered', resolvedBy: 'doctor', agent: 'claude' });
    expect(h.states()).toContain('recovering');
    expect(h.events.some((e) => e.type === 'doctor' && e.phase === 'started')).toBe(true);
    expect(h.state).toBe('healthy');
  });

  it('keeps a long failure streak bounded: counts every check, keeps the first and the last 20', async () => {
    h = await new Harness(
      settings({ gateway: { failureThreshold: 30 }, restart: { attempts: 0 }, doctor: { enabled: true } }),
      {
        outcome: 'failed',
        resolvedBy: null,
        agent: 'claude',
        detail: 'could not fix it',
      },
    ).build();
    await h.start();
    h.condition = 'down';
    const firstFailAt = h.clock.now() + 30 * SEC;
    await h.run(30 * SEC + 29 * 5 * SEC);
    expect(h.doctorRuns).toHaveLength(1);
    expect(h.doctorRuns[0]!.recentFailures).toHaveLength(20);
    const [inc] = await h.incidents.list();
    expect(inc!.startedAt).toBe(new Date(firstFailAt).toISOString());
    expect(inc!.summary).toMatch(/30 checks/);
    expect(inc!.events.filter((e) => e.type === 'probe-failed')).toHaveLength(21);
    // Hours more in needs-attention: the count goes on, nothing else grows.
    await h.run(3600 * SEC);
    expect(h.sup.snapshotFields().consecutiveFailures).toBeGreaterThan(30 + 100);
  });

  it('closes the incident with the doctor outcome when the doctor fails', async () => {
    h = await new Harness(settings({ restart: { attempts: 1, waitHealthySec: 2 }, doctor: { enabled: true } }), {
      outcome: 'timeout',
      resolvedBy: null,
      agent: 'claude',
      detail: 'no fix within 1800 s',
    }).build();
    await h.start();
    h.condition = 'down';
    await h.run(60 * SEC);
    const [inc] = await h.incidents.list();
    expect(inc).toMatchObject({ outcome: 'timeout', resolvedBy: null });
    expect(h.state).toBe('needs-attention');
  });
});

describe('pause, manual actions, stop', () => {
  beforeEach(async () => {
    h = await new Harness(settings({ restart: { attempts: 1, waitHealthySec: 2 } })).build();
  });

  it('pauses for a duration: no probes, no actions, then resumes by itself', async () => {
    await h.start();
    h.sup.pause(60);
    await h.clock.settle();
    expect(h.state).toBe('paused');
    const before = h.checks;
    h.condition = 'down';
    await h.run(59 * 60 * SEC);
    expect(h.checks).toBe(before);
    await h.run(60 * SEC);
    expect(h.checks).toBeGreaterThan(before);
    expect(h.state).not.toBe('paused');
  });

  it('pauses until resumed', async () => {
    await h.start();
    h.sup.pause(null);
    h.noTimersOk = true;
    await h.clock.settle({ allowNoTimers: true });
    expect(h.sup.snapshotFields().pausedUntil).toBe('until resumed');
    await h.run(24 * 3600 * SEC);
    expect(h.checks).toBe(1);
    h.sup.resume();
    h.noTimersOk = false;
    await h.clock.settle();
    expect(h.checks).toBe(2);
    expect(h.state).toBe('healthy');
  });

  it('runs a manual restart as a manual incident', async () => {
    await h.start();
    h.afterRestart = 'healthy';
    const r = await h.sup.restartNow();
    expect(r.ok).toBe(true);
    const [inc] = await h.incidents.list();
    expect(inc).toMatchObject({ trigger: 'manual', outcome: 'recovered', resolvedBy: 'restart' });
  });

  it('marks an open incident interrupted when stopped mid-incident', async () => {
    h.s = settings({ restart: { attempts: 1, waitHealthySec: 600 } });
    await h.start();
    h.condition = 'down';
    await h.run(40 * SEC);
    expect(h.state).toBe('restarting');
    await h.sup.stop('SIGTERM');
    const [inc] = await h.incidents.list();
    expect(inc!.outcome).toBe('interrupted');
    expect(inc!.events.at(-1)!.detail).toContain('SIGTERM');
  });
});
