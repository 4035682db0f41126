// Shared by the browser tests: builds the renderer once per file into a temp dir, launches Debian's
// Chromium through playwright-core, and serves the real UI through the real dashboard server.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { startDashboard, type Dashboard } from '../../main/dashboard/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function buildRenderer(): Promise<{ dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clawmedic-renderer-'));
  await build({
    configFile: path.join(ROOT, 'renderer/vite.config.ts'),
    logLevel: 'error',
    build: { outDir: dir, emptyOutDir: true, sourcemap: false },
  });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface Session {
  dash: Dashboard;
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (CSP violations land here too). */
  errors: string[];
  close(): Promise<void>;
}

export async function openDashboard(
  browser: Browser,
  engine: unknown,
  rendererDir: string,
  opts: {
    allowInput?: boolean;
    colorScheme?: 'light' | 'dark';
    viewport?: { width: number; height: number };
    hash?: string;
  } = {},
): Promise<Session> {
  const dash = await startDashboard({ engine: engine as never, rendererDir, allowInput: opts.allowInput ?? false });
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1000, height: 680 },
    colorScheme: opts.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(dash.url + (opts.hash ?? ''));
  return {
    dash,
    context,
    page,
    errors,
    async close() {
      await context.close();
      await dash.close();
    },
  };
}

/** The text rows xterm shows in the live view (what the user sees), trailing blanks trimmed. */
export async function liveRows(page: Page, scope = '.view-live'): Promise<string[]> {
  return page.evaluate((sel) => {
    const rows = [...document.querySelectorAll(`${sel} .xterm-rows > div`)];
    return rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd());
  }, scope);
}

export async function until<T>(fn: () => T | Promise<T>, what: string, ms = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; html: string; summary: string }[];
}

let axeSource: string | null = null;

/**
 * Runs axe-core (every rule) on the page as it is and returns the serious and critical violations. The script is
 * evaluated through the DevTools protocol, so the page's own CSP (script-src 'self') stays as it is.
 */
export async function axeSeriousViolations(page: Page): Promise<AxeFinding[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Axe = { run: (ctx: unknown, o: unknown) => Promise<{ violations: unknown[] }> };
    const axe = (window as unknown as { axe: Axe }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    type Node = { target: string[]; html: string; failureSummary?: string };
    type V = { id: string; impact: string | null; help: string; nodes: Node[] };
    return (r.violations as V[])
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({
          target: n.target.join(' '),
          html: n.html.slice(0, 160),
          summary: (n.failureSummary ?? '').slice(0, 240),
        })),
      }));
  });
}
