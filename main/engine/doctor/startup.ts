// An agent's start-up, from launch to a confirmed submission of the brief, as a pure step function:
// given what the driver just read (the pane and its text), the hook signals since the last step and
// the time, it returns the next state and one action, as data. It presses nothing and never waits:
// the driver (Attempt, attempt.ts) performs the action through tmux and waits through the Clock.
//
// What it copes with (texts measured on the real Claude Code, recognised in agents/screens.ts):
// - workspace-trust prompts in two layouts: 2.1.197 numbered with "Yes" first and selected; 2.1.330
//   unnumbered with "No, exit" first and selected, redrawn with that default ~100 ms after the first
//   draw (a key pressed before the redraw is undone, and the next Enter would quit);
// - 2.1.330's "Yes, add it" dialog per --add-dir folder, which can appear at any point, even over
//   the input box;
// - screens only a person can answer (login, API key, first-run setup) and quota texts: fail fast;
// - the paste/Enter race: text and Enter in one call lose the Enter, and an early Enter can be lost,
//   so paste → wait until the box shows it → Enter → confirm (UserPromptSubmit hook or "esc to
//   interrupt") → Enter again when unconfirmed.
import type { AgentSignal } from '../agents/profiles.js';
import {
  classifyScreen,
  codexComposer,
  codexComposerHoldsBrief,
  pasteVisible,
  type ScreenFacts,
  type TrustPrompt,
} from '../agents/screens.js';

export interface StartupTiming {
  /** Screen reads while driving start-up dialogs: 150 ms, well under the ~0.5 s a dialog takes to react. */
  screenPollMs: number;
  /** Launch until the brief is submitted: the real CLI needs 2-5 s; 60 s covers a cold, loaded Mac. */
  launchTimeoutMs: number;
  /** Paste until the box shows it: Claude Code shows it within ~0.1 s; 5 s is generous. */
  pasteShowMs: number;
  /** Enter until submission is confirmed, per try: the hook fires in well under 1 s. */
  submitConfirmMs: number;
  /** Enter presses before giving up (the first can be lost right after start-up). */
  submitTries: number;
  /**
   * A dialog must look the same for this long before we press a key on it: Claude Code 2.1.330
   * redraws its trust dialog with the default selection ("No, exit") once the terminal has answered
   * its capability queries, within ~100 ms of first drawing it; a key pressed before that is undone
   * and the next Enter would quit. 400 ms is four times that, and costs under a second per dialog.
   */
  dialogSettleMs: number;
  /**
   * The same dialog, unchanged, gets no second Enter for this long after the first: an answered dialog
   * is gone within ~0.5 s (answer → input box ~0.55 s measured on 2.1.197), so one still up 3 s later
   * lost its Enter. The wait is measured where it can be: once this session has seen a dialog go after
   * its Enter, the gate is three times that reaction (at least dialogSettleMs, at most this). A screen
   * that changed after the Enter is not the same dialog: a following one is answered once it has settled.
   */
  dialogRepeatMs: number;
  /** Trust-dialog key presses before giving up (the dialog has two or three options). */
  maxDialogKeys: number;
}

export const DEFAULT_STARTUP_TIMING: StartupTiming = {
  screenPollMs: 150,
  launchTimeoutMs: 60_000,
  pasteShowMs: 5000,
  submitConfirmMs: 3000,
  submitTries: 3,
  dialogSettleMs: 400,
  dialogRepeatMs: 3000,
  maxDialogKeys: 8,
};

/**
 * A dead pane: tmux marks it dead when its terminal closes, learns the exit status only once it has
 * reaped the process (a few ms), and scrolls the last output into history when it prints "Pane is
 * dead" (on a busy machine a moment later). Re-read every 50 ms for at most 3 s, so the message can say how
 * the agent ended and what it last printed: 1 s was once not enough in CI (2 cores, four test projects at once,
 * load about 10). The agent is gone either way; the wait only delays the next profile, and only when tmux has
 * not yet told the exit status or the last screen.
 */
export const DEAD_PANE_POLL_MS = 50;
export const DEAD_PANE_WAIT_MS = 3000;

export interface StartupConfig {
  /** The profile's name, and the command it runs: for messages (what to run by hand to see why). */
  agent: string;
  command: string;
  /** Claude Code (input box, "[Pasted text]" box, busy indicator), or a generic terminal agent. */
  claude: boolean;
  /**
   * Codex CLI: its input box (› composer) says when it is ready, shows the paste, and empties once Enter
   * took it; its notify program's turn-complete also confirms a submission.
   */
  codex?: boolean;
  /** The agent calls our hooks, so a UserPromptSubmit (and nothing on screen) confirms a submission. */
  hooks: boolean;
  brief: string;
  timing: StartupTiming;
}

/** One read of the agent's pane. */
export interface StartupScreen {
  /** null: the session is gone. A dead pane's exitStatus is null until tmux has reaped the agent. */
  pane: { dead: boolean; exitStatus: number | null } | null;
  /** What it shows; for a dead pane, its last output including history. */
  text: string;
}

export interface StartupSignals {
  /** Hook events since the last step, oldest first. */
  hooks: readonly AgentSignal[];
  /** The files the brief points at are written: it may be pasted. */
  briefReady: boolean;
}

export type StartupPhase =
  /** Waiting for the input box; readyReads counts consecutive reads that looked ready. */
  | { readonly name: 'launch'; readonly readyReads: number }
  /** Pasted (pastes times, the last at `at`), waiting for the box to show it. */
  | { readonly name: 'pasted'; readonly pastes: number; readonly at: number }
  /** Enter pressed (enters times, the last at `at`), waiting for a confirmation. */
  | { readonly name: 'entered'; readonly enters: number; readonly at: number };

export interface StartupState {
  readonly phase: StartupPhase;
  /** Launch time + launchTimeoutMs. */
  readonly giveUpAt: number;
  /** The last screen read, and since when the screen has looked like that. */
  readonly lastText: string;
  readonly stillSince: number;
  /** Keys pressed to move dialog selections; when Enter was last pressed on a dialog (null: never). */
  readonly dialogKeys: number;
  readonly dialogEnterAt: number | null;
  /** The screen when Enter was last pressed on a dialog: while it is unchanged, that Enter may be pending. */
  readonly dialogEnterText: string | null;
  /** Measured: Enter on a dialog → the screen changed, in this session (null until seen once). */
  readonly dialogReactMs: number | null;
  /** When the pane was first seen dead (null: running). */
  readonly deadSince: number | null;
}

export type StartupKey = 'Up' | 'Down' | 'Enter';

/** A timeline entry for the incident. */
export interface StartupNote {
  type: string;
  detail: string;
}

export type StartupAction =
  /** Nothing to do yet: read the screen again at `until` (or sooner, when a signal arrives). */
  | { kind: 'wait'; until: number }
  /** Press one key (in its own tmux call), record the note if any, read again at `until`. */
  | { kind: 'press'; key: StartupKey; note?: StartupNote; until: number }
  /** Paste the brief as one bracketed paste, read again at `until`. */
  | { kind: 'paste'; until: number }
  /** The agent took the brief. */
  | { kind: 'submitted'; how: string }
  /** It cannot start or take the brief: try the next agent. */
  | { kind: 'give-up'; detail: string };

export interface StartupStep {
  state: StartupState;
  action: StartupAction;
}

export function startupState(now: number, timing: StartupTiming): StartupState {
  return {
    phase: { name: 'launch', readyReads: 0 },
    giveUpAt: now + timing.launchTimeoutMs,
    lastText: '',
    stillSince: now,
    dialogKeys: 0,
    dialogEnterAt: null,
    dialogEnterText: null,
    dialogReactMs: null,
    deadSince: null,
  };
}

/** The last non-empty lines of a screen, on one line, for messages. */
export const lastLines = (screen: string, n = 8) =>
  screen
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(-n)
    .join(' | ');

const isFinal = (a: StartupAction) => a.kind === 'submitted' || a.kind === 'give-up';
const wait = (state: StartupState, until: number): StartupStep => ({ state, action: { kind: 'wait', until } });
const giveUp = (state: StartupState, detail: string): StartupStep => ({ state, action: { kind: 'give-up', detail } });
const submitted = (state: StartupState, how: string): StartupStep => ({ state, action: { kind: 'submitted', how } });
const press = (state: StartupState, key: StartupKey, until: number, note?: StartupNote): StartupStep => ({
  state,
  action: note ? { kind: 'press', key, note, until } : { kind: 'press', key, until },
});

/**
 * One read, one decision: answer a dialog (one key, then re-read to see where the selection is),
 * paste once the input box is ready, press Enter once the paste shows, press it again if no
 * confirmation comes. Dialogs are handled in every phase, since they can appear at any point.
 */
export function startupStep(
  cfg: StartupConfig,
  state: StartupState,
  screen: StartupScreen,
  signals: StartupSignals,
  now: number,
): StartupStep {
  for (const s of signals.hooks) {
    if (s.type === 'prompt-submitted' && state.phase.name === 'entered') {
      return submitted(state, "confirmed by the agent's UserPromptSubmit hook");
    }
    // A turn that completed was submitted (a fast turn can end between two screen reads).
    if (s.type === 'stop' && state.phase.name === 'entered') {
      return submitted(state, "confirmed by the agent's turn-complete notification");
    }
    if (s.type === 'failure') {
      const todo = `start \`${cfg.command}\` in a terminal to see the full error`;
      return giveUp(state, `${cfg.agent} failed to start: ${s.reason}; ${todo}`);
    }
  }
  if (!screen.pane || screen.pane.dead) return deadPane(cfg, state, screen, now);

  const f = classifyScreen(screen.text);
  if (f.human) return giveUp(state, `${cfg.agent} needs a person: ${f.human}`);
  if (f.quota) return giveUp(state, `${cfg.agent} cannot work: ${f.quota}`);
  const still = screen.text === state.lastText;
  let seen: StartupState = { ...state, lastText: screen.text, stillSince: still ? state.stillSince : now };
  // The first read that differs from the dialog an Enter went to: how long this agent, on this machine,
  // takes to react to a key (the repeat gate of dialog() is based on it).
  if (seen.dialogEnterText !== null && seen.dialogEnterAt !== null && screen.text !== seen.dialogEnterText) {
    seen = { ...seen, dialogEnterText: null, dialogReactMs: seen.dialogReactMs ?? now - seen.dialogEnterAt };
  }
  const step = decide(cfg, seen, f, { text: screen.text, still, briefReady: signals.briefReady }, now);
  if (!isFinal(step.action) && now > state.giveUpAt) {
    const within = `${cfg.timing.launchTimeoutMs / 1000} s`;
    const last = lastLines(screen.text) || '(empty)';
    const todo = `start \`${cfg.command}\` in a terminal to see what it waits for, and finish any setup it asks for`;
    return giveUp(step.state, `${cfg.agent} did not take the brief within ${within}; ${todo}; last screen: ${last}`);
  }
  return step;
}

function decide(
  cfg: StartupConfig,
  state: StartupState,
  f: ScreenFacts,
  read: { text: string; still: boolean; briefReady: boolean },
  now: number,
): StartupStep {
  if (f.trust) return dialog(cfg, state, f.trust, now);
  const until = now + cfg.timing.screenPollMs;
  switch (state.phase.name) {
    case 'launch': {
      const ready = cfg.claude || cfg.codex ? f.inputReady : Boolean(read.text.trim()) && read.still && !f.permission;
      return launch(cfg, state, state.phase, ready && read.briefReady, ready, now, until);
    }
    case 'pasted':
      return pasted(cfg, state, state.phase, read.text, f.inputReady, now, until);
    case 'entered':
      return entered(cfg, state, state.phase, read.text, f.busy, now, until);
  }
}

function deadPane(cfg: StartupConfig, state: StartupState, screen: StartupScreen, now: number): StartupStep {
  const deadSince = state.deadSince ?? now;
  const s: StartupState = { ...state, deadSince };
  const text = screen.text.replace(/^Pane is dead.*$/m, '');
  // A session that is gone has nothing more to tell; a dead pane may, within a moment.
  const unsure = screen.pane !== null && (screen.pane.exitStatus === null || !text.trim());
  if (unsure && now - deadSince < DEAD_PANE_WAIT_MS) return wait(s, now + DEAD_PANE_POLL_MS);
  const status = screen.pane?.exitStatus;
  const how = status != null ? ` (exit ${status})` : '';
  const human = classifyScreen(text).human;
  // A screen we recognise says what to do; otherwise running it by hand shows why.
  const why = human ? `: ${human}` : `; to see why, start \`${cfg.command}\` in a terminal`;
  const last = lastLines(text || state.lastText) || '(empty)';
  return giveUp(s, `${cfg.agent} exited during start-up${how}${why}; its last screen: ${last}`);
}

/** How long an unchanged dialog waits for its Enter to take effect: measured reaction × 3, else the default. */
export function repeatGate(s: StartupState, t: StartupTiming): number {
  if (s.dialogReactMs === null) return t.dialogRepeatMs;
  return Math.min(t.dialogRepeatMs, Math.max(t.dialogSettleMs, 3 * s.dialogReactMs));
}

function dialog(cfg: StartupConfig, state: StartupState, trust: TrustPrompt, now: number): StartupStep {
  const t = cfg.timing;
  // A dialog breaks a run of ready-looking reads.
  const phase = state.phase.name === 'launch' ? { name: 'launch' as const, readyReads: 0 } : state.phase;
  const s: StartupState = { ...state, phase };
  const until = now + t.screenPollMs;
  // Still drawing (or just redrawn): act only on a settled dialog.
  if (now - s.stillSince < t.dialogSettleMs) return wait(s, until);
  if (trust.selectedIndex === trust.yesIndex) {
    // The very dialog the last Enter went to, unchanged: Enter again only once that Enter is overdue.
    if (s.dialogEnterText === s.lastText && s.dialogEnterAt !== null && now - s.dialogEnterAt <= repeatGate(s, t)) {
      return wait(s, until);
    }
    const detail = `answered a workspace-trust prompt (${trust.layout} layout) with "${trust.yesLabel}"`;
    const pressed = { ...s, dialogEnterAt: now, dialogEnterText: s.lastText };
    return press(pressed, 'Enter', until, { type: 'doctor-trust-answered', detail });
  }
  // No ❯ drawn yet (the dialog is still rendering): wait for it rather than press blind.
  if (trust.selectedIndex < 0) return wait(s, until);
  if (s.dialogKeys + 1 > t.maxDialogKeys) {
    const todo = `start \`${cfg.command}\` in the doctor's work folder and answer the prompt yourself, then retry`;
    const last = lastLines(s.lastText);
    return giveUp(s, `could not move a trust prompt's selection to its "Yes" choice; ${todo}; last screen: ${last}`);
  }
  // One key per read: the next read verifies where the ❯ is before anything else is pressed.
  return press({ ...s, dialogKeys: s.dialogKeys + 1 }, trust.selectedIndex > trust.yesIndex ? 'Up' : 'Down', until);
}

function launch(
  cfg: StartupConfig,
  state: StartupState,
  phase: Extract<StartupPhase, { name: 'launch' }>,
  canPaste: boolean,
  ready: boolean,
  now: number,
  until: number,
): StartupStep {
  const readyReads = ready ? phase.readyReads + 1 : 0;
  // Claude Code: its input box is enough. Codex: its box shows during the start-up animation already, so
  // two reads in a row (the box, no dialog over it). Others: the screen must hold still for two reads.
  if (canPaste && readyReads >= (cfg.claude ? 1 : 2)) {
    return { state: { ...state, phase: { name: 'pasted', pastes: 1, at: now } }, action: { kind: 'paste', until } };
  }
  return wait({ ...state, phase: { name: 'launch', readyReads } }, until);
}

function pasted(
  cfg: StartupConfig,
  state: StartupState,
  phase: Extract<StartupPhase, { name: 'pasted' }>,
  text: string,
  inputReady: boolean,
  now: number,
  until: number,
): StartupStep {
  const overdue = now - phase.at > cfg.timing.pasteShowMs;
  // Agents that do not echo a paste give us nothing to wait for: Enter after the wait.
  if (pasteVisible(text, cfg.brief) || (!cfg.claude && !cfg.codex && overdue)) {
    // Enter in its own call: sent together with the text it is lost for long prompts.
    return press({ ...state, phase: { name: 'entered', enters: 1, at: now } }, 'Enter', until);
  }
  if (!overdue) return wait(state, until);
  if (phase.pastes >= 2 || !inputReady) {
    const todo = `check that \`${cfg.command}\`, run in a terminal, accepts pasted text`;
    const last = lastLines(text);
    return giveUp(state, `the brief never appeared in ${cfg.agent}'s input box; ${todo}; last screen: ${last}`);
  }
  // The paste was lost (sent while the box was not ready yet): the box is empty, paste again.
  const next: StartupState = { ...state, phase: { name: 'pasted', pastes: phase.pastes + 1, at: now } };
  return { state: next, action: { kind: 'paste', until } };
}

function entered(
  cfg: StartupConfig,
  state: StartupState,
  phase: Extract<StartupPhase, { name: 'entered' }>,
  text: string,
  busy: boolean,
  now: number,
  until: number,
): StartupStep {
  const t = cfg.timing;
  if ((cfg.claude || cfg.codex) && busy) return submitted(state, "confirmed by the agent's busy indicator");
  if (cfg.codex) {
    // Its transcript keeps showing the brief after Enter, but the composer below it empties.
    if (codexComposer(text) !== null && !codexComposerHoldsBrief(text, cfg.brief)) {
      return submitted(state, "confirmed by the agent's input box emptying");
    }
  } else if (!cfg.claude && (!cfg.hooks || !pasteVisible(text, cfg.brief))) {
    return submitted(state, cfg.hooks ? 'the input box cleared' : 'sent (this agent gives no confirmation)');
  }
  if (now - phase.at <= t.submitConfirmMs) return wait(state, until);
  if (phase.enters >= t.submitTries) {
    const tries = `${t.submitTries} Enter presses`;
    const todo = `check that \`${cfg.command}\`, run in a terminal, takes a prompt on Enter`;
    const last = lastLines(text);
    return giveUp(state, `${cfg.agent} did not accept the brief after ${tries}; ${todo}; last screen: ${last}`);
  }
  const detail = `Enter #${phase.enters} was not confirmed within ${t.submitConfirmMs / 1000} s; pressing it again`;
  const next: StartupState = { ...state, phase: { name: 'entered', enters: phase.enters + 1, at: now } };
  return press(next, 'Enter', until, { type: 'doctor-submit-retry', detail });
}
