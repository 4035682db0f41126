// The Overview, the window's first view, in real Chromium through the real dashboard server: the condition in
// words in every state (a dropped connection included), the preflight and the one next step that links to the
// field that fixes it, the actions (refused to a read-only viewer, carried out with input), the layout at 420 px,
// and axe-core with no serious or critical violation on any view, in light and dark.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreflightItem, PreflightReport } from '../../common/contract.js';
import { validateSettings } from '../../main/engine/settings/index.js';
import { axeSeriousViolations, buildRenderer, launchChromium, openDashboard, until, type Session } from './helpers.js';
import { createFakeEngine, healthyPreflight } from './fake-engine.mjs';
import { doctorSessionChunks, incidentHistory, sampleSettings } from './scenario.mjs';

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
  await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
  await browser?.close();
  cleanup?.();
});

async function open(engine: unknown, opts: Parameters<typeof openDashboard>[3] = {}) {
  const s = await openDashboard(browser, engine, rendererDir, opts);
  sessions.push(s);
  return s;
}

/** The fake engine with two weeks of history and the settings of a real user. */
function engineWithHistory(extra: Record<string, unknown> = {}) {
  const history = incidentHistory(Date.now());
  return createFakeEngine({
    validate: validateSettings,
    settings: validateSettings(sampleSettings()).settings,
    incidents: history.incidents,
    details: history.details,
    ...extra,
  });
}

const APPROVAL = {
  needsApproval: true,
  pendingRequest: 'Bash command\n\nlsof -i :18789\nFind what holds the gateway port',
};

const headline = (page: Page) => page.locator('.hero-headline').textContent();
const pill = (page: Page) => page.locator('.state-pill').textContent();

describe('the condition in words', () => {
  it('says what is going on in every state, and what to do next', async () => {
    const engine = engineWithHistory();
    const s = await open(engine);
    const { page } = s;
    await expect.poll(() => headline(page)).toBe('Healthy');
    await expect.poll(() => pill(page)).toBe('Healthy');
    expect(await page.locator('.next-step').textContent()).toContain('Nothing to do');
    expect(await page.locator('h1').count()).toBeGreaterThan(0);

    engine.fakeStatus({ state: 'failing', consecutiveFailures: 2, reason: 'connection refused on 127.0.0.1:18789' });
    await expect.poll(() => headline(page)).toBe('Failing · confirming');
    expect(await page.locator('.hero-reason').textContent()).toContain('2 failed checks');

    engine.fakeStatus({ state: 'restarting', reason: 'restart attempt 1 of 2' });
    await expect.poll(() => headline(page)).toBe('Down · restarting');
    expect(await page.locator('.hero-reason').textContent()).toContain('restart attempt 1 of 2');

    engine.fakeStartDoctor('claude');
    await expect.poll(() => headline(page)).toBe('Down · doctor at work');
    await expect.poll(() => page.getByRole('link', { name: 'Watch live', exact: true }).isVisible()).toBe(true);
    expect(await pill(page)).toBe('Down · doctor at work');

    engine.fakeEndDoctor();
    engine.fakeStartDoctor('claude', APPROVAL);
    // The pill says it too: not "Doctor at work" while the doctor waits for a person.
    await expect.poll(() => headline(page)).toMatch(/^Needs your approval — lsof -i :18789 — (30|29) min left$/);
    await expect.poll(() => pill(page)).toMatch(/^Needs your approval — lsof -i :18789/);
    expect(await page.locator('.hero-headline code').textContent()).toBe('lsof -i :18789');
    const next = page.locator('.next-step a');
    expect(await next.getAttribute('href')).toBe('#/live');

    engine.fakeEndDoctor();
    engine.fakeStatus({
      state: 'needs-attention',
      reason: 'restart limit reached: 6 restarts in the last hour (restart.maxPerHour)',
    });
    await expect.poll(() => headline(page)).toBe('Needs your attention');
    expect(await page.locator('.hero-reason').textContent()).toContain('restart limit reached');
    expect(await page.locator('.next-step a').getAttribute('href')).toMatch(/^#\/incidents\//);

    engine.fakeStatus({ state: 'paused', pausedUntil: null, reason: 'paused by the user' });
    await expect.poll(() => headline(page)).toBe('Paused');
    expect(await page.getByRole('button', { name: 'Resume' }).isVisible()).toBe(true);
    expect(await page.locator('.menu-button').isVisible()).toBe(false);

    // The watcher goes away: the last state it sent is no longer known to be true.
    await s.dash.close();
    await expect.poll(() => headline(page), { timeout: 20_000 }).toBe('Unknown — disconnected');
    expect(await pill(page)).toBe('Unknown — disconnected');
    expect(await page.getByRole('button', { name: 'Check now' }).isDisabled()).toBe(true);
    expect(s.errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  });

  it('a window opened while the doctor works shows its session', async () => {
    const engine = engineWithHistory();
    engine.fakeStartDoctor('claude');
    const s = await open(engine);
    await until(() => s.page.evaluate(() => location.hash === '#/live'), 'the live view');
    await expect.poll(() => s.page.locator('.view-live').isVisible()).toBe(true);
    // Asked for by its URL, the Overview stays.
    const t = await open(engine, { hash: '#/' });
    await expect.poll(() => headline(t.page)).toBe('Down · doctor at work');
    expect(await t.page.evaluate(() => location.hash)).toBe('#/');
  });
});

describe('preflight', () => {
  const broken: PreflightReport = (() => {
    const r = healthyPreflight(Date.now());
    const fix = (id: string, over: Partial<PreflightItem>) =>
      Object.assign(
        r.items.find((x) => x.id === id)!,
        over,
      );
    fix('restart', {
      status: 'fail',
      detail: '`openclaw` (in `openclaw gateway restart`) is not on PATH',
      fix: 'Install OpenClaw (`npm install -g openclaw`), or set the restart command.',
      setting: 'restart.command',
    });
    fix('notify', {
      status: 'warn',
      detail: 'no channel is set: an outage is only seen here',
      fix: 'Add a channel.',
      setting: 'notify.channels',
    });
    return r;
  })();

  it('lists every check; the next step names the first problem and opens the field that fixes it', async () => {
    const engine = engineWithHistory({ preflight: broken });
    const s = await open(engine, { allowInput: true });
    const { page } = s;
    const restart = page.locator('.preflight-item[data-check="restart"]');
    await expect.poll(() => restart.locator('.pf-mark').textContent()).toBe('✗');
    expect(await restart.locator('.pf-mark').getAttribute('aria-label')).toBe('Problem');
    expect(await restart.locator('.pf-fix').textContent()).toContain('npm install -g openclaw');
    expect(await page.locator('.preflight-item[data-check="notify"] .pf-mark').textContent()).toBe('!');
    expect(await page.locator('.preflight-item .pf-mark').allTextContents()).toHaveLength(9);
    expect(await page.locator('#overview-setup ~ span').textContent()).toBe('1 problem, 1 warning');

    // What updates the view (a state change here) leaves a keyboard user's focus where it was.
    const fixLink = restart.getByRole('link', { name: 'Open the setting →' });
    await fixLink.focus();
    engine.fakeStatus({ state: 'failing', consecutiveFailures: 1, reason: 'connection refused' });
    await expect.poll(() => headline(page)).toBe('Failing · confirming');
    expect(await fixLink.evaluate((el) => el === document.activeElement)).toBe(true);
    engine.fakeStatus({ state: 'healthy', consecutiveFailures: 0, reason: 'healthy (3 ms)' });

    const next = page.locator('.next-step');
    expect(await next.textContent()).toContain(
      'Restart command: openclaw (in openclaw gateway restart) is not on PATH.',
    );
    expect(await next.locator('code').first().textContent()).toBe('openclaw');
    const link = next.getByRole('link', { name: 'Set the restart command →' });
    expect(await link.getAttribute('href')).toBe('#/settings/restart.command');
    await link.click();
    // The settings view, scrolled to the field, with the field focused.
    await until(
      () => page.evaluate(() => document.activeElement?.closest('[data-field="restart.command"]') !== null),
      'the restart command field to have the focus',
    );
    expect(await page.locator('.view-settings').isVisible()).toBe(true);

    // Fixed elsewhere: the engine checks again and says so; "Check again" asks for a fresh check.
    await page.goto(`${s.dash.url}#/`);
    engine.fakePreflight(healthyPreflight(Date.now()));
    await expect.poll(() => page.locator('#overview-setup ~ span').textContent()).toBe('all 9 checks passed');
    await expect.poll(() => next.textContent()).toContain('Nothing to do');
    await page.getByRole('button', { name: 'Check again' }).click();
    await until(() => engine.calls.includes('preflight:fresh'), 'a fresh preflight');
  });
});

describe('actions', () => {
  it('read-only: what would change something is disabled and says why; Check now still works', async () => {
    const engine = engineWithHistory();
    const s = await open(engine);
    const { page } = s;
    await expect.poll(() => headline(page)).toBe('Healthy');
    for (const name of ['Restart', 'Start doctor']) {
      const b = page.getByRole('button', { name });
      expect(await b.isDisabled(), name).toBe(true);
      expect(await b.getAttribute('title'), name).toContain('--allow-input');
    }
    const pause = page.locator('.menu-button summary');
    expect(await pause.getAttribute('aria-disabled')).toBe('true');
    expect(await pause.getAttribute('title')).toContain('--allow-input');
    await pause.click();
    expect(await page.locator('.menu-button').getAttribute('open')).toBeNull();
    await page.getByRole('button', { name: 'Restart' }).click({ force: true });
    await page.getByRole('button', { name: 'Check now' }).click();
    await until(() => engine.calls.includes('checkNow'), 'checkNow');
    expect(engine.calls.filter((c: string) => !/^(checkNow|preflight)/.test(c))).toEqual([]);
  });

  it('with input: restart, start and stop the doctor, pause for an hour and resume', async () => {
    const engine = engineWithHistory();
    const s = await open(engine, { allowInput: true });
    const { page } = s;
    await expect.poll(() => headline(page)).toBe('Healthy');
    await page.getByRole('button', { name: 'Restart' }).click();
    await until(() => engine.calls.includes('restartNow'), 'restartNow');

    await page.getByRole('button', { name: 'Start doctor' }).click();
    await until(() => engine.calls.includes('startDoctor'), 'startDoctor');
    const stop = page.getByRole('button', { name: 'Stop doctor' });
    await expect.poll(() => stop.isVisible()).toBe(true);
    await stop.click();
    await until(() => engine.calls.includes('stopDoctor'), 'stopDoctor');
    await expect.poll(() => headline(page)).toBe('Healthy');

    await page.locator('.menu-button summary').click();
    await page.getByRole('menuitem', { name: 'For 1 hour' }).click();
    await until(() => engine.calls.includes('pause:60'), 'pause for 60 minutes');
    await expect.poll(() => headline(page)).toBe('Paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await until(() => engine.calls.includes('resume'), 'resume');
    await expect.poll(() => headline(page)).toBe('Healthy');
    expect(s.errors).toEqual([]);
  });
});

describe('layout and accessibility', () => {
  it('at 420 px wide every view fits: no sideways scrolling, the state, Save and the rows on screen', async () => {
    const engine = engineWithHistory();
    engine.fakeStartDoctor('claude', APPROVAL);
    for (const c of doctorSessionChunks()) engine.terminal.emit(c);
    const s = await open(engine, { allowInput: true, viewport: { width: 420, height: 820 }, hash: '#/' });
    const { page } = s;
    const inView = (sel: string) =>
      page
        .locator(sel)
        .first()
        .evaluate((el) => {
          const r = el.getBoundingClientRect();
          return (
            r.width > 0 && r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight
          );
        });
    const firstId = ((await engine.listIncidents()) as { id: string }[])[0]!.id;
    const views: [string, string][] = [
      ['#/', '.hero-actions .btn'],
      ['#/live', '.session-actions .btn:not([hidden])'],
      ['#/incidents', '.incident-row[data-incident-id] .incident-link'],
      [`#/incidents/${firstId}`, '.detail-title'],
      ['#/settings', '.save-bar .btn-primary'],
    ];
    for (const [hash, key] of views) {
      await page.evaluate((h) => (location.hash = h), hash);
      await page.locator(key).first().waitFor({ state: 'visible' });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${hash} scrolls sideways`).toBe(0);
      expect(await inView('.state-pill'), `${hash}: the state pill`).toBe(true);
      expect(await inView(key), `${hash}: ${key}`).toBe(true);
    }
    expect(s.errors).toEqual([]);
  });

  it("Claude Code's ⏺ and ⎿ are drawn by the bundled glyph font, not as empty boxes", async () => {
    const engine = engineWithHistory();
    engine.fakeStartDoctor('claude');
    engine.terminal.emit('\x1b[32m⏺\x1b[39m Bash(openclaw config validate)\r\n  ⎿  config is valid\r\n');
    const s = await open(engine, { hash: '#/live' });
    await until(
      async () => (await s.page.locator('.view-live .xterm-rows').textContent())?.includes('⎿'),
      'the glyphs',
    );
    const drawn = await s.page.evaluate(async () => {
      await document.fonts.ready;
      const pixels = (font: string, ch: string) => {
        const c = document.createElement('canvas');
        c.width = c.height = 40;
        const g = c.getContext('2d')!;
        g.font = font;
        g.fillText(ch, 4, 30);
        return Array.from(g.getImageData(0, 0, 40, 40).data).join(',');
      };
      const out: Record<string, { loaded: number; differs: boolean }> = {};
      for (const ch of ['⏺', '⎿']) {
        const faces = await document.fonts.load('24px "ClawMedic Glyphs"', ch);
        // A font without the glyph falls back to the same last resort as plain monospace: the same pixels.
        out[ch] = {
          loaded: faces.length,
          differs: pixels('24px "ClawMedic Glyphs", monospace', ch) !== pixels('24px monospace', ch),
        };
      }
      return out;
    });
    expect(drawn).toEqual({ '⏺': { loaded: 1, differs: true }, '⎿': { loaded: 1, differs: true } });
    // The terminal's own font stack names it.
    expect(await s.page.locator('.view-live .xterm-rows').evaluate((el) => getComputedStyle(el).fontFamily)).toContain(
      'ClawMedic Glyphs',
    );
    expect(s.errors).toEqual([]);
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`axe-core finds no serious or critical violation on any view (${colorScheme})`, async () => {
      const engine = engineWithHistory();
      engine.fakeStartDoctor('claude', APPROVAL);
      for (const c of doctorSessionChunks()) engine.terminal.emit(c);
      const s = await open(engine, { allowInput: true, colorScheme, hash: '#/' });
      const { page } = s;
      const firstId = ((await engine.listIncidents()) as { id: string }[])[0]!.id;
      const views: [string, string][] = [
        ['#/', '.preflight-item'],
        ['#/live', '.view-live .xterm-rows'],
        ['#/incidents', '.incident-row[data-incident-id]'],
        [`#/incidents/${firstId}`, '.transcript-host .xterm-rows'],
        ['#/settings', '.settings-form .row'],
      ];
      const found: Record<string, unknown> = {};
      for (const [hash, ready] of views) {
        await page.evaluate((h) => (location.hash = h), hash);
        await page.locator(ready).first().waitFor({ state: 'visible' });
        const v = await axeSeriousViolations(page);
        if (v.length) found[hash] = v;
      }
      expect(found).toEqual({});
    });
  }
});
