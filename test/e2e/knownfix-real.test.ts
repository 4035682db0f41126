// Known fixes against the REAL OpenClaw gateway, driven by the real Engine: the real `openclaw` CLI gives
// the facts (`config validate --json`, `doctor --fix`, `--version`), lsof/ss and /proc name the port's
// holder, the rungs act on real processes and files, and ClawMedic's own probe decides. Only the model
// is scripted (the playbook scenario's doctor is the real Claude Code against the scripted Messages API).
// Each scenario prints the time from the fault to healthy, with the load average at that moment.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, Incident } from '../../common/contract.js';
import { Doctor } from '../../main/engine/doctor/doctor.js';
import { Engine } from '../../main/engine/engine.js';
import { portOwner } from '../../main/engine/knownfix/port-owner.js';
import { checkGateway } from '../../main/engine/probe.js';
import { startFakeAnthropic, type FakeAnthropic, type Step } from '../fixtures/fake-anthropic.js';
import { TEST_TIMING } from '../fixtures/fake-agent-harness.js';
import {
  createGateway,
  e2eSkipReason,
  ensureToolchain,
  installService,
  isAlive,
  killGroup,
  pollUntil,
  prepareClaudeHome,
  SERVICE_STEP_TIMEOUT_SEC,
  type ClaudeHome,
  type Gateway,
  type GatewayService,
  type Toolchain,
} from './harness/index.js';

const skip = e2eSkipReason();
let tc: Toolchain;
const cleanups: (() => unknown)[] = [];

beforeAll(() => {
  if (!skip) tc = ensureToolchain();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
});

/** The real CLI gets the production submit and dialog-repeat gates (as in doctor-real.test.ts). */
const E2E_TIMING = {
  ...TEST_TIMING,
  launchTimeoutMs: 60_000,
  stopGraceMs: 90_000,
  reportGraceMs: 5_000,
  submitConfirmMs: 3000,
  dialogRepeatMs: 3000,
};
// A question a person answers in the test is answered at once; 600 s only bounds a test that forgets to.
const ASK_TIMEOUT_SEC = 600;
// One outage, from the fault to healthy: a failed restart (EADDRINUSE takes the real gateway ~24 s to give
// up), a fix, and a start (15-50 s): 300 s covers all of it on a loaded machine.
const OUTAGE_MS = 300_000;
/**
 * One scenario: a gateway start (15-50 s, 120 s at most), ClawMedic's last-good copy, maybe `openclaw config set`
 * (3-8 s), one outage (OUTAGE_MS) and the check that follows. Measured at a load average of 10-14 on 2 cores:
 * the `openclaw doctor --fix` path took 163 s from the fault (doctor --fix 68 s, then a 70 s start), 228 s in all.
 */
const SCENARIO_MS = 600_000;
/** What the scripted model says when a scenario does not expect the doctor at all. */
const GIVE_UP =
  'Not expected to run.\nCLAWMEDIC_RESULT {"status":"not-fixed","summary":"the known fixes should have sufficed"}';

interface Rig {
  gw: Gateway;
  svc: GatewayService;
  engine: Engine;
  dataDir: string;
  events: EngineEvent[];
  /** The real Claude Code doctor (built once the engine reads its settings). */
  doctor: Doctor | null;
  /** The scripted model behind it: a rung that suffices leaves it without a single request. */
  api: FakeAnthropic;
}

interface RigOptions {
  knownFixes?: Record<string, unknown>;
  /** What the scripted model behind the real Claude Code doctor answers (default: it gives up). */
  doctorSteps?: Step[];
  /** Claude Code's Bash allowlist for the doctor. */
  allowedTools?: string[];
  /** How the gateway the engine watches is started: by the service (default) or by the test itself. */
  startedBy?: 'service' | 'test';
}

async function rig(o: RigOptions = {}): Promise<Rig> {
  const gw = await createGateway({ toolchain: tc });
  cleanups.push(() => gw.dispose());
  const svc = installService(gw, tc);
  cleanups.push(() => killGroup(svc.pgid() ?? undefined, 'SIGKILL'));
  if (o.startedBy === 'test') await gw.startHealthy();
  else {
    const r = await svc.restart();
    if (r.code !== 0)
      throw new Error(`the gateway service did not start the gateway (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  }
  const dir = mkdtempSync(path.join('/tmp', 'cm-kfe2e-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = path.join(dir, 'data');
  // The doctor is on in every scenario, so "no agent ran" means the ladder did not need it.
  const api = await startFakeAnthropic(o.doctorSteps ?? [{ text: GIVE_UP }]);
  cleanups.push(() => api.stop());
  const home: ClaudeHome = prepareClaudeHome({ toolchain: tc, apiUrl: api.url, env: { ...gw.env } });
  cleanups.push(() => home.dispose());
  const settings = {
    dataDir,
    gateway: {
      url: gw.url,
      checkIntervalSec: 1,
      retryIntervalSec: 1,
      // 3 s: the real gateway answers /healthz in milliseconds; a SIGSTOPped one never does.
      timeoutSec: 3,
      failureThreshold: 2,
      // A stale gateway is at least one start (15-50 s) old here; 5 s tells it from one that is starting.
      startupGraceSec: 5,
      configPath: gw.configPath,
      logPaths: [gw.logFile],
    },
    restart: {
      steps: [{ command: svc.command, timeoutSec: SERVICE_STEP_TIMEOUT_SEC }],
      attempts: 1,
      // The step itself waits for /healthz; this is only the engine's own confirmation after it.
      waitHealthySec: 30,
      backoffSec: 0,
    },
    doctor: {
      enabled: true,
      agents: ['claude'],
      timeoutSec: 300,
      profiles: {
        claude: {
          kind: 'claude',
          command: tc.claude,
          args: [],
          env: {},
          permissionMode: 'dontAsk',
          allowedTools: o.allowedTools ?? [],
          allowBypass: false,
          donePattern: '',
          idleSec: 120,
        },
      },
    },
    notify: { native: false },
    tools: { openclaw: tc.openclaw },
    knownFixes: { askTimeoutSec: ASK_TIMEOUT_SEC, lastGoodAfterSec: 0, ...o.knownFixes },
  };
  const settingsFile = path.join(dir, 'settings.json');
  writeFileSync(settingsFile, JSON.stringify(settings), { mode: 0o600 });
  let doctor: Doctor | null = null;
  const engine = await Engine.create({
    settingsFile,
    env: gw.env,
    onInvalidSettings: 'throw',
    doctorFactory: ({ dataDir: d, clock }) =>
      (doctor = new Doctor({ dataDir: d, clock, env: home.env, timing: E2E_TIMING })),
  });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  cleanups.push(() => engine.stop('test over'));
  cleanups.push(() => doctor?.cleanupOrphans());
  await engine.start();
  const r: Rig = { gw, svc, engine, dataDir, events, doctor, api };
  Object.defineProperty(r, 'doctor', { get: () => doctor });
  await next(r, (e) => e.type === 'check' && e.check.condition === 'healthy', 60_000, 'the first healthy check');
  return r;
}

/** The next engine event that matches; a test that fails first ends the wait with it (no stray timers). */
function next(r: Rig, pred: (ev: EngineEvent) => boolean, timeoutMs: number, what: string): Promise<EngineEvent> {
  let stop = () => undefined as void;
  const p = new Promise<EngineEvent>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      const tail = r.events.slice(-15).map((e) => JSON.stringify(e).slice(0, 300));
      reject(
        new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the last engine events:\n${tail.join('\n')}`),
      );
    }, timeoutMs);
    const off = r.engine.on((ev) => {
      if (pred(ev)) {
        clearTimeout(timer);
        off();
        resolve(ev);
      }
    });
    stop = () => {
      clearTimeout(timer);
      off();
    };
  });
  cleanups.push(() => stop());
  // Awaited by the test; when the test fails before it does, the rejection is not "unhandled".
  p.catch(() => undefined);
  return p;
}

const closed = (r: Rig) =>
  next(r, (e) => e.type === 'incident-closed', OUTAGE_MS, 'the incident to close').then(
    (e) => (e as Extract<EngineEvent, { type: 'incident-closed' }>).incident,
  );

/**
 * A config the way most people have one: written by OpenClaw's own CLI while the gateway ran. Only then does
 * OpenClaw keep its own `.last-good` beside it (measured: a hand-written file never gets one, even after
 * several healthy starts), and only with that does `openclaw doctor --fix` repair anything.
 */
async function openclawWritesConfig(r: Rig): Promise<void> {
  const set = await r.gw.openclaw(['config', 'set', 'gateway.auth.token', `${r.gw.token}x`]);
  expect(set.code, set.stdout + set.stderr).toBe(0);
  // It appeared within a second of `config set` (measured); 30 s bounds a loaded machine.
  await pollUntil(() => (existsSync(`${r.gw.configPath}.last-good`) ? true : undefined), {
    timeoutMs: 30_000,
    what: "OpenClaw's .last-good beside the config",
  });
}

/** The newest ClawMedic last-known-good copy appears once a healthy check found the config valid. */
async function lastGoodCopy(r: Rig): Promise<void> {
  const store = path.join(r.dataDir, 'last-good');
  const has = () => {
    try {
      return readdirSync(store).some((f) => f.startsWith(path.basename(r.gw.configPath)));
    } catch {
      return false; // the folder appears with the first copy
    }
  };
  // Each healthy check (1 s apart) may take the copy after `openclaw config validate` (3-19 s): 60 checks.
  for (let i = 0; i < 60 && !has(); i++) await next(r, (e) => e.type === 'check', 10_000, 'a check');
  expect(has(), 'ClawMedic took no last-known-good copy of the config').toBe(true);
}

/**
 * The engine's next fully healthy check: the incident closes once /healthz answers, while the real
 * gateway's /readyz says 503 (startup-sidecars) for 2-4 s longer, which our probe calls degraded.
 */
async function healthyAgain(r: Rig): Promise<number> {
  const last = [...r.events].reverse().find((e) => e.type === 'check');
  if (last?.type !== 'check' || last.check.condition !== 'healthy') {
    await next(
      r,
      (e) => e.type === 'check' && e.check.condition === 'healthy',
      60_000,
      'a healthy check (/readyz too)',
    );
  }
  return Date.now();
}

/** What every scenario asserts once the incident is closed; returns when the probe said healthy. */
async function expectFixedWithoutAgent(r: Rig, inc: Incident, resolvedBy: string): Promise<number> {
  expect(inc, JSON.stringify(inc.events, null, 1)).toMatchObject({ outcome: 'recovered', resolvedBy });
  expect(r.events.filter((e) => e.type === 'doctor')).toEqual([]);
  expect(inc.doctor ?? null).toBeNull();
  expect(r.api.requests).toEqual([]);
  expect(doctorSessions(r)).toEqual([]);
  const at = await healthyAgain(r);
  expect((await checkGateway(r.gw.url, 3000)).condition).toBe('healthy');
  return at;
}

/** Sessions on the doctor's private tmux server (none: no agent ever ran). */
function doctorSessions(r: Rig): string[] {
  if (!r.doctor) return [];
  try {
    return execFileSync('tmux', ['-S', r.doctor.tmux.socket, 'list-sessions', '-F', '#{session_name}'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // no server on the socket: no sessions
  }
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');
/** One line per scenario: fault → incident closed (recovered: /healthz) and → healthy (/readyz too). */
function report(what: string, t0: number, closedAt: number, healthyAt: number, inc: Incident): void {
  note(
    `${what}: fault → recovered ${closedAt - t0} ms, → healthy ${healthyAt - t0} ms ` +
      `via ${inc.resolvedBy} (loadavg ${loadavg()})`,
  );
  // Where the time went: the incident's own timeline, in seconds after the fault.
  const timeline = inc.events
    .filter((e) => Date.parse(e.at) >= t0)
    .map((e) => `  +${((Date.parse(e.at) - t0) / 1000).toFixed(1)} s ${e.type}: ${e.detail.slice(0, 110)}`);
  note(`${what}, timeline:\n${timeline.join('\n')}`);
}

/** A measurement on the console and, with CLAWMEDIC_KFE2E_LOG set, appended to that file. */
function note(line: string): void {
  console.log(`known fix, real gateway, ${line}`);
  // Vitest may cut a console line short when tests follow each other closely; the file keeps every one.
  if (process.env.CLAWMEDIC_KFE2E_LOG)
    appendFileSync(process.env.CLAWMEDIC_KFE2E_LOG, `${new Date().toISOString()} ${line}\n`);
}

/** A plain Node HTTP server on the gateway's port: answers everything with a page that is not the health JSON. */
async function stranger(port: number): Promise<{ pid: number; script: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cm-kfe2e-stranger-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const script = path.join(dir, 'stranger-http.cjs');
  writeFileSync(
    script,
    "const http=require('http');" +
      "http.createServer((q,s)=>s.end('hello from a stranger'))" +
      ".listen(Number(process.argv[2]),'127.0.0.1',()=>console.log('listening'));" +
      // It exits by itself after 10 min so a failed test cannot leave it behind for long.
      'setTimeout(()=>process.exit(0),600000);',
  );
  const child = spawn(process.execPath, [script, String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const pid = child.pid!;
  cleanups.push(() => killGroup(pid, 'SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the stranger exited (code ${code}) before it listened on ${port}`)));
  });
  child.stdout.destroy();
  return { pid, script };
}

describe.skipIf(Boolean(skip))('known fixes with the real gateway', { timeout: SCENARIO_MS }, () => {
  it(
    'a stale gateway on the port (left behind, then hung by SIGSTOP): stopped, ' +
      'the service starts the gateway; no agent',
    async () => {
      // The gateway a person started in a terminal (the service knows nothing of it), now hung.
      const r = await rig({ startedBy: 'test' });
      const stale = r.gw.pid()!;
      const owner = await portOwner(String(r.gw.port), r.gw.env);
      expect(owner?.pid).toBe(stale);
      const done = closed(r);
      const t0 = Date.now();
      process.kill(stale, 'SIGSTOP');
      const inc = await done;
      const closedAt = Date.now();
      const healthyAt = await expectFixedWithoutAgent(r, inc, 'known-fix:stale-gateway');
      expect(inc.fingerprint).toMatchObject({
        kind: 'stale-gateway',
        facts: { portHolder: { pid: stale, openclaw: true, command: 'openclaw-gateway' } },
      });
      expect(inc.rungs?.map((x) => [x.rung, x.mode, x.status])).toEqual([['stale-gateway', 'auto', 'recovered']]);
      expect(isAlive(stale)).toBe(false);
      // The gateway that answers now is the service's, found by the port's owner from the OS.
      expect((await portOwner(String(r.gw.port), r.gw.env))?.pid).not.toBe(stale);
      expect(r.svc.pgid()).not.toBeNull();
      report('stale gateway (SIGSTOP)', t0, closedAt, healthyAt, inc);
    },
  );

  it(
    'a stranger on the port is never stopped without a yes: the ask names its pid ' +
      'and command line; approved, it is fixed',
    async () => {
      const r = await rig();
      const proposed = next(r, (e) => e.type === 'known-fix' && e.phase === 'proposed', OUTAGE_MS, 'the question');
      const done = closed(r);
      const t0 = Date.now();
      await r.svc.crash();
      const s = await stranger(r.gw.port);
      const ask = (await proposed) as Extract<EngineEvent, { type: 'known-fix' }>;
      expect(ask.pending).toMatchObject({ rung: 'port-foreign' });
      expect(ask.pending!.action).toContain(`pid ${s.pid}`);
      expect(ask.pending!.action).toContain(s.script);
      expect(r.engine.status().pendingFix).toMatchObject({ rung: 'port-foreign' });
      expect(isAlive(s.pid)).toBe(true);
      const waited = Date.now() - t0;
      expect((await r.engine.answerFix(ask.incidentId, ask.pending!.recordId, true)).ok).toBe(true);
      const inc = await done;
      const closedAt = Date.now();
      const healthyAt = await expectFixedWithoutAgent(r, inc, 'known-fix:port-foreign');
      expect(inc.fingerprint).toMatchObject({
        kind: 'port-foreign',
        key: 'port-foreign:node',
        facts: { portHolder: { pid: s.pid, openclaw: false } },
      });
      expect(inc.rungs?.map((x) => [x.rung, x.mode, x.status])).toEqual([['port-foreign', 'ask', 'recovered']]);
      expect(isAlive(s.pid)).toBe(false);
      // The incident keeps the question as it was asked: the program's pid and command line.
      const askedOnIncident = inc.events.find((e) => e.type === 'known-fix-proposed')?.detail ?? '';
      expect(askedOnIncident).toContain(`pid ${s.pid} (${process.execPath} ${s.script} ${r.gw.port})`);
      report(`stranger on the port (asked after ${waited} ms, answered at once)`, t0, closedAt, healthyAt, inc);
    },
  );

  for (const variant of ['hand-written', 'written by openclaw config set'] as const) {
    it(
      `a schema-invalid config (wrong type), ${variant}: fixed by the rung the ` +
        'defaults choose; undo puts the edit back',
      async () => {
        const r = await rig();
        await lastGoodCopy(r);
        if (variant !== 'hand-written') await openclawWritesConfig(r);
        const asked = next(r, (e) => e.type === 'known-fix' && e.phase === 'proposed', OUTAGE_MS, 'a question').then(
          async (e) => {
            const k = e as Extract<EngineEvent, { type: 'known-fix' }>;
            expect((await r.engine.answerFix(k.incidentId, k.pending!.recordId, true)).ok).toBe(true);
            return k;
          },
        );
        const done = closed(r);
        const t0 = Date.now();
        r.gw.breakConfig('wrong-type');
        const broken = r.gw.readConfigText();
        await r.svc.crash();
        const inc = await done;
        const closedAt = Date.now();
        expect(inc.fingerprint).toMatchObject({
          kind: 'config-invalid',
          key: 'config-invalid:gateway.port',
          facts: { restartExit: 78, config: { valid: false } },
        });
        expect(inc.fingerprint!.detail).toBe('gateway.port: expected number, received string (line 4)');
        const rung = variant === 'hand-written' ? 'config-restore' : 'config-doctor-fix';
        const healthyAt = await expectFixedWithoutAgent(r, inc, `known-fix:${rung}`);
        expect(inc.rungs?.map((x) => [x.rung, x.mode, x.status])).toEqual([
          [rung, rung === 'config-restore' ? 'ask' : 'auto', 'recovered'],
        ]);
        if (rung === 'config-restore') expect((await asked).rung).toBe('config-restore');
        expect(inc.rungs![0]!.diff).toContain(`"port": "${r.gw.port}"`);
        expect(JSON.stringify(inc)).not.toContain(r.gw.token);
        const undo = await r.engine.undoFix(inc.id, inc.rungs![0]!.id);
        expect(undo.ok, JSON.stringify(undo)).toBe(true);
        expect(r.gw.readConfigText()).toBe(broken);
        report(`schema-invalid config, ${variant}`, t0, closedAt, healthyAt, inc);
      },
    );
  }

  for (const variant of ['hand-written', 'written by openclaw config set'] as const) {
    it(
      `a syntax error in the config, ${variant}: fixed by the rung the defaults choose; ` +
        'undo puts the broken file back',
      async () => {
        const r = await rig();
        await lastGoodCopy(r);
        if (variant !== 'hand-written') await openclawWritesConfig(r);
        const rung = variant === 'hand-written' ? 'config-restore' : 'config-doctor-fix';
        const asked = next(r, (e) => e.type === 'known-fix' && e.phase === 'proposed', OUTAGE_MS, 'the question').then(
          async (e) => {
            const k = e as Extract<EngineEvent, { type: 'known-fix' }>;
            expect((await r.engine.answerFix(k.incidentId, k.pending!.recordId, true)).ok).toBe(true);
            return k;
          },
        );
        const done = closed(r);
        const t0 = Date.now();
        r.gw.breakConfig('syntax');
        const broken = r.gw.readConfigText();
        await r.svc.crash();
        const inc = await done;
        const closedAt = Date.now();
        const healthyAt = await expectFixedWithoutAgent(r, inc, `known-fix:${rung}`);
        expect(inc.rungs?.map((x) => [x.rung, x.mode, x.status])).toEqual([
          [rung, rung === 'config-restore' ? 'ask' : 'auto', 'recovered'],
        ]);
        if (rung === 'config-restore') expect((await asked).pending!.diff).toContain('port: oops');
        expect(inc.fingerprint).toMatchObject({ kind: 'config-syntax', facts: { restartExit: 78 } });
        expect(inc.fingerprint!.detail).toBe("syntax error: JSON5: invalid character 'o' at 3:11");
        const undo = await r.engine.undoFix(inc.id, inc.rungs![0]!.id);
        expect(undo.ok, JSON.stringify(undo)).toBe(true);
        expect(r.gw.readConfigText()).toBe(broken);
        report(`config syntax error, ${variant}`, t0, closedAt, healthyAt, inc);
      },
    );
  }

  it(
    'the config guard: an edit that would stop the gateway is flagged with its line, ' +
      'the gateway is untouched, Revert puts it back',
    async () => {
      const r = await rig();
      await lastGoodCopy(r);
      const good = r.gw.readConfigText();
      const pg = r.svc.pgid();
      const warned = next(r, (e) => e.type === 'warnings' && e.added.length > 0, 120_000, 'the guard warning');
      const t0 = Date.now();
      r.gw.breakConfig('wrong-type');
      const edited = r.gw.readConfigText();
      const w = ((await warned) as Extract<EngineEvent, { type: 'warnings' }>).added[0]!;
      const warnedAt = Date.now();
      expect(w.kind).toBe('config');
      expect(w.title).toBe(
        'This edit will stop the gateway at its next restart: gateway.port: expected number, received string (line 4)',
      );
      expect(w.diff).toContain(`+    "port": "${r.gw.port}",`);
      expect(w.canRevert).toBe(true);
      // The running gateway is never touched: the same process group still answers healthy.
      expect(r.svc.pgid()).toBe(pg);
      expect((await checkGateway(r.gw.url, 3000)).condition).toBe('healthy');
      expect(r.events.filter((e) => e.type === 'incident-opened')).toEqual([]);
      const cleared = next(r, (e) => e.type === 'warnings' && e.warnings.length === 0, 120_000, 'the warning to clear');
      const rev = await r.engine.revertConfig();
      expect(rev.ok, JSON.stringify(rev)).toBe(true);
      await cleared;
      expect(r.gw.readConfigText()).toBe(good);
      const kept = readdirSync(path.dirname(r.gw.configPath)).filter((f) =>
        f.startsWith('openclaw.json.clawmedic-reverted.'),
      );
      expect(kept.map((f) => readFileSync(path.join(path.dirname(r.gw.configPath), f), 'utf8'))).toEqual([edited]);
      expect(r.svc.pgid()).toBe(pg);
      note(`config guard: edit → warning ${warnedAt - t0} ms (loadavg ${loadavg()})`);
    },
  );

  it(
    'a playbook learned from one real doctor run replays on the same fault ' + 'without the agent once enabled',
    async () => {
      const r = await rig({
        knownFixes: { portForeign: 'off' },
        doctorSteps: [],
        allowedTools: ['Bash(kill:*)', 'Bash(sh:*)'],
      });
      const learned = next(
        r,
        (e) => e.type === 'known-fix' && e.phase === 'playbook-proposed',
        OUTAGE_MS * 2,
        'the proposal',
      );
      let done = closed(r);
      let t0 = Date.now();
      await r.svc.crash();
      const first = await stranger(r.gw.port);
      r.api.setScenario([
        {
          bash: `kill ${first.pid}`,
          description: 'Stop the program holding the gateway port',
          text: 'A stranger holds the port; stopping it.',
        },
        // The restart command ClawMedic is configured with (an agent finds it in the service's files).
        { bash: r.svc.command, description: 'Restart the gateway service' },
        {
          text:
            'Done.\nCLAWMEDIC_RESULT ' +
            '{"status":"fixed","summary":"stopped the stranger on the port and started the gateway"}',
        },
      ]);
      const inc1 = await done;
      const closed1 = Date.now();
      const healthy1 = await healthyAgain(r);
      expect(inc1, JSON.stringify(inc1.events, null, 1)).toMatchObject({
        outcome: 'recovered',
        resolvedBy: 'doctor',
        agent: 'claude',
      });
      expect(inc1.rungs?.map((x) => [x.rung, x.status])).toEqual([['port-foreign', 'off']]);
      const proposal = (await learned) as Extract<EngineEvent, { type: 'known-fix' }>;
      const id = proposal.rung.replace(/^playbook:/, '');
      const view = (await r.engine.listPlaybooks()).find((v) => v.id === id)!;
      expect(view.playbook!.steps).toEqual([
        { run: 'kill {{holderPid}}', timeoutSec: 120 },
        { run: r.svc.command, timeoutSec: 120 },
      ]);
      // Its second step is ClawMedic's own restart step: replaying it must not start the gateway twice.
      expect(view.playbook!.restartAfter).toBe(false);
      const requests = r.api.requests.length;
      expect((await r.engine.setPlaybookEnabled(id, true)).ok).toBe(true);
      report('stranger, fixed by the real doctor (learning run)', t0, closed1, healthy1, inc1);

      const doctorStarts = r.events.filter((e) => e.type === 'doctor' && e.phase === 'agent-started').length;
      done = closed(r);
      t0 = Date.now();
      await r.svc.crash();
      const second = await stranger(r.gw.port);
      const inc2 = await done;
      const closed2 = Date.now();
      expect(inc2, JSON.stringify(inc2.events, null, 1)).toMatchObject({
        outcome: 'recovered',
        resolvedBy: `playbook:${id}`,
      });
      expect(inc2.rungs?.at(-1)).toMatchObject({ rung: `playbook:${id}`, mode: 'auto', status: 'recovered' });
      expect(r.events.filter((e) => e.type === 'doctor' && e.phase === 'agent-started')).toHaveLength(doctorStarts);
      // Down again within the flap window: the same incident, reopened; its one doctor run is the first one.
      expect(inc2.id).toBe(inc1.id);
      expect(inc2.events.map((e) => e.type)).toContain('relapse');
      expect(inc2.doctor?.attempts).toHaveLength(1);
      expect(r.api.requests).toHaveLength(requests);
      expect(doctorSessions(r)).toEqual([]);
      const stats = (await r.engine.listPlaybooks()).find((v) => v.id === id)!.playbook!.stats;
      expect(stats).toMatchObject({ runs: 1, successes: 1, consecutiveFailures: 0 });
      expect(isAlive(second.pid)).toBe(false);
      const healthy2 = await healthyAgain(r);
      expect((await checkGateway(r.gw.url, 3000)).condition).toBe('healthy');
      report('stranger, replayed playbook', t0, closed2, healthy2, inc2);
    },
    // Two outages and a real Claude Code session (measured 138-182 s in all): one more outage than SCENARIO_MS.
    SCENARIO_MS + OUTAGE_MS,
  );
});
