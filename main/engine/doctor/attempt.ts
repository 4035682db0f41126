// One agent's turn at the repair: start-up screens, sending the brief, then waiting for a verdict
// from deterministic signals (our probe, the agent's hooks, the pane's state). Driven by what the
// screen says and by events, never by fixed sleeps: every wait is "until X, at most T".
import type { DoctorPhase } from '../../../common/contract.js';
import type { AgentLaunch, AgentSignal } from '../agents/profiles.js';
import { classifyScreen, parsePermissionPrompt } from '../agents/screens.js';
import type { Clock } from '../../../common/clock.js';
import type { AgentProfile } from '../../../common/settings-schema.js';
import type { Tmux } from '../tmux/tmux.js';
import { parseResultLine, type ResultLine } from './brief.js';
import {
  DEFAULT_STARTUP_TIMING,
  startupState,
  startupStep,
  type StartupConfig,
  type StartupScreen,
  type StartupTiming,
} from './startup.js';

/** Start-up timings (screenPollMs, launchTimeoutMs, dialog and submit timings) live in startup.ts. */
export interface DoctorTiming extends StartupTiming {
  /**
   * Probe cadence while a doctor runs: 1 s, so a fix is noticed within a second or two (the seed
   * polled every 30 s).
   */
  probeMs: number;
  /**
   * Cadence of the confirmation probes once the probe saw healthy or the agent's Stop hook fired: 250 ms,
   * so "healthy and stable" is known a quarter second after the first healthy answer (not a whole probe
   * interval later), while a gateway still mid-restart gets a few loopback requests, not a flood.
   */
  confirmMs: number;
  /**
   * Consecutive healthy probes that count as "healthy and stable": 2, so one lucky answer mid-restart
   * is not success.
   */
  healthyStreak: number;
  /** Screen reads while the agent works: 1 s (permission prompts and quota texts; hooks wake us sooner). */
  workPollMs: number;
  /** Healthy but the agent still working: wait this long for its report before ending (20 s). */
  reportGraceMs: number;
  /**
   * Agent finished but the gateway still down: it may be restarting it (the real gateway needs 11-21 s,
   * 46 s seen under load).
   */
  stopGraceMs: number;
  cols: number;
  rows: number;
}

export const DEFAULT_TIMING: DoctorTiming = {
  ...DEFAULT_STARTUP_TIMING,
  probeMs: 1000,
  confirmMs: 250,
  healthyStreak: 2,
  workPollMs: 1000,
  reportGraceMs: 20_000,
  stopGraceMs: 60_000,
  cols: 160,
  rows: 48,
};

/** Wakes a waiting loop early (a hook event or a probe result arrived). */
export class Waker {
  private resolveFn: (() => void) | null = null;
  private pending = false;

  wake(): void {
    const r = this.resolveFn;
    if (r) {
      this.resolveFn = null;
      r();
    } else this.pending = true;
  }

  wait(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        timer.cancel();
        signal.removeEventListener('abort', done);
        this.resolveFn = null;
        resolve();
      };
      const timer = clock.schedule(ms, done);
      signal.addEventListener('abort', done, { once: true });
      this.resolveFn = done;
    });
  }
}

export interface ProbeView {
  healthyStreak(): number;
  lastDetail(): string;
  /** The agent says it finished: probe now and confirm at the fast cadence (health-watch.ts). */
  hint?(): void;
}

export type AttemptEndKind = 'recovered' | 'failed' | 'fallback' | 'timeout' | 'cancelled';

export interface AttemptEnd {
  kind: AttemptEndKind;
  detail: string;
}

/** The tmux calls an attempt makes (tests pass a stand-in). */
export type AttemptTmux = Pick<Tmux, 'pane' | 'capture' | 'sendKeys' | 'paste'>;

export interface AttemptContext {
  tmux: AttemptTmux;
  clock: Clock;
  signal: AbortSignal;
  /** Absolute time (clock ms) of the hard timeout, and the setting it came from (for messages). */
  deadlineMs: number;
  timeoutSec: number;
  timing: DoctorTiming;
  brief: string;
  profileName: string;
  profile: AgentProfile;
  launch: AgentLaunch;
  session: string;
  probe: ProbeView;
  waker: Waker;
  takenOver: () => boolean;
  /** False until the files the brief points at are written. */
  canPaste: () => boolean;
  /** Timeline entry (incident event). */
  note: (type: string, detail: string) => void;
  phase: (phase: DoctorPhase, detail: string) => void;
  /** `request`: what the prompt asks to do, as shown ("Bash command\n\nlsof -i :18789\n…"), when it can be read. */
  setNeedsApproval: (v: boolean, request: string | null) => void;
}

/** Does a generic agent's done pattern occur in the brief itself? Then it would "finish" on its own echo. */
export function donePatternProblem(pattern: string, brief: string): string | null {
  if (!pattern) return 'a generic agent needs donePattern (a line it prints when finished)';
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'm');
  } catch (err) {
    return `donePattern is not a valid regular expression: ${(err as Error).message}`;
  }
  if (re.test(brief) || brief.split('\n').some((l) => re.test(l))) {
    return (
      `donePattern /${pattern}/ matches the recovery brief itself, so the echoed brief would look like "done"; ` +
      'choose a phrase the brief does not contain'
    );
  }
  return null;
}

/** Lines on screen that are not part of the echoed brief (wrapped pieces of brief lines included). */
export function linesNotFromBrief(screen: string, brief: string): string[] {
  const flat = brief.replace(/\s+/g, ' ');
  // Echoes carry a prompt glyph or quote mark in front ("> ", "❯ ", "│ "): compare without it.
  const bare = (l: string) =>
    l
      .replace(/^[^\p{L}\p{N}]+/u, '')
      .replace(/\s+/g, ' ')
      .trim();
  return screen
    .split('\n')
    .map((l) => l.replace(/\u00a0/g, ' ').trim())
    .filter((l) => l && !(bare(l) && flat.includes(bare(l))));
}

export class Attempt {
  readonly signals: AgentSignal[] = [];
  lastMessage: string | null = null;
  result: ResultLine | null = null;
  agentTranscript: string | null = null;
  submitted = false;
  private needsApproval = false;
  private approvalClearReads = 0;

  constructor(private readonly c: AttemptContext) {}

  /** Feeds a hook signal (called by the doctor's hook inbox). */
  push(s: AgentSignal): void {
    this.signals.push(s);
    this.c.waker.wake();
  }

  private now(): number {
    return this.c.clock.now();
  }

  private stopReason(): AttemptEnd | null {
    if (this.c.signal.aborted) return { kind: 'cancelled', detail: 'the doctor session was stopped' };
    if (this.now() >= this.c.deadlineMs) {
      return {
        kind: 'timeout',
        detail:
          "the gateway was not healthy within the doctor's time limit " +
          `(doctor.timeoutSec = ${this.c.timeoutSec} s)`,
      };
    }
    return null;
  }

  private async screen(): Promise<string> {
    try {
      return await this.c.tmux.capture(this.c.session);
    } catch {
      // Session gone: the pane-state check reports it; an empty screen here is harmless.
      return '';
    }
  }

  private async wait(ms: number): Promise<void> {
    await this.c.waker.wait(this.c.clock, Math.max(0, Math.min(ms, this.c.deadlineMs - this.now())), this.c.signal);
  }

  private takeSignals(): AgentSignal[] {
    return this.signals.splice(0);
  }

  async run(): Promise<AttemptEnd> {
    const start = await this.startUp();
    if (start) return start;
    return this.work();
  }

  // ---- start-up: dialogs, paste, Enter ---------------------------------------------------------

  /**
   * Drives startupStep (startup.ts) from launch to a confirmed submission: read the pane, let the
   * step decide, perform its action through tmux, wait through the clock (a hook signal or a probe
   * result ends the wait early). Returns null once the brief is submitted, else how the attempt ended.
   */
  private async startUp(): Promise<AttemptEnd | null> {
    const cfg: StartupConfig = {
      agent: this.c.profileName,
      command: this.c.profile.command,
      claude: this.c.profile.kind === 'claude',
      codex: this.c.profile.kind === 'codex',
      hooks: this.c.launch.hooks,
      brief: this.c.brief,
      timing: this.c.timing,
    };
    let state = startupState(this.now(), this.c.timing);
    for (;;) {
      const stop = this.stopReason();
      if (stop) return stop;
      const hooks = this.takeSignals();
      const screen = await this.observe();
      const step = startupStep(cfg, state, screen, { hooks, briefReady: this.c.canPaste() }, this.now());
      state = step.state;
      const action = step.action;
      switch (action.kind) {
        case 'submitted':
          // What else this read brought (a Stop that came with a fast turn, a permission prompt) is for
          // the working phase: put it back.
          this.signals.unshift(...hooks.filter((h) => h.type !== 'prompt-submitted'));
          return this.confirmed(action.how);
        case 'give-up':
          return { kind: 'fallback', detail: action.detail };
        case 'press':
          // One key per call: Enter sent together with the text is lost for long prompts.
          await this.c.tmux.sendKeys(this.c.session, [action.key]);
          if (action.note) this.c.note(action.note.type, action.note.detail);
          break;
        case 'paste':
          await this.c.tmux.paste(this.c.session, this.c.brief);
          break;
        case 'wait':
          break;
      }
      await this.wait(action.until - this.now());
    }
  }

  /** The pane and its text; for a dead or vanished pane, its last output from history as well. */
  private async observe(): Promise<StartupScreen> {
    const pane = await this.c.tmux.pane(this.c.session);
    let text = await this.screen();
    // tmux scrolls a dead pane's last output into history when it prints "Pane is dead".
    if (!pane || pane.dead) text = await this.c.tmux.capture(this.c.session, { history: true }).catch(() => text);
    return { pane, text };
  }

  private confirmed(how: string): null {
    this.submitted = true;
    this.c.phase('prompt-sent', `brief sent to ${this.c.profileName} (${how})`);
    return null;
  }

  // ---- working: wait for a verdict --------------------------------------------------------------

  private async work(): Promise<AttemptEnd> {
    const t = this.c.timing;
    const generic = this.c.profile.kind === 'generic';
    const doneRe = generic && this.c.profile.donePattern ? new RegExp(this.c.profile.donePattern) : null;
    let agentStoppedAt: number | null = null;
    let stopWhy = '';
    let healthySince: number | null = null;
    let lastScreenAt = 0;
    let lastScreen = '';
    let screenChangedAt = this.now();
    let exitedAt: number | null = null;
    let lastBusy = false;
    for (;;) {
      const stop = this.stopReason();
      if (stop) return stop;
      for (const s of this.takeSignals()) {
        switch (s.type) {
          case 'stop':
            agentStoppedAt = this.now();
            stopWhy = 'its Stop hook fired';
            this.c.probe.hint?.();
            this.lastMessage = s.lastMessage ?? this.lastMessage;
            if (s.transcriptPath) this.agentTranscript = s.transcriptPath;
            this.result = parseResultLine(s.lastMessage) ?? this.result;
            this.c.phase(
              'agent-stopped',
              `${this.c.profileName} finished its turn` +
                (this.result ? ` (${this.result.status}: ${this.result.summary})` : ''),
            );
            this.setApproval(false);
            break;
          case 'prompt-submitted':
            // Someone (a human who took over) sent another prompt: the agent works again.
            agentStoppedAt = null;
            break;
          case 'permission':
            // The hook comes ~6 s after the prompt: if the agent is busy again, it was already answered.
            if (!lastBusy) this.setApproval(true, s.message);
            break;
          case 'failure':
            if (this.c.probe.healthyStreak() >= t.healthyStreak) return this.recovered();
            return { kind: 'fallback', detail: `${this.c.profileName} stopped on an error: ${s.reason}` };
          case 'session-end':
            exitedAt ??= this.now();
            break;
          case 'session-start':
          case 'idle':
          case 'other':
            // Nothing to decide on: the screen and the probe below say more.
            break;
        }
      }

      // Verdict 1: healthy by our own probe, stable.
      if (this.c.probe.healthyStreak() >= t.healthyStreak) {
        if (healthySince === null) {
          healthySince = this.now();
          this.c.note(
            'doctor-gateway-healthy',
            'the gateway answers its health check again (ClawMedic probe); waiting for the agent to finish its report',
          );
        }
        if (agentStoppedAt !== null || exitedAt !== null || this.now() - healthySince >= t.reportGraceMs)
          return this.recovered();
      } else healthySince = null;

      // The screen: permission prompts, quota texts, exit, and (generic agents) done pattern / idleness.
      if (this.now() - lastScreenAt >= t.workPollMs) {
        lastScreenAt = this.now();
        const pane = await this.c.tmux.pane(this.c.session);
        const screen = await this.screen();
        if (!pane || pane.dead) exitedAt ??= this.now();
        const f = classifyScreen(screen);
        lastBusy = f.busy && !f.permission;
        const request = f.permission ? (parsePermissionPrompt(screen)?.request ?? null) : null;
        if (f.permission) this.setApproval(true, 'a permission prompt is showing', request);
        else if (this.needsApproval && ++this.approvalClearReads >= 2) this.setApproval(false);
        if (f.quota && !this.c.takenOver())
          return { kind: 'fallback', detail: `${this.c.profileName} cannot continue: ${f.quota}` };
        if (screen !== lastScreen) {
          lastScreen = screen;
          screenChangedAt = this.now();
        }
        if (generic && agentStoppedAt === null) {
          if (doneRe && linesNotFromBrief(screen, this.c.brief).some((l) => doneRe.test(l))) {
            agentStoppedAt = this.now();
            stopWhy = `it printed a line matching donePattern /${this.c.profile.donePattern}/`;
            this.c.probe.hint?.();
            this.result = parseResultLine(linesNotFromBrief(screen, this.c.brief).join('\n')) ?? this.result;
            this.c.phase('agent-stopped', `${this.c.profileName} says it is done (${stopWhy})`);
          } else if (
            !f.permission &&
            !this.needsApproval &&
            this.now() - screenChangedAt >= this.c.profile.idleSec * 1000
          ) {
            // Idle only counts while no permission prompt shows: a prompt is static too.
            agentStoppedAt = this.now();
            stopWhy = `its screen did not change for ${this.c.profile.idleSec} s`;
            this.c.phase('agent-stopped', `${this.c.profileName} looks finished (${stopWhy})`);
          }
        }
      }

      // Verdict 2: the agent is done (or gone) but the gateway is still down.
      if (!this.c.takenOver()) {
        const endedAt = exitedAt ?? agentStoppedAt;
        if (endedAt !== null && this.now() - endedAt >= t.stopGraceMs) {
          const claim = this.result
            ? ` It reported "${this.result.status}": ${this.result.summary}`
            : this.lastMessage
              ? ` Its last words: ${this.lastMessage.slice(0, 200)}`
              : '';
          const what =
            exitedAt !== null ? `${this.c.profileName} exited` : `${this.c.profileName} finished (${stopWhy})`;
          return {
            kind: 'failed',
            detail:
              `${what}, but the gateway is still down after ${t.stopGraceMs / 1000} s more ` +
              `(${this.c.probe.lastDetail()}).${claim}`,
          };
        }
      }
      await this.wait(Math.min(t.workPollMs, t.probeMs));
    }
  }

  private setApproval(on: boolean, why = '', request: string | null = null): void {
    this.approvalClearReads = 0;
    if (on === this.needsApproval) {
      // The same prompt still showing, or another one right after it: what it asks may have changed.
      if (on) this.c.setNeedsApproval(true, request);
      return;
    }
    this.needsApproval = on;
    this.c.setNeedsApproval(on, on ? request : null);
    if (on)
      this.c.phase(
        'needs-approval',
        `${this.c.profileName} is waiting for a person to approve an action (${why}); ` +
          'open the live terminal to answer it',
      );
    else this.c.phase('approval-resolved', 'the permission prompt was answered');
  }

  private recovered(): AttemptEnd {
    const by = this.c.takenOver() ? 'after a person took over' : `by ${this.c.profileName}`;
    return {
      kind: 'recovered',
      detail:
        `the gateway is healthy again (ClawMedic's own probe), fixed ${by}` +
        (this.result ? `: ${this.result.summary}` : ''),
    };
  }
}
