// The start-up driver (Attempt) against a modelled Claude Code behind a stand-in tmux, on a fake
// clock: it performs the step function's actions and waits only through the clock, so these tests
// move time by hand and never sleep. (The real TUI in real tmux: test/integration/doctor-session.)
import { describe, expect, it } from 'vitest';
import type { AgentLaunch } from '../../main/engine/agents/profiles.js';
import { Attempt, DEFAULT_TIMING, Waker, type AttemptEnd, type AttemptTmux } from '../../main/engine/doctor/attempt.js';
import type { PaneState } from '../../main/engine/tmux/tmux.js';
import type { AgentProfile } from '../../common/settings-schema.js';
import { API_KEY, addDir, BRIEF, box, BUSY, PASTED, trust330, type Sel } from '../helpers/claude-screens.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** 2.1.330 as measured: a dialog's selection snaps back to "No, exit" this long after it is drawn. */
const SNAP_BACK_MS = 100;

/**
 * Claude Code 2.1.330 reduced to its start-up: the trust prompt and one --add-dir dialog, each with
 * "No, exit" selected and the snap-back; Enter on "No, exit" quits. Then the input box; a paste shows
 * as "[Pasted text]"; Enter submits (UserPromptSubmit through `onSubmit`) and it gets busy.
 */
class Claude330 implements AttemptTmux {
  readonly keys: string[] = [];
  readonly pastes: string[] = [];
  readonly choices: string[] = [];
  screen = '';
  history = '';
  exit: { status: number | null } | null = null;
  onSubmit: () => void = () => {};
  private dialogs: ((sel: Sel) => string)[];
  private sel = 0;

  /** Without dialogs it starts at the input box (a test sets another screen). */
  constructor(
    private readonly clock: FakeClock,
    opts: { dialogs?: boolean } = {},
  ) {
    this.dialogs = opts.dialogs === false ? [] : [trust330, (sel: Sel) => addDir(sel)];
    this.showDialog();
  }

  private showDialog(): void {
    const d = this.dialogs[0];
    if (!d) {
      this.screen = box();
      return;
    }
    this.sel = 0;
    this.screen = d('no');
    this.clock.schedule(SNAP_BACK_MS, () => {
      if (this.dialogs[0] !== d) return;
      this.sel = 0;
      this.screen = d('no');
    });
  }

  pane(): Promise<PaneState | null> {
    return Promise.resolve({
      dead: this.exit !== null,
      exitStatus: this.exit?.status ?? null,
      pid: 4242,
      cols: 160,
      rows: 48,
    });
  }

  capture(_session: string, opts: { history?: boolean } = {}): Promise<string> {
    return Promise.resolve(opts.history ? `${this.history}\n${this.screen}` : this.screen);
  }

  sendKeys(_session: string, keys: string[]): Promise<void> {
    this.press(keys);
    return Promise.resolve();
  }

  private press(keys: string[]): void {
    for (const key of keys) {
      this.keys.push(key);
      const d = this.dialogs[0];
      if (d) {
        if (key === 'Down' || key === 'Up') {
          this.sel = key === 'Down' ? 1 : 0;
          this.screen = d(this.sel ? 'yes' : 'no');
        } else if (key === 'Enter') {
          this.choices.push(this.sel ? 'yes' : 'no');
          if (!this.sel) {
            this.exit = { status: 1 };
            return;
          }
          this.dialogs.shift();
          this.showDialog();
        }
      } else if (key === 'Enter' && this.screen === PASTED) {
        this.screen = BUSY;
        this.onSubmit();
      }
    }
  }

  paste(_session: string, text: string): Promise<void> {
    this.pastes.push(text);
    if (this.screen === box()) this.screen = PASTED;
    return Promise.resolve();
  }
}

const PROFILE: AgentProfile = {
  kind: 'claude',
  command: 'claude',
  args: [],
  env: {},
  permissionMode: 'dontAsk',
  allowedTools: [],
  allowBypass: false,
  donePattern: '',
  idleSec: 120,
};
const LAUNCH: AgentLaunch = {
  argv: ['claude'],
  env: {},
  recorder: null,
  hooks: true,
  warnings: [],
  settingsFile: null,
};

function attempt(clock: FakeClock, tmux: AttemptTmux, ctl = new AbortController()) {
  const notes: { type: string; detail: string }[] = [];
  const phases: { phase: string; detail: string }[] = [];
  const a = new Attempt({
    tmux,
    clock,
    signal: ctl.signal,
    deadlineMs: clock.now() + 600_000,
    timeoutSec: 600,
    timing: DEFAULT_TIMING,
    brief: BRIEF,
    profileName: 'claude',
    profile: PROFILE,
    launch: LAUNCH,
    session: 'clawmedic-test',
    probe: { healthyStreak: () => 0, lastDetail: () => 'down' },
    waker: new Waker(),
    takenOver: () => false,
    canPaste: () => true,
    note: (type, detail) => notes.push({ type, detail }),
    phase: (phase, detail) => {
      phases.push({ phase, detail });
      // Start-up is what is tested here: stop once the brief is in (work() would wait for a verdict).
      if (phase === 'prompt-sent') ctl.abort();
    },
    setNeedsApproval: () => {},
  });
  return { a, notes, phases, ctl };
}

/** Runs the attempt to its end by moving the fake clock; while it runs it must be waiting on the clock. */
async function drive(clock: FakeClock, running: Promise<AttemptEnd>): Promise<AttemptEnd> {
  let end: AttemptEnd | null = null;
  void running.then((e) => (end = e));
  for (let i = 0; i < 10_000; i++) {
    await clock.settle({ allowNoTimers: true });
    if (end) return end;
    // Not done and nothing scheduled on the clock would mean a wait that bypasses it.
    expect(clock.nextAt).not.toBeNull();
    clock.advance(clock.nextAt! - clock.now());
  }
  throw new Error('the attempt never ended');
}

describe('start-up driver (Attempt) on a fake clock', () => {
  it('answers 2.1.330 trust and --add-dir dialogs, pastes, Enter apart, is confirmed by the hook', async () => {
    const clock = new FakeClock();
    const agent = new Claude330(clock);
    const { a, notes, phases } = attempt(clock, agent);
    agent.onSubmit = () => a.push({ type: 'prompt-submitted' });
    const end = await drive(clock, a.run());

    // Submitted, then stopped by the test (see attempt()).
    expect(a.submitted).toBe(true);
    expect(end.kind).toBe('cancelled');
    const detail = "brief sent to claude (confirmed by the agent's UserPromptSubmit hook)";
    expect(phases[0]).toEqual({ phase: 'prompt-sent', detail });
    // Never "No, exit": each Down waited for the snap-back; one Enter per dialog, one for the brief.
    expect(agent.choices).toEqual(['yes', 'yes']);
    expect(agent.exit).toBeNull();
    expect(agent.keys).toEqual(['Down', 'Enter', 'Down', 'Enter', 'Enter']);
    expect(agent.pastes).toEqual([BRIEF]);
    expect(notes.map((n) => n.detail)).toEqual([
      'answered a workspace-trust prompt (unnumbered layout) with "Yes, I trust this folder"',
      'answered a workspace-trust prompt (unnumbered layout) with "Yes, add it"',
    ]);
  });

  it('presses Enter again when the first is lost, and notes the retry', async () => {
    const clock = new FakeClock();
    const agent = new Claude330(clock);
    const { a, notes } = attempt(clock, agent);
    let lost = 1;
    const submit = agent.sendKeys.bind(agent);
    agent.sendKeys = async (s, keys) => {
      if (agent.screen === PASTED && lost-- > 0) return;
      await submit(s, keys);
    };
    agent.onSubmit = () => a.push({ type: 'prompt-submitted' });
    await drive(clock, a.run());
    expect(a.submitted).toBe(true);
    expect(notes.map((n) => n.type)).toContain('doctor-submit-retry');
  });

  it("waits (on the clock) for a dead agent's exit status, then says how it ended", async () => {
    const clock = new FakeClock();
    const agent = new Claude330(clock, { dialogs: false });
    agent.exit = { status: null };
    agent.screen = '';
    agent.history = 'boom: no credentials configured\nPane is dead (status 2)';
    // tmux learns the status a moment later (once it has reaped the process).
    clock.schedule(120, () => (agent.exit = { status: 2 }));
    const { a } = attempt(clock, agent);
    const end = await drive(clock, a.run());
    expect(end).toEqual({
      kind: 'fallback',
      detail:
        'claude exited during start-up (exit 2); to see why, start `claude` in a terminal; ' +
        'its last screen: boom: no credentials configured',
    });
  });

  it('fails fast on the API-key question, pressing nothing', async () => {
    const clock = new FakeClock();
    const agent = new Claude330(clock, { dialogs: false });
    agent.screen = API_KEY;
    const { a } = attempt(clock, agent);
    const end = await drive(clock, a.run());
    const detail = expect.stringMatching(/^claude needs a person: .*API key/) as unknown;
    expect(end).toMatchObject({ kind: 'fallback', detail });
    expect(agent.keys).toEqual([]);
  });

  it('a stop request ends a start-up that is waiting', async () => {
    const clock = new FakeClock();
    const agent = new Claude330(clock, { dialogs: false });
    agent.screen = 'starting…';
    const { a, ctl } = attempt(clock, agent);
    const running = a.run();
    await clock.settle();
    ctl.abort();
    expect(await running).toEqual({ kind: 'cancelled', detail: 'the doctor session was stopped' });
  });
});
