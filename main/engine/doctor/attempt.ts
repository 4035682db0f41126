// One agent's turn at the repair: start-up screens, sending the brief, then waiting for a verdict
// from deterministic signals (our probe, the agent's hooks, the pane's state). Driven by what the
// screen says and by events, never by fixed sleeps: every wait is "until X, at most T".
import type { DoctorPhase } from '../../../common/contract.js';
import type { AgentLaunch, AgentSignal } from '../agents/profiles.js';
import { classifyScreen, pasteVisible } from '../agents/screens.js';
import type { Clock } from '../../../common/clock.js';
import type { AgentProfile } from '../../../common/settings-schema.js';
import type { Tmux } from '../tmux/tmux.js';
import { parseResultLine, type ResultLine } from './brief.js';

export interface DoctorTiming {
  /** Probe cadence while a doctor runs: 1 s, so a fix is noticed within a second or two (the seed polled every 30 s). */
  probeMs: number;
  /** Consecutive healthy probes that count as "healthy and stable": 2, so one lucky answer mid-restart is not success. */
  healthyStreak: number;
  /** Screen reads while driving start-up dialogs: 150 ms, well under the ~0.5 s a dialog takes to react. */
  screenPollMs: number;
  /** Screen reads while the agent works: 1 s (permission prompts and quota texts; hooks wake us sooner). */
  workPollMs: number;
  /** Launch until the brief is submitted: the real CLI needs 2-5 s; 60 s covers a cold, loaded Mac. */
  launchTimeoutMs: number;
  /** Paste until the box shows it: Claude Code shows it within ~0.1 s; 5 s is generous. */
  pasteShowMs: number;
  /** Enter until submission is confirmed, per try: the hook fires in well under 1 s. */
  submitConfirmMs: number;
  /** Enter presses before giving up (the first can be lost right after start-up). */
  submitTries: number;
  /** Healthy but the agent still working: wait this long for its report before ending (20 s). */
  reportGraceMs: number;
  /** Agent finished but the gateway still down: it may be restarting it (the real gateway needs 11-21 s, 46 s seen under load). */
  stopGraceMs: number;
  /**
   * A dialog must look the same for this long before we press a key on it: Claude Code 2.1.330
   * redraws its trust dialog with the default selection ("No, exit") once the terminal has answered
   * its capability queries, within ~100 ms of first drawing it; a key pressed before that is undone
   * and the next Enter would quit. 400 ms is four times that, and costs under a second per dialog.
   */
  dialogSettleMs: number;
  /** Trust-dialog key presses before giving up (the dialog has two or three options). */
  maxDialogKeys: number;
  cols: number;
  rows: number;
}

/** Up to 10 × 50 ms for tmux to reap a dead agent and record its exit status (it takes a few ms). */
const EXIT_STATUS_TRIES = 10;
const EXIT_STATUS_POLL_MS = 50;

export const DEFAULT_TIMING: DoctorTiming = {
  probeMs: 1000,
  healthyStreak: 2,
  screenPollMs: 150,
  workPollMs: 1000,
  launchTimeoutMs: 60_000,
  pasteShowMs: 5000,
  submitConfirmMs: 3000,
  submitTries: 3,
  dialogSettleMs: 400,
  reportGraceMs: 20_000,
  stopGraceMs: 60_000,
  maxDialogKeys: 8,
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
}

export type AttemptEndKind = 'recovered' | 'failed' | 'fallback' | 'timeout' | 'cancelled';

export interface AttemptEnd {
  kind: AttemptEndKind;
  detail: string;
}

export interface AttemptContext {
  tmux: Tmux;
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
  setNeedsApproval: (v: boolean) => void;
}

const lastLines = (screen: string, n = 8) =>
  screen
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(-n)
    .join(' | ');

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
    return `donePattern /${pattern}/ matches the recovery brief itself, so the echoed brief would look like "done"; choose a phrase the brief does not contain`;
  }
  return null;
}

/** Lines on screen that are not part of the echoed brief (wrapped pieces of brief lines included). */
export function linesNotFromBrief(screen: string, brief: string): string[] {
  const flat = brief.replace(/\s+/g, ' ');
  // Echoes carry a prompt glyph or quote mark in front ("> ", "❯ ", "│ "): compare without it.
  const bare = (l: string) => l.replace(/^[^\p{L}\p{N}]+/u, '').replace(/\s+/g, ' ').trim();
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
      return { kind: 'timeout', detail: `the gateway was not healthy within the doctor's time limit (doctor.timeoutSec = ${this.c.timeoutSec} s)` };
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
   * One loop from launch to a confirmed submission. Each read of the screen decides one action:
   * answer a dialog (one key, then re-read to see where the selection is), paste once the input
   * box is ready, press Enter once the paste shows, press it again if no confirmation comes.
   * Dialogs can appear at any point (2.1.330 asks about --add-dir folders after the first one).
   */
  private async startUp(): Promise<AttemptEnd | null> {
    const t = this.c.timing;
    const claude = this.c.profile.kind === 'claude';
    const launchDeadline = this.now() + t.launchTimeoutMs;
    let state: 'launch' | 'pasted' | 'entered' = 'launch';
    let dialogKeys = 0;
    let dialogEnterAt = 0;
    let lastScreen = '';
    let screenSince = this.now();
    let stableReads = 0;
    let pastes = 0;
    let pastedAt = 0;
    let enters = 0;
    let enteredAt = 0;
    for (;;) {
      const stop = this.stopReason();
      if (stop) return stop;
      for (const s of this.takeSignals()) {
        if (s.type === 'prompt-submitted' && state === 'entered') return this.confirmed("confirmed by the agent's UserPromptSubmit hook");
        if (s.type === 'failure') return { kind: 'fallback', detail: `${this.c.profileName} failed to start: ${s.reason}` };
      }
      let pane = await this.c.tmux.pane(this.c.session);
      let screen = await this.screen();
      // tmux marks a pane dead when its terminal closes and learns the exit status only once it has
      // reaped the process: give it a moment (bounded) so the message can say how the agent ended.
      for (let i = 0; pane?.dead && pane.exitStatus == null && i < EXIT_STATUS_TRIES; i++) {
        await new Promise((r) => setTimeout(r, EXIT_STATUS_POLL_MS));
        pane = await this.c.tmux.pane(this.c.session);
      }
      if (!pane || pane.dead) {
        // tmux scrolls a dead pane's last output into history when it prints "Pane is dead"; on a busy
        // machine that output can land a moment after the pane is marked dead (bounded wait, as above).
        for (let i = 0; i <= EXIT_STATUS_TRIES; i++) {
          screen = await this.c.tmux.capture(this.c.session, { history: true }).catch(() => screen);
          screen = screen.replace(/^Pane is dead.*$/m, '');
          if (screen.trim() || !pane) break;
          await new Promise((r) => setTimeout(r, EXIT_STATUS_POLL_MS));
        }
        const why = classifyScreen(screen).human;
        return {
          kind: 'fallback',
          detail: `${this.c.profileName} exited during start-up${pane?.exitStatus != null ? ` (exit ${pane.exitStatus})` : ''}${why ? `: ${why}` : ''}; its last screen: ${lastLines(screen || lastScreen) || '(empty)'}`,
        };
      }
      const f = classifyScreen(screen);
      if (f.human) return { kind: 'fallback', detail: `${this.c.profileName} needs a person: ${f.human}` };
      if (f.quota) return { kind: 'fallback', detail: `${this.c.profileName} cannot work: ${f.quota}` };
      const stable = screen === lastScreen;
      if (!stable) screenSince = this.now();
      lastScreen = screen;

      if (f.trust) {
        stableReads = 0;
        if (this.now() - screenSince < t.dialogSettleMs) {
          // Still drawing (or just redrawn): act only on a settled dialog.
        } else if (f.trust.selectedIndex === f.trust.yesIndex) {
          // Enter again only if the dialog is still up well after the last Enter.
          if (this.now() - dialogEnterAt > t.submitConfirmMs) {
            await this.c.tmux.sendKeys(this.c.session, ['Enter']);
            dialogEnterAt = this.now();
            this.c.note('doctor-trust-answered', `answered a workspace-trust prompt (${f.trust.layout} layout) with "${f.trust.yesLabel}"`);
          }
        } else if (f.trust.selectedIndex < 0) {
          // No ❯ drawn yet (the dialog is still rendering): wait for it rather than press blind.
        } else {
          if (++dialogKeys > t.maxDialogKeys) {
            return { kind: 'fallback', detail: `could not move a trust prompt's selection to its "Yes" choice; last screen: ${lastLines(screen)}` };
          }
          // One key per read: the next read verifies where the ❯ is before anything else is pressed.
          const key = f.trust.selectedIndex > f.trust.yesIndex ? 'Up' : 'Down';
          await this.c.tmux.sendKeys(this.c.session, [key]);
        }
      } else if (state === 'launch') {
        const ready = claude ? f.inputReady : screen.trim().length > 0 && stable && !f.permission;
        stableReads = ready ? stableReads + 1 : 0;
        // Claude Code: its input box is enough. Others: the screen must hold still for two reads.
        if (stableReads >= (claude ? 1 : 2) && this.c.canPaste()) {
          await this.c.tmux.paste(this.c.session, this.c.brief);
          pastes++;
          pastedAt = this.now();
          state = 'pasted';
        }
      } else if (state === 'pasted') {
        const shown = pasteVisible(screen, this.c.brief);
        // Agents that do not echo a paste give us nothing to wait for: Enter after the wait.
        if (shown || (!claude && this.now() - pastedAt > t.pasteShowMs)) {
          // Enter in its own call: sent together with the text it is lost for long prompts.
          await this.c.tmux.sendKeys(this.c.session, ['Enter']);
          enters++;
          enteredAt = this.now();
          state = 'entered';
        } else if (this.now() - pastedAt > t.pasteShowMs) {
          if (pastes >= 2 || !f.inputReady) {
            return { kind: 'fallback', detail: `the brief never appeared in ${this.c.profileName}'s input box; last screen: ${lastLines(screen)}` };
          }
          // The paste was lost (sent while the box was not ready yet): the box is empty, paste again.
          await this.c.tmux.paste(this.c.session, this.c.brief);
          pastes++;
          pastedAt = this.now();
        }
      } else {
        if (claude && f.busy) return this.confirmed("confirmed by the agent's busy indicator");
        if (!claude && (!this.c.launch.hooks || !pasteVisible(screen, this.c.brief))) {
          return this.confirmed(this.c.launch.hooks ? 'the input box cleared' : 'sent (this agent gives no confirmation)');
        }
        if (this.now() - enteredAt > t.submitConfirmMs) {
          if (enters >= t.submitTries) {
            return { kind: 'fallback', detail: `${this.c.profileName} did not accept the brief after ${t.submitTries} Enter presses; last screen: ${lastLines(screen)}` };
          }
          this.c.note('doctor-submit-retry', `Enter #${enters} was not confirmed within ${t.submitConfirmMs / 1000} s; pressing it again`);
          await this.c.tmux.sendKeys(this.c.session, ['Enter']);
          enters++;
          enteredAt = this.now();
        }
      }
      if (this.now() > launchDeadline) {
        return { kind: 'fallback', detail: `${this.c.profileName} did not take the brief within ${t.launchTimeoutMs / 1000} s; last screen: ${lastLines(screen) || '(empty)'}` };
      }
      await this.wait(t.screenPollMs);
    }
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
            this.lastMessage = s.lastMessage ?? this.lastMessage;
            if (s.transcriptPath) this.agentTranscript = s.transcriptPath;
            this.result = parseResultLine(s.lastMessage) ?? this.result;
            this.c.phase('agent-stopped', `${this.c.profileName} finished its turn${this.result ? ` (${this.result.status}: ${this.result.summary})` : ''}`);
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
          this.c.note('doctor-gateway-healthy', 'the gateway answers its health check again (ClawMedic probe); waiting for the agent to finish its report');
        }
        if (agentStoppedAt !== null || exitedAt !== null || this.now() - healthySince >= t.reportGraceMs) return this.recovered();
      } else healthySince = null;

      // The screen: permission prompts, quota texts, exit, and (generic agents) done pattern / idleness.
      if (this.now() - lastScreenAt >= t.workPollMs) {
        lastScreenAt = this.now();
        const pane = await this.c.tmux.pane(this.c.session);
        const screen = await this.screen();
        if (!pane || pane.dead) exitedAt ??= this.now();
        const f = classifyScreen(screen);
        lastBusy = f.busy && !f.permission;
        if (f.permission) this.setApproval(true, 'a permission prompt is showing');
        else if (this.needsApproval && ++this.approvalClearReads >= 2) this.setApproval(false);
        if (f.quota && !this.c.takenOver()) return { kind: 'fallback', detail: `${this.c.profileName} cannot continue: ${f.quota}` };
        if (screen !== lastScreen) {
          lastScreen = screen;
          screenChangedAt = this.now();
        }
        if (generic && agentStoppedAt === null) {
          if (doneRe && linesNotFromBrief(screen, this.c.brief).some((l) => doneRe.test(l))) {
            agentStoppedAt = this.now();
            stopWhy = `it printed a line matching donePattern /${this.c.profile.donePattern}/`;
            this.result = parseResultLine(linesNotFromBrief(screen, this.c.brief).join('\n')) ?? this.result;
            this.c.phase('agent-stopped', `${this.c.profileName} says it is done (${stopWhy})`);
          } else if (!f.permission && !this.needsApproval && this.now() - screenChangedAt >= this.c.profile.idleSec * 1000) {
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
          const claim = this.result ? ` It reported "${this.result.status}": ${this.result.summary}` : this.lastMessage ? ` Its last words: ${this.lastMessage.slice(0, 200)}` : '';
          const what = exitedAt !== null ? `${this.c.profileName} exited` : `${this.c.profileName} finished (${stopWhy})`;
          return { kind: 'failed', detail: `${what}, but the gateway is still down after ${t.stopGraceMs / 1000} s more (${this.c.probe.lastDetail()}).${claim}` };
        }
      }
      await this.wait(Math.min(t.workPollMs, t.probeMs));
    }
  }

  private setApproval(on: boolean, why = ''): void {
    this.approvalClearReads = 0;
    if (on === this.needsApproval) return;
    this.needsApproval = on;
    this.c.setNeedsApproval(on);
    if (on) this.c.phase('needs-approval', `${this.c.profileName} is waiting for a person to approve an action (${why}); open the live terminal to answer it`);
    else this.c.phase('approval-resolved', 'the permission prompt was answered');
  }

  private recovered(): AttemptEnd {
    const by = this.c.takenOver() ? 'after a person took over' : `by ${this.c.profileName}`;
    return { kind: 'recovered', detail: `the gateway is healthy again (ClawMedic's own probe), fixed ${by}${this.result ? `: ${this.result.summary}` : ''}` };
  }
}
