// The AI doctor (Level 3): one agent session at a time, in ClawMedic's own tmux server, given a
// recovery brief and a context file, watched live, judged by ClawMedic's own probe, cleaned up on
// every path. The supervisor opens and closes the incident; the doctor adds events and fields.
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { DoctorLive, DoctorPhase, DoctorRecord, Result } from '../../../common/contract.js';
import { HookInbox } from '../agents/hooks.js';
import { parsePermissionPrompt, type PermissionPrompt } from '../agents/screens.js';
import { LaunchError, prepareLaunch, signalFromHook, type AgentLaunch } from '../agents/profiles.js';
import { iso, systemClock, type Clock } from '../../../common/clock.js';
import { ensurePrivateDir, expandHome, PRIVATE_FILE_MODE, writeFileAtomic } from '../fsutil.js';
import { acquireLock, clearStaleLock, holderAlive, readLock } from '../lock.js';
import { killGroup, waitForExit } from '../process-util.js';
import { redact } from '../redact.js';
import type { Settings } from '../../../common/settings-schema.js';
import { runtimeDir } from '../runtime-dir.js';
import { newSessionName, Tmux, TmuxError } from '../tmux/tmux.js';
import { ToolPaths, type ToolName } from '../tools.js';
import { Attempt, DEFAULT_TIMING, donePatternProblem, Waker, type AttemptEnd, type DoctorTiming } from './attempt.js';
import { briefValues, DEFAULT_TEMPLATE, gatewayPort, parseResultLine, previewBrief, renderBrief } from './brief.js';
import { buildContext, gatewaySecrets, snapshotConfig, validateConfig } from './context.js';
import { appendLearning, readLearnings } from './learnings.js';
import type { DoctorOutcome, DoctorPort, DoctorRequest } from './port.js';
import { templateProblems } from '../../../common/template.js';
import { OWNER_DIED_FILE, startSessionGuard, type GuardHandle } from './session-guard.js';
import { DoctorTerminal, loadNodePty, type PtyModule } from './terminal.js';
import { HealthWatch } from './health-watch.js';
import { usageFromTranscript } from './usage.js';

export interface DoctorOptions {
  dataDir: string;
  clock?: Clock;
  /** Where our tmux socket lives (default <dataDir>/run, or a short /tmp path when that is too long). */
  runtimeDir?: string;
  env?: NodeJS.ProcessEnv;
  /** The tmux executable; default: tools.tmux from the settings, else found on env.PATH (tools.ts). */
  tmuxBinary?: string;
  /** node-pty, or a stand-in (tests, the app harness): the live view's only way to start a terminal. */
  loadPty?: () => Promise<PtyModule>;
  /**
   * Whether node-pty's spawn-helper may be made executable when it is not (pty-check.ts). False in an
   * installed app: its files are sealed by the code signature, and a broken one is reported instead.
   */
  ptyRepair?: boolean;
  /** The settings' explicit tool paths (`tools.*`), read at each lookup. */
  toolSettings?: () => Partial<Record<ToolName, string>>;
  /** Tests shrink the graces and timeouts. */
  timing?: Partial<DoctorTiming>;
  /** The `openclaw` executable for `config validate` (PATH lookup by default). */
  openclaw?: string;
}

/** Esc and Enter are the very keys to recognise: the pattern is built from a string, like format.ts's CONTROL. */
const ESC = String.fromCharCode(0x1b);
const PROMPT_ANSWER = new RegExp(`^(?:[0-9yYnN\\r]|${ESC}(?:\\[[ABCD]|O[ABCD])?)$`);

/**
 * A key that answers a permission prompt: a choice's number, y/n, Enter, Esc, or an arrow moving the selection.
 * (xterm and tmux deliver one key per write; a paste or a typed sentence is longer.)
 */
export function isPromptAnswer(data: string): boolean {
  return PROMPT_ANSWER.test(data);
}

function isInside(dir: string, parent: string): boolean {
  const rel = path.relative(parent, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** 3 s for the agent to exit after its session is killed: Claude Code exits in well under a second. */
const AGENT_EXIT_GRACE_MS = 3000;
/** 25 ms: the wait ends within a frame of the exit, at a cost of a few syscalls. */
const AGENT_EXIT_POLL_MS = 25;

/** Caps what goes into the incident record; the full diff is recomputable from the snapshot. */
const CONFIG_DIFF_MAX_CHARS = 16_000;

interface ActiveRun {
  req: DoctorRequest;
  session: string | null;
  everTakenOver: boolean;
  /** Permission prompts a person answered (a key at a prompt: the agent does the fix, the person allows it). */
  promptsAnswered: number;
  /** A person typed something other than an answer to a prompt: the fix is (also) theirs. */
  typed: boolean;
  secrets: string[];
  releaseLock: () => boolean;
}

export class Doctor implements DoctorPort {
  readonly terminal: DoctorTerminal;
  readonly tmux: Tmux;
  readonly lockFile: string;
  readonly tools: ToolPaths;
  private readonly clock: Clock;
  private readonly env: NodeJS.ProcessEnv;
  private readonly timing: DoctorTiming;
  private live: DoctorLive | null = null;
  private active: ActiveRun | null = null;
  /** The prompt on screen now has been answered (keys after that answer nothing new); reset by a new prompt. */
  private promptAnswered = false;

  constructor(private readonly opts: DoctorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.env = opts.env ?? process.env;
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.tools = new ToolPaths(this.env, opts.toolSettings);
    const tmuxLookup = () =>
      opts.tmuxBinary ? { ok: true as const, path: opts.tmuxBinary } : this.tools.lookup('tmux');
    this.tmux = new Tmux(
      opts.runtimeDir ?? runtimeDir(opts.dataDir, this.env),
      () => {
        const r = tmuxLookup();
        return r.ok ? r.path : 'tmux';
      },
      this.env,
      () => {
        const r = tmuxLookup();
        return r.ok ? `tmux at ${r.path} could not be run.` : r.problem;
      },
    );
    this.terminal = new DoctorTerminal(
      this.env,
      opts.loadPty ?? (() => loadNodePty({ repair: opts.ptyRepair ?? true })),
    );
    this.lockFile = path.join(opts.dataDir, 'doctor.lock');
  }

  current(): DoctorLive | null {
    return this.live ? { ...this.live } : null;
  }

  defaultTemplate(): string {
    return DEFAULT_TEMPLATE;
  }

  preview(template: string, settings: Settings): Result<string> {
    const problems = templateProblems(template);
    if (problems.length) {
      return {
        ok: false,
        message: `The template is invalid: ${problems.join('; ')}`,
        problems: problems.map((message) => ({ path: 'doctor.promptTemplate', message })),
      };
    }
    return { ok: true, value: previewBrief(template, settings) };
  }

  async takeOver(): Promise<Result> {
    const run = this.active;
    if (!run || !run.session || !this.live) return { ok: false, message: 'No doctor session is running.' };
    if (this.live.takenOver) return { ok: true, value: undefined };
    const ok = await this.terminal.setWritable(true).catch(() => false);
    if (!ok) {
      return {
        ok: false,
        message:
          'The live view is not attached, so input cannot be passed on. Attach by hand instead: ' +
          this.tmux.attachCommand(run.session),
      };
    }
    this.live.takenOver = true;
    run.everTakenOver = true;
    this.say(
      run,
      'taken-over',
      "a person took over the keyboard; ClawMedic keeps probing and will not end the session on the agent's account",
    );
    return { ok: true, value: undefined };
  }

  async handBack(): Promise<Result> {
    const run = this.active;
    if (!run || !this.live) return { ok: false, message: 'No doctor session is running.' };
    if (!this.live.takenOver) return { ok: true, value: undefined };
    await this.terminal.setWritable(false).catch(() => false);
    this.live.takenOver = false;
    this.say(run, 'handed-back', 'the person handed the session back; the live view is read-only again');
    return { ok: true, value: undefined };
  }

  input(data: string): boolean {
    if (!this.live?.takenOver) return false;
    const ok = this.terminal.write(data);
    const run = this.active;
    if (ok && run) {
      // Credit follows what the person did: answering the agent's permission prompt approves the agent's fix;
      // anything else typed makes the fix (also) theirs.
      if (this.live.needsApproval && isPromptAnswer(data)) {
        // One prompt is one answer: a second key before the screen shows the prompt gone (a double press, the
        // demo's approval racing a person's) answers nothing new.
        if (/^[0-9yYnN\r]$/.test(data) && !this.promptAnswered) {
          run.promptsAnswered++;
          this.promptAnswered = true;
        }
      } else run.typed = true;
    }
    return ok;
  }

  resize(cols: number, rows: number): void {
    this.terminal.resize(cols, rows);
  }

  async pendingPrompt(): Promise<PermissionPrompt | null> {
    const session = this.active?.session;
    if (!session || !this.live?.needsApproval) return null;
    const screen = await this.tmux.capture(session).catch(() => '');
    return parsePermissionPrompt(screen);
  }

  async cleanupOrphans(): Promise<string[]> {
    const done: string[] = [];
    const holder = readLock(this.lockFile);
    if (holder && holder !== 'unreadable' && holder.pid !== process.pid && holderAlive(holder)) {
      // Another live ClawMedic (app or CLI) owns the doctor: its sessions are not orphans.
      return done;
    }
    const stale = clearStaleLock(this.lockFile);
    if (stale) {
      const inc =
        stale !== 'unreadable' && typeof stale.meta?.incidentId === 'string'
          ? `, incident ${stale.meta.incidentId}`
          : '';
      done.push(
        stale === 'unreadable'
          ? 'removed an unreadable doctor lock'
          : `removed a stale doctor lock left by pid ${stale.pid} (${stale.acquiredAt}${inc})`,
      );
    }
    let sessions: string[];
    try {
      sessions = await this.tmux.listSessions();
    } catch (err) {
      // tmux missing: nothing can have been left on our socket; the doctor reports tmux when it runs.
      if (err instanceof TmuxError && err.code === 'missing') return done;
      throw err;
    }
    for (const s of sessions) {
      if (s === this.active?.session) continue;
      if (await this.tmux.killSession(s)) done.push(`killed tmux session ${s} left by an earlier run`);
    }
    await this.tmux.killServerIfEmpty().catch(() => undefined);
    return done;
  }

  async run(req: DoctorRequest): Promise<DoctorOutcome> {
    if (this.active) {
      return {
        outcome: 'failed',
        resolvedBy: null,
        agent: null,
        busy: true,
        detail: 'a doctor session is already running in this ClawMedic',
      };
    }
    const lock = acquireLock(this.lockFile, { incidentId: req.incident.id, purpose: 'doctor' });
    if (!lock.ok) {
      const detail = `another doctor session is already running (${lock.message}); not starting a second one`;
      await req.incident.event('doctor-busy', detail).catch(() => undefined);
      return { outcome: 'failed', resolvedBy: null, agent: null, busy: true, detail };
    }
    const run: ActiveRun = {
      req,
      session: null,
      everTakenOver: false,
      promptsAnswered: 0,
      typed: false,
      secrets: [],
      releaseLock: lock.release,
    };
    this.active = run;
    // process.exit() paths (a CLI signal handler) get no await: kill the session and free the lock synchronously.
    const onExit = () => this.emergencyCleanup(run);
    process.on('exit', onExit);
    try {
      if (lock.tookOverFrom)
        this.note(run, 'note', `took over a stale doctor lock left by pid ${lock.tookOverFrom.pid}`);
      return await this.runLocked(req, run);
    } catch (err) {
      const detail = `the doctor failed: ${(err as Error).message}`;
      this.say(run, 'finished', detail);
      return { outcome: 'failed', resolvedBy: null, agent: null, detail };
    } finally {
      process.off('exit', onExit);
      if (run.session) await this.endSession(run.session);
      await this.terminal.detach(true);
      await this.tmux.killServerIfEmpty().catch(() => undefined);
      this.live = null;
      this.active = null;
      lock.release();
    }
  }

  interruptSync(): void {
    if (this.active) this.emergencyCleanup(this.active);
  }

  private emergencyCleanup(run: ActiveRun): void {
    if (run.session) {
      try {
        // 2 s: a synchronous call on the way out; tmux answers in milliseconds.
        execFileSync(this.tmux.binary, ['-S', this.tmux.socket, '-f', '/dev/null', 'kill-session', '-t', run.session], {
          timeout: 2000,
          stdio: 'ignore',
        });
      } catch {
        // Already gone, or tmux wedged: the next start's cleanupOrphans() kills it.
      }
    }
    run.releaseLock();
  }

  /**
   * Kills the session and waits (bounded) for the agent process to be gone, so nothing it does
   * after "the end" (Claude Code rewrites ~/.claude.json on exit) races with what follows.
   */
  private async endSession(session: string): Promise<void> {
    let pid: number | null = null;
    try {
      pid = (await this.tmux.pane(session))?.pid ?? null;
      await this.tmux.killSession(session);
    } catch {
      // tmux failed to kill it: cleanupOrphans() at the next start (or kill-server below) gets it.
    }
    if (!pid) return;
    const gone = await waitForExit(pid, this.clock, { graceMs: AGENT_EXIT_GRACE_MS, pollMs: AGENT_EXIT_POLL_MS });
    // The pane's process leads its own process group: whatever it left running goes with it.
    if (!gone) killGroup(pid, 'SIGKILL');
  }

  private note(run: ActiveRun, type: string, detail: string): void {
    void run.req.incident.event(type, redact(detail, { secrets: run.secrets })).catch(() => {
      // The incident store reports write failures itself; the doctor must carry on regardless.
    });
  }

  private say(run: ActiveRun, phase: DoctorPhase, detail: string): void {
    const clean = redact(detail, { secrets: run.secrets });
    this.note(run, `doctor-${phase}`, clean);
    run.req.emit(phase, clean);
  }

  private async runLocked(req: DoctorRequest, run: ActiveRun): Promise<DoctorOutcome> {
    const s = req.settings;
    const inc = req.incident;
    const startedMs = this.clock.now();
    const deadlineMs = startedMs + s.doctor.timeoutSec * 1000;
    const record: DoctorRecord = {
      attempts: [],
      sessionName: null,
      attachCommand: null,
      resultLine: null,
      configDiff: null,
      costUsd: null,
      tokens: null,
    };
    const configPath = expandHome(s.gateway.configPath, this.env.HOME);
    const snapshotDir = inc.file('snapshot');
    const contextPath = inc.file('context.md');
    const reportPath = inc.file('report.md');
    const transcriptPath = inc.file('transcript.log');
    // The incident folder itself when no work folder is set (the settings' defaults always set one): the
    // folders outside it reach Claude Code as permissions.additionalDirectories (agents/profiles.ts),
    // which it takes without a dialog.
    const workDir = s.doctor.workDir ? path.resolve(expandHome(s.doctor.workDir, this.env.HOME)) : inc.dir;

    this.say(
      run,
      'started',
      `doctor started; time limit ${Math.round(s.doctor.timeoutSec / 60)} min; ` +
        `agents: ${s.doctor.agents.join(', ') || '(none)'}`,
    );
    try {
      await this.tmux.version();
    } catch (err) {
      const detail = (err as Error).message;
      this.say(run, 'finished', detail);
      return { outcome: 'failed', resolvedBy: null, agent: null, detail };
    }

    // Evidence first: a snapshot of the config (the way back) and the context file.
    run.secrets = await gatewaySecrets(configPath);
    const snapshot = await snapshotConfig(configPath, snapshotDir);
    const beforeConfig = await fsp.readFile(configPath, 'utf8').catch(() => null);
    // The context file is built while the agent starts; the brief that points at it is pasted only once
    // it is written. `openclaw config validate` (seconds with the real CLI, 4.4 s measured under load)
    // does not hold the brief back: the file is written without its output first, and again with it.
    let contextReady = false;
    const contextDone = (async () => {
      try {
        const input = {
          incidentId: inc.id,
          generatedAt: iso(this.clock.now()),
          gatewayUrl: s.gateway.url,
          port: gatewayPort(s.gateway.url),
          configPath,
          logPaths: s.gateway.logPaths,
          recentFailures: req.recentFailures,
          snapshot,
          env: this.env,
          openclaw: this.opts.openclaw ?? this.tools.path('openclaw'),
          fingerprint: inc.record.fingerprint,
          rungs: inc.record.rungs,
        };
        const validating = validateConfig(input);
        await writeFileAtomic(contextPath, (await buildContext(input, 'pending')).text);
        contextReady = true;
        await writeFileAtomic(contextPath, (await buildContext(input, await validating)).text);
      } catch (err) {
        // The agent can gather evidence itself; a missing context file is worth a note, not a failure.
        this.note(run, 'note', `could not write the full context file: ${(err as Error).message}`);
        // A first version already written stays: it is more than this fallback says.
        if (!contextReady)
          await writeFileAtomic(
            contextPath,
            `# ClawMedic context for incident ${inc.id}\n\n` +
              `ClawMedic could not gather the context: ${(err as Error).message}\n`,
          ).catch(() => undefined);
      } finally {
        contextReady = true;
      }
    })();
    try {
      return await this.runWithContext(req, run, {
        record,
        configPath,
        snapshotDir,
        contextPath,
        reportPath,
        transcriptPath,
        workDir,
        deadlineMs,
        beforeConfig,
        contextReady: () => contextReady,
      });
    } finally {
      await contextDone;
    }
  }

  private async runWithContext(
    req: DoctorRequest,
    run: ActiveRun,
    p: {
      record: DoctorRecord;
      configPath: string;
      snapshotDir: string;
      contextPath: string;
      reportPath: string;
      transcriptPath: string;
      workDir: string;
      deadlineMs: number;
      beforeConfig: string | null;
      contextReady: () => boolean;
    },
  ): Promise<DoctorOutcome> {
    const s = req.settings;
    const inc = req.incident;
    const {
      record,
      configPath,
      snapshotDir,
      contextPath,
      reportPath,
      transcriptPath,
      workDir,
      deadlineMs,
      beforeConfig,
    } = p;
    let brief: string;
    try {
      const learnings = await readLearnings(s.dataDir, (why) => this.note(run, 'note', `learnings.md ignored: ${why}`));
      brief = renderBrief(
        s.doctor.promptTemplate,
        briefValues(s, { incidentId: inc.id, reportPath, contextPath, snapshotDir }, learnings),
      );
    } catch (err) {
      const detail =
        `${(err as Error).message}. Fix doctor.promptTemplate in the settings ` +
        '(or clear it to use the built-in brief).';
      this.say(run, 'finished', detail);
      return { outcome: 'failed', resolvedBy: null, agent: null, detail };
    }
    await writeFileAtomic(inc.file('brief.md'), brief);
    if (s.doctor.workDir) await ensurePrivateDir(workDir);
    await inc.update({ transcriptPath, doctor: record });

    // Our own probe, fast while the doctor runs: the only judge of success (health-watch.ts).
    const waker = new Waker();
    const watch = new HealthWatch({
      clock: this.clock,
      check: req.check,
      timing: {
        probeMs: this.timing.probeMs,
        confirmMs: this.timing.confirmMs,
        healthyStreak: this.timing.healthyStreak,
      },
      onResult: () => waker.wake(),
    });
    watch.start();

    const fallbacks: string[] = [];
    let end: AttemptEnd | null = null;
    let agentUsed: string | null = null;
    let lastAttempt: Attempt | null = null;
    try {
      const names = s.doctor.agents;
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        const profile = s.doctor.profiles[name];
        const attemptRec = { agent: name, startedAt: iso(this.clock.now()), endedAt: null as string | null, ended: '' };
        record.attempts.push(attemptRec);
        agentUsed = name;
        let result: AttemptEnd;
        if (!profile) {
          result = { kind: 'fallback', detail: `no profile named "${name}" in doctor.profiles` };
        } else {
          const r = await this.runAttempt(run, {
            name,
            profile,
            attemptNo: i + 1,
            brief,
            workDir,
            transcriptPath,
            deadlineMs,
            record,
            waker,
            configPath,
            contextReady: p.contextReady,
            probe: watch,
          });
          result = r.end;
          lastAttempt = r.attempt ?? lastAttempt;
        }
        attemptRec.endedAt = iso(this.clock.now());
        attemptRec.ended = redact(`${result.kind}: ${result.detail}`, { secrets: run.secrets });
        await inc.update({ doctor: record, agent: name });
        if (result.kind !== 'fallback') {
          end = result;
          break;
        }
        fallbacks.push(`${name}: ${result.detail}`);
        const next = names[i + 1];
        const why = result.detail.replace(/\.$/, '');
        const then = next ? `trying the next agent, "${next}"` : 'no other agent is configured (doctor.agents)';
        this.say(run, 'fallback', `${why}; ${then}`);
      }
    } finally {
      await watch.stop();
    }

    if (!end)
      end = {
        kind: 'failed',
        detail: fallbacks.length
          ? `no agent could work on it: ${fallbacks.join(' · ')}`
          : 'no agent is configured (doctor.agents is empty)',
      };

    // Records: diff against the snapshot, the result line, cost, report, learnings.
    const afterConfig = await fsp.readFile(configPath, 'utf8').catch(() => null);
    if (beforeConfig !== afterConfig) {
      const secrets = [...run.secrets, ...(await gatewaySecrets(configPath))];
      // `diff` is loaded only when the config really changed (start-up cost of every other run).
      const { createTwoFilesPatch } = await import('diff');
      let diff = createTwoFilesPatch(
        `${configPath} (before)`,
        `${configPath} (after)`,
        beforeConfig ?? '',
        afterConfig ?? '',
        undefined,
        undefined,
        { context: 2 },
      );
      diff = redact(diff, { secrets });
      record.configDiff =
        diff.length > CONFIG_DIFF_MAX_CHARS ? `${diff.slice(0, CONFIG_DIFF_MAX_CHARS)}\n[… diff cut …]` : diff;
    }
    const report = await fsp.readFile(reportPath, 'utf8').catch(() => null);
    const result = lastAttempt?.result ?? parseResultLine(report);
    if (result) record.resultLine = redact(result.line, { secrets: run.secrets });
    if (lastAttempt?.agentTranscript) {
      // Playbooks are learned from the tool calls recorded there (knownfix/playbooks.ts).
      record.agentTranscript = lastAttempt.agentTranscript;
      const u = await usageFromTranscript(lastAttempt.agentTranscript);
      if (u) {
        record.tokens = { input: u.input, output: u.output };
        record.costUsd = u.costUsd;
      }
    }
    if (report !== null) await fsp.chmod(reportPath, PRIVATE_FILE_MODE).catch(() => undefined);
    if (run.promptsAnswered > 0) record.promptsAnswered = run.promptsAnswered;
    await inc.update({ doctor: record, agent: agentUsed, reportPath: report !== null ? reportPath : null });

    const outcome: DoctorOutcome = {
      outcome: end.kind === 'fallback' ? 'failed' : end.kind,
      resolvedBy: end.kind === 'recovered' ? (run.typed ? 'human' : 'doctor') : null,
      agent: agentUsed,
      detail: redact(end.detail, { secrets: run.secrets }),
    };
    if (outcome.outcome === 'recovered' && !req.checkup) {
      const summary =
        result?.summary ||
        (report
          ? report
              .split('\n')
              .filter((l) => l.trim() && !l.startsWith('#'))
              .slice(0, 3)
              .join(' ')
          : '') ||
        lastAttempt?.lastMessage ||
        end.detail;
      await appendLearning(
        s.dataDir,
        {
          at: iso(this.clock.now()),
          incidentId: inc.id,
          agent: agentUsed ?? '?',
          summary: `${summary}${record.configDiff ? ' (config changed)' : ''}`,
        },
        run.secrets,
      ).catch((err: unknown) =>
        this.note(run, 'note', `could not update the learnings file: ${(err as Error).message}`),
      );
    }
    this.say(run, 'finished', `${outcome.outcome}: ${outcome.detail}`);
    return outcome;
  }

  private async runAttempt(
    run: ActiveRun,
    a: {
      name: string;
      profile: Settings['doctor']['profiles'][string];
      attemptNo: number;
      brief: string;
      workDir: string;
      transcriptPath: string;
      deadlineMs: number;
      record: DoctorRecord;
      waker: Waker;
      configPath: string;
      contextReady: () => boolean;
      probe: HealthWatch;
    },
  ): Promise<{ end: AttemptEnd; attempt: Attempt | null }> {
    const inc = run.req.incident;
    const s = run.req.settings;
    if (a.profile.kind === 'generic') {
      const problem = donePatternProblem(a.profile.donePattern, a.brief);
      if (problem) return { end: { kind: 'fallback', detail: `agent "${a.name}": ${problem}` }, attempt: null };
    }
    let launch: AgentLaunch;
    try {
      launch = await prepareLaunch({
        profileName: a.name,
        profile: a.profile,
        workDir: a.workDir,
        incidentDir: inc.dir,
        attempt: a.attemptNo,
        env: this.env,
        isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
        addDirs: [...new Set([inc.dir, path.dirname(a.configPath)])].filter((d) => !isInside(d, a.workDir)),
      });
    } catch (err) {
      if (err instanceof LaunchError) return { end: { kind: 'fallback', detail: err.message }, attempt: null };
      throw err;
    }
    const session = newSessionName('clawmedic', this.clock.now());
    const attach = this.tmux.attachCommand(session);
    a.record.sessionName = session;
    a.record.attachCommand = attach;
    this.live = {
      incidentId: inc.id,
      agent: a.name,
      sessionName: session,
      attachCommand: attach,
      startedAt: iso(this.clock.now()),
      deadline: iso(a.deadlineMs),
      takenOver: false,
      needsApproval: false,
      pendingRequest: null,
    };
    for (const w of launch.warnings) this.note(run, 'note', w);
    const attempt = new Attempt({
      tmux: this.tmux,
      clock: this.clock,
      signal: run.req.signal,
      deadlineMs: a.deadlineMs,
      timeoutSec: s.doctor.timeoutSec,
      timing: this.timing,
      brief: a.brief,
      profileName: a.name,
      profile: a.profile,
      launch,
      session,
      probe: a.probe,
      waker: a.waker,
      takenOver: () => this.live?.takenOver ?? false,
      canPaste: a.contextReady,
      note: (type, detail) => this.note(run, type, detail),
      phase: (phase, detail) => this.say(run, phase, detail),
      setNeedsApproval: (v, request) => {
        if (!this.live) return;
        // A prompt that shows anew (after none) is a new question to answer.
        if (v && !this.live.needsApproval) this.promptAnswered = false;
        this.live.needsApproval = v;
        this.live.pendingRequest = v ? redact(request ?? '', { secrets: run.secrets }) || null : null;
      },
    });
    const inbox = launch.recorder
      ? new HookInbox(launch.recorder.dir, (e) => attempt.push(signalFromHook(e.event, e.payload, a.brief)))
      : null;
    inbox?.start();
    let guard: GuardHandle | null = null;
    try {
      await fsp.appendFile(
        a.transcriptPath,
        `\r\n==== ClawMedic: agent "${a.name}" (attempt ${a.attemptNo}) in tmux session ${session}, ` +
          `${iso(this.clock.now())} ====\r\n`,
        { mode: PRIVATE_FILE_MODE },
      );
      const size = this.terminal.sizeForNewSession(this.timing.cols, this.timing.rows);
      await this.tmux.newSession({
        name: session,
        argv: launch.argv,
        cwd: a.workDir,
        env: launch.env,
        cols: size.cols,
        rows: size.rows,
        transcriptPath: a.transcriptPath,
      });
      run.session = session;
      guard = startSessionGuard({
        tmuxBinary: this.tmux.binary,
        socket: this.tmux.socket,
        session,
        markFile: inc.file(OWNER_DIED_FILE),
      });
      this.say(run, 'agent-started', `started "${a.name}" in tmux session ${session}; watch it with: ${attach}`);
      const viewProblem = await this.terminal.attach(this.tmux, session, size.cols, size.rows);
      if (viewProblem) this.note(run, 'note', viewProblem);
      if (run.req.signal.aborted)
        return { end: { kind: 'cancelled', detail: 'the doctor session was stopped' }, attempt };
      const end = await attempt.run();
      return { end, attempt };
    } finally {
      guard?.stop();
      inbox?.close();
      await this.terminal.detach(true);
      if (run.session) await this.endSession(run.session);
      run.session = null;
      if (this.live) this.live.takenOver = false;
    }
  }
}
