// Scenarios that fail with today's shell on a Mac (the Mac issue): the tray waits for the login shell, tmux
// is looked up without the login shell's PATH, a 0644 darwin spawn-helper aborts the doctor, before-quit is
// always prevented (a logout is cancelled), and nothing answers `activate`. Not in the default run until the
// shell fixes land: `npm run test:app:mac-fixes` runs them; then delete the exclude in vitest.config.ts.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { useScenarios } from './harness/fixture.js';
import { iconName, type Scenario } from './harness/scenario.js';
import {
  attachCommand,
  breakGateway,
  engineEvents,
  shows,
  squeezed,
  WAITING_AGENT,
  within,
  WORKING_AGENT,
  WORKING_LINE,
} from './harness/scenario-steps.js';

const start = useScenarios();

/** A doctor that keeps working, reached after one failed restart. */
const DOCTOR = { agentScript: WORKING_AGENT, restartAttempts: 1 };

/**
 * 30 s for the app to be gone once its quit is under way: the shell gives the engine 10 s to stop
 * (ENGINE_STOP_TIMEOUT_MS), and a Mac's logout waits about as long before it gives up on an app.
 */
const QUIT_WITHIN_MS = 30_000;

/** 10 s for a start-up self-check to have finished once the tray shows healthy (it takes milliseconds). */
const SELF_CHECK_WITHIN_MS = 10_000;

/** 5 s for the agent to die once its tmux session is gone (it gets SIGHUP and exits at once). */
const AGENT_GONE_WITHIN_MS = 5_000;

/** Nothing of the doctor left: no session on the app's tmux socket, no agent process. */
async function expectNoDoctorLeft(s: Scenario): Promise<void> {
  expect(await s.env.tmuxSessions(), "tmux sessions left on the app's socket").toEqual([]);
  expect(s.agentPids().length).toBeGreaterThan(0);
  const gone = () => s.agentPids().every((pid) => !s.agentAlive(pid));
  await waitFor('every agent process to be gone', gone, { timeoutMs: AGENT_GONE_WITHIN_MS });
}

/** Opens the live terminal the way a person does while a doctor works: a click on the tray icon. */
async function openLiveTerminal(s: Scenario) {
  const after = s.records.seq;
  await s.app.control.call('clickTray', 'click');
  const w = await s.shownWindow(after);
  expect(await s.route(w.page)).toBe('#/live');
  return w;
}

describe('start-up', () => {
  it('the tray shows "checking" before the login shell answers, then healthy; the late answer is used', async () => {
    const s = await start({ holdLoginShell: true });
    const what = 'the tray icon while the login shell is held';
    const tray = await s.records.next('tray.created', () => true, { what });
    expect(iconName(tray.image)).toBe('checking');
    expect(s.gate.answered, 'the login shell had not answered yet').toBe(0);
    s.gate.release();
    await s.waitTrayIcon('healthy');
    expect(s.trayIcons()).toEqual(['checking', 'healthy']);
    // A restart from the tray runs `openclaw`, which only the login shell's PATH has: the app must use the
    // login shell's answer although it came late (not fall back to a PATH without it).
    const pid = s.gw.pid();
    const after = s.records.seq;
    await s.clickTrayMenu('Restart gateway');
    const ended = () => s.trayIconsAfter(after).includes('restarting') && s.trayIcon() === 'healthy';
    await s.records.until('the restart to end', ended);
    expect(s.records.of('dialog.opened').filter((d) => d.seq > after)).toEqual([]);
    expect(s.gw.pid(), 'the gateway was restarted with `openclaw`, found through the login shell').not.toBe(pid);
  });
});

describe('the doctor on a Mac (tmux, openclaw and the agent only through the login shell)', () => {
  it('restarts fail → the doctor runs in tmux and its output reaches the real page through the preload', async () => {
    const s = await start(DOCTOR);
    await breakGateway(s);
    await s.waitAgent('prompt');
    expect(await s.env.tmuxSessions()).toHaveLength(1);
    const { page, errors } = await openLiveTerminal(s);
    await waitFor("the agent's line in xterm", () => s.terminalShows(page, WORKING_LINE));
    await s.host.screenshot('live-terminal-mac');
    expect(errors).toEqual([]);
  });

  it('take over types into the session from the page; hand back makes it read-only again', async () => {
    const s = await start({ agentScript: WAITING_AGENT, restartAttempts: 1 });
    await breakGateway(s);
    await s.waitAgent('stop');
    const [session] = await s.env.tmuxSessions();
    const inputRow = async () => (await s.env.capturePane(session!)).find((l) => l.startsWith('│ ❯')) ?? null;
    const phase = (p: string) => () => engineEvents(s, 'doctor').filter((e) => e.phase === p).length;
    const { page, errors } = await openLiveTerminal(s);
    const take = page.getByRole('button', { name: 'Take over' });
    const hand = page.getByRole('button', { name: 'Hand back' });
    const pressed = (button: typeof take, v: string) => async () => (await button.getAttribute('aria-pressed')) === v;
    await waitFor('Take over to be enabled', () => take.isEnabled());

    await take.click();
    await waitFor('the engine to hand over the keyboard', () => phase('taken-over')() === 1);
    await waitFor('the page to say so', pressed(hand, 'true'));
    await page.keyboard.type('restore the last good config');
    const typed = '│ ❯ restore the last good config';
    await waitFor('the typed line in the tmux pane', async () => (await inputRow()) === typed);

    await hand.click();
    await waitFor('the engine to take the keyboard back', () => phase('handed-back')() === 1);
    await waitFor('the page to be read-only', pressed(take, 'false'));
    await page.locator('.view-live .xterm').click();
    await page.keyboard.type(' NOT-SENT');
    // Keys travel in order: once a key typed after taking over again shows, the read-only ones would have too.
    await take.click();
    await waitFor('the keyboard again', pressed(hand, 'true'));
    await page.keyboard.type('!');
    await waitFor('the key typed after taking over again', async () => (await inputRow())?.endsWith('!'));
    expect(await inputRow()).toBe(`${typed}!`);
    await page.keyboard.press('Enter');
    await s.waitAgent('prompt', 2);
    expect(s.agentEvents('prompt')[1]!.prompt).toBe('restore the last good config!');
    await hand.click();
    await waitFor('read-only again', pressed(take, 'false'));
    expect(errors).toEqual([]);
  });
});

describe('quitting', () => {
  it('quit while the doctor works asks; "keep running" keeps it, "stop" leaves no session or agent', async () => {
    const s = await start(DOCTOR);
    await breakGateway(s);
    await s.waitAgent('prompt');
    const quit = async (what: string) => {
      const after = s.records.seq;
      await s.clickTrayMenu('Quit ClawMedic');
      return s.records.next('dialog.opened', (d) => d.kind === 'message-box', { after, what });
    };
    const ask = await quit('the quit question');
    expect(ask.message).toMatch(/doctor/i);
    const attached = ask.parent !== null || ask.afterFocus;
    expect(attached, 'a Dock-less app must attach its dialog to a window or come forward first').toBe(true);
    await s.app.control.call(
      'answerDialog',
      ask.dialog,
      ask.buttons.findIndex((b) => /keep/i.test(b)),
    );
    await s.records.next('dialog.answered', (r) => r.dialog === ask.dialog);
    expect(s.app.running).toBe(true);
    expect(await s.env.tmuxSessions()).toHaveLength(1);

    const again = await quit('the quit question again');
    await s.app.control.call(
      'answerDialog',
      again.dialog,
      again.buttons.findIndex((b) => /stop/i.test(b)),
    );
    const exit = await within(s.app.exited, QUIT_WITHIN_MS, 'the app quitting');
    expect(exit.code).toBe(0);
    await expectNoDoctorLeft(s);
  });

  it('the OS shut-down path finishes; the quit the OS drives is not prevented (no cancelled logout)', async () => {
    const s = await start();
    await s.waitTrayIcon('healthy');
    await s.app.control.call('emitPower', 'shutdown');
    s.app.control.notify('osQuit');
    const exit = await within(s.app.exited, QUIT_WITHIN_MS, 'the app quitting for the OS');
    const cancelled = s.records.of('app.quit-cancelled').filter((r) => r.by === 'os');
    expect(cancelled, 'quits the OS asked for and the app cancelled').toEqual([]);
    expect(exit.code).toBe(0);
  });

  it('the OS shut-down path with the doctor at work leaves no session or agent', async () => {
    const s = await start(DOCTOR);
    await breakGateway(s);
    await s.waitAgent('prompt');
    await s.app.control.call('emitPower', 'shutdown');
    s.app.control.notify('osQuit');
    await within(s.app.exited, QUIT_WITHIN_MS, 'the app quitting for the OS');
    expect(s.records.of('app.quit-cancelled').filter((r) => r.by === 'os')).toEqual([]);
    expect(s.records.of('dialog.opened'), 'nobody can answer a dialog at logout').toEqual([]);
    await expectNoDoctorLeft(s);
  });
});

describe('activate (the app opened again from Finder or Spotlight: a Dock-less app\'s "reopen")', () => {
  it('shows the window, also after it was closed', async () => {
    const s = await start();
    await s.waitTrayIcon('healthy');
    let after = s.records.seq;
    await s.app.control.call('emitAppEvent', 'activate', []);
    const first = await s.shownWindow(after);
    expect(await s.route(first.page)).toBe('#/');
    await s.app.control.call('userCloseWindow', first.id);
    after = s.records.seq;
    await s.app.control.call('emitAppEvent', 'activate', []);
    const again = await s.shownWindow(after);
    expect(again.errors).toEqual([]);
  });
});

/** The doctor keeps working without a live view, and the window says why and how to watch instead. */
async function doctorWithoutLiveView(s: Scenario, screenshot: string): Promise<void> {
  await breakGateway(s);
  await s.waitAgent('prompt');
  const [session] = await s.env.tmuxSessions();
  expect(session, "the doctor's tmux session").toBeTruthy();
  const { page } = await openLiveTerminal(s);
  const view = page.locator('.view-live');
  const attach = squeezed(attachCommand(s, session!));
  await waitFor('the attach command in the window', async () => squeezed(await view.innerText()).includes(attach));
  expect(await shows(view, 'live view'), 'the window says the live view is unavailable').toBe(true);
  await s.host.screenshot(screenshot);
  // Still at work: the attempt did not fail for want of a viewer.
  expect(s.trayIcon()).toBe('recovering');
  expect(await s.env.tmuxSessions()).toEqual([session]);
}

describe("node-pty's darwin spawn-helper shipped 0644 (microsoft/node-pty#850)", () => {
  it('packaged: the doctor still runs in tmux; the window says why there is no live view, how to attach', async () => {
    const s = await start({ ...DOCTOR, helperMode: 0o644 });
    await doctorWithoutLiveView(s, 'live-unavailable');
  });

  it("packaged, tools also on the app's PATH (control): the 0644 helper alone does not abort the doctor", async () => {
    const s = await start({ ...DOCTOR, helperMode: 0o644, loginToolsOnAppPath: true });
    await doctorWithoutLiveView(s, 'live-unavailable-control');
  });

  it('not packaged: the start-up self-check makes the helper executable', async () => {
    const s = await start({ packaged: false, helperMode: 0o644 });
    await s.waitTrayIcon('healthy');
    const executable = () => (s.env.helperMode() & 0o111) !== 0;
    await waitFor('the spawn-helper to be executable', executable, { timeoutMs: SELF_CHECK_WITHIN_MS });
  });
});
