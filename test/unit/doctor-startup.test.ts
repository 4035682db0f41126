// The start-up step function with plain data: screens as text (the real Claude Code layouts, as in
// agents-screens.test.ts), hook signals as values, time from a fake clock. Nothing runs, nothing sleeps.
import { describe, expect, it } from 'vitest';
import type { AgentSignal } from '../../main/engine/agents/profiles.js';
import {
  DEAD_PANE_POLL_MS,
  DEAD_PANE_WAIT_MS,
  DEFAULT_STARTUP_TIMING,
  startupState,
  startupStep,
  type StartupAction,
  type StartupConfig,
  type StartupScreen,
  type StartupState,
} from '../../main/engine/doctor/startup.js';
import {
  API_KEY,
  addDir,
  BRIEF,
  box,
  BUSY,
  LOGIN,
  ONBOARDING,
  PASTED,
  QUOTA,
  trust197,
  trust330,
} from '../helpers/claude-screens.js';
import { FakeClock } from '../helpers/fake-clock.js';

const T = DEFAULT_STARTUP_TIMING;
const RUNNING = { dead: false, exitStatus: null };

// ---- driving the step function ------------------------------------------------------------------

const claude = (over: Partial<StartupConfig> = {}): StartupConfig => ({
  agent: 'claude',
  command: 'claude',
  claude: true,
  hooks: true,
  brief: BRIEF,
  timing: T,
  ...over,
});
const generic = (over: Partial<StartupConfig> = {}): StartupConfig =>
  claude({ agent: 'aider', command: 'aider', claude: false, hooks: false, ...over });

interface ReadOpts {
  hooks?: AgentSignal[];
  briefReady?: boolean;
}

/** The driver's part, with plain data: feed reads, let fake time pass between them. */
class Run {
  readonly clock = new FakeClock();
  readonly t0 = this.clock.now();
  state: StartupState;
  /** Every action returned, with the screen it was decided on. */
  readonly log: { text: string; action: StartupAction }[] = [];

  constructor(readonly cfg: StartupConfig = claude()) {
    this.state = startupState(this.clock.now(), cfg.timing);
  }

  read(screen: string | StartupScreen, o: ReadOpts = {}): StartupAction {
    const s = typeof screen === 'string' ? { pane: RUNNING, text: screen } : screen;
    const signals = { hooks: o.hooks ?? [], briefReady: o.briefReady ?? true };
    const r = startupStep(this.cfg, this.state, s, signals, this.clock.now());
    this.state = r.state;
    this.log.push({ text: s.text, action: r.action });
    return r.action;
  }

  /** Lets time pass until the action's next read (what the driver waits for). */
  after(a: StartupAction): void {
    if ('until' in a) this.clock.advance(Math.max(0, a.until - this.clock.now()));
  }

  /** Reads the same screen at every poll until the step does something other than wait. */
  until(screen: string | StartupScreen, o: ReadOpts = {}): StartupAction {
    for (let i = 0; i < 10_000; i++) {
      const a = this.read(screen, o);
      if (a.kind !== 'wait') return a;
      this.after(a);
    }
    throw new Error('the step never acted');
  }

  keys(): string[] {
    return this.log.flatMap((e) => (e.action.kind === 'press' ? [e.action.key] : []));
  }

  elapsed(): number {
    return this.clock.now() - this.t0;
  }
}

const press = (key: string) => expect.objectContaining({ kind: 'press', key }) as unknown;
const giveUp = (detail: string | RegExp) => ({
  kind: 'give-up',
  detail: typeof detail === 'string' ? detail : (expect.stringMatching(detail) as unknown),
});

// ---- trust prompts ------------------------------------------------------------------------------

describe('trust prompt, 2.1.197 layout (numbered, "Yes" first and selected)', () => {
  it('waits for the dialog to hold still, then answers it with one Enter and notes it', () => {
    const r = new Run();
    expect(r.read(trust197())).toEqual({ kind: 'wait', until: r.clock.now() + T.screenPollMs });
    const a = r.until(trust197());
    expect(a).toEqual({
      kind: 'press',
      key: 'Enter',
      until: r.clock.now() + T.screenPollMs,
      note: {
        type: 'doctor-trust-answered',
        detail: 'answered a workspace-trust prompt (numbered layout) with "Yes, I trust this folder"',
      },
    });
    expect(r.elapsed()).toBeGreaterThanOrEqual(T.dialogSettleMs);
    expect(r.keys()).toEqual(['Enter']);
  });

  it('does not press Enter again while the answered dialog is still on its way out', () => {
    const r = new Run();
    const enter = r.until(trust197());
    const enteredAt = r.clock.now();
    r.after(enter);
    for (; r.clock.now() - enteredAt <= T.dialogRepeatMs;) r.after(r.read(trust197()));
    expect(r.keys()).toEqual(['Enter']);
  });

  it('presses Enter again when the dialog is still up dialogRepeatMs after the first (a lost Enter)', () => {
    const r = new Run();
    const enter = r.until(trust197());
    const enteredAt = r.clock.now();
    r.after(enter);
    expect(r.until(trust197())).toEqual(press('Enter'));
    expect(r.clock.now() - enteredAt).toBeGreaterThan(T.dialogRepeatMs);
    expect(r.keys()).toEqual(['Enter', 'Enter']);
  });

  it('takes dialogRepeatMs from the timing, independent of submitConfirmMs', () => {
    const r = new Run(claude({ timing: { ...T, dialogRepeatMs: 1000, submitConfirmMs: 9000 } }));
    const enter = r.until(trust197());
    const enteredAt = r.clock.now();
    r.after(enter);
    expect(r.until(trust197())).toEqual(press('Enter'));
    const gap = r.clock.now() - enteredAt;
    expect(gap).toBeGreaterThan(1000);
    expect(gap).toBeLessThan(T.dialogRepeatMs);
  });

  it('moves a selection that sits below "Yes" up, not down', () => {
    const r = new Run();
    expect(r.until(trust197('no'))).toEqual(press('Up'));
  });
});

describe('trust prompt, 2.1.330 layout (unnumbered, "No, exit" first and selected)', () => {
  it('never presses Enter on "No, exit": Down first, Enter once "Yes" is selected and settled', () => {
    const r = new Run();
    expect(r.until(trust330('no'))).toEqual({ kind: 'press', key: 'Down', until: r.clock.now() + T.screenPollMs });
    r.after(r.log.at(-1)!.action);
    // The selection moved: a new screen, which must settle before the Enter.
    expect(r.read(trust330('yes')).kind).toBe('wait');
    const a = r.until(trust330('yes'));
    const detail = expect.stringContaining('(unnumbered layout) with "Yes, I trust this folder"') as unknown;
    expect(a).toMatchObject({ kind: 'press', key: 'Enter', note: { detail } });
    expect(r.keys()).toEqual(['Down', 'Enter']);
  });

  it('copes with the selection snapping back to "No, exit" (the redraw ~100 ms after the first draw)', () => {
    const r = new Run();
    r.after(r.read(trust330('no')));
    // Our Down landed before the redraw and was undone: the screen shows "Yes" briefly, then "No" again.
    r.after(r.read(trust330('yes')));
    r.after(r.read(trust330('no')));
    // Each change restarts the settle wait; only a settled "No" gets a key, and it is Down again.
    expect(r.keys()).toEqual([]);
    expect(r.until(trust330('no'))).toEqual(press('Down'));
    r.after(r.log.at(-1)!.action);
    expect(r.until(trust330('yes'))).toEqual(press('Enter'));
    // No Enter was ever decided on a screen with "No, exit" selected.
    const enters = r.log.filter((e) => e.action.kind === 'press' && e.action.key === 'Enter');
    expect(enters.map((e) => e.text)).toEqual([trust330('yes')]);
  });

  it('waits while no selection is drawn yet, however long, instead of pressing blind', () => {
    const r = new Run();
    for (let i = 0; i < 40; i++) r.after(r.read(trust330(null)));
    expect(r.elapsed()).toBeGreaterThan(T.dialogSettleMs * 10);
    expect(r.keys()).toEqual([]);
  });

  it('gives up when the selection will not reach "Yes" (after maxDialogKeys keys), saying what it saw', () => {
    const r = new Run();
    let a: StartupAction = { kind: 'wait', until: 0 };
    for (let i = 0; i < 100 && a.kind !== 'give-up'; i++) {
      a = r.read(trust330('no'));
      r.after(a);
    }
    expect(r.keys()).toEqual(Array(T.maxDialogKeys).fill('Down'));
    expect(a).toEqual(
      giveUp(
        new RegExp(
          '^could not move a trust prompt\'s selection to its "Yes" choice; ' +
            "start `claude` in the doctor's work folder and answer the prompt yourself, then retry; " +
            'last screen: .*No, exit',
        ),
      ),
    );
  });
});

describe('--add-dir dialogs (2.1.330: "No, exit" / "Yes, add it")', () => {
  it('answers one after the trust prompt, then goes on to paste', () => {
    const r = new Run();
    r.after(r.until(trust197()));
    expect(r.until(addDir('no'))).toEqual(press('Down'));
    r.after(r.log.at(-1)!.action);
    const a = r.until(addDir('yes'));
    const note = { type: 'doctor-trust-answered', detail: expect.stringContaining('"Yes, add it"') as unknown };
    expect(a).toMatchObject({ kind: 'press', key: 'Enter', note });
    r.after(a);
    expect(r.until(box())).toEqual({ kind: 'paste', until: r.clock.now() + T.screenPollMs });
  });

  it('answers a following dialog once it has settled, not after a fixed 3 s gate', () => {
    const r = new Run();
    const trustEnter = r.until(trust197());
    const trustAt = r.clock.now();
    r.after(trustEnter);
    // A different dialog on "Yes": the Enter before it was taken (the screen changed); it is answered
    // as soon as it has held still for dialogSettleMs.
    expect(r.until(addDir('yes'))).toEqual(press('Enter'));
    const gap = r.clock.now() - trustAt;
    expect(gap).toBeGreaterThanOrEqual(T.dialogSettleMs);
    expect(gap).toBeLessThanOrEqual(T.dialogSettleMs + 2 * T.screenPollMs);
    expect(gap).toBeLessThan(T.dialogRepeatMs);
  });

  it('gives the same unchanged dialog a second Enter only once the first is overdue: 3 s, or measured', () => {
    // Nothing measured yet: the default gate.
    const r = new Run();
    r.after(r.until(trust197()));
    const at1 = r.clock.now();
    expect(r.until(trust197())).toEqual(press('Enter'));
    expect(r.clock.now() - at1).toBeGreaterThan(T.dialogRepeatMs - T.screenPollMs);
    // A session that saw its first dialog go 200 ms after the Enter waits 3 × 200 ms on a stuck second one.
    const m = new Run();
    m.after(m.until(trust197()));
    m.clock.advance(200 - T.screenPollMs);
    m.after(m.read(addDir('yes')));
    expect(m.state.dialogReactMs).toBe(200);
    m.after(m.until(addDir('yes')));
    const at2 = m.clock.now();
    expect(m.until(addDir('yes'))).toEqual(press('Enter'));
    const gate = m.clock.now() - at2;
    expect(gate).toBeGreaterThan(3 * 200 - T.screenPollMs);
    expect(gate).toBeLessThanOrEqual(3 * 200 + 2 * T.screenPollMs);
  });

  it('answers one drawn over the input box after the paste, and keeps the paste', () => {
    const r = new Run();
    r.after(r.until(box()));
    expect(r.state.phase).toMatchObject({ name: 'pasted', pastes: 1 });
    expect(r.until(addDir('no', PASTED))).toEqual(press('Down'));
    r.after(r.log.at(-1)!.action);
    r.after(r.until(addDir('yes', PASTED)));
    // Back to the box, which shows the paste: Enter, with no second paste.
    expect(r.until(PASTED)).toEqual(press('Enter'));
    expect(r.log.filter((e) => e.action.kind === 'paste')).toHaveLength(1);
  });

  it('answers one that appears after Enter, then still waits for the confirmation', () => {
    const r = new Run();
    r.after(r.until(box()));
    r.after(r.until(PASTED));
    expect(r.state.phase).toMatchObject({ name: 'entered', enters: 1 });
    r.after(r.until(addDir('yes', PASTED)));
    expect(r.keys()).toEqual(['Enter', 'Enter']);
    expect(r.state.phase).toMatchObject({ name: 'entered', enters: 1 });
    expect(r.read(BUSY)).toEqual({ kind: 'submitted', how: "confirmed by the agent's busy indicator" });
  });
});

// ---- screens for a person, quota, failures ----------------------------------------------------------

describe('screens only a person can answer: fail fast, press nothing', () => {
  it.each([
    ['the API-key question', API_KEY, /claude needs a person: .*API key.*approve the key, then retry/],
    ['a login screen', LOGIN, /claude needs a person: Claude Code is not logged in\. Run `claude` in a terminal/],
    ['first-run setup', ONBOARDING, /claude needs a person: .*first-run setup.*Run `claude` once in a terminal/],
  ])('%s', (_name, screen, detail) => {
    const r = new Run();
    expect(r.read(screen)).toEqual({ kind: 'give-up', detail: expect.stringMatching(detail) as unknown });
    expect(r.keys()).toEqual([]);
    expect(r.elapsed()).toBe(0);
  });

  it('even in the middle of a dialog sequence', () => {
    const r = new Run();
    r.after(r.until(trust197()));
    expect(r.read(API_KEY).kind).toBe('give-up');
  });

  it('a quota text ends the attempt: the agent cannot work', () => {
    const r = new Run();
    expect(r.read(QUOTA)).toEqual(giveUp("claude cannot work: You've hit your limit · resets 1am (UTC)"));
  });

  it("a StopFailure hook (the agent's own failure report) ends it at once", () => {
    const r = new Run();
    expect(r.read(box(), { hooks: [{ type: 'session-start' }, { type: 'failure', reason: 'rate_limit' }] })).toEqual({
      kind: 'give-up',
      detail: 'claude failed to start: rate_limit; start `claude` in a terminal to see the full error',
    });
  });
});

// ---- paste, Enter, confirmation ---------------------------------------------------------------------

describe('paste → box shows it → Enter → confirmation', () => {
  it('pastes only once the files the brief points at are written', () => {
    const r = new Run();
    for (let i = 0; i < 5; i++) r.after(r.read(box(), { briefReady: false }));
    expect(r.log.every((e) => e.action.kind === 'wait')).toBe(true);
    expect(r.read(box(), { briefReady: true })).toEqual({ kind: 'paste', until: r.clock.now() + T.screenPollMs });
  });

  it('does not paste before the input box is there', () => {
    const r = new Run();
    for (const text of ['', 'Claude Code v2.1.197', 'Tips for getting started:']) {
      expect(r.read(text).kind).toBe('wait');
    }
  });

  it('presses Enter in its own action once the box shows the paste, never together with it', () => {
    const r = new Run();
    expect(r.read(box()).kind).toBe('paste');
    r.after(r.log.at(-1)!.action);
    // The box has not redrawn yet: wait for it, do not press Enter blind.
    expect(r.read(box()).kind).toBe('wait');
    expect(r.read(PASTED)).toEqual({ kind: 'press', key: 'Enter', until: r.clock.now() + T.screenPollMs });
  });

  it('is confirmed by the UserPromptSubmit hook, even before the screen shows anything', () => {
    const r = new Run();
    r.after(r.until(box()));
    r.after(r.until(PASTED));
    expect(r.read(PASTED, { hooks: [{ type: 'prompt-submitted' }] })).toEqual({
      kind: 'submitted',
      how: "confirmed by the agent's UserPromptSubmit hook",
    });
  });

  it('does not count a UserPromptSubmit before our Enter (someone else typed)', () => {
    const r = new Run();
    r.after(r.until(box()));
    expect(r.read(box(), { hooks: [{ type: 'prompt-submitted' }] }).kind).toBe('wait');
  });

  it('is confirmed by "esc to interrupt" on screen', () => {
    const r = new Run();
    r.after(r.until(box()));
    r.after(r.until(PASTED));
    expect(r.read(BUSY)).toEqual({ kind: 'submitted', how: "confirmed by the agent's busy indicator" });
  });

  it('presses Enter again when a confirmation does not come, then gives up after submitTries', () => {
    const r = new Run();
    r.after(r.until(box()));
    const first = r.until(PASTED);
    expect(first).toEqual(press('Enter'));
    r.after(first);
    const retry = r.until(PASTED);
    expect(retry).toMatchObject({
      kind: 'press',
      key: 'Enter',
      note: {
        type: 'doctor-submit-retry',
        detail: `Enter #1 was not confirmed within ${T.submitConfirmMs / 1000} s; pressing it again`,
      },
    });
    r.after(retry);
    r.after(r.until(PASTED));
    const end = r.until(PASTED);
    expect(r.keys()).toEqual(Array(T.submitTries).fill('Enter'));
    const tries = `${T.submitTries} Enter presses`;
    const todo = 'check that `claude`, run in a terminal, takes a prompt on Enter';
    const detail = new RegExp(`^claude did not accept the brief after ${tries}; ${todo}; last screen: .*Pasted text`);
    expect(end).toEqual(giveUp(detail));
  });

  it('a confirmation after a retried Enter still counts', () => {
    const r = new Run();
    r.after(r.until(box()));
    r.after(r.until(PASTED));
    r.after(r.until(PASTED));
    expect(r.read(BUSY).kind).toBe('submitted');
  });

  it('pastes again once when the first paste was lost (the box stayed empty), then gives up', () => {
    const r = new Run();
    r.after(r.until(box()));
    const again = r.until(box());
    expect(again.kind).toBe('paste');
    expect(r.state.phase).toMatchObject({ name: 'pasted', pastes: 2 });
    r.after(again);
    const todo = 'check that `claude`, run in a terminal, accepts pasted text';
    const detail = new RegExp(`^the brief never appeared in claude's input box; ${todo}; last`);
    expect(r.until(box())).toEqual(giveUp(detail));
  });

  it('gives up on a paste that never shows when the box is gone (no second paste into nothing)', () => {
    const r = new Run();
    r.after(r.until(box()));
    const detail = expect.stringMatching(/never appeared/) as unknown;
    expect(r.until('Loading…')).toMatchObject({ kind: 'give-up', detail });
    expect(r.log.filter((e) => e.action.kind === 'paste')).toHaveLength(1);
  });
});

// ---- generic agents ---------------------------------------------------------------------------------

describe('a generic agent (no input box of its own, maybe no hooks)', () => {
  it('pastes once the screen has held still for two reads', () => {
    const r = new Run(generic());
    expect(r.read('> ').kind).toBe('wait');
    expect(r.read('> ').kind).toBe('wait');
    expect(r.read('> ').kind).toBe('paste');
  });

  it('a changing screen, an empty one or a permission prompt is not ready', () => {
    const r = new Run(generic());
    const prompt = 'Do you want to proceed?';
    for (const text of ['', '', 'loading 1', 'loading 2', prompt, prompt, prompt]) {
      r.after(r.read(text));
    }
    expect(r.log.every((e) => e.action.kind === 'wait')).toBe(true);
  });

  it('presses Enter once its echo of the brief shows, and counts it as sent (no confirmation to wait for)', () => {
    const r = new Run(generic());
    r.after(r.until('> '));
    const echo = `> ${BRIEF.replace(/\n/g, '\n> ')}`;
    expect(r.read(echo)).toEqual(press('Enter'));
    expect(r.read(echo)).toEqual({ kind: 'submitted', how: 'sent (this agent gives no confirmation)' });
  });

  it('presses Enter after pasteShowMs when it does not echo pastes', () => {
    const r = new Run(generic());
    const paste = r.until('> ');
    const pastedAt = r.clock.now();
    r.after(paste);
    expect(r.until('> ')).toEqual(press('Enter'));
    expect(r.clock.now() - pastedAt).toBeGreaterThan(T.pasteShowMs);
  });

  it('with hooks: sent once the echo has left the input line', () => {
    const r = new Run(generic({ hooks: true }));
    r.after(r.until('> '));
    const echo = `> ${BRIEF.split('\n')[0]}`;
    r.after(r.read(echo));
    expect(r.read(echo).kind).toBe('wait');
    expect(r.read('> ')).toEqual({ kind: 'submitted', how: 'the input box cleared' });
  });
});

// ---- an agent that exits, and the launch timeout -------------------------------------------------------

const dead = (text: string, exitStatus: number | null): StartupScreen => ({ pane: { dead: true, exitStatus }, text });

// Codex CLI 0.171.0 (measured in tmux): trust prompt in a git folder, composer "›", the brief echoed in
// the transcript after Enter while the composer shows its placeholder again.
const codex = (over: Partial<StartupConfig> = {}): StartupConfig =>
  claude({ agent: 'codex', command: 'codex', claude: false, codex: true, ...over });
const CODEX_FOOTER = '\n\n  gpt-5 default · /tmp/inc/work\n  ← for agents · ? for shortcuts';
const codexBox = (composer = 'Ask Codex to do anything', above = '') =>
  `  >_ OpenAI Codex (v0.171.0)\n     /tmp/inc/work\n\n${above}› ${composer}${CODEX_FOOTER}`;
const CODEX_TRUST =
  '  Folder access\n\n  /tmp/inc/work\n\n  Trust this folder? Codex can read, edit, and run files here, subject to ' +
  'your permission settings.\n\n› 1. Trust and continue\n  2. Back to Agent Command Center\n\n' +
  '  enter continue · esc back';
const briefAsTyped = BRIEF.split('\n').join('\n  ');
const CODEX_PASTED = codexBox(briefAsTyped);
const CODEX_TAKEN = codexBox('Ask Codex to do anything', `› ${briefAsTyped}\n\n• Working (0s • esc to interrupt)\n\n`);
const CODEX_DONE = codexBox('Ask Codex to do anything', `› ${briefAsTyped}\n\n• Done.\n\n  Worked for <1s\n\n`);

describe('Codex CLI: its composer, trust prompt and turn-complete notification', () => {
  it('answers the trust prompt with Enter ("Trust and continue" is pre-selected), then pastes', () => {
    const r = new Run(codex());
    expect(r.until(CODEX_TRUST)).toMatchObject({
      kind: 'press',
      key: 'Enter',
      note: { type: 'doctor-trust-answered' },
    });
    r.after(r.log.at(-1)!.action);
    // Two reads of the composer in a row (it shows during the start-up animation already).
    expect(r.read(codexBox()).kind).toBe('wait');
    r.after(r.log.at(-1)!.action);
    expect(r.read(codexBox()).kind).toBe('paste');
  });

  it('presses Enter once the composer shows the paste, and is confirmed when the composer empties', () => {
    const r = new Run(codex());
    r.after(r.until(codexBox()));
    expect(r.until(CODEX_PASTED)).toEqual(press('Enter'));
    r.after(r.log.at(-1)!.action);
    // The composer still holds the brief: Enter has not taken it yet.
    expect(r.read(CODEX_PASTED).kind).toBe('wait');
    expect(r.read(CODEX_DONE)).toEqual({ kind: 'submitted', how: "confirmed by the agent's input box emptying" });
  });

  it('is confirmed by its busy line, or by a turn-complete notification that came before any read', () => {
    const r = new Run(codex());
    r.after(r.until(codexBox()));
    r.after(r.until(CODEX_PASTED));
    expect(r.read(CODEX_TAKEN)).toEqual({ kind: 'submitted', how: "confirmed by the agent's busy indicator" });
    const q = new Run(codex());
    q.after(q.until(codexBox()));
    q.after(q.until(CODEX_PASTED));
    const stop: AgentSignal = { type: 'stop', lastMessage: 'done', transcriptPath: null };
    expect(q.read(CODEX_PASTED, { hooks: [stop] })).toEqual({
      kind: 'submitted',
      how: "confirmed by the agent's turn-complete notification",
    });
  });

  it('a rate limit on its screen ends the attempt', () => {
    const r = new Run(codex());
    const limited = codexBox(
      'Ask Codex to do anything',
      '■ exceeded retry limit, last status: 429 Too Many Requests\n\n',
    );
    expect(r.read(limited)).toEqual(giveUp(/cannot work: exceeded retry limit, last status: 429/));
  });
});

describe('an agent that exits during start-up', () => {
  it('says how it ended and what it last printed ("Pane is dead" left out)', () => {
    const r = new Run();
    const a = r.read(dead('boom: no credentials configured\nPane is dead (status 2, Tue Nov 25 12:00:00 2026)', 2));
    const detail =
      'claude exited during start-up (exit 2); to see why, start `claude` in a terminal; ' +
      'its last screen: boom: no credentials configured';
    expect(a).toEqual(giveUp(detail));
  });

  it('re-reads a dead pane until tmux knows its exit status (bounded)', () => {
    const r = new Run();
    expect(r.read(dead('boom', null))).toEqual({ kind: 'wait', until: r.clock.now() + DEAD_PANE_POLL_MS });
    r.after(r.log.at(-1)!.action);
    const detail = /^claude exited during start-up \(exit 3\); .*its last screen: boom$/;
    expect(r.read(dead('boom', 3))).toEqual(giveUp(detail));
  });

  it('re-reads a dead pane whose last output has not reached the history yet (bounded)', () => {
    const r = new Run();
    r.after(r.read(dead('Pane is dead (status 1)', 1)));
    expect(r.read(dead('Unable to connect to Anthropic services\nPane is dead (status 1)', 1))).toEqual(
      giveUp(
        new RegExp(
          '^claude exited during start-up \\(exit 1\\): Claude Code could not reach Anthropic.*' +
            'Run `claude` once in a terminal.*; its last screen: Unable to connect to Anthropic services$',
        ),
      ),
    );
  });

  it('stops waiting after DEAD_PANE_WAIT_MS and reports what it knows', () => {
    const r = new Run();
    r.after(r.read(box()));
    let a: StartupAction = r.read(dead('', null));
    while (a.kind === 'wait') {
      r.after(a);
      a = r.read(dead('', null));
    }
    expect(r.clock.now() - r.t0).toBeGreaterThanOrEqual(DEAD_PANE_WAIT_MS);
    // Its last screen while alive stands in for the empty one.
    expect(a).toEqual(giveUp(/^claude exited during start-up; to see why, .*; its last screen: ╭─+╮ \| │ ❯/));
  });

  it('a session that is gone altogether is reported at once', () => {
    const r = new Run();
    const detail = /^claude exited during start-up; .*; its last screen: \(empty\)$/;
    expect(r.read({ pane: null, text: '' })).toEqual(giveUp(detail));
  });
});

describe('launch timeout', () => {
  it('gives up when the brief is not taken within launchTimeoutMs, with the last screen', () => {
    const r = new Run();
    const a = r.until('Claude Code v2.1.330\nstarting…');
    expect(r.elapsed()).toBeGreaterThan(T.launchTimeoutMs);
    const detail =
      'claude did not take the brief within 60 s; start `claude` in a terminal to see what it waits for, ' +
      'and finish any setup it asks for; last screen: Claude Code v2.1.330 | starting…';
    expect(a).toEqual(giveUp(detail));
  });

  it('says "(empty)" for a blank screen', () => {
    const r = new Run(claude({ timing: { ...T, launchTimeoutMs: 1000 } }));
    expect(r.until('')).toEqual(giveUp(/^claude did not take the brief within 1 s; .*; last screen: \(empty\)$/));
  });

  it('a confirmation at the last moment still counts', () => {
    const r = new Run();
    r.after(r.until(box()));
    r.after(r.until(PASTED));
    r.clock.advance(T.launchTimeoutMs);
    expect(r.read(BUSY).kind).toBe('submitted');
  });
});

describe('the step is pure', () => {
  it('never changes its inputs, and the same inputs give the same result', () => {
    const cfg = claude();
    const deepFreeze = <X>(x: X): X => {
      if (x && typeof x === 'object') {
        for (const v of Object.values(x)) deepFreeze(v);
        Object.freeze(x);
      }
      return x;
    };
    const state = deepFreeze(startupState(1000, T));
    const sigs = deepFreeze({ hooks: [{ type: 'session-start' as const }], briefReady: true });
    const screen = deepFreeze({ pane: RUNNING, text: box() });
    const a = startupStep(cfg, state, screen, sigs, 2000);
    const b = startupStep(cfg, state, screen, sigs, 2000);
    expect(a).toEqual(b);
    expect(a.action.kind).toBe('paste');
    expect(state).toEqual(startupState(1000, T));
  });
});
