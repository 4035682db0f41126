// The built app (dist/main/shell/main.js: the real engine, preload and renderer) under the stand-in
// Electron, on a Mac-like system (see harness/mac-env.ts), with the stand-in gateway and agent. These
// scenarios pass with today's shell; the ones that need the Mac fixes are in mac-fixes.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { useScenarios } from './harness/fixture.js';
import {
  breakGateway,
  CRASH_ICONS,
  engineEvents,
  incidentIds,
  shows,
  WORKING_AGENT,
  WORKING_LINE,
} from './harness/scenario-steps.js';

const start = useScenarios();

describe('the tray and native notifications', () => {
  it('a gateway crash: checking → restarting → healthy in the tray; "down", then "restarted"', async () => {
    const s = await start();
    await s.waitTrayIcon('healthy');
    const after = s.records.seq;
    await s.gw.fault('crash');
    const restarted = await s.notification(/restarted/, after);
    await s.waitTrayIcon('healthy');
    expect(s.trayIconsAfter(after)).toEqual(CRASH_ICONS);
    const shown = s.records.of('notification.shown').filter((n) => n.seq > after);
    const down = expect.stringMatching(/^OpenClaw gateway is down on /) as unknown;
    expect(shown.map((n) => n.title)).toEqual([down, restarted.title]);
    expect(shown[0]!.body).toMatch(/restarting it/);
  });

  it('clicking the "down" notification opens that incident, under the CSP the app sends', async () => {
    const s = await start();
    await s.waitTrayIcon('healthy');
    const after = s.records.seq;
    await s.gw.fault('crash');
    const down = await s.notification(/is down/, after);
    await s.app.control.call('clickNotification', down.notification);
    const w = await s.shownWindow(after);
    const [id] = incidentIds(s);
    expect(await s.route(w.page)).toBe(`#/incidents/${id}`);
    await waitFor('the incident on the page', () => shows(w.page.locator('.detail-head .mono'), id!));
    await s.waitTrayIcon('healthy');
    await w.page.waitForSelector('.state-pill.tone-ok');
    await waitFor('the incident to read "Recovered"', () => shows(w.page.locator('.detail-head'), 'Recovered'));
    await s.host.screenshot('incident');
    const served = s.host.served.find((r) => r.window === w.id && r.url.endsWith('/index.html'));
    const csp = Object.entries(served?.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-security-policy');
    expect(csp?.[1], "the page was served with the CSP of the app's onHeadersReceived").toMatch(/default-src 'none'/);
    expect(w.errors).toEqual([]);
  });
});

describe('settings from the window', () => {
  it("an invalid save is refused with the engine's problems shown; a valid one reaches the engine", async () => {
    const s = await start();
    await s.waitTrayIcon('healthy');
    const after = s.records.seq;
    await s.clickTrayMenu('Settings…');
    const { page, errors } = await s.shownWindow(after);
    expect(await s.route(page)).toBe('#/settings');
    const before = readFileSync(s.env.settingsFile, 'utf8');
    const field = page.getByLabel('Check every');
    await waitFor('the form to show the saved settings', async () => (await field.inputValue()) === '1');

    // A Telegram channel needs a token: the form lets Save through, the engine refuses over IPC.
    await page.getByLabel('Type of the new channel').selectOption('telegram');
    await page.getByRole('button', { name: 'Add', exact: true }).last().click();
    await page.getByRole('button', { name: 'Save' }).click();
    const tokenError = page.locator('[data-field="notify.channels.0.token"] .field-error');
    await waitFor("the engine's problem at its field", () => shows(tokenError, 'is required for telegram'));
    await s.host.screenshot('settings-refused');
    expect(readFileSync(s.env.settingsFile, 'utf8')).toBe(before);
    expect(engineEvents(s, 'settings-changed')).toEqual([]);

    await page.getByRole('button', { name: 'Revert' }).click();
    await field.fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await waitFor('the engine to announce the change', () => engineEvents(s, 'settings-changed').length > 0);
    const saved = JSON.parse(readFileSync(s.env.settingsFile, 'utf8')) as {
      gateway: { checkIntervalSec: number };
      notify?: { channels?: unknown[] };
    };
    expect(saved.gateway.checkIntervalSec).toBe(2);
    // The refused Telegram channel was reverted, not saved.
    expect(saved.notify?.channels ?? []).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('a second launch', () => {
  it('shows the window (the Overview, with no doctor running)', async () => {
    const s = await start();
    await s.waitTrayIcon('healthy');
    const after = s.records.seq;
    const argv = ['/Applications/ClawMedic.app/Contents/MacOS/ClawMedic'];
    await s.app.control.call('emitAppEvent', 'second-instance', argv);
    const w = await s.shownWindow(after);
    expect(await s.route(w.page)).toBe('#/');
    expect(s.records.of('window.focused').some((r) => r.window === w.id && r.seq > after)).toBe(true);
    expect(w.errors).toEqual([]);
  });
});

describe("the live terminal (control: the tools on the app's own PATH too)", () => {
  // Not a Mac started from Finder: Homebrew's bin is on the app's PATH as well, as when started from a
  // terminal. It shows that the window, preload and IPC carry the doctor's session with today's shell;
  // the Mac version of this scenario is in mac-fixes.test.ts.
  it('restarts fail, the doctor runs in tmux, and its output reaches the real page through the preload', async () => {
    const s = await start({ agentScript: WORKING_AGENT, restartAttempts: 1, loginToolsOnAppPath: true });
    await breakGateway(s);
    await s.waitAgent('prompt');
    const after = s.records.seq;
    // While a doctor works, a click on the icon opens the live terminal.
    await s.app.control.call('clickTray', 'click');
    const { page, errors } = await s.shownWindow(after);
    expect(await s.route(page)).toBe('#/live');
    await waitFor("the agent's line in xterm", () => s.terminalShows(page, WORKING_LINE));
    await waitFor('the session header', () => shows(page.locator('.session-title'), 'Doctor at work'));
    await s.host.screenshot('live-terminal');
    expect(errors).toEqual([]);
  });
});
