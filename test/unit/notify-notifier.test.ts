import { describe, expect, it } from 'vitest';
import type { EngineEvent, Incident } from '../../common/contract.js';
import type { Clock, TimerHandle } from '../../common/clock.js';
import { Notifier, type NotificationFailure } from '../../main/engine/notify/notifier.js';
import type { Message } from '../../main/engine/notify/policy.js';
import { validateSettings } from '../../main/engine/settings/index.js';
import type { NotifyChannel, Settings } from '../../common/settings-schema.js';

class FakeClock implements Clock {
  t = Date.parse('2026-03-01T10:00:00.000Z');
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;
  now(): number {
    return this.t;
  }
  schedule(ms: number, fn: () => void): TimerHandle {
    const entry = { at: this.t + Math.max(0, ms), fn, seq: this.seq++ };
    this.timers.push(entry);
    return { cancel: () => (this.timers = this.timers.filter((x) => x !== entry)) };
  }
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((x) => x.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = target;
    await settle();
  }
}
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
};

interface Call {
  url: string;
  body: string;
  headers: Record<string, string>;
  at: number;
}

/** Records every request; answers from a per-URL script (default 200). */
function fakeFetch(clock: FakeClock, script: Record<string, ({ status: number; body?: string } | 'hang')[]> = {}) {
  const calls: Call[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({
      url,
      body: typeof init.body === 'string' ? init.body : '',
      headers: init.headers as Record<string, string>,
      at: clock.now(),
    });
    const key = Object.keys(script).find((k) => url.includes(k));
    const a = (key && script[key]!.shift()) || { status: 200 };
    if (a === 'hang') {
      return new Promise((_res, rej) =>
        init.signal!.addEventListener('abort', () => rej(new DOMException('aborted', 'AbortError'))),
      );
    }
    return new Response(a.body ?? null, { status: a.status });
  }) as unknown as typeof fetch;
  return { impl, calls };
}

const GATEWAY_TOKEN = 'gw-8f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c';

function settingsWith(channels: Partial<NotifyChannel>[]): Settings {
  return validateSettings({ notify: { channels } }).settings;
}

const CHANNELS: Partial<NotifyChannel>[] = [
  {
    name: 'disc',
    type: 'discord',
    url: 'https://discord.com/api/webhooks/123456789012345678/tok-en_AAAABBBBCCCC',
    minIntervalSec: 30,
  },
  { name: 'hook', type: 'webhook', url: 'https://example.com/hook', minIntervalSec: 0 },
  { name: 'off', type: 'slack', enabled: false, url: 'https://hooks.slack.com/services/T1/B1/x' },
];

function incident(id: string, over: Partial<Incident> = {}): Incident {
  return {
    id,
    trigger: 'health',
    startedAt: '2026-03-01T10:00:00.000Z',
    endedAt: null,
    outcome: 'open',
    resolvedBy: null,
    agent: null,
    reportPath: null,
    transcriptPath: null,
    events: [],
    summary: 'connection refused on 127.0.0.1:18789 (refused, 3 checks)',
    restarts: 0,
    doctor: null,
    owner: { pid: 1, hostname: 'h' },
    ...over,
  };
}
const opened = (id: string, over: Partial<Incident> = {}): EngineEvent => ({
  type: 'incident-opened',
  incident: incident(id, over),
});
const restarted = (id: string): EngineEvent => ({
  type: 'incident-closed',
  incident: incident(id, {
    outcome: 'recovered',
    resolvedBy: 'restart',
    restarts: 1,
    endedAt: '2026-03-01T10:00:20.000Z',
    events: [{ at: '2026-03-01T10:00:20.000Z', type: 'recovered', detail: 'healthy again after restart attempt 1' }],
  }),
});

function setup(
  opts: {
    channels?: Partial<NotifyChannel>[];
    script?: Parameters<typeof fakeFetch>[1];
    secrets?: () => string[];
  } = {},
) {
  const clock = new FakeClock();
  const f = fakeFetch(clock, opts.script);
  let settings = settingsWith(opts.channels ?? CHANNELS);
  const failures: NotificationFailure[] = [];
  const messages: Message[] = [];
  const notifier = new Notifier({
    getSettings: () => settings,
    clock,
    getSecrets: opts.secrets ?? (() => [GATEWAY_TOKEN]),
    onFailure: (x) => failures.push(x),
    onMessage: (m) => messages.push(m),
    fetchImpl: f.impl,
    hostname: 'mac-mini',
  });
  return { clock, calls: f.calls, failures, messages, notifier, setSettings: (s: Settings) => (settings = s) };
}

describe('Notifier', () => {
  it('sends each message to every enabled channel, once', async () => {
    const t = setup();
    t.notifier.handle(opened('inc1'));
    t.notifier.handle(opened('inc1'));
    await t.notifier.drain();
    expect(t.calls.map((c) => new URL(c.url).host).sort()).toEqual(['discord.com', 'example.com']);
    expect(t.messages).toHaveLength(1);
    expect(t.failures).toEqual([]);
  });

  it('returns from handle() at once and never throws, even on junk', () => {
    const t = setup();
    expect(() =>
      t.notifier.handle({ type: 'incident-opened', incident: null } as unknown as EngineEvent),
    ).not.toThrow();
    expect(() => t.notifier.handle({ type: 'settings-changed' })).not.toThrow();
  });

  it('redacts configured and pattern secrets before anything leaves', async () => {
    const t = setup();
    t.notifier.handle(
      opened('inc1', {
        summary: `auth failed with token ${GATEWAY_TOKEN} and key sk-ant-api03-abcdefghijklmnopqrstuvwxyz`,
      }),
    );
    await t.notifier.drain();
    expect(t.calls).toHaveLength(2);
    for (const c of t.calls) {
      expect(c.body).not.toContain(GATEWAY_TOKEN);
      expect(c.body).not.toContain('sk-ant-api03');
      expect(c.body).toContain('[REDACTED');
    }
    expect(t.messages[0]!.body).not.toContain(GATEWAY_TOKEN);
  });

  it('also scrubs the channels’ own credentials from the text', async () => {
    const t = setup();
    t.notifier.handle(opened('inc1', { summary: 'webhook tok-en_AAAABBBBCCCC rejected' }));
    await t.notifier.drain();
    for (const c of t.calls) expect(c.body).not.toContain('tok-en_AAAABBBBCCCC');
  });

  it('nothing is sent while paused', async () => {
    const t = setup();
    t.notifier.setPaused(true);
    t.notifier.handle(opened('inc1'));
    await t.notifier.drain();
    expect(t.calls).toHaveLength(0);
    t.notifier.setPaused(false);
    t.notifier.handle(opened('inc2'));
    await t.notifier.drain();
    expect(t.calls).toHaveLength(2);
  });

  it('keeps the per-channel minimum interval without delaying other channels', async () => {
    const t = setup();
    const t0 = t.clock.now();
    t.notifier.handle(opened('inc1'));
    await t.clock.advance(0);
    t.notifier.handle(opened('inc2'));
    await t.clock.advance(0);
    const hookCalls = () => t.calls.filter((c) => c.url.includes('example.com'));
    const discCalls = () => t.calls.filter((c) => c.url.includes('discord.com'));
    expect(hookCalls()).toHaveLength(2);
    expect(discCalls()).toHaveLength(1);
    await t.clock.advance(29_999);
    expect(discCalls()).toHaveLength(1);
    await t.clock.advance(1);
    expect(discCalls().map((c) => c.at - t0)).toEqual([0, 30_000]);
    await t.notifier.drain();
  });

  it('an incident’s ending supersedes its unsent beginning', async () => {
    const t = setup();
    t.notifier.handle(opened('inc0'));
    await t.clock.advance(0);
    // Discord is now rate-limited for 30 s; inc1's story unfolds meanwhile.
    t.notifier.handle(opened('inc1'));
    t.notifier.handle(restarted('inc1'));
    await t.clock.advance(30_000);
    await t.notifier.drain();
    const disc = t.calls
      .filter((c) => c.url.includes('discord.com'))
      .map((c) => (JSON.parse(c.body) as { embeds: { title: string }[] }).embeds[0]!.title);
    expect(disc).toEqual([
      'OpenClaw gateway is down on mac-mini',
      'OpenClaw gateway restarted on mac-mini, back after 20 s',
    ]);
    // The unthrottled channel told the whole story.
    expect(t.calls.filter((c) => c.url.includes('example.com'))).toHaveLength(3);
    expect(t.failures).toEqual([]);
  });

  it('bounds each queue, dropping (and reporting) the oldest', async () => {
    const t = setup({ channels: [CHANNELS[0]!] });
    for (let i = 0; i < 25; i++) t.notifier.handle(opened(`inc${i}`));
    await t.clock.advance(0);
    expect(t.failures.length).toBe(4);
    expect(t.failures[0]).toMatchObject({ channel: 'disc', incidentId: 'inc1' });
    expect(t.failures[0]!.detail).toMatch(/20 messages were waiting/);
    const done = t.notifier.drain();
    await t.clock.advance(30_000 * 21);
    await done;
    expect(t.calls).toHaveLength(21);
  });

  it('reports a failing channel through onFailure, redacted, naming the incident', async () => {
    const t = setup({
      channels: [CHANNELS[1]!],
      script: { 'example.com': [{ status: 403, body: `{"error":"bad token ${GATEWAY_TOKEN}"}` }] },
    });
    t.notifier.handle(opened('inc1'));
    await t.notifier.drain();
    expect(t.failures).toHaveLength(1);
    const f = t.failures[0]!;
    expect(f.channel).toBe('hook');
    expect(f.incidentId).toBe('inc1');
    expect(f.detail).toContain('HTTP 403');
    expect(f.detail).toContain('check the token or webhook URL');
    expect(f.detail).not.toContain(GATEWAY_TOKEN);
    expect(f.detail).not.toContain('example.com/hook');
  });

  it('reports a channel whose settings cannot work without sending anything', async () => {
    const t = setup({
      channels: [{ name: 'tg', type: 'telegram', token: 'not-a-token', chatId: '1', minIntervalSec: 0 }],
    });
    t.notifier.handle(opened('inc1'));
    await t.notifier.drain();
    expect(t.calls).toHaveLength(0);
    expect(t.failures[0]!.detail).toMatch(
      /Telegram \(tg\): token must be the bot token .*fix this channel in notify.channels/,
    );
  });

  it('redacts again at send time with the secrets known then', async () => {
    let secrets: string[] = [];
    const t = setup({ channels: [CHANNELS[0]!], secrets: () => secrets });
    t.notifier.handle(opened('inc0'));
    await t.clock.advance(0);
    // Queued behind Discord's rate limit; the secret becomes known before the send.
    t.notifier.handle(opened('inc1', { summary: 'leaked late-secret-value-123 here' }));
    secrets = ['late-secret-value-123'];
    await t.clock.advance(30_000);
    await t.notifier.drain();
    expect(t.calls).toHaveLength(2);
    expect(t.calls[1]!.body).not.toContain('late-secret-value-123');
    const description = (JSON.parse(t.calls[1]!.body) as { embeds: { description: string }[] }).embeds[0]!.description;
    expect(description.replace(/\\/g, '')).toContain('Leaked [REDACTED secret] here');
  });

  it('refuses to send when a secret appears in the formatted request (last line of defence)', async () => {
    // Contrived on purpose: a "secret" that only appears once Telegram's HTML escaping is applied.
    const t = setup({
      channels: [{ name: 'tg', type: 'telegram', token: '123456:AAbbCCdd', chatId: '42', minIntervalSec: 0 }],
      secrets: () => ['&lt;weird&gt;secret'],
    });
    t.notifier.handle(opened('inc1', { summary: 'the <weird>secret appears' }));
    await t.notifier.drain();
    expect(t.calls).toHaveLength(0);
    expect(t.failures[0]!.detail).toMatch(/Telegram \(tg\): not sent because the message still contained a secret/);
  });

  it('drops queued messages for a channel disabled in the meantime', async () => {
    const t = setup({ channels: [CHANNELS[0]!] });
    t.notifier.handle(opened('inc0'));
    await t.clock.advance(0);
    t.notifier.handle(opened('inc1'));
    t.setSettings(settingsWith([{ ...CHANNELS[0]!, enabled: false }]));
    await t.clock.advance(30_000);
    await t.notifier.drain();
    expect(t.calls).toHaveLength(1);
  });

  it('drain with a deadline abandons a hanging send and reports it', async () => {
    const t = setup({ channels: [CHANNELS[1]!], script: { 'example.com': ['hang'] } });
    t.notifier.handle(opened('inc1'));
    await settle();
    const drained = t.notifier.drain({ timeoutMs: 2_000 });
    await t.clock.advance(2_000);
    await drained;
    expect(t.failures).toHaveLength(1);
    expect(t.failures[0]!.detail).toMatch(/ClawMedic stopped/);
    // Still usable afterwards.
    t.notifier.handle(opened('inc2'));
    await t.notifier.drain();
    expect(t.calls.at(-1)!.body).toContain('inc2');
  });

  it('follows the supervisor into and out of pause by itself', async () => {
    const t = setup();
    t.notifier.handle({
      type: 'state',
      state: 'paused',
      previous: 'healthy',
      reason: 'paused for 30 min',
      at: '2026-03-01T10:00:00.000Z',
    });
    t.notifier.handle(opened('inc1'));
    await t.notifier.drain();
    expect(t.calls).toHaveLength(0);
    t.notifier.handle({
      type: 'state',
      state: 'healthy',
      previous: 'paused',
      reason: 'resumed',
      at: '2026-03-01T10:30:00.000Z',
    });
    t.notifier.handle(opened('inc1'));
    await t.notifier.drain();
    expect(t.calls).toHaveLength(2);
  });

  it('ignores notification-failed events (no loops)', async () => {
    const t = setup();
    t.notifier.handle({
      type: 'notification-failed',
      channel: 'disc',
      incidentId: 'inc1',
      detail: 'x',
      at: '2026-03-01T10:00:00.000Z',
    });
    await t.notifier.drain();
    expect(t.calls).toHaveLength(0);
  });
});

describe('Notifier.test', () => {
  it('sends a labelled test to every enabled channel, bypassing dedupe, pause and rate limit', async () => {
    const t = setup();
    t.notifier.setPaused(true);
    const first = await t.notifier.test();
    const second = await t.notifier.test();
    expect(first).toEqual([
      { channel: 'disc', ok: true, detail: 'delivered (HTTP 200)' },
      { channel: 'hook', ok: true, detail: 'delivered (HTTP 200)' },
    ]);
    expect(second.every((r) => r.ok)).toBe(true);
    expect(t.calls).toHaveLength(4);
    expect(JSON.parse(t.calls[1]!.body)).toMatchObject({ kind: 'test', title: 'ClawMedic test message (hook)' });
  });

  it('tests a named channel even when disabled, and explains an unknown name', async () => {
    const t = setup();
    const [off] = await t.notifier.test('off');
    expect(off).toEqual({ channel: 'off', ok: true, detail: 'delivered (HTTP 200)' });
    const [nope] = await t.notifier.test('nope');
    expect(nope).toEqual({
      channel: 'nope',
      ok: false,
      detail: 'no channel named "nope" in notify.channels (configured: disc, hook, off)',
    });
  });

  it('reports what went wrong', async () => {
    const t = setup({
      script: { 'discord.com': [{ status: 404, body: '{"message": "Unknown Webhook", "code": 10015}' }] },
    });
    const [r] = await t.notifier.test('disc');
    expect(r!.ok).toBe(false);
    expect(r!.detail).toBe(
      'Discord (disc) answered HTTP 404 ({"message": "Unknown Webhook", ' +
        '"code": 10015}): the webhook, bot or topic does not exist (deleted or ' +
        'mistyped): check notify.channels',
    );
  });
});
