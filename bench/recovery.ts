// Benchmark 2: time to recovery per scenario with the real engine, the stand-in gateway (a real
// process behind the stand-in `openclaw` CLI) and the stand-in agent in tmux. Every phase is split
// into the gateway's or agent's own work (measured outside the engine: an independent 25 ms prober,
// the restart steps' run times, the agent's own log) and what is left: ours.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineEvent, Incident, IncidentEvent } from '../common/contract.js';
import { Engine } from '../main/engine/engine.js';
import { FAKE_AGENT_JS, readAgentLog } from '../test/fixtures/fake-agent-harness.js';
import { isLiveHealth, startFakeGateway, type FakeGateway } from '../test/fixtures/gateway-harness.js';
import { fmtMs, fmtSpread, median, spread } from './stats.js';
import type { Row } from './table.js';
import { onCleanup, progress, sleep, tempDir, until } from './util.js';
import { loadNow } from './load.js';
import { validateSettings } from '../main/engine/settings/index.js';

/**
 * broken-config: the doctor path (known fixes off); broken-config-known-fix: the same fault with the known
 * fixes on, where `openclaw doctor --fix` (the stand-in's, which restores its last-good copy) repairs it.
 */
export type Scenario = 'crash' | 'broken-config' | 'broken-config-known-fix';
const SCENARIOS: readonly Scenario[] = ['crash', 'broken-config', 'broken-config-known-fix'];

/**
 * The ladder's schedule, shortened from the defaults (check every 30 s, retry every 5 s, 3 failures,
 * 10 s back-off) so a repetition takes seconds. Detection is schedule-bound, so it scales with these;
 * the table says what the defaults imply.
 */
export const LADDER = {
  checkIntervalSec: 2,
  retryIntervalSec: 1,
  failureThreshold: 2,
  timeoutSec: 1,
  attempts: 2,
  backoffSec: 1,
  waitHealthySec: 10,
};

/** The independent prober's cadence: fine enough that the truth is known to ±25 ms. */
const TRUTH_POLL_MS = 25;
/** One repetition may take this long before it counts as failed (a doctor run takes ~5 s). */
const SCENARIO_LIMIT_MS = 120_000;

export interface PhaseSplit {
  wall: number;
  /** Time the gateway or the agent spent doing its own work inside the phase. */
  external: number;
  /** Waits the configured schedule imposes (probe interval while detecting, back-off between restarts). */
  schedule: number;
}

/** Where our own time goes inside a doctor run. */
export interface DoctorParts {
  /** Doctor called → agent started in tmux: lock, config snapshot, context file, brief, tmux session. */
  prep: number;
  /** Agent started → brief confirmed, minus the agent's boot: reading screens, the trust dialog, paste, Enter. */
  screens: number;
  /** Agent's turn ended → verdict: our probe's healthy streak (2 × 1 s), records, report, learnings. */
  verdict: number;
  /** Verdict → incident closed. */
  close: number;
}

export interface RecoveryRun {
  scenario: Scenario;
  outcome: Incident['outcome'];
  resolvedBy: Incident['resolvedBy'];
  detection: PhaseSplit;
  restart: PhaseSplit;
  doctor: PhaseSplit | null;
  doctorParts: DoctorParts | null;
  /** Diagnosis (fingerprint) → healthy, when a known fix resolved it. */
  knownFix: PhaseSplit | null;
  total: PhaseSplit;
}

/** "`openclaw gateway restart` succeeded in 0.4 s…" / "exited 78 after 0.3 s" → 400 ms. */
export function stepDurationMs(detail: string): number {
  const m = /\b(?:in|after) (\d+(?:\.\d+)?) s\b/.exec(detail);
  return m ? Number(m[1]) * 1000 : 0;
}

const at = (e: IncidentEvent) => Date.parse(e.at);

/** "waiting 2 s before the next attempt" → 2000 ms. */
function backoffMs(detail: string): number {
  const m = /waiting (\d+(?:\.\d+)?) s/.exec(detail);
  return m ? Number(m[1]) * 1000 : 0;
}

export interface AgentTimes {
  /** tmux spawned it → its first line of code ran. */
  bootMs: number;
  /** Brief submitted → end of its turn (its Stop). */
  turnMs: number;
  /** Epoch ms of the end of its turn. */
  stopAt: number;
}

/** Splits one closed incident into phases; times in ms since the epoch. Pure, for the unit tests. */
export function splitIncident(
  inc: Incident,
  truth: { crashAt: number; healthyAt: number | null },
  agent: AgentTimes | null,
): Omit<RecoveryRun, 'scenario'> {
  const ev = inc.events;
  const find = (type: string) => ev.find((e) => e.type === type);
  const confirmed = find('confirmed');
  const firstAttempt = find('restart-attempt');
  const doctorStarted = find('doctor-started');
  const fingerprint = find('fingerprint');
  const byKnownFix =
    typeof inc.resolvedBy === 'string' &&
    (inc.resolvedBy.startsWith('known-fix:') || inc.resolvedBy.startsWith('playbook:'));
  const endedAt = inc.endedAt ? Date.parse(inc.endedAt) : Number.NaN;
  if (!confirmed || !firstAttempt) throw new Error(`incident ${inc.id} has no confirmed/restart-attempt events`);
  const detectionWall = at(confirmed) - truth.crashAt;
  const detection = { wall: detectionWall, external: 0, schedule: detectionWall };
  const knownFixStart = byKnownFix && fingerprint ? at(fingerprint) : null;
  const restartEnd = doctorStarted ? at(doctorStarted) : (knownFixStart ?? endedAt);
  // A step runs from the event before it (its attempt, or the previous step) to its own event: ms
  // resolution, where the detail's "in 0.4 s" is rounded to 0.1 s.
  let stepsMs = 0;
  let knownFixStepsMs = 0;
  ev.forEach((e, i) => {
    const prev = ev[i - 1];
    const inKnownFix = knownFixStart !== null && at(e) >= knownFixStart;
    const ms =
      e.type !== 'restart-step'
        ? 0
        : prev && (prev.type === 'restart-attempt' || prev.type === 'restart-step')
          ? at(e) - at(prev)
          : stepDurationMs(e.detail);
    if (inKnownFix) knownFixStepsMs += ms;
    else stepsMs += ms;
  });
  let restartExternal = stepsMs;
  if (!doctorStarted && knownFixStart === null && truth.healthyAt !== null) {
    // The gateway's work: from the first restart step until it answers healthy (command + boot).
    restartExternal = Math.max(stepsMs, truth.healthyAt - at(firstAttempt));
  }
  const restartWall = restartEnd - at(confirmed);
  const backoff = ev
    .filter((e) => e.type === 'backoff')
    .map((e) => backoffMs(e.detail))
    .reduce((a, b) => a + b, 0);
  const restart = {
    wall: restartWall,
    external: Math.min(restartExternal, restartWall),
    schedule: Math.min(backoff, restartWall),
  };
  let doctor: PhaseSplit | null = null;
  let doctorParts: DoctorParts | null = null;
  if (doctorStarted) {
    doctor = { wall: endedAt - at(doctorStarted), external: agent ? agent.bootMs + agent.turnMs : 0, schedule: 0 };
    const agentStarted = find('doctor-agent-started');
    const promptSent = find('doctor-prompt-sent');
    const finished = find('doctor-finished');
    if (agent && agentStarted && promptSent && finished) {
      doctorParts = {
        prep: at(agentStarted) - at(doctorStarted),
        screens: at(promptSent) - at(agentStarted) - agent.bootMs,
        verdict: at(finished) - agent.stopAt,
        close: endedAt - at(finished),
      };
    }
  }
  let knownFix: PhaseSplit | null = null;
  if (knownFixStart !== null) {
    // The gateway's work: the restart step the rung ran, then its start until it answers healthy.
    const gatewayWork =
      truth.healthyAt !== null ? Math.max(knownFixStepsMs, truth.healthyAt - knownFixStart) : knownFixStepsMs;
    knownFix = { wall: endedAt - knownFixStart, external: Math.min(gatewayWork, endedAt - knownFixStart), schedule: 0 };
  }
  const total = {
    wall: endedAt - truth.crashAt,
    external: restart.external + (doctor?.external ?? 0) + (knownFix?.external ?? 0),
    schedule: detection.schedule + restart.schedule,
  };
  return { outcome: inc.outcome, resolvedBy: inc.resolvedBy, detection, restart, doctor, doctorParts, knownFix, total };
}

function agentScript(): Record<string, unknown>[] {
  return [
    { say: 'Reading the context file and checking the gateway…' },
    { run: 'openclaw config validate' },
    { run: 'openclaw doctor --fix --non-interactive --yes' },
    { run: 'openclaw gateway restart' },
    {
      report:
        '# Recovery report\n\nThe config had a syntax error; restored the last ' +
        'good copy with `openclaw doctor --fix`, then restarted the gateway.',
    },
    { result: { status: 'fixed', summary: 'restored the last good config and restarted the gateway' } },
  ];
}

type Schedule = 'short' | 'default';

async function runOnce(scenario: Scenario, schedule: Schedule = 'short'): Promise<RecoveryRun> {
  const { dir } = await tempDir('rec');
  const gw: FakeGateway = await startFakeGateway({ startupMs: 300 });
  const stopGw = onCleanup(() => gw.stop());
  const agentLog = path.join(dir, 'agent.log');
  const settings = {
    dataDir: path.join(dir, 'data'),
    // 'default': the settings' own schedule (check every 30 s, confirm, restart), nothing shortened.
    gateway:
      schedule === 'default'
        ? { url: gw.url, configPath: gw.configPath, logPaths: [gw.logFile] }
        : {
            url: gw.url,
            checkIntervalSec: LADDER.checkIntervalSec,
            retryIntervalSec: LADDER.retryIntervalSec,
            timeoutSec: LADDER.timeoutSec,
            failureThreshold: LADDER.failureThreshold,
            configPath: gw.configPath,
            logPaths: [gw.logFile],
          },
    restart:
      schedule === 'default'
        ? { command: 'openclaw gateway restart' }
        : {
            command: 'openclaw gateway restart',
            attempts: LADDER.attempts,
            waitHealthySec: LADDER.waitHealthySec,
            backoffSec: LADDER.backoffSec,
            maxPerHour: 1000,
          },
    // The doctor path and the known-fix path on the same fault: only this switch differs.
    knownFixes: { enabled: scenario === 'broken-config-known-fix' },
    doctor: {
      enabled: true,
      agents: ['standin'],
      timeoutSec: 300,
      maxPerDay: 100,
      profiles: {
        standin: {
          kind: 'claude',
          command: process.execPath,
          args: [FAKE_AGENT_JS],
          // The 2.1.330 trust layout ("No, exit" pre-selected, selection reset after the first draw), as measured.
          env: {
            FAKE_AGENT_TRUST: 'unnumbered',
            FAKE_AGENT_TRUST_RESET_MS: '60',
            FAKE_AGENT_SCRIPT: JSON.stringify(agentScript()),
            FAKE_AGENT_LOG: agentLog,
            FAKE_AGENT_TRANSCRIPT: '1',
          },
          permissionMode: 'dontAsk',
          allowedTools: ['Bash(openclaw:*)'],
        },
      },
    },
  };
  const settingsFile = path.join(dir, 'settings.json');
  await writeFile(settingsFile, JSON.stringify(settings, null, 2), { mode: 0o600 });
  const engine = await Engine.create({ settingsFile, env: gw.env, onInvalidSettings: 'throw' });
  const stopEngine = onCleanup(() => engine.stop('benchmark done'));
  try {
    let closed: Incident | null = null;
    let healthy = false;
    const off = engine.on((e: EngineEvent) => {
      if (e.type === 'incident-closed') closed = e.incident;
      if (e.type === 'state' && e.state === 'healthy') healthy = true;
    });
    await engine.start();
    await until(() => healthy, 'the engine to see the gateway healthy', 15_000);
    // Let one scheduled check pass so the crash lands at a random point of the check interval.
    const interval = schedule === 'default' ? engine.settings.gateway.checkIntervalSec : LADDER.checkIntervalSec;
    await sleep(Math.random() * interval * 1000);

    let truthHealthyAt: number | null = null;
    let watching = true;
    const prober = (async () => {
      let sawDown = false;
      while (watching) {
        const live = isLiveHealth(await gw.probe('/healthz', { timeoutMs: 250 }));
        if (!live) sawDown = true;
        else if (sawDown && truthHealthyAt === null) truthHealthyAt = Date.now();
        await sleep(TRUTH_POLL_MS);
      }
    })();
    if (scenario !== 'crash') await gw.fault('break-config');
    await gw.fault('crash');
    const exit = gw.lastExit();
    const crashAt = exit ? Date.parse(exit.exitedAt) : Date.now();
    await until(() => closed, 'the incident to close', SCENARIO_LIMIT_MS, 50);
    watching = false;
    await prober;
    off();
    const inc = closed as unknown as Incident;
    let agent: AgentTimes | null = null;
    if (scenario === 'broken-config') {
      const log = readAgentLog(agentLog);
      const get = (ev: string) => log.find((e) => e.ev === ev);
      const agentStarted = inc.events.find((e) => e.type === 'doctor-agent-started');
      const start = get('start');
      const prompt = get('prompt');
      const stop = get('stop');
      // Boot: tmux spawned it → its first line of code ran (the real CLI takes 1–1.5 s to its first screen).
      const bootMs = start && agentStarted ? Math.max(0, Number(start.at) - at(agentStarted)) : 0;
      const turnMs = prompt && stop ? Number(stop.at) - Number(prompt.at) : 0;
      agent = { bootMs, turnMs, stopAt: stop ? Number(stop.at) : Number.NaN };
    }
    return { scenario, ...splitIncident(inc, { crashAt, healthyAt: truthHealthyAt }, agent) };
  } finally {
    await stopEngine();
    await stopGw();
  }
}

export interface RecoveryResults {
  runs: RecoveryRun[];
  errors: string[];
}

export interface DefaultScheduleResults {
  runs: RecoveryRun[];
  errors: string[];
  /** The schedule the settings' defaults gave (read from the engine, not assumed). */
  schedule: string;
  loads: string[];
}

/**
 * Crash → recovered with the settings' default schedule, measured (a few minutes: each run waits for a
 * crash at a random point of a 30 s interval, then for the confirmation and the restart).
 */
export async function runDefaultSchedule(reps: number): Promise<DefaultScheduleResults> {
  const out: DefaultScheduleResults = { runs: [], errors: [], schedule: '', loads: [loadNow()] };
  const d = validateSettings({}).settings;
  const g = d.gateway;
  out.schedule =
    `check every ${g.checkIntervalSec} s, ${g.failureThreshold} failures ${g.retryIntervalSec} s apart, ` +
    `restart.attempts ${d.restart.attempts}`;
  for (let i = 0; i < reps; i++) {
    progress(`recovery at the default schedule: crash #${i + 1}/${reps}`);
    try {
      out.runs.push(await runOnce('crash', 'default'));
    } catch (err) {
      out.errors.push(`#${i + 1}: ${(err as Error).message}`);
    }
  }
  out.loads.push(loadNow());
  return out;
}

export function defaultScheduleRows(r: DefaultScheduleResults): Row[] {
  const ok = r.runs.filter((x) => x.outcome === 'recovered').length;
  return [
    {
      id: '2c',
      what: `Crash → recovered at the default schedule (${r.schedule}): crash → incident closed`,
      ours: fmtSpread(spread(r.runs.map((x) => x.total.wall))),
      other:
        `detection (crash → confirmed) ${fmtSpread(spread(r.runs.map((x) => x.detection.wall)))}; ` +
        `restart (confirmed → closed) ${fmtSpread(spread(r.runs.map((x) => x.restart.wall)))}`,
      ratio: '–',
      verified:
        `${ok}/${r.runs.length} recovered; the crash lands at a random point of the check interval; ` +
        `load average ${r.loads.join(' → ')}` +
        (r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''),
    },
  ];
}

export async function runRecovery(reps: number): Promise<RecoveryResults> {
  const runs: RecoveryRun[] = [];
  const errors: string[] = [];
  for (const scenario of SCENARIOS) {
    for (let i = 0; i < reps; i++) {
      progress(`recovery: ${scenario} #${i + 1}/${reps}`);
      try {
        runs.push(await runOnce(scenario));
      } catch (err) {
        errors.push(`${scenario} #${i + 1}: ${(err as Error).message}`);
        progress(`recovery: ${scenario} #${i + 1} failed: ${(err as Error).message}`);
      }
    }
  }
  return { runs, errors };
}

function phaseCell(splits: PhaseSplit[]): { other: string; share: string } {
  const wall = spread(splits.map((s) => s.wall));
  const own = spread(splits.map((s) => s.wall - s.external - s.schedule));
  const parts = [`gateway/agent work ${fmtSpread(spread(splits.map((s) => s.external)))}`];
  if (splits.some((s) => s.schedule > 0))
    parts.push(`schedule waits ${fmtSpread(spread(splits.map((s) => s.schedule)))}`);
  parts.push(`ours ${fmtSpread(own)}`);
  const share = wall && own ? `ours ${Math.round((own.median / wall.median) * 100)}%` : '–';
  return { other: parts.join('; '), share };
}

export function recoveryRows(r: RecoveryResults): Row[] {
  const rows: Row[] = [];
  const sched =
    `check every ${LADDER.checkIntervalSec} s, ${LADDER.failureThreshold} ` +
    `failures ${LADDER.retryIntervalSec} s apart`;
  const ids: Record<Scenario, string> = { crash: '2a', 'broken-config': '2b', 'broken-config-known-fix': '2d' };
  for (const scenario of SCENARIOS) {
    const runs = r.runs.filter((x) => x.scenario === scenario);
    if (!runs.length) continue;
    const ok = runs.filter((x) => x.outcome === 'recovered').length;
    const by = [...new Set(runs.map((x) => x.resolvedBy ?? 'none'))].join('/');
    const title =
      scenario === 'crash'
        ? 'Crash → restart'
        : scenario === 'broken-config'
          ? 'Broken config → restarts fail → doctor (known fixes off)'
          : 'Broken config → restarts fail → known fix (openclaw doctor --fix), no agent';
    const phases: [string, PhaseSplit[]][] = [
      ['detection (crash → confirmed outage)', runs.map((x) => x.detection)],
      [
        scenario === 'crash'
          ? 'restart (confirmed → healthy, incident closed)'
          : scenario === 'broken-config'
            ? 'restart attempts and diagnosis (confirmed → doctor called)'
            : 'restart attempts (confirmed → fingerprint)',
        runs.map((x) => x.restart),
      ],
    ];
    if (scenario === 'broken-config')
      phases.push([
        'doctor (called → verified healthy, session closed)',
        runs.flatMap((x) => (x.doctor ? [x.doctor] : [])),
      ]);
    if (scenario === 'broken-config-known-fix')
      phases.push([
        'known fix (fingerprint → verified healthy, incident closed)',
        runs.flatMap((x) => (x.knownFix ? [x.knownFix] : [])),
      ]);
    phases.push(['total (crash → incident closed)', runs.map((x) => x.total)]);
    const parts = runs.flatMap((x) => (x.doctorParts ? [x.doctorParts] : []));
    phases.forEach(([label, splits], i) => {
      const c = phaseCell(splits);
      const isDoctor = label.startsWith('doctor');
      let verified = '';
      // The seconds between the first failed check and the last one the ladder waits for.
      const retriesSec = (LADDER.failureThreshold - 1) * LADDER.retryIntervalSec;
      if (i === 0)
        verified =
          `schedule-bound (${sched}): ` +
          `${fmtMs(retriesSec * 1000)}–${fmtMs((LADDER.checkIntervalSec + retriesSec) * 1000)} by design`;
      else if (isDoctor && parts.length) {
        const p = (k: keyof DoctorParts) => fmtMs(median(parts.map((x) => x[k])));
        verified =
          `ours, medians: prep ${p('prep')} (snapshot, context file, tmux), screens ${p('screens')} ` +
          `(trust dialog, paste, Enter), verdict ${p('verdict')} after the agent's turn (2 healthy probes, 250 ms ` +
          `apart once one is healthy or the Stop hook fired; records), close ${p('close')}`;
      } else if (i === phases.length - 1)
        verified =
          `${ok}/${runs.length} recovered (resolved by ${by}); ` +
          `truth from the gateway's exit record, an independent ${TRUTH_POLL_MS} ms prober and the agent's log`;
      rows.push({
        id: ids[scenario],
        what: `${title}: ${label}`,
        ours: fmtSpread(spread(splits.map((s) => s.wall))),
        other: c.other,
        ratio: c.share,
        verified,
      });
    });
  }
  const totals = (s: Scenario) =>
    r.runs.filter((x) => x.scenario === s && x.outcome === 'recovered').map((x) => x.total.wall);
  const viaFix = spread(totals('broken-config-known-fix'));
  const viaDoctor = spread(totals('broken-config'));
  if (viaFix && viaDoctor) {
    rows.push({
      id: '2e',
      what: 'Same fault (config syntax error), fault → healthy: known-fix path vs doctor path',
      ours: `known fix ${fmtSpread(viaFix)}`,
      other: `doctor ${fmtSpread(viaDoctor)} (the stand-in agent, whose turn is scripted; a real agent takes longer)`,
      ratio: `×${(viaDoctor.median / viaFix.median).toFixed(1)} faster, no agent session`,
      verified: 'medians of the totals above, same ladder schedule; only knownFixes.enabled differs',
    });
  }
  if (r.errors.length)
    rows.push({
      id: '2!',
      what: 'Repetitions that failed',
      ours: '',
      other: '',
      ratio: '',
      verified: r.errors.join('; '),
    });
  return rows;
}
