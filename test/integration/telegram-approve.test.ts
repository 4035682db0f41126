// Approving from the phone, end to end: the real engine, the real doctor (tmux, node-pty) with the fake
// agent TUI stopped at a permission prompt, and a local stand-in of the Telegram Bot API. The press flows
// through the operation table to the same take-over/input path a person at the keyboard uses; a second
// press and a stranger's press change nothing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import { Doctor } from '../../main/engine/doctor/doctor.js';
import { Engine } from '../../main/engine/engine.js';
import { createHarness, readAgentLog, TEST_TIMING, type Harness } from '../fixtures/fake-agent-harness.js';
import { startFakeBotApi, type FakeBotApi } from '../fixtures/fake-bot-api.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = '555000111:AAApproveTestToken_abcdefghijklmno';
const CHAT = 111;

let h: Harness;
let bot: FakeBotApi;
let engine: Engine | null = null;
beforeEach(async () => {
  h = await createHarness();
  bot = await startFakeBotApi();
});
afterEach(async () => {
  await engine?.stop('test over');
  engine = null;
  await bot.close();
  await h.close();
});

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };
const buttonsOf = (m: Record<string, unknown>) =>
  ((m.reply_markup as Keyboard | undefined)?.inline_keyboard ?? []).flat();

describe('approving a permission prompt from Telegram', () => {
  it('presses "Yes" once through take-over, records who, and refuses a second press and a stranger', async () => {
    const settings = h.settings({
      claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ ask: `touch ${h.marker}` }]) }),
    });
    // No health incident of its own while the test drives the doctor by hand.
    settings.gateway.failureThreshold = 100;
    settings.gateway.checkIntervalSec = 3600;
    settings.notify.native = false;
    settings.notify.channels = [
      {
        name: 'phone',
        type: 'telegram',
        enabled: true,
        url: '',
        token: TOKEN,
        chatId: String(CHAT),
        headers: {},
        minIntervalSec: 0,
        interactive: true,
        allowActions: true,
        allowChatIds: [String(CHAT)],
      },
    ];
    const settingsFile = path.join(h.dir, 'settings.json');
    writeFileSync(settingsFile, JSON.stringify(settings));
    const log: string[] = [];
    engine = await Engine.create({
      settingsFile,
      exclusive: true,
      onInvalidSettings: 'throw',
      telegramApiBase: bot.url,
      log: (l) => log.push(l),
      deskTiming: { poll: { pollTimeoutSec: 1, backoffBaseMs: 20, backoffMaxMs: 200 } },
      doctorFactory: ({ dataDir, clock }) => new Doctor({ dataDir, clock, timing: TEST_TIMING }),
    });
    const closed: Incident[] = [];
    engine.on((e) => {
      if (e.type === 'incident-closed') closed.push(e.incident);
    });
    await engine.start();
    expect((await engine.startDoctor()).ok).toBe(true);

    // The needs-approval message: the pending command, the time left, and the three buttons.
    await bot.waitFor(
      (r) => r.some((x) => x.method === 'sendMessage' && JSON.stringify(x.body).includes('Approve once')),
      'the approval message',
      30_000,
    );
    const msg = bot.sent().find((m) => JSON.stringify(m).includes('Approve once'))!;
    expect(msg.chat_id).toBe(String(CHAT));
    expect(String(msg.text)).toContain(`<pre>Bash command`);
    expect(String(msg.text)).toContain(`touch ${h.marker}`);
    expect(String(msg.text)).toMatch(/Time left: \d+ s/);
    const buttons = buttonsOf(msg);
    expect(buttons.map((b) => b.text)).toEqual(['Approve once', 'Deny', 'Stop doctor']);
    const [approve, deny] = buttons;
    // Every button is ours: opaque, short, nothing a chat could compose.
    for (const b of buttons) expect(b.callback_data).toMatch(/^cm:[\w-]{16}$/);

    // A stranger presses Approve first: ignored (not even answered) and logged.
    const strangerPress = bot.press({ chatId: 999, fromId: 999, username: 'mallory', data: approve!.callback_data });
    const press = bot.press({
      chatId: CHAT,
      fromId: CHAT,
      username: 'alice',
      data: approve!.callback_data,
      messageId: 7,
      keyboard: msg.reply_markup,
    });

    await waitFor('the incident to close', () => closed.length === 1, { timeoutMs: 30_000 });
    const inc = closed[0]!;
    // Approving from the phone answers the agent's prompt: the doctor's fix, approved by a person.
    expect(inc).toMatchObject({ outcome: 'recovered', resolvedBy: 'doctor', doctor: { promptsAnswered: 1 } });
    // The fake agent got "1" (Yes) once, through the live terminal a person would type into.
    expect(readAgentLog(h.agentLog).filter((e) => e.ev === 'permission-answer')).toEqual([
      expect.objectContaining({ choice: 0 }),
    ]);
    const types = inc.events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['doctor-needs-approval', 'doctor-taken-over', 'doctor-handed-back', 'chat-action']),
    );
    expect(inc.events.find((e) => e.type === 'chat-action')!.detail).toBe(
      `approved once from Telegram by chat ${CHAT} (@alice)`,
    );
    expect(log.join('\n')).toMatch(/ignored a button press from chat 999 \(@mallory\): not in allowChatIds/);
    const answered = () => bot.requests.filter((r) => r.method === 'answerCallbackQuery').map((r) => r.body);
    expect(answered().map((a) => a.callback_query_id)).toEqual([`cq${press}`]);
    expect(answered().map((a) => a.callback_query_id)).not.toContain(`cq${strangerPress}`);
    // Approve and Deny left the message; Stop doctor stayed.
    const edit = bot.requests.find((r) => r.method === 'editMessageReplyMarkup')!.body as {
      reply_markup: Keyboard;
      message_id: number;
    };
    expect(edit.message_id).toBe(7);
    expect(edit.reply_markup.inline_keyboard.flat().map((b) => b.text)).toEqual(['Stop doctor']);

    // A second press of Approve, and Deny of the same prompt: refused, nothing reaches the agent.
    const again = bot.press({ chatId: CHAT, fromId: CHAT, data: approve!.callback_data });
    const denied = bot.press({ chatId: CHAT, fromId: CHAT, data: deny!.callback_data });
    await bot.waitFor((r) => r.filter((x) => x.method === 'answerCallbackQuery').length === 3, 'both refusals');
    expect(answered().slice(1)).toEqual([
      expect.objectContaining({ callback_query_id: `cq${again}`, text: 'This was answered already.' }),
      expect.objectContaining({ callback_query_id: `cq${denied}`, text: 'This was answered already.' }),
    ]);
    expect(readAgentLog(h.agentLog).filter((e) => e.ev === 'permission-answer')).toHaveLength(1);
    expect(bot.sent().some((m) => String(m.text).includes('Approved once'))).toBe(true);
  });
});
