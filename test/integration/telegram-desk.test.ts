// The interactive Telegram channel's buttons on "down"/"needs attention" messages, against a local stand-in
// of the Bot API (real HTTP): the press goes through the operation table (transport "chat"); expired,
// repeated and read-only presses are refused; "Last 30 lines" comes back redacted as a code block; a bot
// token that OpenClaw's own config uses is never polled.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatusSnapshot } from '../../common/contract.js';
import type { NotifyChannel } from '../../common/settings-schema.js';
import { dispatch, type Handlers } from '../../main/engine/operations.js';
import { validateSettings } from '../../main/engine/settings/index.js';
import { TelegramDesk, type DeskHost } from '../../main/engine/notify/telegram/desk.js';
import { gatewayTelegramTokens, sharedTokenProblem } from '../../main/engine/notify/telegram/gateway-token.js';
import type { Message } from '../../main/engine/notify/policy.js';
import { startFakeBotApi, type FakeBotApi } from '../fixtures/fake-bot-api.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = '444000222:AADeskTestToken_abcdefghijklmnopqr';
const SECRET = 'gw-token-0123456789abcdef';

let bot: FakeBotApi;
let dir: string;
const desks: TelegramDesk[] = [];
beforeEach(async () => {
  bot = await startFakeBotApi();
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-desk-'));
});
afterEach(async () => {
  for (const d of desks.splice(0)) {
    await d.close();
    await d.settle();
  }
  await bot.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup(over: Partial<NotifyChannel> = {}, o: { incidentTtlMs?: number; gatewayToken?: string } = {}) {
  const channel = {
    name: 'phone',
    type: 'telegram',
    token: TOKEN,
    chatId: '111',
    minIntervalSec: 0,
    interactive: true,
    allowActions: true,
    allowChatIds: ['111'],
    ...over,
  };
  const settings = validateSettings({ notify: { channels: [channel] } });
  if (!settings.ok) throw new Error(JSON.stringify(settings.problems));
  const calls: { name: string; args: unknown[] }[] = [];
  const notes: { id: string; type: string; detail: string }[] = [];
  const log: string[] = [];
  const failures: string[] = [];
  const ok = { ok: true as const, value: undefined };
  // The table's own dispatch over stand-in handlers: what the desk asks for, and nothing it may not.
  const handlers = new Proxy({} as Handlers, {
    get:
      (_t, name: string) =>
      (...args: unknown[]) => {
        calls.push({ name, args });
        return name === 'pause' ? { ok: true, value: {} } : ok;
      },
  });
  const host: DeskHost = {
    dispatch: (name, args) => dispatch(handlers, name, args, { transport: 'chat' }),
    status: () => ({ doctor: null }) as unknown as StatusSnapshot,
    pendingPrompt: () => Promise.resolve(null),
    note: (id, type, detail) => {
      notes.push({ id, type, detail });
      return Promise.resolve();
    },
    logTail: (n) =>
      Promise.resolve(
        `gateway.log:\n${Array.from({ length: n }, (_, i) => `line ${i + 1} auth=${SECRET}`).join('\n')}`,
      ),
    secrets: () => [SECRET],
    gatewayTokens: () =>
      Promise.resolve({
        tokens: o.gatewayToken ? [{ token: o.gatewayToken, where: 'channels.telegram.botToken in openclaw.json' }] : [],
        unchecked: [],
      }),
  };
  const desk = new TelegramDesk({
    getSettings: () => settings.settings,
    host,
    stateDir: path.join(dir, 'telegram'),
    apiBase: bot.url,
    log: (l) => log.push(l),
    onFailure: (ch, d) => failures.push(`${ch}: ${d}`),
    timing: {
      poll: { pollTimeoutSec: 1, backoffBaseMs: 20, backoffMaxMs: 200 },
      ...(o.incidentTtlMs !== undefined ? { incidentTtlMs: o.incidentTtlMs } : {}),
    },
  });
  desks.push(desk);
  return { desk, channel: settings.settings.notify.channels[0]!, calls, notes, log, failures };
}

const down: Message = {
  kind: 'down',
  incidentId: '20260301T100000000Z-abc123',
  title: 'OpenClaw gateway is down on mini',
  body: 'Connection refused.',
  severity: 'critical',
  dedupeKey: 'x',
  at: '2026-03-01T10:00:00.000Z',
  host: 'mini',
};

const answers = () => bot.requests.filter((r) => r.method === 'answerCallbackQuery').map((r) => r.body.text);

describe('interactive Telegram: incident buttons', () => {
  it('offers Restart, Start doctor, Pause 1 h, Last 30 lines; a press runs once and is recorded', async () => {
    const s = setup();
    await s.desk.start();
    const msg = (await s.desk.decorate(down, s.channel))!;
    const buttons = msg.buttons!.flat();
    expect(buttons.map((b) => b.text)).toEqual(['Restart', 'Start doctor', 'Pause 1 h', 'Last 30 lines']);
    const pause = buttons[2]!.data;
    bot.press({ chatId: 111, fromId: 111, username: 'alice', data: pause });
    await waitFor('the pause', () => s.notes.length === 1);
    expect(s.calls).toEqual([{ name: 'pause', args: [60] }]);
    expect(s.notes[0]).toEqual({
      id: down.incidentId,
      type: 'chat-action',
      detail: 'monitoring paused for 60 min from Telegram by chat 111 (@alice)',
    });
    // Pressed again: refused, not run again.
    bot.press({ chatId: 111, fromId: 111, data: pause });
    await bot.waitFor((r) => r.filter((x) => x.method === 'answerCallbackQuery').length === 2, 'the refusal');
    expect(answers()).toEqual(['Pause 1 h: on it…', 'This was answered already.']);
    expect(s.calls).toHaveLength(1);

    // Last 30 lines: the gateway log as a code block, with the gateway's secret scrubbed.
    bot.press({ chatId: 111, fromId: 111, data: buttons[3]!.data });
    await bot.waitFor(
      (r) => r.some((x) => x.method === 'sendMessage' && String(x.body.text).includes('<pre>')),
      'the log lines',
    );
    const tail = String(bot.sent().find((m) => String(m.text).includes('<pre>'))!.text);
    expect(tail).toContain('line 30 auth=');
    expect(tail).not.toContain(SECRET);
    expect(tail.match(/line \d+/g)).toHaveLength(30);
  });

  it('refuses an expired button, a press from another chat, and acting while allowActions is off', async () => {
    const s = setup({ allowChatIds: ['111', '222'] }, { incidentTtlMs: 0 });
    await s.desk.start();
    const expired = (await s.desk.decorate(down, s.channel))!.buttons!.flat()[0]!.data;
    bot.press({ chatId: 111, fromId: 111, data: expired });
    await bot.waitFor((r) => r.some((x) => x.method === 'answerCallbackQuery'), 'the expiry answer');
    expect(answers()).toEqual(['This button has expired; look at the newest message.']);
    expect(s.calls).toEqual([]);

    // Read-only: only Last 30 lines is offered, and an old action button is refused.
    const ro = setup({ allowActions: false });
    await ro.desk.start();
    expect((await ro.desk.decorate(down, ro.channel))!.buttons!.flat().map((b) => b.text)).toEqual(['Last 30 lines']);
    const acting = setup({ allowChatIds: ['111', '222'] });
    await acting.desk.start();
    const restart = (await acting.desk.decorate(down, acting.channel))!.buttons!.flat()[0]!.data;
    // Allowed user 222, but the button was sent to chat 111: refused.
    bot.press({ chatId: 222, fromId: 222, data: restart });
    await waitFor('the refusal', () => acting.log.some((l) => l.includes('belongs to another chat')));
    expect(acting.calls).toEqual([]);
  });

  it('never polls a bot that OpenClaw uses too, and says why', async () => {
    const s = setup({}, { gatewayToken: TOKEN });
    await s.desk.start();
    expect(s.failures.join('\n')).toMatch(/phone: not reading button presses: this bot token is also OpenClaw's/);
    expect(bot.requests.filter((r) => r.method === 'getUpdates')).toEqual([]);
  });
});

describe("OpenClaw's Telegram token, found in its config", () => {
  it('reads botToken, tokenFile, accounts, ${VAR} and env SecretRefs; other secret sources are unchecked', async () => {
    writeFileSync(path.join(dir, 'tg.token'), '222:FromFile\n');
    const config = path.join(dir, 'openclaw.json');
    writeFileSync(
      config,
      `{ // JSON5, as OpenClaw accepts it
        env: { vars: { TG_WORK: "333:FromVars" } },
        channels: { telegram: {
          botToken: "111:Plain",
          accounts: {
            file: { tokenFile: "${path.join(dir, 'tg.token')}" },
            work: { botToken: "\${TG_WORK}" },
            ops: { botToken: { source: "env", provider: "default", id: "OPS_TG" } },
            vault: { botToken: { source: "exec", provider: "vault", id: "tg" } },
          },
        } },
      }`,
    );
    const found = await gatewayTelegramTokens(config, { OPS_TG: '444:FromEnv' });
    expect(found.tokens.map((t) => t.token).sort()).toEqual([
      '111:Plain',
      '222:FromFile',
      '333:FromVars',
      '444:FromEnv',
    ]);
    expect(found.unchecked).toEqual(['channels.telegram.accounts.vault.botToken (a exec secret)']);
    expect(sharedTokenProblem('333:FromVars', found)).toMatch(
      /also OpenClaw's \(channels\.telegram\.accounts\.work\.botToken in .*openclaw\.json\).*@BotFather/,
    );
    expect(sharedTokenProblem('999:Mine', found)).toBeNull();
    // No botToken on the default account: OpenClaw falls back to TELEGRAM_BOT_TOKEN.
    writeFileSync(config, '{ channels: { telegram: { enabled: true } } }');
    expect((await gatewayTelegramTokens(config, { TELEGRAM_BOT_TOKEN: '555:Env' })).tokens).toEqual([
      { token: '555:Env', where: "the TELEGRAM_BOT_TOKEN environment variable (OpenClaw's fallback)" },
    ]);
  });
});
