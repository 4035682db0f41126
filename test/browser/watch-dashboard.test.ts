// Issue 5's "Done means", end to end: the real `clawmedic watch --dashboard` process (compiled, as a user
// runs it) watching the stand-in gateway, its doctor running the stand-in agent in real tmux, and the
// real UI in real Chromium. One watcher serves the tests in order (they share its history): access
// refusals, settings errors, an incident as it happens, a saved prompt that shapes the next brief, the
// live session that outage starts, taking it over; then a read-only watcher for the refusals of input.
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import stripAnsi from 'strip-ansi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { EngineEvent, Incident } from '../../common/contract.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, repoRoot, type WatchProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { launchChromium, liveRows, until } from './helpers.js';
import {
  capturePane,
  doctorSettings,
  incidentDir,
  killTmuxServer,
  paneSize,
  parseAttach,
  readAgentLog,
  startDashboardWatch,
  stopWatch,
  trimBlankTail,
  type DashboardWatch,
  type TmuxTarget,
} from './watch-helpers.js';
import { rawText } from '../helpers/ws.js';

// What the stand-in agent does with every prompt: look, run one command, think, and leave the decision to
// a person. It never repairs the gateway, so the session stays open (the doctor waits for a fix) until
// the test repairs it the way a person at the keyboard would.
const AGENT_LINES = {
  look: 'Reading the context file and the gateway log.',
  decide: 'The config does not parse; leaving the decision to a person.',
};
const SCRIPT = [
  { say: AGENT_LINES.look },
  { run: 'openclaw config validate' },
  { busy: 1500 },
  { say: AGENT_LINES.decide },
];

/** Set to a .png path to keep a screenshot of the live terminal (e.g. /tmp/watch-live.png). */
const SCREENSHOT = process.env.WATCH_DASHBOARD_SCREENSHOT ?? '';

let gw: FakeGateway;
let box: CliSandbox;
let browser: Browser;
let dash: DashboardWatch;
let logDir: string;
let agentLog: string;
const contexts: BrowserContext[] = [];
const watchers: WatchProcess[] = [];
/** Every doctor tmux socket seen, so a failed test cannot leave a session running. */
const sockets = new Set<string>();

beforeAll(async () => {
  for (const built of ['dist/main/cli/index.js', 'dist/renderer/index.html', 'dist/test/fixtures/fake-agent.js']) {
    if (!existsSync(path.join(repoRoot, built)))
      throw new Error(`${built} is missing: run \`npm run build\` first (these tests run the compiled CLI).`);
  }
  logDir = mkdtempSync(path.join(os.tmpdir(), 'cm-watch-dash-'));
  agentLog = path.join(logDir, 'agent.jsonl');
  gw = await startFakeGateway();
  box = new CliSandbox(doctorSettings(gw, SCRIPT, agentLog), gw.env);
  [browser, dash] = await Promise.all([launchChromium(), startDashboardWatch(box, ['--allow-input'])]);
  watchers.push(dash.watcher);
});

afterAll(async () => {
  // Most were closed by their tests already; closing twice only rejects.
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await browser?.close();
  await Promise.all(watchers.map((w) => stopWatch(w)));
  await Promise.all([...sockets].map((sock) => killTmuxServer(sock)));
  await gw?.stop();
  box?.cleanup();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

async function openPage(url: string, hash = ''): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 680 }, reducedMotion: 'reduce' });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  // The printed URL trades its token for a cookie and redirects to `/`; the hash is the view.
  await page.goto(url);
  if (hash) await page.evaluate((h) => (location.hash = h), hash);
  return { page, errors };
}

function nonCheck(w: WatchProcess): EngineEvent[] {
  return w.events.filter((e) => e.type !== 'check');
}

/** The (skip+1)-th event of `type` matching `pred`, waiting for it if it has not been printed yet. */
function nth<T extends EngineEvent['type']>(
  w: WatchProcess,
  type: T,
  pred: (e: Extract<EngineEvent, { type: T }>) => boolean,
  skip: number,
  timeoutMs = 30_000,
) {
  return waitFor(
    `${type} event #${skip + 1} (events so far: ${nonCheck(w)
      .map((e) => e.type)
      .join(', ')}; stderr: ${w.stderr})`,
    () =>
      w.events.filter(
        (e): e is Extract<EngineEvent, { type: T }> => e.type === type && pred(e as Extract<EngineEvent, { type: T }>),
      )[skip],
    { timeoutMs },
  );
}

/** Until the watcher's latest state is `state`. */
function settlesIn(w: WatchProcess, state: string, timeoutMs = 20_000) {
  return waitFor(`state ${state} (states: ${w.states().join(' → ')})`, () => w.states().at(-1) === state, {
    timeoutMs,
  });
}

function countOf<T extends EngineEvent['type']>(
  w: WatchProcess,
  type: T,
  pred: (e: Extract<EngineEvent, { type: T }>) => boolean = () => true,
): number {
  return w.events.filter((e) => e.type === type && pred(e as Extract<EngineEvent, { type: T }>)).length;
}

function agentEvents(ev: string) {
  return readAgentLog(agentLog).filter((e) => e.ev === ev);
}

/** Settings of the watcher's file as bytes and mtime: "not saved" means both unchanged. */
function settingsOnDisk() {
  return { text: readFileSync(box.settingsFile, 'utf8'), mtimeMs: statSync(box.settingsFile).mtimeMs };
}

/** Opens a WebSocket to the dashboard from node with the given headers; resolves how it ended up. */
function wsOutcome(port: number, headers: Record<string, string>): Promise<{ status: number | null; hello: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new NodeWebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? null, hello: null });
      res.resume();
      ws.terminate();
    });
    ws.on('message', (data) => {
      resolve({ status: 101, hello: JSON.parse(rawText(data)) as unknown });
      ws.close();
    });
    ws.on('error', (err) => reject(err));
  });
}

function rawGet(
  port: number,
  pathname: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

describe('access to the real dashboard', () => {
  it('refuses requests without the token, with a wrong one, or for a foreign Host; the printed URL works', async () => {
    const { port, token } = dash;
    const bare = await rawGet(port, '/');
    expect(bare.status).toBe(401);
    expect(bare.body).toContain('Open the full URL');
    expect((await rawGet(port, '/?token=not-the-token')).status).toBe(403);
    expect((await rawGet(port, '/assets/')).status).toBe(401);
    // DNS rebinding: the right token through a foreign name is still refused.
    const rebound = await rawGet(port, `/?token=${token}`, { Host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('DNS-rebinding');
    // The printed URL: token traded for an HttpOnly cookie, then the page.
    const ok = await rawGet(port, `/?token=${token}`);
    expect(ok.status).toBe(303);
    expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('refuses a WebSocket from a foreign Origin even with the token, and one without the token', async () => {
    const { port, token } = dash;
    const own = `http://127.0.0.1:${port}`;
    expect((await wsOutcome(port, { Origin: 'http://evil.example', Authorization: `Bearer ${token}` })).status).toBe(
      403,
    );
    expect(
      (await wsOutcome(port, { Origin: `http://127.0.0.1:${port + 1}`, Authorization: `Bearer ${token}` })).status,
    ).toBe(403);
    expect((await wsOutcome(port, { Origin: own })).status).toBe(401);
    // Control: the same handshake from our own origin with the token is served.
    const served = await wsOutcome(port, { Origin: own, Authorization: `Bearer ${token}` });
    expect(served).toMatchObject({ status: 101, hello: { t: 'hello', readOnly: false } });

    // And from a browser: another local site cannot open the socket although the cookie is sent along.
    const { page } = await openPage(dash.url);
    await page.waitForSelector('.state-pill.tone-ok');
    const evil = http.createServer((_q, res) => res.end('<!doctype html><title>evil</title>'));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const evilPage = await page.context().newPage();
      await evilPage.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const outcome = await evilPage.evaluate(
        (p) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(`ws://127.0.0.1:${p}/ws`);
            ws.onopen = () => resolve('open');
            ws.onclose = (e) => resolve(`closed ${e.code}`);
          }),
        port,
      );
      expect(outcome).toBe('closed 1006');
    } finally {
      evil.close();
      await page.context().close();
    }
  });
});

describe('settings through the real engine', () => {
  it(
    'shows an invalid value at its field and the engine’s own problems at ' + 'theirs; the file is never written',
    async () => {
      const before = settingsOnDisk();
      const changesBefore = countOf(dash.watcher, 'settings-changed');
      const { page, errors } = await openPage(dash.url, '#/settings');
      const field = page.getByLabel('Check every');
      await expect.poll(() => field.inputValue()).toBe('1');
      await field.fill('0');
      const row = page.locator('[data-field="gateway.checkIntervalSec"]');
      await expect.poll(() => row.locator('.field-error').textContent()).toBe('must be >= 1');
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      const save = page.getByRole('button', { name: 'Save' });
      expect(await save.isDisabled()).toBe(true);

      // A rule only the engine knows (a Telegram channel needs a token): the form lets Save through,
      // the real engine refuses, and its problems land at their fields.
      await field.fill('1');
      await expect.poll(() => row.locator('.field-error').textContent()).toBe('');
      await page.getByLabel('Type of the new channel').selectOption('telegram');
      await page.getByRole('button', { name: 'Add', exact: true }).last().click();
      await save.click();
      await expect
        .poll(() => page.locator('[data-field="notify.channels.0.token"] .field-error').textContent())
        .toContain('is required for telegram');
      expect(await page.locator('[data-field="notify.channels.0.chatId"] .field-error').textContent()).toContain(
        'is required',
      );

      expect(settingsOnDisk()).toEqual(before);
      expect(countOf(dash.watcher, 'settings-changed')).toBe(changesBefore);
      expect(countOf(dash.watcher, 'settings-invalid')).toBe(0);
      expect(errors).toEqual([]);
      await page.context().close();
    },
  );
});

describe('incidents', () => {
  it('lists a crash → restart → recovered incident as it happens, without a reload', async () => {
    const { page, errors } = await openPage(dash.url, '#/incidents');
    await expect.poll(() => page.locator('.view-incidents .empty-title').textContent()).toBe('No incidents yet');
    // Survives only as long as this document does: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const closedBefore = countOf(dash.watcher, 'incident-closed');
    const opensBefore = countOf(dash.watcher, 'incident-opened');
    await gw.fault('crash');
    const opened = await nth(dash.watcher, 'incident-opened', () => true, opensBefore);
    const row = page.locator(`.incident-row[data-incident-id="${opened.incident.id}"]`);
    // Listed as soon as the engine opens it (pushed over the socket, no reload)…
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    const closed = await nth(dash.watcher, 'incident-closed', (e) => e.incident.id === opened.incident.id, 0);
    expect(closed.incident).toMatchObject({ outcome: 'recovered', resolvedBy: 'restart', trigger: 'health' });
    // …and updated in place when it closes.
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Recovered');
    // The first failed probe may catch the crash mid-connection (reset) or after it (refused).
    expect(await row.textContent()).toMatch(/connection (refused|reset)/);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(countOf(dash.watcher, 'incident-closed')).toBe(closedBefore + 1);
    await settlesIn(dash.watcher, 'healthy');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

// The doctor session of one outage (broken config + crash, so restarts fail), seen by a viewer that was
// open before it started and by one that opened while it ran.
describe('a doctor session', () => {
  const marker = `End of brief ${randomBytes(4).toString('hex')} for incident {{incidentId}}.`;
  let incident: Incident;
  let target: TmuxTarget;
  let early: Page;

  /** The agent's lines as the session shows them once its turn is over, in order. */
  const expectedLines = () => [
    `  ${marker.replace('{{incidentId}}', incident.id)}`,
    `⏺ ${AGENT_LINES.look}`,
    '⏺ Bash(openclaw config validate)',
    `⏺ ${AGENT_LINES.decide}`,
    '✻ Cooked for 1s',
  ];

  /** Until what xterm shows on `page` is row for row what tmux has in the pane (capture-pane). */
  async function sameScreen(page: Page, ms: number): Promise<string[]> {
    let last = { shown: [] as string[], pane: [] as string[] };
    let size = '';
    return until(
      async () => {
        const [r, pane, [cols, height]] = await Promise.all([liveRows(page), capturePane(target), paneSize(target)]);
        size = `xterm ${r.length} rows, tmux window ${cols}×${height}`;
        last = { shown: trimBlankTail(r), pane: trimBlankTail(pane) };
        return r.length === height && last.shown.length > 0 && JSON.stringify(last.shown) === JSON.stringify(last.pane)
          ? last.shown
          : null;
      },
      'xterm to show exactly the tmux pane, at the same size',
      ms,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${size}\nxterm:\n${last.shown.join('\n')}\ntmux pane:\n${last.pane.join('\n')}`);
    });
  }

  /** What the shared outage below observed, for the tests to check (each test depends on it, not on another test). */
  let seen: {
    saved: { doctor: { promptTemplate: string; profiles: { standin: { env: Record<string, string> } } } };
    settingsErrors: string[];
    prompt: string;
    brief: string;
    hookPrompt: string;
  };

  // One outage for the whole group (a real doctor session takes seconds to start): the prompt template is
  // saved in the UI, a viewer opens the live terminal, then the gateway breaks and the doctor starts.
  beforeAll(async () => {
    const { page, errors } = await openPage(dash.url, '#/settings');
    const editor = page.getByLabel('Prompt template');
    await page.getByRole('button', { name: 'Start from the built-in prompt' }).click();
    await editor.press('Control+End');
    await editor.pressSequentially(`\n${marker}`);
    const previewLine = marker.replace('{{incidentId}}', '<incident-id>');
    // (expect.poll only works inside a test: here the same wait by hand.)
    await until(
      async () => ((await page.locator('.preview').textContent()) ?? '').includes(previewLine),
      'the preview',
    );
    const changes = countOf(dash.watcher, 'settings-changed');
    await page.getByRole('button', { name: 'Save' }).click();
    await nth(dash.watcher, 'settings-changed', () => true, changes, 10_000);
    const saved = JSON.parse(readFileSync(box.settingsFile, 'utf8')) as typeof seen.saved;
    await page.context().close();

    // A viewer on the live terminal before anything happens.
    early = (await openPage(dash.url, '#/live')).page;
    await early.waitForSelector('.view-live .xterm-rows');
    await until(
      async () => (await early.locator('.session-title').textContent()) === 'No doctor running',
      'the idle title',
    );

    const opens = countOf(dash.watcher, 'incident-opened');
    await gw.fault('break-config');
    await gw.fault('crash');
    incident = (await nth(dash.watcher, 'incident-opened', () => true, opens)).incident;
    const started = await dash.watcher.waitEvent(
      'agent started',
      (e) => e.incidentId === incident.id && e.phase === 'agent-started',
      'doctor',
      30_000,
    );
    target = parseAttach(started.detail.split('watch it with: ')[1] ?? '');
    sockets.add(target.socket);
    await dash.watcher.waitEvent(
      'brief sent',
      (e) => e.incidentId === incident.id && e.phase === 'prompt-sent',
      'doctor',
      30_000,
    );
    const [prompt] = agentEvents('prompt') as unknown as { prompt: string }[];
    const brief = readFileSync(path.join(incidentDir(box, incident.id), 'brief.md'), 'utf8');
    // What Claude Code's UserPromptSubmit hook would have carried, too.
    // (Logged once the hook has returned, so possibly just after ClawMedic saw the hook fire.)
    const hook = (await until(
      () => agentEvents('hook').find((e) => e.event === 'UserPromptSubmit'),
      'the UserPromptSubmit hook in the agent log',
    )) as unknown as { extra: { prompt: string } };
    seen = { saved, settingsErrors: errors, prompt: prompt!.prompt, brief, hookPrompt: hook.extra.prompt };
  }, 120_000);

  it('a prompt template saved in the UI is the brief the agent gets for the next outage', () => {
    expect(seen.saved.doctor.promptTemplate.trimEnd().endsWith(marker)).toBe(true);
    // The masked agent environment came back intact (the agent logs through it).
    expect(seen.saved.doctor.profiles.standin.env.FAKE_AGENT_LOG).toBe(agentLog);
    expect(seen.settingsErrors).toEqual([]);
    expect(seen.prompt.trimEnd()).toBe(seen.brief.trimEnd());
    expect(seen.brief.trimEnd().split('\n').at(-1)).toBe(marker.replace('{{incidentId}}', incident.id));
    expect(seen.brief.startsWith('You are on call for the OpenClaw gateway')).toBe(true);
    expect(seen.hookPrompt).toBe(seen.prompt);
  });

  it('the session’s transcript holds the brief and every line the agent printed', async () => {
    // The agent's turn is over: the screen holds still from here on.
    await until(() => agentEvents('stop').length === 1, 'the agent to finish its turn', 20_000);
    // What ClawMedic recorded (tmux pipe-pane, so it may trail the screen by a moment).
    const file = path.join(incidentDir(box, incident.id), 'transcript.log');
    const brief = readFileSync(path.join(incidentDir(box, incident.id), 'brief.md'), 'utf8').split('\n');
    const wanted = [`> ${brief[0]}`, ...expectedLines()].map((l) => `${l}\n`);
    let transcript = '';
    await until(() => {
      transcript = stripAnsi(readFileSync(file, 'utf8')).replace(/\r/g, '');
      return wanted.every((l) => transcript.includes(l));
    }, 'the transcript to hold the brief and the agent’s lines').catch((err: Error) => {
      throw new Error(`${err.message}\nmissing: ${JSON.stringify(wanted.filter((l) => !transcript.includes(l)))}`);
    });
  });

  it('a viewer open before the session starts sees it at its own size', async () => {
    // The session and its tmux client start at the size the open viewer last asked for
    // (DoctorTerminal.sizeForNewSession), so the pane is neither wrapped nor clipped.
    await sameScreen(early, 3_000);
  });

  it('a viewer whose WebSocket opens after xterm has fitted still tells the session its size', async () => {
    // ws-client remembers the last terminalResize and sends it when the socket opens. 400 ms of network
    // latency makes the socket open after the 100 ms resize debounce, every time.
    const context = await browser.newContext({ viewport: { width: 1000, height: 680 }, reducedMotion: 'reduce' });
    contexts.push(context);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 400,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.goto(dash.url);
    await expect.poll(() => page.locator('.session-title').textContent()).toBe('Doctor at work');
    try {
      await sameScreen(page, 3_000);
    } finally {
      await context.close();
    }
  });

  it('a viewer who opens mid-session sees the replay at its own size: xterm shows exactly the tmux pane', async () => {
    const { page, errors } = await openPage(dash.url, '#/live');
    // Connected once the header shows the session; the size xterm fitted to reaches the session.
    await expect.poll(() => page.locator('.session-title').textContent()).toBe('Doctor at work');
    const rows = await sameScreen(page, 15_000);
    expect((await paneSize(target))[0]).toBeLessThan(160);
    for (const line of expectedLines()) expect(rows).toContain(line);
    expect(rows.some((r) => r.startsWith('│ ❯'))).toBe(true);
    expect(await page.locator('.session-sub').textContent()).toContain('standin');
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT });
    expect(errors).toEqual([]);
  });

  it('take over types into the session; hand back stops it; the person then fixes it and gets the credit', async () => {
    const { page, errors } = await openPage(dash.url, '#/live');
    await page.waitForSelector('.view-live .xterm-rows');
    const take = page.getByRole('button', { name: 'Take over' });
    await expect.poll(() => take.isEnabled()).toBe(true);
    const inputRow = async () => (await capturePane(target)).find((l) => l.startsWith('│ ❯')) ?? null;
    expect(await inputRow()).toBe('│ ❯');

    const takenBefore = countOf(dash.watcher, 'doctor', (e) => e.phase === 'taken-over');
    await take.click();
    await nth(dash.watcher, 'doctor', (e) => e.phase === 'taken-over', takenBefore, 10_000);
    const hand = page.getByRole('button', { name: 'Hand back' });
    await expect.poll(() => hand.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.locator('.term-badge').textContent()).toContain('You have the keyboard');
    await page.keyboard.type('restore the last good config');
    await until(
      async () => (await inputRow()) === '│ ❯ restore the last good config',
      'the typed line in the tmux pane',
    );

    const handedBefore = countOf(dash.watcher, 'doctor', (e) => e.phase === 'handed-back');
    await hand.click();
    await nth(dash.watcher, 'doctor', (e) => e.phase === 'handed-back', handedBefore, 10_000);
    await expect.poll(() => take.getAttribute('aria-pressed')).toBe('false');
    await page.locator('.view-live .xterm').click();
    await page.keyboard.type(' NOT-SENT');
    // Keystrokes travel in order: when the next taken-over key shows, anything typed before it would have too.
    await take.click();
    await nth(dash.watcher, 'doctor', (e) => e.phase === 'taken-over', takenBefore + 1, 10_000);
    await expect.poll(() => hand.getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.type('!');
    await until(async () => (await inputRow())?.endsWith('!'), 'the key typed after taking over again');
    expect(await inputRow()).toBe('│ ❯ restore the last good config!');

    // Enter submits it to the agent like any prompt (its log and its UserPromptSubmit hook).
    await page.keyboard.press('Enter');
    await until(() => agentEvents('prompt').length === 2, 'the typed prompt to reach the agent');
    expect((agentEvents('prompt')[1] as unknown as { prompt: string }).prompt).toBe('restore the last good config!');
    await page.getByRole('button', { name: 'Hand back' }).click();
    await nth(dash.watcher, 'doctor', (e) => e.phase === 'handed-back', handedBefore + 1, 10_000);

    // The person repairs the gateway from their own shell; ClawMedic's probe sees it and closes the incident.
    expect((await gw.run(['doctor', '--fix', '--non-interactive', '--yes'])).code).toBe(0);
    expect((await gw.run(['gateway', 'restart'])).code).toBe(0);
    // The outage may continue an earlier incident of this file (a relapse within the flap window), which was
    // closed once already: wait for this session's close, the one that carries the doctor's record.
    const closed = await dash.watcher.waitEvent(
      'the incident closed',
      (e) => e.incident.id === incident.id && e.incident.events.some((ev) => ev.type === 'doctor-handed-back'),
      'incident-closed',
      30_000,
    );
    expect(closed.incident).toMatchObject({ outcome: 'recovered', resolvedBy: 'human', agent: 'standin' });
    const timeline = closed.incident.events.map((e) => e.type);
    expect(timeline).toEqual(expect.arrayContaining(['doctor-taken-over', 'doctor-handed-back', 'recovered']));
    // The live view falls back to the last session's transcript.
    await expect
      .poll(() => page.locator('.session-title').textContent(), { timeout: 10_000 })
      .toBe('No doctor running');
    await expect.poll(() => page.locator('.session-sub').textContent()).toContain('showing the last session');
    expect(errors).toEqual([]);
  });
});

describe('a read-only dashboard (no --allow-input)', () => {
  it('disables Take over and refuses input: keystrokes never reach the session', async () => {
    await settlesIn(dash.watcher, 'healthy');
    const stopped = await dash.watcher.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    const ro = await startDashboardWatch(box);
    watchers.push(ro.watcher);
    const { page, errors } = await openPage(ro.url, '#/live');
    await expect.poll(() => page.locator('.badge-ro').isVisible()).toBe(true);

    const stopsBefore = agentEvents('stop').length;
    const promptsBefore = agentEvents('prompt').length;
    await gw.fault('break-config');
    await gw.fault('crash');
    const started = await ro.watcher.waitEvent('agent started', (e) => e.phase === 'agent-started', 'doctor', 30_000);
    const t = parseAttach(started.detail.split('watch it with: ')[1] ?? '');
    sockets.add(t.socket);
    // The agent waits at its input box: anything typed into the session would show there.
    await until(() => agentEvents('stop').length === stopsBefore + 1, 'the agent to finish its turn', 30_000);
    expect(agentEvents('prompt').length).toBe(promptsBefore + 1);

    const take = page.getByRole('button', { name: 'Take over' });
    await expect.poll(() => take.isVisible()).toBe(true);
    await expect.poll(() => take.isDisabled()).toBe(true);
    expect(await take.getAttribute('title')).toContain('--allow-input');
    expect(await page.getByRole('button', { name: 'Stop doctor' }).isDisabled()).toBe(true);
    await page.locator('.view-live .xterm').click();
    await page.keyboard.type('rm -rf ~');
    await page.keyboard.press('Enter');

    // The server refuses too, whatever a page sends: take-over and raw keystrokes, on a socket of its own.
    // (Its answers arrive after the keys typed above were handled, had the page sent any: same process, loopback.)
    const answers = await page.evaluate(
      () =>
        new Promise<{ takeOver: unknown; notice: string }>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/ws`);
          let takeOver: unknown = null;
          let notice: string | null = null;
          ws.onopen = () => {
            ws.send(JSON.stringify({ t: 'call', id: 1, method: 'takeOver', args: [] }));
            ws.send(JSON.stringify({ t: 'send', op: 'terminalInput', args: ['echo sneaked in\r'] }));
          };
          ws.onmessage = (m) => {
            const f = JSON.parse(String(m.data)) as { t: string; id?: number; value?: unknown; message?: string };
            if (f.t === 'result' && f.id === 1) takeOver = f.value;
            if (f.t === 'notice') notice = f.message ?? '';
            if (takeOver !== null && notice !== null) {
              ws.close();
              resolve({ takeOver, notice });
            }
          };
        }),
    );
    expect(answers.takeOver).toMatchObject({ ok: false, message: expect.stringContaining('--allow-input') as unknown });
    expect(answers.notice).toContain('read-only');

    const pane = await capturePane(t);
    expect(pane.find((l) => l.startsWith('│ ❯'))).toBe('│ ❯');
    expect(pane.join('\n')).not.toContain('rm -rf');
    expect(pane.join('\n')).not.toContain('sneaked');
    expect(agentEvents('prompt').length).toBe(promptsBefore + 1);
    expect(nonCheck(ro.watcher).some((e) => e.type === 'doctor' && e.phase === 'taken-over')).toBe(false);
    expect(errors).toEqual([]);

    // Stopping the watcher ends the session with it: nothing is left on the doctor's tmux socket.
    expect((await ro.watcher.stop('SIGTERM')).code).toBe(0);
    await expect(capturePane(t)).rejects.toThrow();
  });
});
