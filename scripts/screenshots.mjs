#!/usr/bin/env node
// `npm run screenshots`: builds ClawMedic, serves the real renderer through the real dashboard server
// backed by a fake but realistic engine (a doctor at work, two weeks of incidents, settings; see
// test/browser/scenario.mjs), and saves PNGs of every view in light and dark. Needs Debian's chromium.
//
// They go to test-results/screenshots/ (ignored by git), so a look at the UI never rewrites the tracked
// images; `--update` writes docs/screenshots/ instead, the pictures the README shows.
//
//   node scripts/screenshots.mjs [--update] [--no-build] [--out DIR] [--scale 2]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const OUT = path.resolve(ROOT, option('--out', flag('--update') ? 'docs/screenshots' : 'test-results/screenshots'));
const SCALE = Number(option('--scale', '1'));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// 1000×680: a comfortable window; the minimum-size shot checks the 720×480 floor; 420 px is a phone.
const SIZE = { width: 1000, height: 680 };
const MIN_SIZE = { width: 720, height: 480 };
const PHONE = { width: 420, height: 860 };

function fail(message) {
  console.error(`screenshots: ${message}`);
  process.exit(1);
}

if (!existsSync(CHROMIUM))
  fail(`no Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);

if (!flag('--no-build')) {
  console.log('compiling the settings validator…');
  const { buildValidators } = await import('./build-validators.mjs');
  await buildValidators();
  console.log('building main (tsc -b)…');
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) fail('tsc -b failed; fix the type errors above first.');
  console.log('building renderer (vite)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'renderer/vite.config.ts'), logLevel: 'warn' });
}

const dashboardJs = path.join(ROOT, 'dist/main/dashboard/index.js');
if (!existsSync(dashboardJs)) fail(`${dashboardJs} is missing: run without --no-build.`);
const { startDashboard } = await import(pathToFileURL(dashboardJs).href);
const { validateSettings } = await import(pathToFileURL(path.join(ROOT, 'dist/main/engine/settings/index.js')).href);
const { TEMPLATE_VARIABLES } = await import(pathToFileURL(path.join(ROOT, 'dist/common/template.js')).href);
const { createFakeEngine, healthyPreflight } = await import(
  pathToFileURL(path.join(ROOT, 'test/browser/fake-engine.mjs')).href
);
const { doctorSessionChunks, incidentHistory, openIncidentFor, sampleSettings, setupProblems } = await import(
  pathToFileURL(path.join(ROOT, 'test/browser/scenario.mjs')).href
);
const { chromium } = await import('playwright-core');

const DEFAULT_PROMPT = `You are the on-call doctor for an OpenClaw gateway that stopped answering at {{healthUrl}}.

Incident {{incidentId}}. Read the context ClawMedic prepared first: {{contextPath}}
(recent health failures, the log tail, \`openclaw config validate\` output, the port holder).

1. Find out why the gateway is down: \`openclaw status\`, the logs ({{logPaths}}), the config at {{configPath}}.
2. Fix the cause with the smallest change. A snapshot of the config is in {{snapshotDir}}.
3. Restart the gateway and check that {{healthUrl}} answers.
4. Write what you found and did to {{reportPath}}, then print {{resultMarker}} and your JSON result.

You have {{timeoutMin}} minutes.
{{learnings}}`;

const now = Date.now();
const history = incidentHistory(now);
const engine = createFakeEngine({
  validate: validateSettings,
  settings: validateSettings(sampleSettings()).settings,
  incidents: history.incidents,
  details: history.details,
  templateVariables: { ...TEMPLATE_VARIABLES },
  defaultPromptTemplate: DEFAULT_PROMPT,
});
/** A healthy gateway checked a few seconds ago, as the engine reports it. */
const healthyNow = () =>
  engine.fakeStatus({
    state: 'healthy',
    reason: 'healthy (3.2 ms)',
    doctor: null,
    openIncidentId: null,
    lastCheck: {
      condition: 'healthy',
      health: {
        ok: true,
        kind: 'healthy',
        url: 'http://127.0.0.1:18789/healthz',
        status: 200,
        latencyMs: 3,
        detail: 'ok',
        at: new Date(Date.now() - 12_000).toISOString(),
      },
      failing: [],
      at: new Date(Date.now() - 12_000).toISOString(),
    },
  });
/** The doctor at work on the open incident, 4 min 12 s in; `approval`: waiting for a person to allow a command. */
const startDoctor = (approval = false) => {
  const startedAt = Date.now() - (4 * 60 + 12) * 1000;
  engine.fakeStartDoctor('claude', {
    startedAt,
    ...(approval
      ? { needsApproval: true, pendingRequest: 'Bash command\n\nlsof -i :18789\nFind what holds the gateway port' }
      : {}),
  });
  engine.fakeAddIncident(openIncidentFor(engine.status().doctor.incidentId, startedAt));
  engine.fakeStatus({ reason: 'the doctor is working (restarts did not help)' });
  for (const chunk of doctorSessionChunks()) engine.terminal.emit(chunk);
};
/** The session ends; its open incident leaves the list again (the history stays as it was). */
const endDoctor = () => {
  const id = engine.status().openIncidentId;
  engine.fakeEndDoctor();
  if (id) engine.fakeRemoveIncident(id);
};
engine.previewBrief = (template) =>
  Promise.resolve({
    ok: true,
    value: template.replace(
      /\{\{\s*(\w+)\s*\}\}/g,
      (_m, name) =>
        ({
          gatewayUrl: 'http://127.0.0.1:18789',
          healthUrl: 'http://127.0.0.1:18789/healthz',
          port: '18789',
          configPath: '/Users/you/.openclaw/openclaw.json',
          logPaths:
            `/tmp/openclaw/openclaw-${new Date(now).toISOString().slice(0, 10)}.log, ` +
            '/Users/you/.openclaw/logs/gateway.log',
          timeoutMin: '30',
          reportPath: `/Users/you/.clawmedic/incidents/${history.incidents[0].id}/report.md`,
          contextPath: `/Users/you/.clawmedic/incidents/${history.incidents[0].id}/context.md`,
          snapshotDir: `/Users/you/.clawmedic/incidents/${history.incidents[0].id}/snapshot`,
          learnings: '',
          incidentId: history.incidents[0].id,
          resultMarker: 'CLAWMEDIC_RESULT',
        })[name] ?? `{{${name}}}`,
    ),
  });

const dash = await startDashboard({ engine, allowInput: true, rendererDir: path.join(ROOT, 'dist/renderer') });
mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const saved = [];
const problems = [];
try {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({
      viewport: SIZE,
      deviceScaleFactor: SCALE,
      colorScheme: scheme,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`[${scheme}] console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`[${scheme}] page error: ${e.message}`));
    const shot = async (name, opts = {}) => {
      const file = path.join(OUT, `${name}-${scheme}.png`);
      await page.screenshot({ path: file, ...opts });
      saved.push(path.relative(ROOT, file));
    };
    // The Overview, the window's first view: all is well, with two weeks behind it.
    healthyNow();
    engine.fakePreflight(healthyPreflight(Date.now()));
    await page.goto(`${dash.url}#/`);
    await page.waitForFunction(() => document.querySelector('.hero-headline')?.textContent === 'Healthy');
    await page.waitForSelector('.preflight-item');
    await page.waitForSelector('.incident-card-head');
    await shot('overview');

    // A first run on a machine without OpenClaw: what is missing and the one next step.
    engine.fakePreflight(setupProblems(Date.now()));
    await page.waitForFunction(() => document.querySelector('.next-step')?.textContent?.includes('Restart command'));
    await shot('overview-setup');
    engine.fakePreflight(healthyPreflight(Date.now()));

    // The doctor waits for a person to allow a command.
    startDoctor(true);
    await page.waitForFunction(() =>
      document.querySelector('.hero-headline')?.textContent?.startsWith('Needs your approval'),
    );
    await page.waitForSelector('.incident-card-head .tone-busy');
    await shot('overview-approval');
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(300); // the layout settles after the resize
    await shot('overview-phone');
    await page.setViewportSize(SIZE);
    endDoctor();

    startDoctor();
    await page.click('a.tab[href="#/live"]');
    await page.waitForSelector('.xterm-rows');
    await page.waitForFunction(() =>
      document.querySelector('.xterm-rows')?.textContent?.includes('Waiting for the gateway'),
    );
    await page.waitForFunction(() => document.querySelector('.state-pill')?.textContent?.includes('doctor at work'));
    await page.waitForTimeout(300); // let the progress bar's width transition settle
    await shot('live');

    await page.click('button[aria-pressed="false"]');
    await page.waitForSelector('.term-frame.controlling');
    await page.waitForTimeout(300);
    await shot('live-takeover');
    await page.click('button[aria-pressed="true"]');
    await page.waitForSelector('.term-frame:not(.controlling)');

    await page.setViewportSize(MIN_SIZE);
    await page.waitForTimeout(300);
    await shot('live-min');
    await page.setViewportSize(SIZE);
    endDoctor();
    healthyNow();

    await page.click('a.tab[href="#/incidents"]');
    await page.waitForSelector('.incident-row[data-incident-id]');
    await shot('incidents');

    await page.click(`.incident-row[data-incident-id="${history.incidents[0].id}"] .incident-link`);
    await page.waitForSelector('.timeline');
    await page.waitForFunction(() =>
      document.querySelector('.transcript-host .xterm-rows')?.textContent?.includes('Report written'),
    );
    await shot('incident-detail');
    await page.evaluate(() => document.querySelectorAll('.detail-section')[1]?.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(100);
    await shot('incident-report');

    await page.click('a.tab[href="#/settings"]');
    await page.waitForSelector('.settings-form .row');
    await shot('settings');
    await page.fill('[data-field="gateway.checkIntervalSec"] input', '0');
    await page.fill('[data-field="gateway.url"] input', 'localhost:18789');
    await page.waitForSelector('.row.invalid');
    await page.waitForTimeout(200);
    await shot('settings-invalid');
    await page.click('button:has-text("Revert")');
    await page.evaluate(() =>
      document.querySelector('[data-field="doctor.agents"]')?.scrollIntoView({ block: 'start' }),
    );
    await page.waitForTimeout(100);
    await shot('settings-doctor');
    await page.evaluate(() =>
      document.querySelector('.prompt-editor')?.closest('.group')?.scrollIntoView({ block: 'start' }),
    );
    await page.waitForFunction(() => (document.querySelector('.preview')?.textContent ?? '').length > 0);
    await shot('settings-prompt');
    await page.evaluate(() =>
      document.querySelector('[data-field="notify.native"]')?.closest('.group')?.scrollIntoView({ block: 'start' }),
    );
    await page.waitForTimeout(100);
    await shot('settings-notifications');

    await page.click('a.tab[href="#/live"]');
    await page.waitForFunction(() => document.querySelector('.session-title')?.textContent === 'No doctor running');
    await shot('live-idle');
    await context.close();
  }
} finally {
  await browser.close();
  await dash.close();
}
for (const f of saved) console.log(`saved ${f}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
