// The long-polling loop against a local stand-in of the Bot API (real HTTP): offsets persisted privately
// before acting, updates processed at most once (also across a restart and when Telegram re-sends), and
// 409 / 429 / 5xx / a dropped connection survived with back-off.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotApi, type Update } from '../../main/engine/notify/telegram/bot-api.js';
import { UpdatePoller, type PollTrouble } from '../../main/engine/notify/telegram/poller.js';
import { startFakeBotApi, type FakeBotApi } from '../fixtures/fake-bot-api.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = '987654321:AAPollerTestTokenabcdefghijklmnop';
// Short polls and back-offs: the loop's behaviour, not its production pacing, is under test.
const TIMING = { pollTimeoutSec: 1, requestSlackMs: 2000, backoffBaseMs: 20, backoffMaxMs: 200, conflictMinMs: 50 };

let bot: FakeBotApi;
let dir: string;
const pollers: UpdatePoller[] = [];
beforeEach(async () => {
  bot = await startFakeBotApi();
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-poll-'));
});
afterEach(async () => {
  for (const p of pollers.splice(0)) await p.close();
  await bot.close();
  rmSync(dir, { recursive: true, force: true });
});

function poller(stateDir = path.join(dir, 'telegram')) {
  const seen: Update[] = [];
  /** What the offset file said while each update was being handled. */
  const savedAtHandling: number[] = [];
  const trouble: { kind: PollTrouble; detail: string; waitMs: number }[] = [];
  let recovered = 0;
  const p = new UpdatePoller({
    api: new BotApi(bot.url, TOKEN),
    stateDir,
    timing: TIMING,
    onUpdate: (u) => {
      savedAtHandling.push((JSON.parse(readFileSync(p.offsetFile, 'utf8')) as { offset: number }).offset);
      seen.push(u);
      return Promise.resolve();
    },
    onTrouble: (kind, detail, waitMs) => trouble.push({ kind, detail, waitMs }),
    onRecovered: () => recovered++,
  });
  pollers.push(p);
  p.start();
  return { p, seen, savedAtHandling, trouble, recovered: () => recovered };
}

const ids = (us: Update[]) => us.map((u) => u.update_id);

describe('Telegram update poller', () => {
  it('hands each update over once, saves the offset privately first, resumes there after a restart', async () => {
    const a = poller();
    const first = bot.press({ chatId: 1, fromId: 1, data: 'cm:x' });
    const second = bot.press({ chatId: 1, fromId: 1, data: 'cm:y' });
    await waitFor('two updates', () => a.seen.length === 2);
    expect(ids(a.seen)).toEqual([first, second]);
    // Saved before acting: a crash while acting loses the update rather than acting on it twice.
    expect(a.savedAtHandling).toEqual([first + 1, second + 1]);
    // The next poll confirms them (offset = last + 1) and the file says so, 0600 in a 0700 folder.
    await bot.waitFor(
      (r) => r.some((x) => x.method === 'getUpdates' && x.body.offset === second + 1),
      'a confirming poll',
    );
    const file = path.join(dir, 'telegram', 'bot987654321.offset.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ offset: second + 1 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    // Telegram re-sends an update it was told about: skipped.
    bot.script('resend-old');
    const third = bot.press({ chatId: 1, fromId: 1, data: 'cm:z' });
    await waitFor('the third update', () => a.seen.length >= 3);
    await a.p.close();
    expect(ids(a.seen)).toEqual([first, second, third]);

    // A new poller (ClawMedic restarted) starts at the saved offset: nothing is handed over twice.
    const b = poller();
    await bot.waitFor(
      (r) => r.filter((x) => x.method === 'getUpdates' && x.body.offset === third + 1).length >= 2,
      'the restarted poll',
    );
    const fourth = bot.press({ chatId: 1, fromId: 1, data: 'cm:w' });
    await waitFor('the fourth update', () => b.seen.length === 1);
    expect(ids(b.seen)).toEqual([fourth]);
  });

  it('survives 409, 429, 5xx and a dropped connection, backing off, and carries on', async () => {
    bot.script({ status: 409 }, { status: 429, retryAfterSec: 0.05 }, { status: 502 }, 'drop', { status: 500 });
    const a = poller();
    const id = bot.press({ chatId: 1, fromId: 1, data: 'cm:after' });
    await waitFor('the update after the trouble', () => a.seen.length === 1);
    expect(ids(a.seen)).toEqual([id]);
    expect(a.trouble.map((t) => t.kind)).toEqual(['conflict', 'rate-limited', 'server', 'network', 'server']);
    // 409 names the cause and the remedy; 429 waits what Telegram asked; waits grow while failures last.
    expect(a.trouble[0]!.detail).toMatch(/another program polls this bot.*bot of its own/);
    expect(a.trouble[0]!.waitMs).toBeGreaterThanOrEqual(TIMING.conflictMinMs);
    expect(a.trouble[1]!.waitMs).toBe(50);
    expect(a.trouble[4]!.waitMs).toBeGreaterThan(a.trouble[2]!.waitMs);
    expect(a.recovered()).toBe(1);
    // No detail carries the token.
    expect(JSON.stringify(a.trouble)).not.toContain(TOKEN.split(':')[1]);
  });

  it('refuses to poll with a state folder that is a symlink (someone could replay or hide updates)', async () => {
    const elsewhere = path.join(dir, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    const link = path.join(dir, 'linked');
    symlinkSync(elsewhere, link);
    const a = poller(link);
    await waitFor('the refusal', () => a.trouble.length === 1);
    expect(a.trouble[0]).toMatchObject({ kind: 'storage' });
    expect(a.trouble[0]!.detail).toMatch(/symbolic link/);
    expect(bot.requests.filter((r) => r.method === 'getUpdates')).toEqual([]);
  });
});
