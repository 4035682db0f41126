// Level 4 through the real CLI: `notify test` against a local receiver, and a watcher that tells the
// channels about an outage, records a failing channel on the incident, and leaks no secret.
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver.js';
import { CliSandbox, fastSettings, type WatchProcess } from '../helpers/cli.js';

let rx: WebhookReceiver | null = null;
let gw: FakeGateway | null = null;
let box: CliSandbox | null = null;
let watcher: WatchProcess | null = null;
afterEach(async () => {
  await watcher?.stop('SIGKILL');
  await gw?.stop();
  await rx?.close();
  box?.cleanup();
  rx = gw = box = watcher = null;
});

describe('clawmedic notify test', () => {
  it('sends a labelled test message to every channel: exit 0 when all accepted, 1 when one failed', async () => {
    rx = await startWebhookReceiver();
    gw = await startFakeGateway();
    box = new CliSandbox(
      {
        ...fastSettings(gw.url),
        notify: {
          channels: [
            { name: 'ops-discord', type: 'discord', url: `${rx.url}/api/webhooks/123/tok-abcdefghijkl` },
            { name: 'hook', type: 'webhook', url: `${rx.url}/hook` },
          ],
        },
      },
      gw.env,
    );
    const ok = await box.run(['notify', 'test', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([
      expect.objectContaining({ channel: 'ops-discord', ok: true }),
      expect.objectContaining({ channel: 'hook', ok: true }),
    ]);
    const hook = rx.requests.find((r) => r.service === 'webhook')!;
    expect(JSON.parse(hook.body)).toMatchObject({ version: 1, source: 'clawmedic', kind: 'test' });

    rx.script('webhook', { status: 400, body: 'bad' });
    const one = await box.run(['notify', 'test', 'hook']);
    expect(one.code).toBe(1);
    expect(one.stdout).toMatch(/FAILED\s+hook: .*400/);
    const unknown = await box.run(['notify', 'test', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No channel named "nope" \(configured: ops-discord, hook\)/);
  });
});

describe('clawmedic notify test telegram', () => {
  it('says so, and fails, when the bot token is also the one in the gateway config', async () => {
    rx = await startWebhookReceiver();
    box = new CliSandbox({}, { ...process.env, CLAWMEDIC_TELEGRAM_API: rx.url });
    const token = '123456789:AASharedWithOpenClaw_abcdefghijk';
    const config = `${box.dir}/openclaw.json`;
    writeFileSync(config, `{ channels: { telegram: { enabled: true, botToken: "${token}" } } }`);
    box.write({ gateway: { configPath: config }, notify: { channels: [{ type: 'telegram', token, chatId: '42' }] } });
    const shared = await box.run(['notify', 'test', 'telegram']);
    expect(shared.code, shared.stdout + shared.stderr).toBe(1);
    // Delivered (the message still arrives), and the reason it is not good enough.
    expect(shared.stdout).toMatch(/FAILED\s+telegram: delivered \(HTTP 200\), but this bot token is also OpenClaw's/);
    expect(shared.stdout).toContain(`(channels.telegram.botToken in ${config})`);
    expect(shared.stdout).toContain('@BotFather');
    expect(shared.stdout).not.toContain(token);
    expect(rx.requests.filter((r) => r.service === 'telegram')).toHaveLength(1);

    const own = { type: 'telegram', token: '987654321:AAOwnBotForClawMedic_abcdefghij', chatId: '42' };
    box.write({ gateway: { configPath: config }, notify: { channels: [own] } });
    const ok = await box.run(['notify', 'test', 'telegram']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
  });
});

describe('a watcher tells the channels', () => {
  it('announces the outage and the recovery, records a failing channel on the incident, leaks no token', async () => {
    rx = await startWebhookReceiver();
    const token = 'gw-secret-token-7c1e9a44d2b8f6a3';
    gw = await startFakeGateway({ config: { gateway: { auth: { mode: 'token', token } } } });
    const settings = fastSettings(gw.url, { gateway: { configPath: gw.configPath } });
    box = new CliSandbox(
      {
        ...settings,
        notify: {
          channels: [
            { name: 'hook', type: 'webhook', url: `${rx.url}/hook`, minIntervalSec: 0 },
            { name: 'broken', type: 'slack', url: `${rx.url}/services/T000/B000/XXXX`, minIntervalSec: 0 },
          ],
        },
        restart: {
          command: `echo "restarting with token ${token}" && openclaw gateway restart`,
          attempts: 1,
          waitHealthySec: 10,
          backoffSec: 0,
        },
      },
      gw.env,
    );
    // Slack answers 400 (a bad request is not retried): the failure must be recorded, not block the rest.
    rx.script(
      'slack',
      { status: 400, body: 'invalid_payload' },
      { status: 400, body: 'invalid_payload' },
      { status: 400, body: 'invalid_payload' },
    );
    watcher = box.watch();
    await watcher.waitState('healthy');
    await gw.fault('crash');
    const closed = await watcher.waitEvent('recovered', () => true, 'incident-closed');
    await rx.waitFor((reqs) => reqs.filter((r) => r.service === 'webhook').length >= 2);
    const kinds = rx.requests
      .filter((r) => r.service === 'webhook')
      .map((r) => (JSON.parse(r.body) as { kind: string }).kind);
    expect(kinds).toEqual(['down', 'restarted']);
    for (const r of rx.requests) expect(r.body).not.toContain(token);
    await watcher.waitEvent('slack failure', (e) => e.channel === 'broken', 'notification-failed');
    const list = JSON.parse((await box.run(['incidents', '--json'])).stdout) as Incident[];
    const inc = list.find((i) => i.id === closed.incident.id)!;
    expect(inc.events.some((e) => e.type === 'notification-failed' && e.detail.startsWith('broken:'))).toBe(true);
    expect(JSON.stringify(inc)).not.toContain(token);
  });
});
