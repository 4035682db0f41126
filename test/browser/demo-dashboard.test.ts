// `clawmedic demo --dashboard`, watched the way a person would: the URL is the first thing it prints, the
// Overview shows the ladder, and when the agent asks for approval the person takes over in the live terminal
// and presses 1. The incident then credits the doctor, approved by the person; the records stay.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import { cliPath } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { launchChromium, until } from './helpers.js';

let browser: Browser;
const TMP = mkdtempSync(path.join(os.tmpdir(), 'cm-demo-dash-'));

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(TMP, { recursive: true, force: true });
});

type Line = { type: string; url?: string; ok?: boolean; incidents?: Incident[]; recordsDir?: string; report?: string };

describe('clawmedic demo --dashboard', () => {
  it('prints the dashboard first; a person approves the agent in the browser and gets the honest credit', async () => {
    const child = spawn(process.execPath, [cliPath, 'demo', '--dashboard', '--json', '--agent-pace', '0.5'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', TMPDIR: TMP },
    });
    const lines: Line[] = [];
    let buf = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      buf += b.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buf.slice(0, i)) as Line);
        buf = buf.slice(i + 1);
      }
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    try {
      const first = await waitFor(`the first line (stderr: ${err})`, () => lines[0], { timeoutMs: 30_000 });
      expect(first.type).toBe('dashboard');
      const context = await browser.newContext({ viewport: { width: 1000, height: 680 }, reducedMotion: 'reduce' });
      const page = await context.newPage();
      await page.goto(first.url!);
      // The Overview follows the ladder; the agent's question reaches the person with the command it wants to run.
      const headline = page.locator('.hero-headline');
      await until(
        async () => (await headline.textContent())?.startsWith('Needs your approval — openclaw doctor --fix'),
        'the approval on the Overview',
        120_000,
      );
      await page.getByRole('link', { name: 'Open the live terminal →' }).click();
      const take = page.getByRole('button', { name: 'Take over' });
      await expect.poll(() => take.isEnabled()).toBe(true);
      await take.click();
      await expect.poll(() => page.getByRole('button', { name: 'Hand back' }).isVisible()).toBe(true);
      await page.keyboard.press('1');
      await page.getByRole('button', { name: 'Hand back' }).click();
      const result = await waitFor('the demo result', () => lines.find((l) => l.type === 'demo-result'), {
        timeoutMs: 120_000,
      });
      expect(await exited, err).toBe(0);
      expect(result.ok).toBe(true);
      const doctor = result.incidents!.at(-1)!;
      expect(doctor).toMatchObject({ outcome: 'recovered', resolvedBy: 'doctor', doctor: { promptsAnswered: 1 } });
      // The approval came from the person (the demo's own would have waited 45 s): no "the demo approved it".
      expect(doctor.events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['doctor-taken-over', 'doctor-handed-back']),
      );
      expect(existsSync(result.report!)).toBe(true);
      await context.close();
    } finally {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
    }
  }, 240_000);
});
