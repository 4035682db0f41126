// The real renderer in real Chromium, through the real dashboard server, against a fake EngineApi:
// what xterm shows equals what the session printed, taking over types into the session, an invalid
// setting is shown at its field and never saved, incidents appear as they happen, and foreign pages
// and requests without the token are refused.
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSettings } from '../../main/engine/settings/index.js';
import { buildRenderer, launchChromium, liveRows, openDashboard, until, type Session } from './helpers.js';
import { createFakeEngine } from './fake-engine.mjs';
import { incidentHistory } from './scenario.mjs';

let browser: Browser;
let rendererDir: string;
let cleanup: () => void;
const sessions: Session[] = [];

beforeAll(async () => {
  const built = await buildRenderer();
  rendererDir = built.dir;
  cleanup = built.cleanup;
  browser = await launchChromium();
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await browser?.close();
  cleanup?.();
});

async function open(engine: unknown, opts: Parameters<typeof openDashboard>[3] = {}) {
  const s = await openDashboard(browser, engine, rendererDir, opts);
  sessions.push(s);
  return s;
}

function doctorEngine(extra: Record<string, unknown> = {}) {
  const engine = createFakeEngine({ validate: validateSettings, ...extra });
  engine.fakeStartDoctor('claude', { startedAt: Date.now() - 65_000 });
  return engine;
}

describe('live terminal', () => {
  it('shows the session from its first byte (replay, then live) exactly as printed', async () => {
    const engine = doctorEngine();
    const before = [
      '\x1b[1mDoctor session\x1b[22m started',
      'café, naïve, 漢字 and → arrows',
      '\x1b[32m●\x1b[39m Bash(openclaw status)',
      '  Gateway: \x1b[31mstopped\x1b[39m',
    ];
    for (const l of before) engine.terminal.emit(l + '\r\n');
    const s = await open(engine, { hash: '#/live' });
    await until(async () => (await liveRows(s.page)).includes('  Gateway: stopped'), 'replayed rows');
    const after = ['● Update(~/.openclaw/openclaw.json)', '  pollIntervalMs: 5000', 'done.'];
    for (const l of after) engine.terminal.emit(l + '\r\n');
    const expected = [
      'Doctor session started',
      'café, naïve, 漢字 and → arrows',
      '● Bash(openclaw status)',
      '  Gateway: stopped',
      ...after,
    ];
    const rows = await until(async () => {
      const r = await liveRows(s.page);
      return r.includes('done.') ? r : null;
    }, 'live rows');
    expect(rows.slice(0, expected.length)).toEqual(expected);
    expect(rows.slice(expected.length).every((r) => r === '')).toBe(true);
    // Header: agent, elapsed vs time limit, the attach command to copy.
    await expect.poll(() => s.page.locator('.session-sub').textContent()).toContain('claude');
    await expect.poll(() => s.page.locator('.elapsed').textContent()).toMatch(/^1:0\d \/ 30:00$/);
    expect(await s.page.getByRole('progressbar').getAttribute('aria-valuemax')).toBe('1800');
    // Flow control reached the engine: everything shown was acked.
    await until(() => engine.terminal.stats().unacked === 0, 'all acked');
    expect(s.errors).toEqual([]);
  });

  it('keeps up with a flood without losing a line, acking everything xterm parsed', async () => {
    const engine = doctorEngine();
    const s = await open(engine, { hash: '#/live' });
    await s.page.waitForSelector('.view-live .xterm-rows');
    const N = 20_000;
    let total = 0;
    // 40 lines (~2.3 KB) per chunk: about what one 5 ms PTY read batch holds during a flood.
    for (let i = 0; i < N; i += 40) {
      let chunk = '';
      for (let j = i; j < i + 40; j++) chunk += `flood line ${String(j).padStart(5, '0')} ${'·'.repeat(40)}\r\n`;
      total += chunk.length;
      engine.terminal.emit(chunk);
    }
    // While the browser is behind, the engine holds what it may not send yet (its high watermark).
    expect(engine.terminal.stats().pending).toBeGreaterThan(0);
    await until(
      async () => (await liveRows(s.page)).some((r) => r.startsWith(`flood line ${N - 1}`)),
      'last line',
      30_000,
    );
    await until(
      () => engine.terminal.stats().acked === total && engine.terminal.stats().unacked === 0,
      'every character acked',
      10_000,
    );
    const rows = (await liveRows(s.page)).filter(Boolean);
    const last = rows.map((r) => Number(/flood line (\d+)/.exec(r)?.[1]));
    // Consecutive numbers: nothing dropped or reordered on screen.
    last.forEach((n, i) => expect(n).toBe(last[0]! + i));
    // Lines far back are in the scrollback: find one with the search box.
    await s.page.locator('.view-live .xterm').click();
    await s.page.keyboard.press('Control+f');
    await s.page.locator('.search-input').fill('flood line 00042 ');
    await expect.poll(() => s.page.locator('.search-input').getAttribute('class')).not.toContain('no-match');
    expect(s.errors).toEqual([]);
  });

  it('read-only dashboard: Take over is disabled and keystrokes never reach the session', async () => {
    const engine = doctorEngine();
    const s = await open(engine, { hash: '#/live' });
    const take = s.page.getByRole('button', { name: 'Take over' });
    await expect.poll(() => take.isDisabled()).toBe(true);
    expect(await take.getAttribute('title')).toContain('--allow-input');
    await s.page.locator('.view-live .xterm').click();
    await s.page.keyboard.type('rm -rf ~\r');
    await new Promise((r) => setTimeout(r, 200));
    expect(engine.inputs).toEqual([]);
    // Nothing but reading the setup (the Overview's preflight list): no call that changes anything.
    expect(engine.calls.filter((c) => !c.startsWith('preflight'))).toEqual([]);
    await expect.poll(() => s.page.locator('.badge-ro').isVisible()).toBe(true);
  });

  it('take over sends what the user types into the session; hand back stops it', async () => {
    const engine = doctorEngine();
    engine.terminal.emit('agent waiting\r\n');
    const s = await open(engine, { allowInput: true, hash: '#/live' });
    const take = s.page.getByRole('button', { name: 'Take over' });
    await expect.poll(() => take.isEnabled()).toBe(true);
    await take.click();
    await until(() => engine.calls.includes('takeOver'), 'takeOver call');
    const hand = s.page.getByRole('button', { name: 'Hand back' });
    await expect.poll(() => hand.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => s.page.locator('.term-badge').textContent()).toContain('You have the keyboard');
    await s.page.keyboard.type('openclaw status');
    await s.page.keyboard.press('Enter');
    await until(
      () => engine.inputs.join('') === 'openclaw status\r',
      `typed input (got ${JSON.stringify(engine.inputs.join(''))})`,
    );
    await hand.click();
    await until(() => engine.calls.includes('handBack'), 'handBack call');
    await expect
      .poll(() => s.page.getByRole('button', { name: 'Take over' }).getAttribute('aria-pressed'))
      .toBe('false');
    await s.page.locator('.view-live .xterm').click();
    await s.page.keyboard.type('ignored');
    await new Promise((r) => setTimeout(r, 200));
    expect(engine.inputs.join('')).toBe('openclaw status\r');
    expect(s.errors).toEqual([]);
  });

  it('with no doctor running: shows the last transcript and offers Start doctor now', async () => {
    const engine = doctorEngine();
    engine.terminal.emit('the last session said goodbye\r\n');
    engine.fakeEndDoctor();
    const s = await open(engine, { allowInput: true, hash: '#/live' });
    await until(async () => (await liveRows(s.page)).includes('the last session said goodbye'), 'transcript');
    await expect.poll(() => s.page.locator('.session-title').textContent()).toBe('No doctor running');
    await expect.poll(() => s.page.locator('.session-sub').textContent()).toContain('showing the last session');
    await s.page.getByRole('button', { name: 'Start doctor now' }).click();
    await until(() => engine.calls.includes('startDoctor'), 'startDoctor');
    // The new session starts over in the same terminal.
    engine.terminal.emit('fresh session\r\n');
    await until(async () => (await liveRows(s.page))[0] === 'fresh session', 'new session from a clean screen');
    await expect.poll(() => s.page.getByRole('button', { name: 'Stop doctor' }).isVisible()).toBe(true);
  });
});

describe('settings', () => {
  it('shows an invalid value next to its field and saves nothing until it is fixed', async () => {
    const engine = createFakeEngine({ validate: validateSettings, settings: validateSettings({}).settings });
    const s = await open(engine, { allowInput: true, hash: '#/settings' });
    const field = s.page.getByLabel('Check every');
    await field.fill('0');
    const row = s.page.locator('[data-field="gateway.checkIntervalSec"]');
    await expect.poll(() => row.locator('.field-error').textContent()).toBe('must be >= 1');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const save = s.page.getByRole('button', { name: 'Save' });
    expect(await save.isDisabled()).toBe(true);
    await expect.poll(() => s.page.locator('.save-state').textContent()).toContain('1 problem');
    expect(engine.saved).toEqual([]);
    await field.fill('45');
    await expect.poll(() => row.locator('.field-error').textContent()).toBe('');
    await save.click();
    await until(() => engine.saved.length === 1, 'saved');
    expect(engine.saved[0]?.gateway.checkIntervalSec).toBe(45);
    expect(validateSettings(engine.saved[0]).ok).toBe(true);
  });

  it('validates with precompiled code: the CSP allows no eval, and the page never needs it', async () => {
    const engine = createFakeEngine({ validate: validateSettings, settings: validateSettings({}).settings });
    const s = await open(engine, { allowInput: true });
    const response = await s.page.goto(`${s.dash.url}#/settings`);
    const meta = await s.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    for (const policy of [response?.headers()['content-security-policy'], meta]) {
      expect(policy).toMatch(/script-src 'self'(;|$)/);
      expect(policy).not.toContain('unsafe-eval');
    }
    const assets = path.join(rendererDir, 'assets');
    for (const file of readdirSync(assets).filter((f) => f.endsWith('.js'))) {
      expect(readFileSync(path.join(assets, file), 'utf8'), file).not.toMatch(/new Function\s*\(|\beval\s*\(/);
    }
    await s.page.evaluate(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        w.violations.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    // Every kind of check the compiled validator makes, while typing.
    await s.page.getByLabel('Gateway URL').fill('ftp://x');
    await s.page.getByLabel('Check every').fill('often');
    await s.page.getByLabel('Data folder').fill('');
    const error = (path: string) => s.page.locator(`[data-field="${path}"] .field-error`).textContent();
    await expect.poll(() => error('gateway.url')).toBe('must start with http:// or https://');
    expect(await error('gateway.checkIntervalSec')).toBe('must be number');
    expect(await error('dataDir')).toBe('must not be empty');
    expect(await s.page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  it('an edit rebuilds only what depends on it, and the preview waits for a pause in typing', async () => {
    const engine = createFakeEngine({ validate: validateSettings, settings: validateSettings({}).settings });
    const s = await open(engine, { allowInput: true, hash: '#/settings' });
    const previews = () => engine.calls.filter((c: string) => c === 'previewBrief').length;
    await expect.poll(() => s.page.locator('.preview').textContent()).not.toBe('');
    expect(previews()).toBe(1);
    // Nodes that no edit below depends on: they must survive every one of them.
    const kept = [
      '[data-field="gateway.url"] input',
      '.prompt-editor',
      '.preview',
      '[data-field="notify.native"] input',
    ];
    await s.page.evaluate((sels) => {
      for (const sel of sels) (document.querySelector(sel) as HTMLElement).dataset.kept = '1';
    }, kept);
    const survivors = () =>
      s.page.evaluate((sels) => sels.filter((sel) => document.querySelector(sel)?.getAttribute('data-kept')), kept);

    await s.page.getByRole('button', { name: 'Add step' }).click();
    const focused = () => s.page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    await expect.poll(focused).toBe('Step 1 command');
    await s.page.getByLabel('Use codex').check();
    await expect.poll(() => s.page.locator('.agent-order .agent-rank').allTextContents()).toEqual(['1.', '2.']);
    await s.page.getByLabel('Type of the new channel').selectOption('ntfy');
    await s.page.getByRole('button', { name: 'Add', exact: true }).last().click();
    await expect.poll(() => s.page.getByLabel('Topic URL').count()).toBe(1);
    // A profile's kind decides its fields: its card is rebuilt, the choice keeps the focus.
    await s.page.locator('summary[data-focus-key="profile-codex"]').click();
    const kind = s.page.locator('[data-field="doctor.profiles.codex.kind"] select');
    await kind.selectOption('generic');
    await expect.poll(() => s.page.locator('[data-field="doctor.profiles.codex.donePattern"]').count()).toBe(1);
    expect(await kind.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await survivors()).toEqual(kept);
    expect(previews()).toBe(1);

    // Typing a prompt sends one preview request once typing pauses, not one per keystroke.
    await s.page.locator('.prompt-editor').pressSequentially('Check {{gatewayUrl}} now', { delay: 20 });
    await expect.poll(() => s.page.locator('.preview').textContent()).toBe('Check http://127.0.0.1:18789 now');
    // 600 ms: longer than the preview's 400 ms pause, so a second (needless) request would have been sent by now.
    await s.page.waitForTimeout(600);
    expect(previews()).toBe(2);
    expect(await survivors()).toEqual(kept);
    expect(s.errors).toEqual([]);
  });

  it('edits the tools’ paths, where empty means the one on the login shell’s PATH', async () => {
    const settings = { tools: { openclaw: '/opt/oc/bin/openclaw' } };
    const engine = createFakeEngine({ validate: validateSettings, settings });
    const s = await open(engine, { allowInput: true, hash: '#/settings' });
    const tmux = s.page.getByLabel('tmux', { exact: true });
    const openclaw = s.page.getByLabel('openclaw', { exact: true });
    await expect.poll(() => openclaw.inputValue()).toBe('/opt/oc/bin/openclaw');
    expect(await tmux.getAttribute('placeholder')).toBe('(found on your login shell’s PATH)');
    await tmux.fill('/opt/homebrew/bin/tmux');
    await openclaw.fill('');
    await s.page.getByRole('button', { name: 'Save' }).click();
    await until(() => engine.saved.length === 1, 'saved');
    expect(engine.saved[0]?.tools).toEqual({ tmux: '/opt/homebrew/bin/tmux', openclaw: '' });
    expect(validateSettings(engine.saved[0]).settings.tools).toEqual({ tmux: '/opt/homebrew/bin/tmux', openclaw: '' });
    expect(s.errors).toEqual([]);
  });

  it('shows the engine’s own problems (rules the form cannot know) at their fields', async () => {
    const engine = createFakeEngine({ validate: validateSettings, settings: validateSettings({}).settings });
    const s = await open(engine, { allowInput: true, hash: '#/settings' });
    await s.page.getByLabel('Type of the new channel').selectOption('telegram');
    await s.page.getByRole('button', { name: 'Add', exact: true }).last().click();
    await s.page.getByRole('button', { name: 'Save' }).click();
    const tokenRow = s.page.locator('[data-field="notify.channels.0.token"]');
    await expect.poll(() => tokenRow.locator('.field-error').textContent()).toContain('is required for telegram');
    expect(await s.page.locator('[data-field="notify.channels.0.chatId"] .field-error').textContent()).toContain(
      'is required',
    );
    expect(engine.saved).toEqual([]);
    await s.page.getByLabel('Bot token').fill('7123456789:AAHk3v9xQm2Lw8ZrT5nYp0sJd4fGh6uKe1c');
    await s.page.getByLabel('Chat id').fill('42');
    await s.page.getByRole('button', { name: 'Save' }).click();
    await until(() => engine.saved.length === 1, 'saved after fixing');
    expect(engine.saved[0]?.notify.channels[0]).toMatchObject({ type: 'telegram', chatId: '42' });
  });

  it('the prompt editor previews the brief live and a saved prompt is what the engine gets', async () => {
    const engine = createFakeEngine({ validate: validateSettings, settings: validateSettings({}).settings });
    const s = await open(engine, { allowInput: true, hash: '#/settings' });
    const editor = s.page.getByLabel('Prompt template');
    await editor.fill('Bring back {{gatewayUrl}} for ');
    await s.page.getByRole('button', { name: /^Insert \{\{incidentId\}\}/ }).click();
    await expect
      .poll(() => s.page.locator('.preview').textContent())
      .toBe('Bring back http://127.0.0.1:18789 for inc-preview');
    await editor.press('End');
    await editor.pressSequentially(' {{nope}}');
    await expect
      .poll(() => s.page.locator('[data-field="doctor.promptTemplate"] .field-error').textContent())
      .toContain('not a known variable');
    expect(await s.page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await editor.fill('Bring back {{gatewayUrl}} for {{incidentId}}.');
    await s.page.getByRole('button', { name: 'Save' }).click();
    await until(() => engine.saved.length === 1, 'saved');
    expect(engine.saved[0]?.doctor.promptTemplate).toBe('Bring back {{gatewayUrl}} for {{incidentId}}.');
  });
});

describe('incidents', () => {
  it('lists an incident the moment it happens and renders its report safely', async () => {
    const engine = createFakeEngine();
    const s = await open(engine, { hash: '#/incidents' });
    await expect.poll(() => s.page.locator('.view-incidents .empty-title').textContent()).toBe('No incidents yet');
    const { incidents, details } = incidentHistory(Date.now());
    const inc = incidents[0]!;
    const history = details[inc.id]!;
    // The report is the agent's text: raw HTML in it must show as text and never run.
    const detail = { ...history, report: history.report + "\n<script>alert('report html must not run')</script>\n" };
    engine.fakeAddIncident(inc, detail);
    const row = s.page.locator(`.incident-row[data-incident-id="${inc.id}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('Recovered');
    // The finding is the title; the probe's symptom is under it.
    expect(await row.locator('.incident-link').textContent()).toBe(
      'Changed channels.telegram.pollIntervalMs from "5s" to 5000 and restarted the gateway',
    );
    expect(await row.textContent()).toContain('connection refused on 127.0.0.1:18789');
    let dialogs = 0;
    s.page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await row.click();
    await s.page.waitForSelector('.timeline');
    expect(await s.page.locator('.tl-item').count()).toBe(inc.events.length);
    const md = s.page.locator('.markdown');
    await expect.poll(() => md.locator('h1').textContent()).toBe('Recovery report');
    expect(await md.locator('script').count()).toBe(0);
    expect(await md.textContent()).toContain("<script>alert('report html must not run')</script>");
    expect(await md.locator('a').first().getAttribute('href')).toBe('https://docs.openclaw.ai/gateway/configuration');
    expect(await md.locator('a').first().getAttribute('rel')).toBe('noopener noreferrer');
    await until(
      async () => (await liveRows(s.page, '.transcript-host')).some((r) => r.includes('Report written')),
      'transcript replay',
    );
    expect(await s.page.locator('.diff-add').textContent()).toContain('"pollIntervalMs": 5000');
    expect(dialogs).toBe(0);
    expect(s.errors).toEqual([]);
  });
});

describe('access', () => {
  it('refuses the page without the token, or with a wrong one, and says what to do', async () => {
    const engine = createFakeEngine();
    const s = await open(engine);
    const page = await browser.newPage();
    try {
      const bare = await page.goto(`http://127.0.0.1:${s.dash.port}/`);
      expect(bare?.status()).toBe(401);
      expect(await page.textContent('body')).toContain('Open the full URL');
      const wrong = await page.goto(`http://127.0.0.1:${s.dash.port}/?token=guess`);
      expect(wrong?.status()).toBe(403);
    } finally {
      await page.close();
    }
  });

  it('a page from another origin cannot open the WebSocket, even with the cookie in the browser', async () => {
    const engine = createFakeEngine();
    const s = await open(engine);
    await s.page.waitForSelector('.state-pill.tone-ok');
    const before = engine.listenerCount();
    // Another local site (same host, other port: same-site, so the cookie IS sent): Origin must stop it.
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>evil</title>');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const evilPort = (evil.address() as AddressInfo).port;
    const page = await s.context.newPage();
    try {
      await page.goto(`http://127.0.0.1:${evilPort}/`);
      const outcome = await page.evaluate(
        (port) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
            ws.onopen = () => resolve('open');
            ws.onclose = (e) => resolve(`closed ${e.code}`);
          }),
        s.dash.port,
      );
      expect(outcome).toBe('closed 1006');
      expect(engine.listenerCount()).toBe(before);
    } finally {
      await page.close();
      evil.close();
    }
  });
});

describe('keyboard and layout', () => {
  it(
    'is usable at the minimum window size in dark mode, and Tab never gets ' + 'stuck in a read-only terminal',
    async () => {
      const engine = doctorEngine({ incidents: incidentHistory(Date.now()).incidents });
      const s = await open(engine, { viewport: { width: 720, height: 480 }, colorScheme: 'dark' });
      await s.page.waitForSelector('.view-live .xterm-rows');
      // Nothing overflows horizontally at 720 px.
      for (const hash of ['#/live', '#/incidents', '#/settings']) {
        await s.page.evaluate((h) => (location.hash = h), hash);
        await s.page.waitForTimeout(100);
        const overflow = await s.page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, hash).toBe(0);
      }
      await s.page.evaluate(() => (location.hash = '#/live'));
      await s.page.locator('.view-live .xterm').click();
      await s.page.keyboard.press('Tab');
      const focused = await s.page.evaluate(() => document.activeElement?.closest('.xterm') === null);
      expect(focused).toBe(true);
      const bg = await s.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe('rgb(28, 28, 30)');
    },
  );
});
