// The engine: settings, incident history, the supervisor (Levels 1-2), the doctor (Level 3) and the
// notifiers (Level 4) wired together behind EngineApi. Plain Node: the CLI, the Electron shell and
// the dashboard are adapters over this.
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type {
  EngineEvent,
  GatewayCheck,
  Incident,
  IncidentDetail,
  Result,
  SettingsView,
  StatusSnapshot,
} from '../../common/contract.js';
import { systemClock, type Clock } from '../../common/clock.js';
import { gatewaySecrets } from './doctor/context.js';
import { Doctor } from './doctor/doctor.js';
import type { DoctorOutcome, DoctorPort } from './doctor/port.js';
import { TEMPLATE_VARIABLES } from '../../common/template.js';
import type { EngineApi, LiveTerminal } from './engine-api.js';
import { EventBus } from './events.js';
import { ensurePrivateDir } from './fsutil.js';
import { IncidentStore } from './incidents/store.js';
import { readIncidentDetail } from './incidents/detail.js';
import { checkGateway } from './probe.js';
import { RateHistory } from './rate-history.js';
import { serveControl, type ControlServer } from './control.js';
import { acquireLock } from './lock.js';
import { redact } from './redact.js';
import { Notifier } from './notify/notifier.js';
import type { Message } from './notify/policy.js';
import { describeStep, killAllSteps, runStep, stepSucceeded } from './restart.js';
import {
  loadSettings,
  resolvePaths,
  saveSettings as writeSettings,
  SettingsError,
  validateSettings,
  type SettingsProblem,
} from './settings/index.js';
import type { Settings } from '../../common/settings-schema.js';
import { StatusFile } from './status-file.js';
import { Supervisor } from './supervisor.js';
import { LastGoodStore } from './knownfix/lastgood.js';
import { HealthyObserver } from './knownfix/observer.js';
import { KnownFixes } from './knownfix/runner.js';
import { KnownFixState } from './knownfix/state.js';
import { ToolPaths } from './tools.js';

/** Editors save in bursts (truncate, write, rename): wait 200 ms for the file to settle before reloading. */
const SETTINGS_RELOAD_DEBOUNCE_MS = 200;

export interface EngineOptions {
  settingsFile: string;
  clock?: Clock;
  /** Builds the doctor once settings are known. Default: the tmux doctor; null: no Level 3. */
  doctorFactory?: ((ctx: { dataDir: string; clock: Clock; env: NodeJS.ProcessEnv }) => DoctorPort | null) | null;
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
  private secrets: string[] = [];
  private knownFixes!: KnownFixes;
  private lastGood!: LastGoodStore;
  private observer!: HealthyObserver;
  private tools!: ToolPaths;

  private constructor(private readonly opts: EngineOptions) {
    this.clock = opts.clock ?? systemClock;
    this.settingsFile = opts.settingsFile;
  }

  static async create(opts: EngineOptions): Promise<Engine> {
    const e = new Engine(opts);
    await e.init();
    return e;
  }

  private async init(): Promise<void> {
    try {
      this.raw = (await loadSettings(this.settingsFile)).settings;
    } catch (err) {
      if (!(err instanceof SettingsError) || this.opts.onInvalidSettings !== 'defaults') throw err;
      this.raw = validateSettings({}).settings;
      this.problems = err.problems;
    }
    this.resolved = resolvePaths(this.raw);
    await ensurePrivateDir(this.resolved.dataDir);
    await this.refreshSecrets();
    this.incidents = new IncidentStore(
      this.resolved.dataDir,
      this.clock,
      (kind, incident, event) => {
        if (kind === 'opened') this.bus.emit({ type: 'incident-opened', incident: structuredClone(incident) });
        else if (kind === 'closed') this.bus.emit({ type: 'incident-closed', incident: structuredClone(incident) });
        else if (event) this.bus.emit({ type: 'incident-event', incidentId: incident.id, event });
      },
      (text) => redact(text, { secrets: this.secrets }),
    );
    const env = this.opts.env ?? process.env;
    const factory =
      this.opts.doctorFactory === undefined
        ? ({ dataDir, clock }: { dataDir: string; clock: Clock }) =>
            new Doctor({ dataDir, clock, env, toolSettings: () => this.resolved.tools })
        : this.opts.doctorFactory;
    this.doctor = factory ? factory({ dataDir: this.resolved.dataDir, clock: this.clock, env }) : null;
    this.notifier = new Notifier({
      getSettings: () => this.resolved,
      clock: this.clock,
      getSecrets: () => this.secrets,
      getStatus: () => this.status(),
      onMessage: this.opts.onNotification,
      onFailure: (f) => {
        const at = new Date(this.clock.now()).toISOString();
        this.bus.emit({ type: 'notification-failed', channel: f.channel, incidentId: f.incidentId, detail: f.detail, at });
        if (f.incidentId) void this.supervisor.noteOnIncident(f.incidentId, 'notification-failed', `${f.channel}: ${f.detail}`);
      },
    });
    this.bus.on((e) => {
      if (e.type === 'state') this.notifier.setPaused(e.state === 'paused');
      this.notifier.handle(e);
    });
    const history = await RateHistory.load(this.resolved.dataDir);
    this.tools = new ToolPaths(env, () => this.resolved.tools);
    const knownFixState = await KnownFixState.load(this.resolved.dataDir);
    this.lastGood = new LastGoodStore(this.resolved.dataDir, () => this.resolved.knownFixes.lastGoodKeep);
    this.knownFixes = new KnownFixes({
      clock: this.clock,
      env,
      openclaw: () => this.tools.path('openclaw'),
      incidents: this.incidents,
      lastGood: this.lastGood,
      state: knownFixState,
      emit: (e) => this.bus.emit(e),
      runCommand: async (command, timeoutSec, signal) => {
        const r = await runStep(command, timeoutSec, { env: this.opts.env, signal });
        return { ...r, ok: stepSucceeded(r), detail: describeStep(r) };
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
    this.bus.on((e) => {
      // Only a running watcher learns (a one-shot CLI command must not leave `openclaw` calls behind).
      if (e.type === 'check' && this.started) void this.observer.onCheck(e.check);
    });
    this.supervisor = new Supervisor({
      clock: this.clock,
      settings: () => this.resolved,
      check: () => this.probeOnce(),
      runStep: (command, timeoutSec, signal) => runStep(command, timeoutSec, { env: this.opts.env, signal }),
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
        const who = lock.holder ? `pid ${lock.holder.pid} on ${lock.holder.hostname}, since ${lock.holder.acquiredAt}` : 'another process';
        throw new EngineBusyError(
          `Another ClawMedic is already watching with data dir ${this.resolved.dataDir} (${who}). ` +
            'Two watchers would both restart the gateway: quit the other one (menu-bar app or `clawmedic watch`), or give this one its own dataDir.',
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
    const cleaned = (await this.doctor?.cleanupOrphans()) ?? [];
    const interrupted = await this.incidents.closeOrphans('ClawMedic stopped (crash, kill or reboot) before this incident ended');
    if (this.opts.watchSettings) this.watchSettingsFile();
    if (this.opts.writeStatus) {
      const sf = StatusFile.in(this.resolved.dataDir, () => this.status());
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
      await sf.writeNow();
    }
    this.supervisor.start();
    return { interrupted, cleaned };
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
    return checkGateway(g.url, g.timeoutSec * 1000, () => this.clock.now());
  }

  status(): StatusSnapshot {
    return {
      ...this.supervisor.snapshotFields(),
      doctor: this.doctor?.current() ?? null,
      gatewayUrl: this.resolved.gateway.url,
      settingsProblems: this.problems,
      pendingFix: this.knownFixes.pending(),
    };
  }

  /** A person's answer to the known fix waiting for one. */
  async answerFix(incidentId: string, recordId: string, approve: boolean): Promise<Result> {
    return this.knownFixes.answer(incidentId, recordId, approve);
  }

  /** Undoes a known fix's change (the config as it was, the version before a rollback). */
  undoFix(incidentId: string, recordId: string): Promise<Result<string>> {
    return this.knownFixes.undo(incidentId, recordId);
  }

  checkNow(): Promise<GatewayCheck> {
    return this.supervisor.checkNow();
  }

  restartNow(): Promise<Result> {
    return this.supervisor.restartNow();
  }

  /** Runs a doctor session now and resolves when it ends (the CLI waits; UIs need not). */
  async runDoctor(): Promise<Result<DoctorOutcome>> {
    return this.supervisor.startDoctor();
  }

  async startDoctor(): Promise<Result> {
    if (!this.doctor) return { ok: false, message: 'The doctor is not available in this build.' };
    if (this.doctor.current()) return { ok: false, message: 'A doctor session is already running.' };
    const busy = this.supervisor.busyWith;
    if (busy) return { ok: false, message: `A ${busy === 'doctor' ? 'doctor session' : 'restart'} is already running; wait for it to finish or stop it first.` };
    // UIs get an answer at once; progress arrives as events.
    void this.supervisor.startDoctor().catch((err: unknown) => {
      process.emitWarning(`ClawMedic: doctor session failed: ${(err as Error).message}`);
    });
    return { ok: true, value: undefined };
  }

  async stopDoctor(): Promise<Result> {
    return this.supervisor.stopDoctor();
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
    return { incident: d.incident, report: d.report && redact(d.report, opts), transcript: d.transcript && redact(d.transcript, opts) };
  }

  async getSettings(): Promise<SettingsView> {
    return {
      file: this.settingsFile,
      settings: structuredClone(this.raw),
      problems: this.problems,
      templateVariables: { ...TEMPLATE_VARIABLES },
      defaultPromptTemplate: this.doctor?.defaultTemplate() ?? '',
    };
  }

  async saveSettings(next: unknown): Promise<Result> {
    const r = validateSettings(next);
    if (!r.ok) return { ok: false, message: 'Some settings are invalid; nothing was saved.', problems: r.problems };
    try {
      await writeSettings(this.settingsFile, next);
    } catch (err) {
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
    const results = await this.notifier.test(channel || undefined);
    if (results.length === 0) return { ok: false, message: channel ? `No notification channel named "${channel}".` : 'No notification channels are configured (notify.channels).' };
    const failed = results.filter((r) => !r.ok);
    if (failed.length) return { ok: false, message: failed.map((r) => `${r.channel}: ${r.detail}`).join('\n') };
    return { ok: true, value: undefined };
  }

  /** Sends a test message to one channel or all; for `clawmedic notify test`. */
  testChannels(channel?: string) {
    return this.notifier.test(channel);
  }

  get terminal(): LiveTerminal {
    return this.doctor?.terminal ?? noTerminal;
  }

  takeOver(): Promise<Result> {
    return this.doctor ? this.doctor.takeOver() : Promise.resolve({ ok: false, message: 'No doctor session is running.' });
  }

  handBack(): Promise<Result> {
    return this.doctor ? this.doctor.handBack() : Promise.resolve({ ok: false, message: 'No doctor session is running.' });
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
    this.watcher?.close();
    this.watcher = null;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    await this.supervisor.stop(reason);
    // A last-known-good copy being written must finish before the data dir may go away.
    await this.observer.stop();
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

  /** Secrets found in the gateway's config: scrubbed from notifications, context files, the dashboard. */
  gatewaySecrets(): string[] {
    return this.secrets;
  }

  private async refreshSecrets(): Promise<void> {
    try {
      this.secrets = this.resolved.gateway.configPath ? await gatewaySecrets(this.resolved.gateway.configPath) : [];
    } catch (err) {
      // An unreadable gateway config has no secrets we could know; the pattern-based redaction still applies.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') process.emitWarning(`ClawMedic: could not read gateway secrets: ${(err as Error).message}`);
    }
  }

  private apply(settings: Settings): void {
    const before = this.resolved.dataDir;
    this.raw = settings;
    this.resolved = resolvePaths(settings);
    this.problems = [];
    void this.refreshSecrets();
    if (this.resolved.dataDir !== before) {
      process.emitWarning(`ClawMedic: dataDir changed to ${this.resolved.dataDir}; it takes effect at the next start.`);
      this.resolved.dataDir = before;
    }
    this.bus.emit({ type: 'settings-changed' });
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
      const { settings } = await loadSettings(this.settingsFile);
      this.apply(settings);
    } catch (err) {
      if (err instanceof SettingsError) {
        this.problems = err.problems;
        this.bus.emit({ type: 'settings-invalid', file: this.settingsFile, problems: err.problems });
      } else {
        process.emitWarning(`ClawMedic: could not reload settings: ${(err as Error).message}`);
      }
    }
  }
}
