// `npm run bench`: every benchmark of issue 7 on this machine, one table on stdout and in
// bench/RESULTS.md with the machine's description. Long waits overlap: the idle watchers run for the
// whole benchmark, and the seed model's sessions (which mostly sleep between 30 s polls) run while the
// other benchmarks do; CPU-heavy parts (the Chromium flood) run after our own latency-sensitive sessions.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeGateway } from '../test/fixtures/gateway-harness.js';
import { completionRows, startCompletion, type CompletionResults } from './completion.js';
import { finishIdle, idleRows, startIdle } from './idle.js';
import { CHROMIUM, liveRows, runFlowSweep, runLive, sweepRows } from './live-terminal.js';
import { describeMachine, machineMarkdown } from './machine.js';
import { defaultScheduleRows, LADDER, recoveryRows, runDefaultSchedule, runRecovery } from './recovery.js';
import { doctorStartupRows, runDoctorStartup } from './doctor-startup.js';
import { loadNow } from './load.js';
import { redactorRows, runRedactor } from './redactor.js';
import { SEED_CONSTANTS } from './seed-model.js';
import { REPORT_AFTER_FIX_MS, SLOW_FIX_THINK_MS, WRAPUP_AFTER_FIX_MS } from './sessions.js';
import { startupRows, runStartup } from './startup.js';
import { fmtBytes, fmtMs } from './stats.js';
import { renderTable, type Row } from './table.js';
import { cleanupAll, onCleanup, progress } from './util.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_OUT = path.resolve(here, '../../bench/RESULTS.md');

export interface BenchOptions {
  quick: boolean;
  reps: number;
  only: Set<number>;
  out: string | null;
}

const USAGE = `Usage: npm run bench [-- options]
  --quick        about 2 minutes: 2 repetitions, smaller floods, and the seed model's idle-rule
                 sessions with its constants divided by 10 (marked in the table)
  --reps N       repetitions per measurement (default 5; 2 with --quick); run time grows with N
  --only LIST    run only these benchmarks, e.g. --only 1,4 (1 completion, 2 recovery, 3 idle,
                 4 live terminal, 5 start-up, 6 redactor alone, 7 doctor start-up with the real
                 Claude Code)
  --out FILE     where to write the results (default bench/RESULTS.md); --no-write to skip`;

export function parseArgs(argv: string[]): BenchOptions | { help: string } {
  const o: BenchOptions = { quick: false, reps: 0, only: new Set([1, 2, 3, 4, 5, 6, 7]), out: DEFAULT_OUT };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--reps') {
      const n = Number(val());
      if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error('--reps takes a whole number from 1 to 50');
      o.reps = n;
    } else if (a === '--only') {
      const ids = val()
        .split(',')
        .map((x) => Number(x.trim()));
      if (ids.some((x) => !Number.isInteger(x) || x < 1 || x > 7)) {
        throw new Error('--only takes benchmark numbers 1 to 7, comma-separated');
      }
      o.only = new Set(ids);
    } else if (a === '--out') o.out = path.resolve(val());
    else if (a === '--no-write') o.out = null;
    else if (a === '--help' || a === '-h') return { help: USAGE };
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (!o.reps) o.reps = o.quick ? 2 : 5;
  return o;
}

function notes(o: BenchOptions, completion: CompletionResults | null): string {
  const c = SEED_CONSTANTS;
  const wrapupSec = WRAPUP_AFTER_FIX_MS / 1000;
  const held = fmtMs(completion?.opts.holdMs ?? 0);
  const quickNote = o.quick
    ? "\n  `--quick` ran the seed's idle-rule sessions with all its constants divided by 10."
    : '';
  const schedule =
    `${LADDER.checkIntervalSec} s, ${LADDER.failureThreshold} failures ${LADDER.retryIntervalSec} s apart, ` +
    `${LADDER.attempts} restart attempts, ${LADDER.backoffSec} s back-off`;
  return `## How the numbers were taken

- **1 Completion detection.** Each scripted session runs the stand-in agent TUI (test/fixtures/fake-agent.ts)
  in tmux against a stand-in gateway whose \`/healthz\` turns healthy the moment the agent's fix command
  creates a marker file; "fix" is that file's mtime, "closed" is when the tool has its verdict and the
  session is gone. *Ours* is the real \`Doctor\` with its production timing (probe every 1 s; once one answer
  is healthy or the agent's Stop hook fired, confirmation probes 250 ms apart, 2 healthy in a row; hooks
  through \`--settings\`). *Seed* is bench/seed-model.ts: ${c.pollMs / 1000} s \`tmux capture-pane\`
  polling: \`capture-pane | tail -${c.tailLines}\` of a ${c.cols}×${c.rows} pane matched against the script's pattern
  (${c.phrases.map((p) => `"${p}"`).join(', ')}; case-insensitive), ${c.idleMs / 60_000} min of unchanged last
  ${c.tailLines} rows = done, a fixed ${c.trustSleepMs / 1000} s sleep then an Enter for the trust prompt (the
  2.1.197 layout, where Enter happens to accept), kill-session when done. Its brief is delivered reliably
  (bracketed paste, then Enter) so that only detection is compared. Both run the same scripts at the same
  time; the agent's thinking time before the fix is spread over one 30 s poll period across repetitions
  (plus golden-ratio fractions of a second), so every phase of both poll clocks is sampled. The agent
  writes its report ${REPORT_AFTER_FIX_MS} ms after the fix in session "a", keeps working ${wrapupSec} s in "b",
  and needs ${SLOW_FIX_THINK_MS / 1000} s in "d". Ours waits for the agent's Stop hook (or 20 s) after the gateway is
  healthy, so it never cuts off the report. "Seed brief as published" keeps "HTTP 200" in the goal, as the
  seed's brief does; "reworded" removes every phrase so the phrase and idle rules can be seen at work.
  In the permission session ours is cancelled after ${held} of waiting (no person answers).${quickNote}
- **2 Time to recovery.** The real \`Engine\` (supervisor, restart ladder, doctor) watching a stand-in gateway
  process driven through the stand-in \`openclaw\` CLI, with a short schedule (check every
  ${schedule}). Crash time is the
  gateway's own exit record; "gateway/agent work" is measured outside the engine: the restart steps' run
  times, the gateway answering healthy (an independent 25 ms prober), and the agent's own log (boot, then
  prompt → end of turn). "Ours" is the rest: probing and confirming, waits our schedule imposes (back-off,
  the 1 s wait-for-healthy poll, the confirmation probes), context file, tmux, screens, clean-up. Detection is
  schedule-bound and scales with the settings; row 2c measures it at the default schedule.
- **3 Idle cost.** \`clawmedic watch --json --verbose\` (the CLI as installed) with a healthy stand-in gateway,
  one watcher at the default 30 s interval and one at 1 s, running for the whole benchmark. CPU is the
  time on a CPU of all the watcher's threads (/proc/<pid>/task/*/schedstat, nanoseconds) between a sample
  10 s after the first probe and the end, per hour; the spread is over 2-minute windows; utime+stime in
  10 ms ticks over the whole window is given as a cross-check. RSS is sampled at every window.
- **4 Live terminal.** The real \`DoctorTerminal\` (node-pty, flow control at 100k/5k unacked chars, replay
  buffer), a real \`Engine\` whose doctor is a flood program, the real dashboard (\`startDashboard\`, token,
  WebSocket) and the built renderer in Debian's Chromium (playwright-core, headless). *Bare PTY*: the live
  view's PTY runs the flood program itself, so every byte printed must cross the transport; the program
  hashes what it wrote, the host hashes what node-pty read, the page hashes the terminal frames it got;
  the page's acks (sent only after xterm parsed a chunk) must add up to the same count. *Doctor's path*: the
  flood runs in a tmux pane and the live view is a tmux client, as in a real session; tmux sends redraws,
  so xterm's screen is compared with \`tmux capture-pane\`. Memory is the host process's own
  (heapUsed + external + arrayBuffers after a GC, and RSS), sampled every 20 ms.
- **5 Start-up.** Spawn of \`node bin/clawmedic.js watch --json --verbose\` to its first \`check\` line on stdout
  (the first probe's result), then SIGTERM; ${o.quick ? 'quick' : 'full'} mode ran ${o.reps * 3} times.
- **6 Redactor alone.** The dashboard's StreamRedactor (main/engine/redact-stream.ts) pushed the live view's
  64 Ki batches of two kinds of text: the flood program's lines and Claude Code-like TUI output. MiB per CPU
  second of the bench process (process.cpuUsage), and per wall second.
- **7 Doctor start-up with the real Claude Code.** The pinned CLI of the e2e toolchain
  (scripts/e2e-toolchain.mjs) against the scripted Messages API on 127.0.0.1, driven by the real \`Doctor\`
  with production timings; "called" is the call of Doctor.run, "brief submitted" the doctor-prompt-sent
  event (confirmed by the UserPromptSubmit hook). Each run then lets the agent fix the stand-in gateway.

Reproduce with \`npm run bench\` (\`-- --quick\` for about 2 minutes, \`-- --reps N\` to scale repetitions).
Everything binds 127.0.0.1 and is removed afterwards (temp dirs under /tmp/cm-bench-*, tmux servers, processes).
`;
}

export async function runBench(o: BenchOptions): Promise<number> {
  const started = Date.now();
  const machine = describeMachine(CHROMIUM);
  progress(`${o.quick ? 'quick' : 'full'} run, ${o.reps} repetitions, benchmarks ${[...o.only].sort().join(',')}`);
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress('interrupted: cleaning up (Ctrl-C again to quit at once)');
    void cleanupAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const rows: Row[] = [];
  let completion: CompletionResults | null = null;
  /** The load average at the start and the end of each part, for RESULTS.md. */
  const sections: { name: string; from: string; to: string }[] = [];
  const section = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const from = loadNow();
    try {
      return await fn();
    } finally {
      sections.push({ name, from, to: loadNow() });
    }
  };
  try {
    const need = (n: number) => o.only.has(n);
    const gw = need(3) || need(5) ? await startFakeGateway({ startupMs: 300 }) : null;
    if (gw) onCleanup(() => gw.stop());
    const idleFrom = loadNow();
    const idle = need(3) && gw ? await startIdle(gw.url, [30, 1]) : null;
    const startup = need(5) && gw ? await section('5 start-up', () => runStartup(gw.url, o.reps * 3)) : null;

    let comp: ReturnType<typeof startCompletion> | null = null;
    // Hold: long enough to show ours keeps waiting on a permission prompt, short enough for the run budget.
    const copts = {
      reps: o.reps,
      holdMs: o.quick ? 10_000 : 30_000,
      idleScale: o.quick ? 10 : 1,
      oursConcurrency: o.quick ? 4 : 5,
    };
    if (need(1)) {
      progress(
        `completion: ${o.reps} repetitions of 4 sessions under our doctor and 7 session variants under the seed model`,
      );
      comp = startCompletion(copts);
    }
    const compFrom = loadNow();
    const ours = comp ? await comp.ours : [];
    if (comp) progress('completion: our sessions done; the seed model keeps polling in the background');
    if (comp) sections.push({ name: '1 completion (ours)', from: compFrom, to: loadNow() });
    // The default schedule mostly waits (30 s checks): it runs alongside the rest, like the seed's polls.
    const defaultFrom = loadNow();
    const defaultSchedule = need(2) ? runDefaultSchedule(o.quick ? 1 : 3) : null;
    const recovery = need(2) ? await section('2 recovery (short schedule)', () => runRecovery(o.reps)) : null;
    const doctorStart = need(7)
      ? await section('7 doctor start-up (real Claude Code)', () => runDoctorStartup(o.quick ? 1 : o.reps))
      : null;
    const live = need(4)
      ? await section('4 live terminal', () =>
          runLive(
            o.quick
              ? { rounds: 1, roundBytes: 4 * 1024 * 1024, memoryBytes: 32 * 1024 * 1024 }
              : { rounds: Math.max(3, o.reps), roundBytes: 16 * 1024 * 1024, memoryBytes: 64 * 1024 * 1024 },
          ),
        )
      : null;
    // The flow-control window is sized by this: the same flood through each window (full runs only).
    const sweepOpts = { rounds: 3, roundBytes: 8 * 1024 * 1024 };
    const sweep =
      need(4) && !o.quick ? await section('4w live terminal window sweep', () => runFlowSweep(sweepOpts)) : null;
    const redactorReps = o.quick ? 2 : o.reps;
    const redactor = need(6)
      ? await section('6 redactor alone', () => Promise.resolve(runRedactor(redactorReps)))
      : null;
    if (comp) {
      progress('completion: waiting for the seed model to finish its sessions');
      const seedFrom = loadNow();
      const seed = await comp.seed;
      sections.push({ name: '1 completion (seed model, to its end)', from: seedFrom, to: loadNow() });
      completion = { ours, seed, errors: comp.errors, opts: copts };
      rows.push(...completionRows(completion));
    }
    if (recovery) rows.push(...recoveryRows(recovery));
    if (defaultSchedule) {
      progress('recovery at the default schedule: waiting for its last run');
      rows.push(...defaultScheduleRows(await defaultSchedule));
      const name = '2c recovery at the default schedule (alongside the others)';
      sections.push({ name, from: defaultFrom, to: loadNow() });
    }
    if (idle) {
      rows.push(...idleRows(await finishIdle(idle)));
      sections.push({ name: '3 idle (the whole run)', from: idleFrom, to: loadNow() });
    }
    if (live) rows.push(...liveRows(live));
    if (sweep) rows.push(...sweepRows(sweep));
    if (startup) rows.push(...startupRows(startup));
    if (redactor) rows.push(...redactorRows(redactor));
    if (doctorStart) rows.push(...doctorStartupRows(doctorStart));
  } finally {
    await cleanupAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const table = renderTable(rows);
  const took = Date.now() - started;
  process.stdout.write(`${table}\n`);
  progress(`done in ${fmtMs(took)}`);
  if (o.out) {
    const when = new Date(started).toISOString().slice(0, 16).replace('T', ' ');
    const quick = o.quick ? ' (`--quick`)' : '';
    const doc = `# ClawMedic benchmarks

Written by \`npm run bench\`${quick} on ${when} UTC; ${o.reps} repetitions; the run took ${fmtMs(took)}.
Cells read "median (min–max, n)". Ratios compare medians from the same run.

## Machine

${machineMarkdown(machine)}

## Results

${table}

## Load average (1, 5, 15 min) beside each part

${sections.map((x) => `- ${x.name}: ${x.from} at its start, ${x.to} at its end`).join('\n')}

The machine is shared: compare a figure with a re-run only at a similar load. Every figure above was
measured in this run; none is derived from constants.

${notes(o, completion)}`;
    await writeFile(o.out, doc);
    progress(`wrote ${o.out} (${fmtBytes(Buffer.byteLength(doc))})`);
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  let o: ReturnType<typeof parseArgs>;
  try {
    o = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    return 2;
  }
  if ('help' in o) {
    process.stdout.write(o.help + '\n');
    return 0;
  }
  return runBench(o);
}
