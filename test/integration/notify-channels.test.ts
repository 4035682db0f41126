// Every channel against a local stand-in of its service (real HTTP on 127.0.0.1, real fetch, real time).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DoctorLive, EngineEvent, Incident, StatusSnapshot } from '../../common/contract.js';
import { systemClock } from '../../common/clock.js';
import { collectSecrets } from '../../main/engine/redact.js';
import { Notifier, type NotificationFailure } from '../../main/engine/notify/notifier.js';
import { validateSettings } from '../../main/engine/settings/index.js';
import type { NotifyChannel, Settings } from '../../common/settings-schema.js';
import {
  decodeHeaderWord,
  startWebhookReceiver,
  type Service,
  type WebhookReceiver,
} from '../fixtures/webhook-receiver.js';

const SERVICES: Service[] = ['discord', 'slack', 'telegram', 'ntfy', 'webhook'];
const TELEGRAM_TOKEN = '123456789:AAExampleTokenForTests_abcdefghijk';
// Short timings so retries and timeouts take a second, not minutes.
const FAST = { timeoutMs: 1_000, maxAttempts: 3, baseBackoffMs: 100, maxTotalWaitMs: 5_000 };

let rx: WebhookReceiver;
beforeEach(async () => {
  rx = await startWebhookReceiver();
});
afterEach(async () => {
  await rx.close();
});

function channels(base: string, over: Partial<NotifyChannel> = {}): Partial<NotifyChannel>[] {
  return [
    {
      name: 'discord',
      type: 'discord',
      url: `${base}/api/webhooks/123456789012345678/AbC-dEf_1234567890`,
      minIntervalSec: 0,
      ...over,
    },
    { name: 'slack', type: 'slack', url: `${base}/services/T0001/B0002/XyZ123abc456`, minIntervalSec: 0, ...over },
    { name: 'telegram', type: 'telegram', token: TELEGRAM_TOKEN, chatId: '-1001234567890', minIntervalSec: 0, ...over },
    {
      name: 'ntfy',
      type: 'ntfy',
      url: `${base}/clawmedic-alerts-7f3a`,
      headers: { Authorization: 'Bearer tk_ntfyaccess0123456789' },
      minIntervalSec: 0,
      ...over,
    },
    {
      name: 'webhook',
      type: 'webhook',
      url: `${base}/hook`,
      headers: { 'X-Hook-Token': 'hook-shared-secret-5566' },
      minIntervalSec: 0,
      ...over,
    },
  ];
}

function make(
  opts: {
    channels?: Partial<NotifyChannel>[];
    secrets?: string[];
    status?: StatusSnapshot | null;
    hostname?: string;
  } = {},
) {
  const settings: Settings = validateSettings({ notify: { channels: opts.channels ?? channels(rx.url) } }).settings;
  const failures: NotificationFailure[] = [];
  const notifier = new Notifier({
    getSettings: () => settings,
    clock: systemClock,
    getSecrets: () => opts.secrets ?? [],
    onFailure: (f) => failures.push(f),
    getStatus: () => opts.status ?? null,
    hostname: opts.hostname ?? 'mac-mini',
    telegramApiBase: rx.url,
    retry: FAST,
  });
  return { notifier, failures };
}

const T0 = '2026-03-01T10:00:00.000Z';
function incident(id: string, over: Partial<Incident> = {}): Incident {
  return {
    id,
    trigger: 'health',
    startedAt: T0,
    endedAt: null,
    outcome: 'open',
    resolvedBy: null,
    agent: null,
    reportPath: null,
    transcriptPath: null,
    events: [{ at: T0, type: 'confirmed', detail: '3 consecutive failed checks (gateway.failureThreshold = 3)' }],
    summary: 'connection refused on http://127.0.0.1:18789/healthz <refused> & "3 checks" *bold* _x_',
    restarts: 0,
    doctor: null,
    owner: { pid: 1, hostname: 'mac-mini' },
    ...over,
  };
}

const live: DoctorLive = {
  incidentId: 'inc1',
  agent: 'claude',
  sessionName: 'clawmedic-20260301-100130-x1',
  attachCommand: 'tmux -L clawmedic attach -r -t clawmedic-20260301-100130-x1',
  startedAt: '2026-03-01T10:01:30.000Z',
  deadline: '2026-03-01T10:31:30.000Z',
  takenOver: false,
  needsApproval: true,
};

/** A whole incident's story: down, doctor started, needs approval, recovered by the doctor. */
function story(id: string, plant = ''): EngineEvent[] {
  return [
    { type: 'incident-opened', incident: incident(id, { summary: `${incident(id).summary} ${plant}` }) },
    {
      type: 'doctor',
      phase: 'agent-started',
      incidentId: id,
      detail: `started "claude" in tmux session s; watch it with: ${live.attachCommand} ${plant}`,
      at: T0,
    },
    {
      type: 'doctor',
      phase: 'needs-approval',
      incidentId: id,
      detail: `claude is waiting for a person to approve an action (permission prompt) ${plant}`,
      at: T0,
    },
    {
      type: 'incident-closed',
      incident: incident(id, {
        outcome: 'recovered',
        resolvedBy: 'doctor',
        agent: 'claude',
        restarts: 2,
        endedAt: '2026-03-01T10:07:00.000Z',
        reportPath: '/Users/a/.clawmedic/incidents/inc1/report.md',
        events: [
          { at: '2026-03-01T10:07:00.000Z', type: 'recovered', detail: `the gateway is healthy again ${plant}` },
        ],
        doctor: {
          attempts: [{ agent: 'claude', startedAt: T0, endedAt: T0, ended: 'recovered' }],
          sessionName: 's',
          attachCommand: live.attachCommand,
          resultLine: `REPAIR_RESULT: {"status":"fixed","summary":"removed a stray comma ${plant.replace(/"/g, "'")}"}`,
          configDiff: null,
          costUsd: 0.08,
          tokens: null,
        },
      }),
    },
  ];
}

const byService = (s: Service) => rx.requests.filter((r) => r.service === s);

/** Feeds events the way they come in reality: minutes apart, each delivered before the next happens. */
async function feed(notifier: Notifier, events: EngineEvent[]): Promise<void> {
  for (const e of events) {
    notifier.handle(e);
    await notifier.drain();
  }
}

describe('notification channels against their services', () => {
  it('every channel’s payload is accepted, for every kind of message', async () => {
    const { notifier, failures } = make({ status: { doctor: live } as StatusSnapshot, hostname: 'Jürgen’s Mac mini' });
    await feed(notifier, story('inc1'));
    notifier.handle({
      type: 'incident-closed',
      incident: incident('inc2', {
        outcome: 'failed',
        restarts: 2,
        endedAt: '2026-03-01T10:05:00.000Z',
        events: [{ at: T0, type: 'failed', detail: 'restart limit reached' }],
      }),
    });
    await notifier.drain();
    expect(failures).toEqual([]);
    for (const s of SERVICES) {
      const got = byService(s);
      expect(
        got.map((r) => [r.status, r.problem]),
        s,
      ).toEqual(Array(5).fill([s === 'discord' ? 204 : 200, null]));
    }
    // ntfy got the non-ASCII title through RFC 2047, and it decodes to what was meant.
    const titles = byService('ntfy').map((r) => decodeHeaderWord(String(r.headers.title)));
    expect(titles[0]).toBe('OpenClaw gateway is down on Jürgen’s Mac mini');
    expect(byService('ntfy')[0]!.headers.authorization).toBe('Bearer tk_ntfyaccess0123456789');
    expect(byService('webhook')[0]!.headers['x-hook-token']).toBe('hook-shared-secret-5566');
    // Nothing links to the watched machine.
    for (const r of rx.requests) expect(r.body).not.toContain('http://127.0.0.1');
  });

  it('the stand-in rejects malformed payloads like the services do (so "accepted" means something)', async () => {
    const post = (
      path: string,
      body: string,
      headers: Record<string, string> = { 'content-type': 'application/json' },
    ) => fetch(`${rx.url}${path}`, { method: 'POST', headers, body });
    expect((await post('/api/webhooks/1/x', '{}')).status).toBe(400);
    expect((await post('/api/webhooks/1/x', JSON.stringify({ embeds: [{ title: 'x'.repeat(300) }] }))).status).toBe(
      400,
    );
    const slack = await post(
      '/services/T1/B1/x',
      JSON.stringify({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] }),
    );
    expect([slack.status, await slack.text()]).toEqual([400, 'invalid_blocks']);
    const tg = await post(
      `/bot${TELEGRAM_TOKEN}/sendMessage`,
      JSON.stringify({ chat_id: '1', text: 'a < b', parse_mode: 'HTML' }),
    );
    expect(tg.status).toBe(400);
    expect(await tg.text()).toContain("can't parse entities");
    expect((await post('/topic', 'hi', { priority: 'bogus' })).status).toBe(400);
    expect((await post('/hook', JSON.stringify({ kind: 'down' }))).status).toBe(400);
    expect((await post('/nowhere/at/all', '{}')).status).toBe(404);
  });

  it('planted secrets never reach any service', async () => {
    const gatewayConfig = {
      gateway: { auth: { mode: 'token', token: 'gw-token-0c1d2e3f4a5b6c7d8e9f' } },
      channels: { telegram: { botToken: '987654321:AAOtherBotTokenNeverToBeSent_xyz12' } },
      models: { providers: { custom: { apiKey: 'custom-provider-key-77aa88bb' } } },
    };
    const planted = [
      'gw-token-0c1d2e3f4a5b6c7d8e9f',
      '987654321:AAOtherBotTokenNeverToBeSent_xyz12',
      'custom-provider-key-77aa88bb',
      'sk-ant-api03-PlantedKeyThatMustNotLeave-0123456789',
      'https://discord.com/api/webhooks/111122223333444455/PlantedWebhookToken_abcdef',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlLXBsYW50ZWQ',
      'ghp_PlantedGithubToken0123456789abcdefABCD',
    ];
    const plant =
      `${planted.slice(0, 3).join(' ')} key=${planted[3]} hook ${planted[4]} ` + `jwt ${planted[5]} ${planted[6]}`;
    const { notifier, failures } = make({
      secrets: collectSecrets(gatewayConfig),
      status: { doctor: live } as StatusSnapshot,
    });
    await feed(notifier, story('inc1', plant));
    expect(failures).toEqual([]);
    expect(rx.requests).toHaveLength(20);
    // The channels' own credentials may travel only where the service needs them (URL, auth header).
    const own = [
      'AbC-dEf_1234567890',
      'XyZ123abc456',
      TELEGRAM_TOKEN,
      'clawmedic-alerts-7f3a',
      'tk_ntfyaccess0123456789',
      'hook-shared-secret-5566',
    ];
    for (const r of rx.requests) {
      const headers = Object.entries(r.headers)
        .filter(([k]) => k !== 'authorization' && k !== 'x-hook-token')
        .map(([, v]) => String(v))
        .join('\n');
      for (const secret of [...planted, ...own]) {
        expect(r.body, `${r.service} body`).not.toContain(secret);
        expect(headers, `${r.service} headers`).not.toContain(secret);
        expect(decodeHeaderWord(String(r.headers.title ?? '')), `${r.service} title`).not.toContain(secret);
      }
      // Also no recognisable piece of them.
      for (const piece of [
        '0c1d2e3f4a5b',
        'NeverToBeSent',
        '77aa88bb',
        'PlantedKey',
        'PlantedWebhook',
        'PlantedGithub',
        'cGxhbnRlZC',
      ])
        expect(r.body).not.toContain(piece);
    }
    expect(byService('webhook').some((r) => r.body.includes('[REDACTED'))).toBe(true);
  });

  it('honours 429 Retry-After, then delivers', async () => {
    rx.script('discord', { status: 429, retryAfterSec: 1 });
    rx.script('telegram', { status: 429, retryAfterSec: 1, inBody: true });
    const { notifier, failures } = make();
    notifier.handle(story('inc1')[0]!);
    await notifier.drain();
    expect(failures).toEqual([]);
    for (const s of ['discord', 'telegram'] as const) {
      const [first, second] = byService(s);
      expect([first!.status, second!.status]).toEqual([429, s === 'discord' ? 204 : 200]);
      expect(second!.at - first!.at, s).toBeGreaterThanOrEqual(950);
    }
    // The others were not held up by the rate-limited ones.
    expect(byService('slack')[0]!.at).toBeLessThan(byService('discord')[1]!.at);
  });

  it('retries a 500, then records the failure on the incident', async () => {
    rx.script('slack', { status: 500 }, { status: 500 }, { status: 500 });
    const { notifier, failures } = make();
    notifier.handle(story('inc1')[0]!);
    await notifier.drain();
    expect(byService('slack').map((r) => r.status)).toEqual([500, 500, 500]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ channel: 'slack', incidentId: 'inc1' });
    expect(failures[0]!.detail).toMatch(/Slack \(slack\) answered HTTP 500 .*after 3 attempts/);
    expect(failures[0]!.detail).not.toContain('XyZ123abc456');
  });

  it('does not retry a 4xx other than 429', async () => {
    rx.script('webhook', { status: 400, body: '{"error":"nope"}' });
    const { notifier, failures } = make();
    notifier.handle(story('inc1')[0]!);
    await notifier.drain();
    expect(byService('webhook')).toHaveLength(1);
    expect(failures.map((f) => f.channel)).toEqual(['webhook']);
  });

  it('a hanging channel does not delay another', async () => {
    rx.script('ntfy', 'hang', 'hang', 'hang');
    const { notifier, failures } = make();
    const t0 = Date.now();
    notifier.handle(story('inc1')[0]!);
    await rx.waitFor((reqs) =>
      ['discord', 'slack', 'telegram', 'webhook'].every((s) => reqs.some((r) => r.service === s && r.status !== null)),
    );
    expect(Date.now() - t0).toBeLessThan(FAST.timeoutMs);
    await notifier.drain();
    expect(failures).toHaveLength(1);
    expect(failures[0]!.channel).toBe('ntfy');
    expect(failures[0]!.detail).toMatch(/no answer from 127\.0\.0\.1:\d+ within 1 s \(after 3 attempts\)/);
  });

  it('sends the same news once', async () => {
    const { notifier } = make();
    const e = story('inc1')[0]!;
    notifier.handle(e);
    notifier.handle(e);
    notifier.handle(structuredClone(e));
    await notifier.drain();
    for (const s of SERVICES) expect(byService(s), s).toHaveLength(1);
  });

  it('sends nothing while paused', async () => {
    const { notifier } = make();
    notifier.setPaused(true);
    for (const e of story('inc1')) notifier.handle(e);
    await notifier.drain();
    expect(rx.requests).toHaveLength(0);
  });

  it('test() delivers a labelled message to each channel and says how it went', async () => {
    rx.script('slack', { status: 404, body: 'no_service' });
    const { notifier } = make();
    const results = await notifier.test();
    expect(results.map((r) => [r.channel, r.ok])).toEqual([
      ['discord', true],
      ['slack', false],
      ['telegram', true],
      ['ntfy', true],
      ['webhook', true],
    ]);
    expect(results[1]!.detail).toBe(
      'Slack (slack) answered HTTP 404 (no_service): the webhook, bot or ' +
        'topic does not exist (deleted or mistyped): check notify.channels',
    );
    expect(rx.requests.filter((r) => r.problem !== null)).toEqual([]);
    expect(JSON.parse(byService('webhook')[0]!.body)).toMatchObject({
      kind: 'test',
      title: 'ClawMedic test message (webhook)',
    });
  });
});
