// Doctor sessions across processes and over time: two triggers at once run one session; a process
// killed mid-session leaves a session and a lock that the next start cleans up, and an incident the
// engine marks interrupted; generic agents: idle is not "done" while a permission prompt shows.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doctor } from '../../main/engine/doctor/doctor.js';
import { IncidentStore } from '../../main/engine/incidents/store.js';
import { readLock } from '../../main/engine/lock.js';
import { systemClock } from '../../common/clock.js';
import { createHarness, readAgentLog, TEST_TIMING, until, type Harness } from '../fixtures/fake-agent-harness.js';

let h: Harness;
const doctors: Doctor[] = [];
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  for (const d of doctors.splice(0)) await d.cleanupOrphans().catch(() => undefined);
  await h.close();
});
function doctor(): Doctor {
  const d = new Doctor({ dataDir: h.dataDir, timing: TEST_TIMING });
  doctors.push(d);
  return d;
}

describe('one doctor at a time', () => {
  it('two concurrent triggers (two ClawMedic instances on one data dir) start one session', async () => {
    const a = doctor();
    const b = doctor();
    const s = h.settings({
      claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ busy: 1500 }, { run: `touch ${h.marker}` }]) }),
    });
    const ra = await h.request(s);
    const rb = await h.request(s);
    const [oa, ob] = await Promise.all([a.run(ra.req), b.run(rb.req)]);
    const outs = [oa, ob];
    expect(outs.filter((o) => o.busy)).toHaveLength(1);
    expect(outs.filter((o) => o.outcome === 'recovered')).toHaveLength(1);
    expect(outs.find((o) => o.busy)?.detail).toMatch(/already running.*pid \d+/);
    expect(readAgentLog(h.agentLog).filter((e) => e.ev === 'start')).toHaveLength(1);
  });

  it('a second run in the same instance is refused while one runs', async () => {
    const a = doctor();
    const s = h.settings({
      claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ busy: 800 }, { run: `touch ${h.marker}` }]) }),
    });
    const first = a.run((await h.request(s)).req);
    const second = await a.run((await h.request(s)).req);
    expect(second).toMatchObject({ busy: true, outcome: 'failed' });
    expect((await first).outcome).toBe('recovered');
  });
});

const DIST_DOCTOR = path.resolve('dist/main/engine/doctor/doctor.js');

// These tests start separate processes running the compiled engine: without a build they cannot run at all,
// which must be a failure (npm test builds first), never a silent skip.
if (!existsSync(DIST_DOCTOR))
  throw new Error(`${DIST_DOCTOR} is missing: run \`npm run build\` first (npm test does).`);
const DIST_STORE = path.resolve('dist/main/engine/incidents/store.js');
const DIST_CLOCK = path.resolve('dist/common/clock.js');

describe('crash mid-session', () => {
  it(
    'the next start kills the orphan session, clears the stale lock, and ' + 'the incident is marked interrupted',
    async () => {
      const s = h.settings({ claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ hang: true }]) }) });
      // A separate ClawMedic process runs the doctor; we kill it with SIGKILL (nothing can clean up).
      const child = `
      import { Doctor } from ${JSON.stringify(DIST_DOCTOR)};
      import { IncidentStore } from ${JSON.stringify(DIST_STORE)};
      import { systemClock } from ${JSON.stringify(DIST_CLOCK)};
      const settings = JSON.parse(process.argv[1]);
      const store = new IncidentStore(settings.dataDir, systemClock);
      const incident = await store.open({ trigger: 'manual', summary: 'crash test' });
      const d = new Doctor({ dataDir: settings.dataDir, timing: { probeMs: 200, screenPollMs: 80, workPollMs: 200 } });
      const health = { ok: false, kind: 'refused', url: '', status: null, latencyMs: 0, detail: 'refused', at: '' };
      const down = { condition: 'down', failing: [], at: new Date().toISOString(), health };
      await d.run({
        incident, settings, check: async () => down, recentFailures: [], signal: new AbortController().signal,
        emit: (p) => process.stdout.write(p + '\\n'),
      });
    `;
      const p = spawn(process.execPath, ['--input-type=module', '-e', child, JSON.stringify(s)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const probe = new Doctor({ dataDir: h.dataDir });
      await until(() => out.includes('prompt-sent'), 20_000);
      const sessions = h.sessions(probe.tmux.socket);
      expect(sessions).toHaveLength(1);
      expect(readLock(probe.lockFile)).toMatchObject({ pid: p.pid });

      // While the owner lives, a second instance's start-up clean-up must leave its session alone.
      expect(await probe.cleanupOrphans()).toEqual([]);
      expect(h.sessions(probe.tmux.socket)).toEqual(sessions);

      p.kill('SIGKILL');
      await new Promise((r) => p.on('exit', r));
      const cleaned = await probe.cleanupOrphans();
      expect(cleaned.join('\n')).toMatch(/stale doctor lock left by pid/);
      expect(cleaned.join('\n')).toContain(`killed tmux session ${sessions[0]}`);
      expect(h.sessions(probe.tmux.socket)).toEqual([]);
      expect(readLock(probe.lockFile)).toBeNull();
      // The fake agent saw its terminal go away.
      await until(() => readAgentLog(h.agentLog).some((e) => e.ev === 'exit'));

      const interrupted = await new IncidentStore(h.dataDir, systemClock).closeOrphans(
        'ClawMedic stopped before this incident ended',
      );
      expect(interrupted).toHaveLength(1);
      expect(interrupted[0]).toMatchObject({ outcome: 'interrupted' });
      expect(interrupted[0]!.doctor?.sessionName).toBe(sessions[0]);
    },
  );
});

describe('SIGTERM mid-session', () => {
  it(
    'aborting on SIGTERM (as the engine does) kills the session and frees ' + 'the lock before the process exits',
    async () => {
      const s = h.settings({ claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ hang: true }]) }) });
      const child = `
      import { Doctor } from ${JSON.stringify(DIST_DOCTOR)};
      import { IncidentStore } from ${JSON.stringify(DIST_STORE)};
      import { systemClock } from ${JSON.stringify(DIST_CLOCK)};
      const settings = JSON.parse(process.argv[1]);
      const store = new IncidentStore(settings.dataDir, systemClock);
      const incident = await store.open({ trigger: 'manual', summary: 'sigterm test' });
      const d = new Doctor({ dataDir: settings.dataDir, timing: { probeMs: 200, screenPollMs: 80, workPollMs: 200 } });
      const ctl = new AbortController();
      process.once('SIGTERM', () => ctl.abort());
      const health = { ok: false, kind: 'refused', url: '', status: null, latencyMs: 0, detail: 'refused', at: '' };
      const down = { condition: 'down', failing: [], at: new Date().toISOString(), health };
      const out = await d.run({
        incident, settings, check: async () => down, recentFailures: [], signal: ctl.signal,
        emit: (p) => process.stdout.write(p + '\\n'),
      });
      process.stdout.write('OUTCOME ' + out.outcome + '\\n');
    `;
      const p = spawn(process.execPath, ['--input-type=module', '-e', child, JSON.stringify(s)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const probe = new Doctor({ dataDir: h.dataDir });
      await until(() => out.includes('prompt-sent'), 20_000);
      expect(h.sessions(probe.tmux.socket)).toHaveLength(1);
      p.kill('SIGTERM');
      const code = await new Promise((r) => p.on('exit', r));
      expect(code).toBe(0);
      expect(out).toContain('OUTCOME cancelled');
      expect(h.sessions(probe.tmux.socket)).toEqual([]);
      expect(readLock(probe.lockFile)).toBeNull();
    },
  );
});

describe('generic agents', () => {
  const generic = (script: unknown[], over = {}) =>
    h.profile(
      { FAKE_AGENT_MODE: 'generic', FAKE_AGENT_SCRIPT: JSON.stringify(script) },
      { kind: 'generic', donePattern: 'ALL_DONE_42', idleSec: 1, ...over },
    );

  it('an idle screen is not "done" while a permission prompt shows', async () => {
    const d = doctor();
    const s = h.settings({ g: generic([{ ask: `touch ${h.marker}` }]) }, { timeoutSec: 5 });
    const { req, phases } = await h.request(s);
    const out = await d.run(req);
    expect(out.outcome).toBe('timeout');
    expect(phases.map((p) => p.phase)).toContain('needs-approval');
    expect(phases.map((p) => p.phase)).not.toContain('agent-stopped');
  });

  it('the done pattern ends the agent (only in output after the brief); the gateway decides the outcome', async () => {
    const d = doctor();
    const s = h.settings({ g: generic([{ say: 'ALL_DONE_42' }], { idleSec: 3600 }) });
    const { req, phases } = await h.request(s);
    const out = await d.run(req);
    expect(out.outcome).toBe('failed');
    expect(phases.find((p) => p.phase === 'agent-stopped')?.detail).toMatch(/donePattern/);
    expect(out.detail).toMatch(/still down/);
  });

  it('an unchanged screen without a prompt counts as finished after idleSec', async () => {
    const d = doctor();
    const s = h.settings({ g: generic([{ say: 'thinking about it' }], { donePattern: 'NEVER_PRINTED_77' }) });
    const { req, phases } = await h.request(s);
    const out = await d.run(req);
    expect(out.outcome).toBe('failed');
    expect(phases.find((p) => p.phase === 'agent-stopped')?.detail).toMatch(/did not change for 1 s/);
  });

  it('refuses a done pattern that the brief itself contains', async () => {
    const d = doctor();
    const s = h.settings({ g: generic([], { donePattern: 'OpenClaw gateway' }) });
    const { req } = await h.request(s);
    const out = await d.run(req);
    expect(out.outcome).toBe('failed');
    expect(out.detail).toMatch(/matches the recovery brief itself/);
    expect(readAgentLog(h.agentLog)).toEqual([]);
  });
});
