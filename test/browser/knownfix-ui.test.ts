// Known fixes in the real renderer, in real Chromium, through the real dashboard server and a fake engine:
// an incident's fingerprint and rungs with the config diff and a working Undo; the config guard's warning
// with Revert on the incident list; Approve for a known fix waiting for a yes; the Playbooks section of
// Settings; and a read-only dashboard that shows all of it but changes nothing.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import type { GatewayWarning, PlaybookView } from '../../common/knownfix.js';
import { validateSettings } from '../../main/engine/settings/index.js';
import { axeSeriousViolations, buildRenderer, launchChromium, openDashboard, until, type Session } from './helpers.js';
import { createFakeEngine } from './fake-engine.mjs';

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

const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const DIFF =
  '--- openclaw.json (now: broken)\n+++ openclaw.json (last known good)\n@@ -1,3 +1,3 @@\n' +
  ' {\n-  gateway: { port: "18789" },\n+  gateway: { port: 18789 },\n }';

function knownFixIncident(): Incident {
  return {
    id: '20261125T120000000Z-abc123',
    trigger: 'health',
    startedAt: iso(NOW - 120_000),
    endedAt: iso(NOW - 60_000),
    outcome: 'recovered',
    resolvedBy: 'known-fix:config-restore',
    agent: null,
    reportPath: null,
    transcriptPath: null,
    events: [
      {
        at: iso(NOW - 110_000),
        type: 'fingerprint',
        detail: 'config-invalid (config-invalid:gateway.port): gateway.port: expected number, received string (line 2)',
      },
      { at: iso(NOW - 60_000), type: 'recovered', detail: 'fixed by the last-known-good config' },
    ],
    summary: 'connection refused on 127.0.0.1:18789 (refused, 3 checks)',
    restarts: 2,
    doctor: null,
    owner: { pid: 1, hostname: 'mini' },
    fingerprint: {
      kind: 'config-invalid',
      key: 'config-invalid:gateway.port',
      detail: 'gateway.port: expected number, received string (line 2)',
      at: iso(NOW - 110_000),
      facts: {
        probe: { kind: 'refused', detail: 'connection refused' },
        restartExit: 78,
        config: {
          valid: false,
          issues: [{ path: 'gateway.port', message: 'Invalid input: expected number, received string', line: 2 }],
          error: null,
        },
        portHolder: null,
        logSignals: [],
        version: { now: '2026.9.6', lastHealthy: '2026.9.6' },
      },
    },
    rungs: [
      {
        id: 'r1',
        rung: 'config-restore',
        mode: 'ask',
        status: 'recovered',
        startedAt: iso(NOW - 100_000),
        endedAt: iso(NOW - 60_000),
        action: "restore ClawMedic's last-known-good copy of /home/you/.openclaw/openclaw.json",
        detail:
          'restored the config from the last-known-good copy; ' +
          'the broken file is kept as openclaw.json.clawmedic-broken.2026',
        diff: DIFF,
        undo: {
          description: 'put back your edited config as it was before the fix',
          available: true,
          why: null,
          doneAt: null,
          result: null,
        },
      },
    ],
  };
}

const playbook: PlaybookView = {
  id: 'port-foreign-python3',
  file: '/home/you/.clawmedic/playbooks/port-foreign-python3.json',
  problems: [],
  playbook: {
    version: 1,
    id: 'port-foreign-python3',
    title: 'port-foreign: what claude did in incident 20261124T090000000Z-def456',
    when: { kind: 'port-foreign', key: 'port-foreign:python3' },
    steps: [{ run: 'kill {{holderPid}}', timeoutSec: 120 }],
    restartAfter: true,
    enabled: false,
    source: { incidentId: '20261124T090000000Z-def456', agent: 'claude', learnedAt: iso(NOW - 86_400_000) },
    stats: { runs: 0, successes: 0, consecutiveFailures: 0, lastRunAt: null, lastResult: null, disabledReason: null },
  },
};

const warning: GatewayWarning = {
  kind: 'config',
  title: 'This edit will stop the gateway at its next restart: gateway.port: expected number, received string (line 2)',
  detail: 'The running gateway skips the edit and keeps its config until it restarts.',
  since: iso(NOW - 5_000),
  diff: DIFF,
  canRevert: true,
};

function engine() {
  return createFakeEngine({ validate: validateSettings, incidents: [knownFixIncident()], playbooks: [playbook] });
}

async function open(e: unknown, opts: Parameters<typeof openDashboard>[3] = {}) {
  const s = await openDashboard(browser, e, rendererDir, opts);
  sessions.push(s);
  return s;
}

describe('known fixes in the window', () => {
  it('an incident shows its fingerprint, the rung that fixed it with the config diff, and Undo works', async () => {
    const e = engine();
    const s = await open(e, { allowInput: true, hash: '#/incidents/20261125T120000000Z-abc123' });
    const section = s.page.locator('.kf-section');
    await expect.poll(() => section.locator('.kf-fingerprint').textContent()).toContain('config-invalid:gateway.port');
    expect(await section.locator('.kf-fingerprint').textContent()).toContain(
      'gateway.port: expected number, received string (line 2)',
    );
    const rung = section.locator('[data-rung="config-restore"]');
    expect(await rung.locator('strong').first().textContent()).toBe('Last-known-good config');
    expect(await rung.locator('.badge').textContent()).toBe('Fixed it');
    expect(await rung.locator('.diff-add').first().textContent()).toContain('port: 18789');
    expect(await s.page.locator('.meta-grid').first().textContent()).toContain('Known fix: config restore');
    await rung.getByRole('button', { name: 'Undo' }).click();
    await until(() => e.calls.includes('undoFix:20261125T120000000Z-abc123:r1'), 'the undo call');
    await expect
      .poll(() => s.page.locator('.kf-undone').textContent())
      .toMatch(/^Undone .*back as it was before the fix/);
    expect(s.errors).toEqual([]);
  });

  it("the config guard's warning is on the incident list with its diff, and Revert clears it", async () => {
    const e = engine();
    const s = await open(e, { allowInput: true, hash: '#/incidents' });
    await s.page.waitForSelector('.incident-list');
    e.fakeWarnings([warning]);
    const banner = s.page.locator('.view-incidents [data-warning="config"]');
    await expect.poll(() => banner.locator('strong').textContent()).toBe(warning.title);
    await banner.getByRole('button', { name: 'Revert' }).click();
    await until(() => e.calls.includes('revertConfig'), 'the revert call');
    await expect.poll(() => s.page.locator('.view-incidents [data-warning]').count()).toBe(0);
    expect(s.errors).toEqual([]);
  });

  it("the Overview shows the guard's warning as it comes, and Revert there clears it", async () => {
    const e = engine();
    const s = await open(e, { allowInput: true, hash: '#/overview' });
    await s.page.waitForSelector('.hero');
    e.fakeWarnings([warning]);
    const banner = s.page.locator('.view-overview [data-warning="config"]');
    await expect.poll(() => banner.locator('strong').textContent()).toBe(warning.title);
    expect(await axeSeriousViolations(s.page)).toEqual([]);
    await banner.getByRole('button', { name: 'Revert' }).click();
    await until(() => e.calls.includes('revertConfig'), 'the revert call');
    await expect.poll(() => s.page.locator('.view-overview [data-warning]').count()).toBe(0);
    expect(s.errors).toEqual([]);
  });

  it('a known fix waiting for a yes can be approved from the list', async () => {
    const e = engine();
    const s = await open(e, { allowInput: true, hash: '#/incidents' });
    await s.page.waitForSelector('.incident-list');
    e.fakePendingFix({
      incidentId: 'inc-now',
      recordId: 'r1',
      rung: 'port-foreign',
      action: 'stop pid 4242 (python3 -m http.server 18789), which is not OpenClaw',
      diff: null,
      expiresAt: iso(NOW + 300_000),
    });
    const q = s.page.locator('.view-incidents .kf-question');
    await expect.poll(() => q.textContent()).toContain('stop pid 4242 (python3 -m http.server 18789)');
    await q.getByRole('button', { name: 'Approve' }).click();
    await until(() => e.calls.includes('answerFix:inc-now:r1:true'), 'the answer');
    await expect.poll(() => s.page.locator('.view-incidents .kf-question').count()).toBe(0);
  });

  it('Settings shows the playbooks with their steps, and Enable turns one on', async () => {
    const e = engine();
    const s = await open(e, { allowInput: true, hash: '#/settings' });
    const item = s.page.locator('[data-playbook-id="port-foreign-python3"]');
    await expect.poll(() => item.locator('.badge').textContent()).toBe('Proposed');
    expect(await item.locator('.playbook-steps').textContent()).toBe('$ kill {{holderPid}}');
    expect(await item.textContent()).toContain('When the fingerprint is port-foreign:python3');
    await item.getByRole('button', { name: 'Enable' }).click();
    await until(() => e.calls.includes('setPlaybookEnabled:port-foreign-python3:true'), 'the enable call');
    await expect.poll(() => item.locator('.badge').textContent()).toBe('Enabled');
    // The rung modes are settings like any other.
    expect(await s.page.locator('[data-field="knownFixes.configRestore"] select').inputValue()).toBe('ask');
    expect(await s.page.locator('[data-field="knownFixes.portForeign"] option').allTextContents()).toEqual([
      'Ask me first',
      'Off',
    ]);
    expect(s.errors).toEqual([]);
  });

  it('a read-only dashboard shows all of it and changes nothing', async () => {
    const e = engine();
    e.fakeWarnings([warning]);
    const s = await open(e, { hash: '#/incidents/20261125T120000000Z-abc123' });
    const undo = s.page.locator('[data-rung="config-restore"]').getByRole('button', { name: 'Undo' });
    await expect.poll(() => undo.isDisabled()).toBe(true);
    await s.page.goto(`${s.dash.url}#/incidents`);
    await expect
      .poll(() =>
        s.page.locator('.view-incidents [data-warning="config"]').getByRole('button', { name: 'Revert' }).isDisabled(),
      )
      .toBe(true);
    expect(e.calls.filter((c: string) => c.startsWith('undoFix') || c === 'revertConfig')).toEqual([]);
  });
});
