// The engine: settings, incident history, the supervisor (Levels 1-2), the doctor (Level 3) and the
// notifiers (Level 4) wired together behind EngineApi. Plain Node: the CLI, the Electron shell and
// the dashboard are adapters over this.
import { createHash } from 'node:crypto';
import { promises as fsp, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type {
  EngineEvent,
  GatewayCheck,
  Incident,
  IncidentDetail,
  PreflightReport,
  Result,
  SettingsView,
  StatusSnapshot,
} from '../../common/contract.js';
import { runPreflight } from './preflight.js';
import { systemClock, type Clock } from '../../common/clock.js';
import { gatewaySecrets, readableLogLine, resolveLogPaths, tailFile } from './doctor/context.js';
import { Doctor } from './doctor/doctor.js';
import type { DoctorOutcome, DoctorPort } from './doctor/port.js';
import { TEMPLATE_VARIABLES } from '../../common/template.js';
import type { EngineApi, LiveTerminal } from './engine-api.js';
import { EventBus } from './events.js';
import { ChildLedger } from './children.js';
import { StorageHealth } from './storage-health.js';
import { ensurePrivateDir } from './fsutil.js';
import { runtimeDir } from './runtime-dir.js';
import { IncidentStore } from './incidents/store.js';
import { readIncidentDetail } from './incidents/detail.js';
import { GatewayProbe } from './probe.js';
import { RateHistory } from './rate-history.js';
import { serveControl, type ControlServer } from './control.js';
import { acquireLock } from './lock.js';
import { redact, redactDeep } from './redact.js';
import type { PlaybookView } from '../../common/knownfix.js';
import { channelLabel, Notifier } from './notify/notifier.js';
import { TELEGRAM_API } from './notify/channels/telegram.js';
import { TelegramDesk, type PendingPrompt } from './notify/telegram/desk.js';
import { gatewayTelegramTokens, sharedTokenProblem } from './notify/telegram/gateway-token.js';
import { dispatch, engineHandlers } from './operations.js';
import type { Message } from './notify/policy.js';
import { describeStep, killAllSteps, runStep, stepSucceeded } from './restart.js';
import {
  defaultSettings,
  fileSettingsSource,
  resolvePaths,
  restartSteps,
  SettingsError,
  validateSettings,
  type SettingsProblem,
  type SettingsSource,
} from './settings/index.js';
import type { Settings } from '../../common/settings-schema.js';
import { StatusFile } from './status-file.js';
import { Supervisor } from './supervisor.js';
import { LastGoodStore } from './knownfix/lastgood.js';
import { ConfigGuard } from './knownfix/guard.js';
import { HealthyObserver } from './knownfix/observer.js';
import { WarningBoard } from './knownfix/warnings.js';
import { ResourceWatch } from './knownfix/resources.js';
import { playbookCandidates, recordPlaybookResult } from './knownfix/playbook-rung.js';
import { describeSteps, PLAYBOOK_MAX_FAILURES, playbookContext, PlaybookStore } from './knownfix/playbooks.js';
import { KnownFixes } from './knownfix/runner.js';
import { KnownFixState } from './knownfix/state.js';
import { ToolPaths } from './tools.js';

/** Editors save in bursts (truncate, write, rename): wait 200 ms for the file to settle before reloading. */
const SETTINGS_RELOAD_DEBOUNCE_MS = 200;

export interface EngineOptions {
  settingsFile: string;
  /** Reads and writes `settingsFile` (the app passes its electron-store); default: the file directly. */
  settingsSource?: SettingsSource;
  clock?: Clock;
  /** Builds the doctor once settings are known. Default: the tmux doctor; null: no Level 3. */
  doctorFactory?: ((ctx: { dataDir: string; clock: Clock; env: NodeJS.ProcessEnv }) => DoctorPort | null) | null;
  /** May node-pty's spawn-helper be repaired in place (false in an installed, signed app)? Default true. */
  ptyRepair?: boolean;
  /** Take <dataDir>/watch.lock in start(): one watcher per data dir (app or `clawmedic watch`). */
  exclusive?: boolean;
  /** Every message that passed the notification gate (the shell shows these natively). */
  onNotification?: (message: Message) => void;
  /** Environment for restart steps (tests put the stand-in `openclaw` first on PATH). */
  env?: NodeJS.ProcessEnv;
  /** 'throw' (CLI: bad config is exit 2) or 'defaults' (app: keep running and tell the user). */
  onInvalidSettings?: 'throw' | 'defaults';
  /** Reload settings when the file changes (long-running watchers). */
  watchSettings?: boolean;
  /** Publish <dataDir>/status.json for other processes (watchers only). */
  writeStatus?: boolean;
  /** Telegram Bot API base; defaults to env CLAWMEDIC_TELEGRAM_API, then https://api.telegram.org. */
  telegramApiBase?: string;
  /** Lines for the watcher's log (stderr by default): ignored button presses, polling trouble. */
  log?: (line: string) => void;
  /** Timings of the interactive Telegram channel (tests shorten them). */
  deskTiming?: ConstructorParameters<typeof TelegramDesk>[0]['timing'];
}

/**
 * How long an answer to a permission prompt may take to clear it: Claude Code takes the key in well under
 * a second (its Stop hook fired 0.4 s after the key, measured); 5 s covers a loaded machine.
 */
const PROMPT_ANSWER_WAIT_MS = 5000;
/** Screen reads while waiting for an answered prompt to go: a capture costs a few ms. */
const PROMPT_ANSWER_POLL_MS = 100;
async function readText(file: string): Promise<string | null> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch {
    // Missing (or unreadable): compared as "no file".
    return null;
  }
}

export class EngineBusyError extends Error {
  override name = 'EngineBusyError';
}

const noTerminal: LiveTerminal = {
  subscribe(listener) {
    listener({ kind: 'end', data: '', sessionName: null });
    return { ack() {}, close() {} };
  },
};

export class Engine implements EngineApi {
  readonly bus = new EventBus();
  readonly clock: Clock;
  readonly settingsFile: string;
  private readonly source: SettingsSource;
  private raw!: Settings;
  private resolved!: Settings;
  private problems: SettingsProblem[] = [];
  private supervisor!: Supervisor;
  private doctor: DoctorPort | null = null;
  incidents!: IncidentStore;
  private watcher: FSWatcher | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;
  private started = false;
  private statusFile: StatusFile | null = null;
  private releaseWatchLock: (() => boolean) | null = null;
  private control: ControlServer | null = null;
  private notifier!: Notifier;
  private desk!: TelegramDesk;
  private secrets: string[] = [];
  /** The doctor's "needs approval" episodes: part of a prompt's id, so an old button never answers a new prompt. */
  private approvalEpisode = 0;
  private answering = false;
  private children!: ChildLedger;
  private storage!: StorageHealth;
  /** The last preflight (or the one running); checked again at start, on settings changes and on request. */
  private lastPreflight: Promise<PreflightReport> | null = null;
  private preflightRuns = 0;
  private dashboardUrl: string | null = null;
  /** One kept-alive connection to the gateway, /readyz on changes (probe.ts). */
  private readonly prober = new GatewayProbe();
  private knownFixes!: KnownFixes;
  private lastGood!: LastGoodStore;
  private observer!: HealthyObserver;
  private warnings!: WarningBoard;
  private guard!: ConfigGuard;
  private playbooks!: PlaybookStore;
  private resources!: ResourceWatch;
  private tools!: ToolPaths;

  private constructor(private readonly opts: EngineOptions) {
    this.clock = opts.clock ?? systemClock;
    this.settingsFile = opts.settingsFile;
    this.source = opts.settingsSource ?? fileSettingsSource(opts.settingsFile);
    if (this.source.file !== this.settingsFile) {
      throw new Error(`internal: the settings source reads ${this.source.file}, not ${this.settingsFile}`);
    }
  }

  static async create(opts: EngineOptions): Promise<Engine> {
    const e = new Engine(opts);
    await e.init();
    return e;
  }

  private async init(): Promise<void> {
    try {
      this.raw = (await this.source.load()).settings;
    } catch (err) {
      if (!(err instanceof SettingsError) || this.opts.onInvalidSettings !== 'defaults') throw err;
      this.raw = defaultSettings();
      this.problems = err.problems;
    }
    this.resolved = resolvePaths(this.raw);
    await ensurePrivateDir(this.resolved.dataDir);
    this.children = new ChildLedger(runtimeDir(this.resolved.dataDir, this.opts.env ?? process.env));
    await this.refreshSecrets();
    this.storage = new StorageHealth((e) =>
      this.bus.emit({ type: 'storage', ok: e.ok, detail: e.detail, at: new Date(this.clock.now()).toISOString() }),
    );
    this.incidents = new IncidentStore(
      this.resolved.dataDir,
      this.clock,
      (kind, incident, event) => {
        if (kind === 'opened') this.bus.emit({ type: 'incident-opened', incident: structuredClone(incident) });
        else if (kind === 'closed') this.bus.emit({ type: 'incident-closed', incident: structuredClone(incident) });
        else if (event) this.bus.emit({ type: 'incident-event', incidentId: incident.id, event });
      },
      (text) => redact(text, { secrets: this.secrets }),
      this.storage,
    );
    const env = this.opts.env ?? process.env;
    const factory =
      this.opts.doctorFactory === undefined
        ? ({ dataDir, clock }: { dataDir: string; clock: Clock }) =>
            new Doctor({
              dataDir,
              clock,
              env,
              toolSettings: () => this.resolved.tools,
              ptyRepair: this.opts.ptyRepair ?? true,
            })
        : this.opts.doctorFactory;
    this.doctor = factory ? factory({ dataDir: this.resolved.dataDir, clock: this.clock, env }) : null;
    const telegramApiBase = this.opts.telegramApiBase ?? process.env.CLAWMEDIC_TELEGRAM_API ?? TELEGRAM_API;
    const log = this.opts.log ?? ((line: string) => process.emitWarning(`ClawMedic: ${line}`));
    const reportFailure = (channel: string, incidentId: string | null, detail: string) => {
      const at = new Date(this.clock.now()).toISOString();
      this.bus.emit({ type: 'notification-failed', channel, incidentId, detail, at });
      if (incidentId) void this.supervisor.noteOnIncident(incidentId, 'notification-failed', `${channel}: ${detail}`);
    };
    this.desk = new TelegramDesk({
      getSettings: () => this.resolved,
      stateDir: path.join(this.resolved.dataDir, 'telegram'),
      apiBase: telegramApiBase,
      log,
      onFailure: (channel, detail) => reportFailure(channel, null, redact(detail, { secrets: this.secrets })),
      timing: this.opts.deskTiming,
      host: {
        dispatch: (name, args) => dispatch(engineHandlers(this), name, args, { transport: 'chat' }),
        status: () => this.status(),
        pendingPrompt: () => this.pendingPrompt(),
        note: (id, type, detail) => this.supervisor.noteOnIncident(id, type, detail),
        logTail: (lines) => this.gatewayLogTail(lines),
        secrets: () => this.secrets,
        gatewayTokens: () => this.gatewayTokens(),
      },
    });
    this.notifier = new Notifier({
      getSettings: () => this.resolved,
      clock: this.clock,
      getSecrets: () => this.secrets,
      getStatus: () => this.status(),
      getDashboardUrl: () => this.dashboardUrl,
      onMessage: this.opts.onNotification,
      telegramApiBase,
      interactive: this.desk,
      onFailure: (f) => reportFailure(f.channel, f.incidentId, f.detail),
    });
    this.bus.on((e) => {
      if (e.type === 'state') this.notifier.setPaused(e.state === 'paused');
      // Records that could not be written are tried again at every check while the disk refuses them.
      if (e.type === 'check' && this.incidents.hasPending) void this.incidents.retryPending();
      if (e.type === 'doctor' && e.phase === 'needs-approval') this.approvalEpisode++;
      this.notifier.handle(e);
    });
    const history = await RateHistory.load(this.resolved.dataDir, this.storage);
    this.tools = new ToolPaths(env, () => this.resolved.tools);
    const knownFixState = await KnownFixState.load(this.resolved.dataDir);
    this.lastGood = new LastGoodStore(this.resolved.dataDir, () => this.resolved.knownFixes.lastGoodKeep);
    this.playbooks = new PlaybookStore(this.resolved.dataDir);
    this.knownFixes = new KnownFixes({
      clock: this.clock,
      env,
      openclaw: () => this.tools.path('openclaw'),
      incidents: this.incidents,
      lastGood: this.lastGood,
      state: knownFixState,
      emit: (e) => this.bus.emit(e),
      runCommand: async (command, timeoutSec, signal) => {
        const r = await runStep(command, timeoutSec, { env: this.opts.env, signal, ledger: this.children });
        return { ...r, ok: stepSucceeded(r), detail: describeStep(r) };
      },
      extraCandidates: (e) => playbookCandidates(this.playbooks, e),
      onResult: async (rung, ok, detail, incidentId) => {
        const at = new Date(this.clock.now()).toISOString();
        const p = await recordPlaybookResult(this.playbooks, rung, ok, detail, at, PLAYBOOK_MAX_FAILURES);
        if (p && !ok && !p.enabled && p.stats.disabledReason) {
          const why = `playbook ${p.id} is now disabled: it ${p.stats.disabledReason}`;
          await this.supervisor.noteOnIncident(incidentId, 'playbook-disabled', why);
          this.bus.emit({ type: 'known-fix', phase: 'playbook-disabled', incidentId, rung, detail: why, at });
        }
      },
    });
    this.observer = new HealthyObserver({
      clock: this.clock,
      env,
      settings: () => this.resolved,
      openclaw: () => this.tools.path('openclaw'),
      lastGood: this.lastGood,
      state: knownFixState,
    });
    this.warnings = new WarningBoard(this.clock, (e) => this.bus.emit(e));
    this.guard = new ConfigGuard({
      clock: this.clock,
      env,
      settings: () => this.resolved,
      openclaw: () => this.tools.path('openclaw'),
      lastGood: this.lastGood,
      secrets: () => this.secrets,
      warnings: this.warnings,
    });
    this.resources = new ResourceWatch({
      clock: this.clock,
      env,
      settings: () => this.resolved,
      warnings: this.warnings,
    });
    this.bus.on((e) => {
      // Only a running watcher learns (a one-shot CLI command must not leave `openclaw` calls behind).
      if (e.type === 'check' && this.started) void this.observer.onCheck(e.check);
      // An outage that follows a warning: the warning is part of its story.
      // A doctor's recovery of a fingerprinted outage: propose what the agent did as a playbook.
      if (e.type === 'incident-closed' && e.incident.resolvedBy === 'doctor') void this.learnPlaybook(e.incident);
      // Noted on the next turn, once the supervisor holds the new incident's handle (it writes through it).
      if (e.type === 'incident-opened') {
        const id = e.incident.id;
        const ws = this.warnings.list();
        if (ws.length)
          setImmediate(() =>
            ws.forEach((w) => void this.supervisor.noteOnIncident(id, 'warning', `${w.title} (since ${w.since})`)),
          );
      }
    });
    this.supervisor = new Supervisor({
      clock: this.clock,
      settings: () => this.resolved,
      check: () => this.probeOnce(),
      runStep: (command, timeoutSec, signal) =>
        runStep(command, timeoutSec, { env: this.opts.env, signal, ledger: this.children }),
      incidents: this.incidents,
      history,
      doctor: this.doctor,
      knownFixes: this.knownFixes,
      emit: (e) => this.bus.emit(e),
    });
  }

  /** Cleans up what a crashed run left, then starts the supervisor loop. */
  async start(): Promise<{ interrupted: Incident[]; cleaned: string[] }> {
    if (this.started) return { interrupted: [], cleaned: [] };
    if (this.opts.exclusive) {
      const lock = acquireLock(path.join(this.resolved.dataDir, 'watch.lock'), { purpose: 'watch' });
      if (!lock.ok) {
        const who = lock.holder
          ? `pid ${lock.holder.pid} on ${lock.holder.hostname}, since ${lock.holder.acquiredAt}`
          : 'another process';
        throw new EngineBusyError(
          `Another ClawMedic is already watching with data dir ${this.resolved.dataDir} (${who}). ` +
            'Two watchers would both restart the gateway: quit the other one ' +
            '(menu-bar app or `clawmedic watch`), or give this one its own dataDir.',
        );
      }
      this.releaseWatchLock = lock.release;
      // The watcher answers `clawmedic restart|doctor|pause|resume` from other terminals.
      try {
        this.control = await serveControl(this, this.resolved.dataDir);
      } catch (err) {
        lock.release();
        this.releaseWatchLock = null;
        throw err;
      }
    }
    this.started = true;
    // The first probe goes out now; what a crashed watcher left running is ended meanwhile, and the
    // supervisor starts no restart or doctor before that is done (no two restart steps at once).
    const cleanup = (async () => {
      const cleaned = [...(await this.children.endLeftovers()), ...((await this.doctor?.cleanupOrphans()) ?? [])];
      const why = 'ClawMedic stopped (crash, kill or reboot) before this incident ended';
      const interrupted = await this.incidents.closeOrphans(why);
      for (const inc of interrupted) await this.recordAfterCrash(inc, cleaned);
      return { interrupted, cleaned };
    })();
    if (this.opts.writeStatus) {
      const sf = StatusFile.in(this.resolved.dataDir, () => this.status(), this.storage);
      this.statusFile = sf;
      // Every event but routine checks: a check only matters to other processes when the condition changes.
      let lastCondition: string | null = null;
      this.bus.on((e) => {
        if (e.type === 'check') {
          if (e.check.condition === lastCondition) return;
          lastCondition = e.check.condition;
        }
        sf.touch();
      });
    }
    this.supervisor.start({ ready: cleanup });
    // What cannot work as configured is told now, not in the first outage (the CLI prints it, the window shows it).
    this.refreshPreflight();
    let done: Awaited<typeof cleanup>;
    try {
      done = await cleanup;
    } catch (err) {
      // Start-up failed as before this ran concurrently: nothing keeps watching half-started.
      await this.supervisor.stop('start-up failed');
      throw err;
    }
    const { interrupted, cleaned } = done;
    if (this.opts.watchSettings) this.watchSettingsFile();
    await this.statusFile?.writeNow();
    // Watchers read the interactive channels' button presses (one poller per bot, like the watch lock).
    if (this.opts.exclusive) await this.desk.start();
    // Watchers guard the gateway's config and resources; one-shot commands do not.
    await this.guard.start();
    this.resources.start();
    return { interrupted, cleaned };
  }

  /**
   * The dashboard's address while one serves this engine, without its token (messages leave the machine; the
   * token stays in `<dataDir>/dashboard.url`): notifications point there instead of at a local tmux socket.
   */
  setDashboardUrl(url: string | null): void {
    this.dashboardUrl = url;
  }

  /** The settings the engine runs on (paths resolved). */
  get settings(): Settings {
    return this.resolved;
  }

  on(listener: (event: EngineEvent) => void): () => void {
    return this.bus.on(listener);
  }

  probeOnce(): Promise<GatewayCheck> {
    const g = this.resolved.gateway;
    return this.prober.check(g.url, g.timeoutSec * 1000, () => this.clock.now());
  }

  status(): StatusSnapshot {
    return {
      ...this.supervisor.snapshotFields(),
      doctor: this.doctor?.current() ?? null,
      gatewayUrl: this.resolved.gateway.url,
      settingsProblems: this.problems,
      pendingFix: this.knownFixes.pending(),
      warnings: this.warnings.list(),
    };
  }

  /** A person's answer to the known fix waiting for one. */
  answerFix(incidentId: string, recordId: string, approve: boolean): Promise<Result> {
    return new Promise((resolve) => resolve(this.knownFixes.answer(incidentId, recordId, approve)));
  }

  /** Playbooks on disk, each with whether it validates; step texts redacted for display. */
  async listPlaybooks(): Promise<PlaybookView[]> {
    return redactDeep(await this.playbooks.list(), { secrets: this.secrets });
  }

  /** A person enables (or disables) a playbook; enabling clears ClawMedic's own disable and its failure count. */
  async setPlaybookEnabled(id: string, enabled: boolean): Promise<Result<PlaybookView>> {
    const v = await this.playbooks.read(id);
    if (!v.playbook) {
      return {
        ok: false,
        message: v.problems[0]?.startsWith('cannot be read')
          ? `No playbook "${id}" in ${this.playbooks.dir}.`
          : `Playbook ${id} does not validate: ${v.problems.join('; ')}`,
      };
    }
    await this.playbooks.update(id, (p) => {
      p.enabled = enabled;
      if (enabled) {
        p.stats.consecutiveFailures = 0;
        p.stats.disabledReason = null;
      }
    });
    return { ok: true, value: redactDeep(await this.playbooks.read(id), { secrets: this.secrets }) };
  }

  private async learnPlaybook(inc: Incident): Promise<void> {
    const transcript = inc.doctor?.agentTranscript;
    if (!inc.fingerprint || !transcript) return;
    try {
      const s = this.resolved;
      const p = await this.playbooks.propose({
        fp: inc.fingerprint,
        transcript,
        incidentId: inc.id,
        agent: inc.agent,
        at: new Date(this.clock.now()).toISOString(),
        ctx: playbookContext(inc.fingerprint, s.gateway.url, s.gateway.configPath),
        restartCommands: restartSteps(s).map((x) => x.command),
      });
      if (!p) return;
      const steps = describeSteps(p.steps, this.secrets).join('; ');
      const detail = `proposed playbook ${p.id} (disabled until you enable it) for ${p.when.key}: ${steps}`;
      await this.supervisor.noteOnIncident(inc.id, 'playbook-proposed', detail);
      this.bus.emit({
        type: 'known-fix',
        phase: 'playbook-proposed',
        incidentId: inc.id,
        rung: `playbook:${p.id}`,
        detail,
        at: new Date(this.clock.now()).toISOString(),
      });
    } catch (err) {
      await this.supervisor.noteOnIncident(
        inc.id,
        'note',
        `could not learn a playbook from the doctor's transcript: ${(err as Error).message}`,
      );
    }
  }

  /** The config guard's Revert: the last-known-good copy back, the edit kept beside it; the gateway untouched. */
  revertConfig(): Promise<Result<string>> {
    return this.guard.revert();
  }

  /** Undoes a known fix's change (the config as it was, the version before a rollback). */
  undoFix(incidentId: string, recordId: string): Promise<Result<string>> {
    return this.knownFixes.undo(incidentId, recordId);
  }

  checkNow(): Promise<GatewayCheck> {
    return this.supervisor.checkNow();
  }

  /** The setup as checked last (at start, after a settings change), or checked again now with `fresh`. */
  preflight(opts: { fresh: boolean } = { fresh: false }): Promise<PreflightReport> {
    if (!this.lastPreflight || opts.fresh) this.refreshPreflight();
    return this.lastPreflight!;
  }

  private refreshPreflight(): void {
    const n = ++this.preflightRuns;
    this.lastPreflight = (async () => {
      const report = await runPreflight({
        settings: this.resolved,
        settingsFile: this.settingsFile,
        settingsProblems: this.problems,
        env: this.opts.env ?? process.env,
        // Native notifications exist where the shell shows them (the app), not in the CLI.
        native: this.opts.onNotification ? this.resolved.notify.native : null,
        warnings: await this.settingsWarnings().catch(() => []),
        now: () => this.clock.now(),
      });
      // Only the newest run speaks: an older one may finish after it, with settings since replaced.
      if (n === this.preflightRuns) this.bus.emit({ type: 'preflight', report });
      return report;
    })();
  }

  restartNow(): Promise<Result> {
    return this.supervisor.restartNow();
  }

  /** Runs a doctor session now and resolves when it ends (the CLI waits; UIs need not). */
  async runDoctor(opts: { force: boolean } = { force: false }): Promise<Result<DoctorOutcome>> {
    return this.supervisor.startDoctor(opts);
  }

  /** Starts a doctor session without waiting for it: UIs get an answer at once; progress arrives as events. */
  async startDoctor(): Promise<Result> {
    if (!this.doctor) return { ok: false, message: 'The doctor is not available in this build.' };
    if (this.doctor.current()) return { ok: false, message: 'A doctor session is already running.' };
    const busy = this.supervisor.busyWith;
    if (busy)
      return {
        ok: false,
        message:
          `A ${busy === 'doctor' ? 'doctor session' : 'restart'} is already running; ` +
          'wait for it to finish or stop it first.',
      };
    // Probe first: a healthy gateway needs no agent (and no agent should be told it is down).
    const check = await this.supervisor.checkNow();
    if (check.condition === 'healthy' || check.condition === 'degraded') {
      return {
        ok: false,
        message: `The gateway answers ${check.condition} (${check.health.detail}), so no doctor session was started.`,
      };
    }
    // UIs get an answer at once; progress arrives as events.
    void this.supervisor.startDoctor({ force: false }).catch((err: unknown) => {
      process.emitWarning(`ClawMedic: doctor session failed: ${(err as Error).message}`);
    });
    return { ok: true, value: undefined };
  }

  stopDoctor(): Promise<Result> {
    return Promise.resolve(this.supervisor.stopDoctor());
  }

  /** The permission prompt the doctor's agent waits at, with an id that changes whenever the prompt does. */
  async pendingPrompt(): Promise<PendingPrompt | null> {
    const live = this.doctor?.current();
    if (!live?.needsApproval || !this.doctor?.pendingPrompt) return null;
    const p = await this.doctor.pendingPrompt();
    if (!p) return null;
    const shown = [live.sessionName, p.request, p.question, ...p.options.map((o) => `${o.key}.${o.label}`)].join('\n');
    const hash = createHash('sha256').update(shown).digest('hex').slice(0, 12);
    return { ...p, id: `${this.approvalEpisode}-${hash}`, incidentId: live.incidentId, deadline: live.deadline };
  }

  async answerPrompt(promptId: string, answer: 'approve' | 'deny'): Promise<Result> {
    const doctor = this.doctor;
    if (!doctor) return { ok: false, message: 'No doctor session is running.' };
    if (this.answering) return { ok: false, message: 'An answer to this prompt is being given already.' };
    this.answering = true;
    try {
      const p = await this.pendingPrompt();
      const refuse = (message: string): Result => ({ ok: false, message });
      if (!p) return refuse('No permission prompt is waiting any more: it was answered, or the session ended.');
      if (p.id !== promptId) return refuse('Another prompt shows now, so nothing was pressed: see the newest message.');
      const key = answer === 'approve' ? p.approveKey : p.denyKey;
      if (!key) return refuse('This prompt has no plain "Yes" choice: answer it in the live terminal.');
      // The same path as a person: take over the keyboard, press the key, hand back (unless a person
      // at the keyboard had taken over already: then their session stays theirs).
      const already = doctor.current()?.takenOver ?? false;
      if (!already) {
        const t = await doctor.takeOver();
        if (!t.ok) return t;
      }
      try {
        if (!doctor.input(key)) {
          return refuse('The key could not be passed on: the session ended or was handed back meanwhile.');
        }
        const deadline = Date.now() + PROMPT_ANSWER_WAIT_MS;
        for (;;) {
          const now = await this.pendingPrompt();
          if (!now || now.id !== promptId) return { ok: true, value: undefined };
          if (Date.now() > deadline) {
            const s = PROMPT_ANSWER_WAIT_MS / 1000;
            return refuse(`The key was sent, but the prompt still shows after ${s} s: answer it in the live terminal.`);
          }
          await new Promise((r) => setTimeout(r, PROMPT_ANSWER_POLL_MS));
        }
      } finally {
        if (!already) await doctor.handBack();
      }
    } finally {
      this.answering = false;
    }
  }

  /** The newest gateway log's last lines, readable and redacted (for "Last 30 lines"). */
  async gatewayLogTail(lines: number): Promise<string> {
    const files = await resolveLogPaths(this.resolved.gateway.logPaths);
    const patterns = this.resolved.gateway.logPaths.join(', ') || 'none';
    if (!files.length) return `No gateway log found (gateway.logPaths: ${patterns})`;
    let newest = files[0]!;
    let newestMs = -1;
    for (const f of files) {
      const ms = await fsp.stat(f).then(
        (st) => st.mtimeMs,
        () => -1,
      );
      if (ms > newestMs) {
        newest = f;
        newestMs = ms;
      }
    }
    // 24 KB from the end: 30 JSON log lines are a few KB; long stack traces still fit.
    const text = await tailFile(newest, 24_000, lines).catch((err: unknown) => `Unreadable: ${(err as Error).message}`);
    return redact(`${newest}:\n${text.split('\n').map(readableLogLine).join('\n')}`, { secrets: this.secrets });
  }

  pause(minutes: number | null): void {
    this.supervisor.pause(minutes);
  }

  resume(): void {
    this.supervisor.resume();
  }

  notifySuspend(): void {
    this.supervisor.notifySuspend();
  }

  notifyResume(): void {
    this.supervisor.notifyResume();
  }

  listIncidents(): Promise<Incident[]> {
    return this.incidents.list();
  }

  /** The record with its report and transcript; the transcript is raw pane output, so it is redacted here. */
  async getIncident(id: string): Promise<IncidentDetail | null> {
    const d = await readIncidentDetail(this.incidents, id);
    if (!d) return null;
    const opts = { secrets: this.secrets };
    return {
      incident: d.incident,
      report: d.report && redact(d.report, opts),
      transcript: d.transcript && redact(d.transcript, opts),
    };
  }

  async getSettings(): Promise<SettingsView> {
    return {
      file: this.settingsFile,
      settings: structuredClone(this.raw),
      problems: this.problems,
      warnings: await this.settingsWarnings(),
      templateVariables: { ...TEMPLATE_VARIABLES },
      defaultPromptTemplate: this.doctor?.defaultTemplate() ?? '',
    };
  }

  async saveSettings(next: unknown): Promise<Result> {
    const invalid = (problems: SettingsProblem[]): Result => ({
      ok: false,
      message: 'Some settings are invalid; nothing was saved.',
      problems,
    });
    const r = validateSettings(next);
    if (!r.ok) return invalid(r.problems);
    try {
      await this.source.save(next);
    } catch (err) {
      if (err instanceof SettingsError) return invalid(err.problems);
      return { ok: false, message: `Could not save ${this.settingsFile}: ${(err as Error).message}` };
    }
    this.apply(r.settings);
    return { ok: true, value: undefined };
  }

  previewBrief(template: string): Promise<Result<string>> {
    if (!this.doctor) return Promise.resolve({ ok: false, message: 'The doctor is not available in this build.' });
    return Promise.resolve(this.doctor.preview(template, this.resolved));
  }

  async testNotification(channel: string): Promise<Result> {
    const results = await this.testChannels(channel || undefined);
    if (results.length === 0)
      return {
        ok: false,
        message: channel
          ? `No notification channel named "${channel}".`
          : 'No notification channels are configured (notify.channels).',
      };
    const failed = results.filter((r) => !r.ok);
    if (failed.length) return { ok: false, message: failed.map((r) => `${r.channel}: ${r.detail}`).join('\n') };
    return { ok: true, value: undefined };
  }

  /**
   * Sends a test message to one channel or all; for `clawmedic notify test`. A Telegram channel on
   * OpenClaw's own bot fails the test even when the message arrived: ClawMedic needs a bot of its own.
   */
  async testChannels(channel?: string) {
    const results = await this.notifier.test(channel);
    const tokens = await this.gatewayTokens();
    for (const r of results) {
      const ch = this.resolved.notify.channels.find((c) => channelLabel(c) === r.channel && c.type === 'telegram');
      const problem = ch ? sharedTokenProblem(ch.token, tokens) : null;
      if (problem) Object.assign(r, { ok: false, detail: `${r.detail}, but ${problem}` });
    }
    return results;
  }

  /** Settings that are valid but will cause trouble (a Telegram bot shared with OpenClaw). */
  private async settingsWarnings(): Promise<{ path: string; message: string }[]> {
    const tokens = await this.gatewayTokens().catch(() => null);
    if (!tokens) return [];
    const out: { path: string; message: string }[] = [];
    this.resolved.notify.channels.forEach((c, i) => {
      const problem = c.type === 'telegram' ? sharedTokenProblem(c.token, tokens) : null;
      const path = `notify.channels.${i}.token`;
      if (problem) out.push({ path, message: problem[0]!.toUpperCase() + problem.slice(1) });
    });
    return out;
  }

  private gatewayTokens() {
    return gatewayTelegramTokens(this.resolved.gateway.configPath, this.opts.env ?? process.env);
  }

  get terminal(): LiveTerminal {
    return this.doctor?.terminal ?? noTerminal;
  }

  takeOver(): Promise<Result> {
    return this.doctor
      ? this.doctor.takeOver()
      : Promise.resolve({ ok: false, message: 'No doctor session is running.' });
  }

  handBack(): Promise<Result> {
    return this.doctor
      ? this.doctor.handBack()
      : Promise.resolve({ ok: false, message: 'No doctor session is running.' });
  }

  terminalInput(data: string): boolean {
    return this.doctor?.input(data) ?? false;
  }

  terminalResize(cols: number, rows: number): void {
    this.doctor?.resize(cols, rows);
  }

  async stop(reason: string): Promise<void> {
    await this.control?.close();
    this.control = null;
    await this.desk.close();
    this.watcher?.close();
    this.watcher = null;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    await this.supervisor.stop(reason);
    this.prober.close();
    // A last-known-good copy being written must finish before the data dir may go away.
    await this.observer.stop();
    await this.guard.stop();
    await this.resources.stop();
    await this.desk.settle();
    killAllSteps();
    // 5 s: enough for a message already in flight; a dead channel must not hold up quitting.
    await this.notifier.drain({ timeoutMs: 5000 });
    await this.statusFile?.writeNow();
    this.releaseWatchLock?.();
    this.releaseWatchLock = null;
  }

  /** For fatal exits where nothing can be awaited. */
  interruptSync(reason: string): void {
    this.doctor?.interruptSync?.();
    this.supervisor.interruptSync(reason);
    killAllSteps();
    this.releaseWatchLock?.();
    this.releaseWatchLock = null;
  }

  /**
   * An incident a crashed watcher left open: what the next start found and did (orphans ended), and — when a
   * doctor had taken a snapshot — whether the gateway config changed since, with the diff.
   */
  private async recordAfterCrash(inc: Incident, cleaned: string[]): Promise<void> {
    const note = (type: string, detail: string) => this.incidents.appendEvent(inc.id, type, detail);
    try {
      for (const c of cleaned) await note('cleanup', c);
      const configPath = this.resolved.gateway.configPath;
      if (!inc.doctor || !configPath) return;
      const snap = path.join(this.incidents.root, inc.id, 'snapshot', path.basename(configPath));
      const [before, after] = await Promise.all([readText(snap), readText(configPath)]);
      if (before === null || before === after) return;
      // `diff` is loaded only when a config really changed: most runs never need it (start-up cost).
      const { createTwoFilesPatch } = await import('diff');
      const diff = createTwoFilesPatch(
        `${configPath} (snapshot)`,
        `${configPath} (now)`,
        before,
        after ?? '',
        undefined,
        undefined,
        {
          context: 2,
        },
      );
      await note(
        'config-changed',
        `the gateway config changed after the snapshot, while no watcher supervised:\n${diff}`,
      );
    } catch (err) {
      // A record we cannot add is not worth failing the start for; the incident is already closed.
      process.emitWarning(`ClawMedic: could not complete the record of incident ${inc.id}: ${(err as Error).message}`);
    }
  }

  /** Secrets found in the gateway's config: scrubbed from notifications, context files, the dashboard. */
  gatewaySecrets(): string[] {
    return this.secrets;
  }

  private async refreshSecrets(): Promise<void> {
    try {
      this.secrets = this.resolved.gateway.configPath ? await gatewaySecrets(this.resolved.gateway.configPath) : [];
    } catch (err) {
      // An unreadable gateway config has no secrets we could know; the pattern-based redaction still applies.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        process.emitWarning(`ClawMedic: could not read gateway secrets: ${(err as Error).message}`);
    }
  }

  private apply(settings: Settings): void {
    const before = this.resolved.dataDir;
    this.raw = settings;
    this.resolved = resolvePaths(settings);
    this.problems = [];
    void this.refreshSecrets();
    void this.desk.reconcile();
    if (this.resolved.dataDir !== before) {
      process.emitWarning(`ClawMedic: dataDir changed to ${this.resolved.dataDir}; it takes effect at the next start.`);
      this.resolved.dataDir = before;
    }
    this.bus.emit({ type: 'settings-changed' });
    if (this.started) this.refreshPreflight();
    // The guard follows gateway.configPath and guard.config.
    if (this.started) void this.guard.start();
  }

  private watchSettingsFile(): void {
    // Watch the folder, not the file: editors replace files by rename, which ends a file watch.
    const dir = path.dirname(this.settingsFile);
    const base = path.basename(this.settingsFile);
    try {
      this.watcher = watch(dir, (_ev, name) => {
        if (name !== base) return;
        if (this.reloadTimer) clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => void this.reload(), SETTINGS_RELOAD_DEBOUNCE_MS);
      });
      this.watcher.on('error', () => {
        // The folder vanished: keep running on the current settings; a restart picks up a new file.
        this.watcher?.close();
      });
    } catch {
      // No folder yet (defaults in use): nothing to watch until the user creates one and restarts.
    }
  }

  private async reload(): Promise<void> {
    try {
      const { settings } = await this.source.load();
      this.apply(settings);
    } catch (err) {
      if (err instanceof SettingsError) {
        this.problems = err.problems;
        this.bus.emit({ type: 'settings-invalid', file: this.settingsFile, problems: err.problems });
        this.refreshPreflight();
      } else {
        process.emitWarning(`ClawMedic: could not reload settings: ${(err as Error).message}`);
      }
    }
  }
}
