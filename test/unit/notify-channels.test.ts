import { describe, expect, it } from 'vitest';
import { FORMATTERS, ChannelConfigError } from '../../main/engine/notify/channels/index.js';
import { discordPayload } from '../../main/engine/notify/channels/discord.js';
import { encodeHeaderWord } from '../../main/engine/notify/channels/ntfy.js';
import { slackPayload } from '../../main/engine/notify/channels/slack.js';
import { telegramText } from '../../main/engine/notify/channels/telegram.js';
import { webhookPayload } from '../../main/engine/notify/channels/webhook.js';
import type { Message } from '../../main/engine/notify/policy.js';
import type { NotifyChannel } from '../../common/settings-schema.js';
import { checkTelegramHtml, decodeHeaderWord } from '../fixtures/webhook-receiver.js';

const ATTACH = 'tmux -L clawmedic attach -r -t clawmedic-20260301-1001-x1';

const msg: Message = {
  kind: 'doctor-started',
  incidentId: '20260301T100000000Z-abc123',
  title: 'AI doctor is working on the gateway on mac-mini',
  body: [
    'Restarts did not bring it back: <html> & "quotes" *stars* _under_ @everyone <@123>',
    '# not a heading',
    'health: http://127.0.0.1:18789/healthz, docs: https://docs.openclaw.ai/gateway',
    `Watch or take over on mac-mini: ${ATTACH}`,
  ].join('\n'),
  severity: 'warning',
  dedupeKey: '20260301T100000000Z-abc123:doctor-started:s1',
  attachCommand: ATTACH,
  at: '2026-03-01T10:01:30.000Z',
  host: 'mac-mini',
};

function channel(over: Partial<NotifyChannel>): NotifyChannel {
  return {
    name: '',
    type: 'webhook',
    enabled: true,
    url: '',
    token: '',
    chatId: '',
    headers: {},
    minIntervalSec: 30,
    interactive: false,
    allowActions: false,
    allowChatIds: [],
    ...over,
  };
}
const ctx = { telegramApiBase: 'https://api.telegram.org' };

describe('discord', () => {
  const p = discordPayload(msg) as {
    allowed_mentions: { parse: string[] };
    embeds: { title: string; description: string; color: number; timestamp: string; footer: { text: string } }[];
  };
  const e = p.embeds[0]!;

  it('never pings anyone, whatever the text says', () => {
    expect(p.allowed_mentions).toEqual({ parse: [] });
    expect(e.description).toContain('@everyone');
    expect(e.description).toContain('\\<@123>');
  });

  it('escapes markdown and shows the attach command as code', () => {
    expect(e.description).toContain('\\*stars\\*');
    expect(e.description).toContain('\\_under\\_');
    expect(e.description).toContain('\\# not a heading');
    expect(e.description).toContain(`\`${ATTACH}\``);
  });

  it('links nothing on the watched machine', () => {
    expect(e.description).not.toContain('http://127.0.0.1');
    expect(e.description).toContain('127.0.0.1:18789/healthz');
    expect(e.description).toContain('https://docs.openclaw.ai/gateway');
  });

  it('has a colour per severity, a timestamp and the incident in the footer', () => {
    expect(e.color).toBe(0xe8a317);
    expect(e.timestamp).toBe(msg.at);
    expect(e.footer.text).toBe('ClawMedic · mac-mini · incident 20260301T100000000Z-abc123');
  });

  it('refuses a channel without a URL, naming the key', () => {
    expect(() => FORMATTERS.discord.build(msg, channel({ type: 'discord' }), ctx)).toThrow(ChannelConfigError);
    expect(() => FORMATTERS.discord.build(msg, channel({ type: 'discord', url: 'ftp://x' }), ctx)).toThrow(
      /url .* must be an http\(s\) URL/,
    );
  });
});

describe('slack', () => {
  const p = slackPayload(msg) as {
    text: string;
    blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[];
  };

  it('escapes &, < and > in mrkdwn and in the fallback text', () => {
    const section = p.blocks.find((b) => b.type === 'section')!.text!.text;
    expect(section).toContain('&lt;html&gt; &amp; "quotes"');
    expect(section).toContain(`\`${ATTACH}\``);
    expect(p.text).toContain('&lt;html&gt;');
    expect(p.text).not.toMatch(/<(?!@)/);
  });

  it('keeps the header plain text within 150 characters', () => {
    const long = slackPayload({ ...msg, title: 'x'.repeat(400) }) as typeof p;
    const header = long.blocks.find((b) => b.type === 'header')!.text!;
    expect(header.type).toBe('plain_text');
    expect([...header.text].length).toBeLessThanOrEqual(150);
  });

  it('links nothing on the watched machine', () => {
    expect(JSON.stringify(p)).not.toContain('http://127.0.0.1');
  });
});

describe('telegram', () => {
  it('produces HTML Telegram accepts, with the attach command as code', () => {
    const text = telegramText(msg);
    expect(checkTelegramHtml(text)).not.toHaveProperty('problem');
    expect(text).toContain('&lt;html&gt; &amp; &quot;quotes&quot;');
    expect(text).toContain(`<code>${ATTACH}</code>`);
    expect(text.startsWith('<b>⚠️ AI doctor')).toBe(true);
    expect(text).not.toContain('http://127.0.0.1');
  });

  it('falls back to plain escaped text rather than cutting markup', () => {
    const text = telegramText({ ...msg, body: '<b>'.repeat(2000) });
    const parsed = checkTelegramHtml(text);
    expect(parsed).not.toHaveProperty('problem');
    expect((parsed as { length: number }).length).toBeLessThanOrEqual(4096);
    expect(text).not.toContain('<b>');
  });

  it('posts to the configured API base with chat_id as given', () => {
    const req = FORMATTERS.telegram.build(
      msg,
      channel({ type: 'telegram', token: '123456:ABC-def_ghi', chatId: '-1001234567890123' }),
      {
        telegramApiBase: 'http://127.0.0.1:9999/',
      },
    );
    expect(req.url).toBe('http://127.0.0.1:9999/bot123456:ABC-def_ghi/sendMessage');
    const body = JSON.parse(req.body) as Record<string, unknown>;
    expect(body.chat_id).toBe('-1001234567890123');
    expect(body.parse_mode).toBe('HTML');
    expect(body.link_preview_options).toEqual({ is_disabled: true });
  });

  it('refuses a malformed token or a missing chat id', () => {
    expect(() =>
      FORMATTERS.telegram.build(msg, channel({ type: 'telegram', token: 'nope', chatId: '1' }), ctx),
    ).toThrow(/BotFather/);
    expect(() => FORMATTERS.telegram.build(msg, channel({ type: 'telegram', token: '1:a', chatId: ' ' }), ctx)).toThrow(
      /chatId/,
    );
  });
});

describe('ntfy', () => {
  it('sends plain text with Title, Priority and Tags headers', () => {
    const req = FORMATTERS.ntfy.build(
      { ...msg, kind: 'failed' },
      channel({ type: 'ntfy', url: 'https://ntfy.sh/claw-alerts', headers: { Authorization: 'Bearer tk_x' } }),
      ctx,
    );
    expect(req.url).toBe('https://ntfy.sh/claw-alerts');
    expect(req.headers.Title).toBe(msg.title);
    expect(req.headers.Priority).toBe('5');
    expect(req.headers.Tags).toBe('sos');
    expect(req.headers.Authorization).toBe('Bearer tk_x');
    expect(req.body).toContain(ATTACH);
    expect(req.body).not.toContain('http://127.0.0.1');
  });

  it('encodes a non-ASCII title as an RFC 2047 word that decodes back', () => {
    const title = 'Gateway down on Jürgen’s Mac — 🚨';
    const enc = encodeHeaderWord(title);
    expect(enc).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    expect(decodeHeaderWord(enc)).toBe(title);
    expect(encodeHeaderWord('plain ascii')).toBe('plain ascii');
  });

  it('keeps header values on one line', () => {
    const req = FORMATTERS.ntfy.build(
      { ...msg, title: 'a\r\nInjected: yes' },
      channel({ type: 'ntfy', url: 'https://ntfy.sh/t' }),
      ctx,
    );
    expect(req.headers.Title).toBe('a Injected: yes');
  });

  it('needs a topic in the URL', () => {
    expect(() => FORMATTERS.ntfy.build(msg, channel({ type: 'ntfy', url: 'https://ntfy.sh/' }), ctx)).toThrow(/topic/);
  });
});

describe('webhook', () => {
  it('sends the documented version 1 payload', () => {
    const req = FORMATTERS.webhook.build(
      msg,
      channel({ url: 'https://example.com/hook', headers: { 'X-Token': 'abc' } }),
      ctx,
    );
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['X-Token']).toBe('abc');
    const p = JSON.parse(req.body) as Record<string, unknown>;
    expect(Object.keys(p).sort()).toEqual([
      'at',
      'attachCommand',
      'body',
      'dedupeKey',
      'host',
      'incidentId',
      'kind',
      'severity',
      'source',
      'title',
      'version',
    ]);
    expect(p).toMatchObject({
      version: 1,
      source: 'clawmedic',
      kind: 'doctor-started',
      severity: 'warning',
      incidentId: msg.incidentId,
      attachCommand: ATTACH,
      host: 'mac-mini',
    });
    expect(webhookPayload({ ...msg, attachCommand: undefined }).attachCommand).toBeNull();
  });
});
