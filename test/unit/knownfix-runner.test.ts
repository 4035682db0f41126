// The known-fix rungs inside the supervisor's ladder, on a fake clock: the fingerprint is recorded,
// a rung in "ask" mode waits for a person (yes, no, or nobody until the time is up), "off" only records,
// our probe verifies, the undo puts back what was there, and nothing is ever deleted.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, GatewayCheck, GatewayCondition } from '../../common/contract.js';
import type { FingerprintFacts } from '../../common/knownfix.js';
import type { DoctorOutcome, DoctorPort, DoctorRequest } from '../../main/engine/doctor/port.js';
import { IncidentStore } from '../../main/engine/incidents/store.js';
import { LastGoodStore } from '../../main/engine/knownfix/lastgood.js';
import { KnownFixes } from '../../main/engine/knownfix/runner.js';
import { KnownFixState } from '../../main/engine/knownfix/state.js';
import { RateHistory } from '../../main/engine/rate-history.js';
import type { StepResult } from '../../main/engine/restart.js';
import { validateSettings, type Settings } from '../../main/engine/settings/index.js';
import { Supervisor } from '../../main/engine/supervisor.js';
import { FakeClock } from '../helpers/fake-clock.js';

const GOOD = '{\n  gateway: { mode: "local", port: 18789 },\n}\n';
const BROKEN = '{\n  gateway: { mode: "local", port: "18789" },\n}\n';

class Harness {
  clock = new FakeClock();
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-kf-'));
  configPath = path.join(this.dir, 'openclaw.json');
  events: EngineEvent[] = [];
  condition: GatewayCondition = 'healthy';
  steps: string[] = [];
  doctorRuns = 0;
  incidents = new IncidentStore(path.join(this.dir, 'data'), this.clock, () => {});
  lastGood = new LastGoodStore(path.join(this.dir, 'data'), () => 5);
  kf!: KnownFixes;
  sup!: Supervisor;
  s: Settings;

  constructor(knownFixes: Record<string, unknown> = {}) {
    const r = validateSettings({
      dataDir: path.join(this.dir, 'data'),
      gateway: {
        checkIntervalSec: 30,
        retryIntervalSec: 5,
        failureThreshold: 2,
        configPath: this.configPath,
        logPaths: [],
      },
      restart: { command: 'start-it', attempts: 1, waitHealthySec: 10, backoffSec: 0 },
      doctor: { enabled: true },
      knownFixes: { askTimeoutSec: 60, ...knownFixes },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    this.s = r.settings;
    writeFileSync(this.configPath, GOOD, { mode: 0o644 });
  }

  /** The gateway starts only with a config that validates (as the real one: exit 78 otherwise). */
  configValid(): boolean {
    return readFileSync(this.configPath, 'utf8') === GOOD;
  }

  /** False: a restart step fails whatever the config (a Node too old for OpenClaw). */
  startable = true;
  /** Extra log signals the facts report (e.g. a Node version error). */
  signals: FingerprintFacts['logSignals'] = [];

  facts(): FingerprintFacts {
    const valid = this.configValid();
    return {
      logSignals: this.signals,
      probe: { kind: 'refused', detail: 'connection refused' },
      restartExit: valid ? 0 : 78,
      config: valid
        ? { valid: true, issues: [], error: null }
        : {
            valid: false,
            error: null,
            issues: [{ path: 'gateway.port', message: 'Invalid input: expected number, received string', line: 2 }],
          },
      portHolder: null,
      version: { now: '2026.9.6', lastHealthy: '2026.9.6' },
    };
  }

  async build() {
    const state = await KnownFixState.load(path.join(this.dir, 'data'));
    this.kf = new KnownFixes({
      clock: this.clock,
      env: process.env,
      openclaw: () => 'openclaw-not-used-here',
      incidents: this.incidents,
      lastGood: this.lastGood,
      state,
      emit: (e) => this.events.push(e),
      runCommand: () => Promise.reject(new Error('no command runs in these tests')),
      collect: () => Promise.resolve(this.facts()),
    });
    const doctor = {
      run: (req: DoctorRequest): Promise<DoctorOutcome> => {
        this.doctorRuns++;
        req.emit('started', 'fake');
        return Promise.resolve({
          outcome: 'failed',
          resolvedBy: null,
          agent: 'fake',
          detail: 'the fake doctor never fixes anything',
        });
      },
    } as unknown as DoctorPort;
    this.sup = new Supervisor({
      clock: this.clock,
      settings: () => this.s,
      check: () => Promise.resolve(this.check()),
      runStep: (command): Promise<StepResult> => {
        this.steps.push(command);
        const ok = this.configValid() && this.startable;
        if (ok) this.condition = 'healthy';
        return Promise.resolve({
          command,
          exitCode: ok ? 0 : 78,
          signal: null,
          timedOut: false,
          cancelled: false,
          durationMs: 5,
          output: ok ? 'started' : 'Invalid config',
          spawnError: null,
        });
      },
      incidents: this.incidents,
      history: await RateHistory.load(null),
      doctor,
      knownFixes: this.kf,
      emit: (e) => this.events.push(e),
    });
    return this;
  }

  check(): GatewayCheck {
    const at = new Date(this.clock.now()).toISOString();
    const ok = this.condition === 'healthy';
    return {
      condition: this.condition,
      health: {
        ok,
        kind: ok ? 'healthy' : 'refused',
        url: 'http://127.0.0.1:18789/healthz',
        status: ok ? 200 : null,
        latencyMs: 1,
        detail: ok ? 'live' : 'connection refused',
        at,
      },
      failing: [],
      at,
    };
  }

  /** Breaks the config and crashes the gateway: restarts now exit 78. */
  breakIt(): Promise<void> {
    writeFileSync(this.configPath, BROKEN);
    this.condition = 'down';
    return Promise.resolve();
  }

  async run(ms: number) {
    const end = this.clock.now() + ms;
    while (this.clock.nextAt !== null && this.clock.nextAt <= end) {
      this.clock.advance(this.clock.nextAt - this.clock.now());
      await this.clock.settle({ allowNoTimers: true });
    }
    this.clock.advance(end - this.clock.now());
    await this.clock.settle({ allowNoTimers: true });
  }

  async until(pred: () => boolean, stepMs = 1000, maxMs = 600_000) {
    for (let t = 0; t < maxMs && !pred(); t += stepMs) await this.run(stepMs);
    if (!pred()) throw new Error('condition never held');
  }

  phases() {
    return this.events.flatMap((e) => (e.type === 'known-fix' ? [`${e.rung}:${e.phase}`] : []));
  }

  async lastIncident() {
    return (await this.incidents.list(1))[0]!;
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

async function started(knownFixes: Record<string, unknown> = {}) {
  h = await new Harness(knownFixes).build();
  await h.lastGood.take(h.configPath, GOOD, { at: '2026-11-25T10:00:00.000Z', version: '2026.9.6' });
  h.sup.start();
  await h.clock.settle();
  return h;
}

describe('config restore (ask by default)', () => {
  it('records the fingerprint, asks; on "yes" restores the last-known-good copy, keeps the broken file', async () => {
    await started();
    await h.breakIt();
    await h.until(() => h.kf.pending() !== null);
    const pending = h.kf.pending()!;
    expect(pending).toMatchObject({ rung: 'config-restore', recordId: 'r1' });
    expect(pending.diff).toContain('-  gateway: { mode: "local", port: "18789" },');
    expect(pending.diff).toContain('+  gateway: { mode: "local", port: 18789 },');
    expect(h.sup.snapshotFields().reason).toMatch(/waiting for your answer/);
    expect(h.kf.answer(pending.incidentId, 'r1', true)).toEqual({ ok: true, value: undefined });
    await h.until(() => h.sup.currentState === 'healthy');

    const inc = await h.lastIncident();
    expect(inc).toMatchObject({ outcome: 'recovered', resolvedBy: 'known-fix:config-restore', agent: null });
    expect(inc.fingerprint).toMatchObject({
      kind: 'config-invalid',
      key: 'config-invalid:gateway.port',
      detail: 'gateway.port: expected number, received string (line 2)',
    });
    expect(inc.rungs).toEqual([
      expect.objectContaining({ id: 'r1', rung: 'config-restore', mode: 'ask', status: 'recovered' }),
    ]);
    expect(inc.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['fingerprint', 'known-fix-proposed', 'known-fix-approved', 'known-fix-recovered']),
    );
    expect(h.doctorRuns).toBe(0);
    expect(h.phases()).toEqual([
      'config-invalid:fingerprint',
      'config-restore:proposed',
      'config-restore:started',
      'config-restore:recovered',
    ]);
    expect(readFileSync(h.configPath, 'utf8')).toBe(GOOD);
    expect(statSync(h.configPath).mode & 0o777).toBe(0o600);
    const beside = readdirSync(h.dir).filter((n) => n.startsWith('openclaw.json.clawmedic-broken.'));
    expect(beside).toHaveLength(1);
    expect(readFileSync(path.join(h.dir, beside[0]!), 'utf8')).toBe(BROKEN);
    expect(statSync(path.join(h.dir, beside[0]!)).mode & 0o777).toBe(0o600);
  });

  it('undo puts the edited file back and keeps the restored one beside it; a second undo is refused', async () => {
    await started({ configRestore: 'auto' });
    await h.breakIt();
    await h.until(() => h.phases().includes('config-restore:recovered') && h.sup.currentState === 'healthy');
    const inc = await h.lastIncident();
    expect(inc.resolvedBy).toBe('known-fix:config-restore');
    const r = await h.kf.undo(inc.id, 'r1');
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(readFileSync(h.configPath, 'utf8')).toBe(BROKEN);
    const undone = readdirSync(h.dir).filter((n) => n.startsWith('openclaw.json.clawmedic-undone.'));
    expect(undone.map((n) => readFileSync(path.join(h.dir, n), 'utf8'))).toEqual([GOOD]);
    const after = await h.incidents.get(inc.id);
    expect(after!.rungs![0]!.undo).toMatchObject({
      available: true,
      doneAt: expect.any(String) as unknown,
      result: expect.stringContaining('back as it was') as unknown,
    });
    expect(after!.events.at(-1)).toMatchObject({ type: 'known-fix-undone' });
    expect((await h.kf.undo(inc.id, 'r1')).ok).toBe(false);
  });

  it('"no" goes on to the doctor; the file is untouched', async () => {
    await started();
    await h.breakIt();
    await h.until(() => h.kf.pending() !== null);
    h.kf.answer(h.kf.pending()!.incidentId, '', false);
    await h.until(() => h.sup.currentState === 'needs-attention');
    const inc = await h.lastIncident();
    expect(inc.rungs?.map((r) => r.status)).toEqual(['declined']);
    expect(h.doctorRuns).toBe(1);
    expect(readFileSync(h.configPath, 'utf8')).toBe(BROKEN);
  });

  it('nobody answers: the question expires after askTimeoutSec and the doctor runs', async () => {
    await started();
    await h.breakIt();
    await h.until(() => h.kf.pending() !== null);
    const asked = h.clock.now();
    await h.until(() => h.doctorRuns === 1);
    expect(h.clock.now() - asked).toBeGreaterThanOrEqual(60_000);
    expect(h.kf.pending()).toBeNull();
    expect((await h.lastIncident()).rungs?.map((r) => r.status)).toEqual(['expired']);
  });

  it('off: the rung is recorded as applicable but nothing is done', async () => {
    await started({ configRestore: 'off' });
    await h.breakIt();
    await h.until(() => h.doctorRuns === 1);
    const inc = await h.lastIncident();
    expect(inc.rungs).toEqual([
      expect.objectContaining({
        rung: 'config-restore',
        status: 'off',
        detail: expect.stringContaining('knownFixes.configRestore') as unknown,
      }),
    ]);
    expect(readFileSync(h.configPath, 'utf8')).toBe(BROKEN);
  });

  it('knownFixes.enabled false: the fingerprint is still recorded, no rung runs', async () => {
    await started({ enabled: false });
    await h.breakIt();
    await h.until(() => h.doctorRuns === 1);
    const inc = await h.lastIncident();
    expect(inc.fingerprint?.kind).toBe('config-invalid');
    expect(inc.rungs).toEqual([]);
  });
});

describe('runtime mismatch', () => {
  it('is only reported (a precise note, no action); the ladder goes on', async () => {
    await started();
    h.signals = [
      {
        kind: 'engine-version',
        line: 'openclaw: Node 20.20.2: node:sqlite is unavailable; use 24.16+/26.1+ or a build with the fix.',
      },
    ];
    h.startable = false;
    h.condition = 'down';
    await h.until(() => h.doctorRuns === 1);
    const inc = await h.lastIncident();
    expect(inc.fingerprint).toMatchObject({
      kind: 'runtime-mismatch',
      detail: 'OpenClaw needs Node 24.16+/26.1+; the gateway was started with Node 20.20.2',
    });
    expect(inc.rungs).toEqual([expect.objectContaining({ rung: 'runtime-mismatch', status: 'notified', undo: null })]);
    expect(h.phases()).toContain('runtime-mismatch:notified');
  });
});
