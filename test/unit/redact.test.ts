import { describe, expect, it } from 'vitest';
import { collectSecrets, isSecretKey, redact, redactDeep, REDACTED } from '../../main/engine/redact.js';

// Planted values: shaped like the real thing, random enough that a partial leak is detectable.
const ANTHROPIC = 'sk-ant-api03-Qx7vR2mN9pL4kJ8hG6fD3sA1zX5cV0bN-_wE4rT7yU9iO2pA';
const OPENAI = 'sk-proj-4fGh7JkL9mN2pQ5rS8tV1wX3yZ6aB0cD';
const TELEGRAM = '7012345678:AAHk3mP9qR2sT5uV8wX1yZ4aB7cD0eF3gH6';
const DISCORD_URL = 'https://discord.com/api/webhooks/1234567890123456789/Zk8_pQ-2mN7vR4xL9sT1wY6uJ3hG0fD5cB8aE2iO';
const SLACK_URL = 'https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/q9W8e7R6t5Y4u3I2o1P0aSdF';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.' +
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const AWS = 'AKIAIOSFODNN7EXAMPLE';
const GITHUB = 'ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R';
const GATEWAY_TOKEN = 'gw-tok-8b1f0c9e7d6a5b4c3d2e1f0a9b8c7d6e';

/** Asserts none of the planted values, nor a 10-char slice of them, survived. */
function expectClean(out: string, ...planted: string[]) {
  expect(out).toContain(REDACTED);
  for (const p of planted) {
    expect(out).not.toContain(p);
    for (let i = 0; i + 10 <= p.length; i += 5) {
      const slice = p.slice(i, i + 10);
      if (/^[a-z/:.-]+$/i.test(slice) && /(https|discord|hooks|slack|services|webhooks)/i.test(slice)) continue;
      expect(out, `slice ${slice} of a planted secret leaked`).not.toContain(slice);
    }
  }
}

describe('redact: credential shapes', () => {
  it.each([
    ['anthropic key', `ANTHROPIC key in use: ${ANTHROPIC} (from env)`, ANTHROPIC],
    ['openai key', `using ${OPENAI}`, OPENAI],
    ['telegram token', `bot ${TELEGRAM} started`, TELEGRAM],
    ['telegram API URL', `POST https://api.telegram.org/bot${TELEGRAM}/sendMessage failed`, TELEGRAM],
    ['jwt', `session=${JWT}`, JWT],
    ['aws key', `aws id ${AWS}`, AWS],
    ['github token', `remote uses ${GITHUB}`, GITHUB],
    [
      'slack bot token',
      'token xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx ok',
      'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    ],
    ['google key', 'key AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q in url', 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'],
  ])('%s', (_name, text, secret) => {
    expectClean(redact(text), secret);
  });

  it('keeps the service host of webhook URLs but not their path', () => {
    const out = redact(`alerts go to ${DISCORD_URL} and ${SLACK_URL}.`);
    expect(out).toContain('https://discord.com/api/webhooks/[REDACTED webhook]');
    expect(out).toContain('https://hooks.slack.com/services/[REDACTED webhook]');
    expect(out).not.toContain('1234567890123456789');
    expect(out).not.toContain('T01ABCDEF');
    expect(out.endsWith('.')).toBe(true);
  });

  it('bearer tokens and Authorization headers', () => {
    expectClean(redact('curl -H "Authorization: Bearer abc123def456ghi789" http://x'), 'abc123def456ghi789');
    expectClean(redact('Authorization: Basic dXNlcjpwYXNzd29yZA=='), 'dXNlcjpwYXNzd29yZA==');
    expectClean(redact('x-api-key: k3y-v4lu3-0123456789'), 'k3y-v4lu3-0123456789');
    expectClean(
      redact('Authorization: Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnop'),
      'MTIzNDU2Nzg5MDEyMzQ1Njc4',
    );
  });

  it('key=value and JSON pairs, keeping the key', () => {
    expect(redact('password=hunter2!x user=bob')).toBe('password=[REDACTED] user=bob');
    expect(redact('OPENCLAW_GATEWAY_TOKEN=abcd1234efgh')).toBe('OPENCLAW_GATEWAY_TOKEN=[REDACTED]');
    expect(redact(`{"botToken": "zzz-top-9931", "chatId": "-100123"}`)).toBe(
      `{"botToken": "[REDACTED]", "chatId": "-100123"}`,
    );
    expect(redact(`client_secret: 'q1w2e3r4t5'`)).toBe(`client_secret: '[REDACTED]'`);
    expect(redact('password: hunter2 and token:plainword')).toBe('password: [REDACTED] and token:[REDACTED]');
    expect(redact('GET /cb?code=1&access_token=ya29.a0AfH6S&state=ok')).toBe(
      'GET /cb?code=1&access_token=[REDACTED]&state=ok',
    );
    expect(redact('AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(
      'AWS_SECRET_ACCESS_KEY=[REDACTED]',
    );
  });

  it('secrets inside a JSON log line, including a stringified JSON payload', () => {
    const line = JSON.stringify({
      time: '2026-03-01T10:00:00.000Z',
      level: 'error',
      msg: 'auth failed',
      req: JSON.stringify({ token: 'inner-secret-77aa', url: 'http://127.0.0.1:18789/healthz' }),
      apiKey: 'outer-secret-88bb',
    });
    const out = redact(line);
    expectClean(out, 'inner-secret-77aa', 'outer-secret-88bb');
    // Still valid JSON, with the harmless fields intact.
    const parsed = JSON.parse(out) as Record<string, string>;
    expect(parsed.time).toBe('2026-03-01T10:00:00.000Z');
    expect(JSON.parse(parsed.req!)).toMatchObject({ url: 'http://127.0.0.1:18789/healthz' });
  });

  it('multi-line private key blocks, also when truncated by a log tail', () => {
    const pem = [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
      'AAAAMwAAAAtzc2gtZWQyNTUxOQ',
      '-----END OPENSSH PRIVATE KEY-----',
    ].join('\n');
    const out = redact(`before\n${pem}\nafter`);
    expect(out).toBe('before\n[REDACTED private-key]\nafter');
    const cut = redact('x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\nQ2hlY2s');
    expect(cut).toBe('x\n[REDACTED private-key]');
    const inJson = redact(JSON.stringify({ key: pem }));
    expect(inJson).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
  });

  it('user:password in URLs', () => {
    expect(redact('db postgres://admin:s3cr3tP4ss@db.local:5432/app')).toBe(
      'db postgres://[REDACTED credentials]@db.local:5432/app',
    );
    expect(redact('https://x-access-token:ghs_abc@github.com/o/r.git')).not.toContain('ghs_abc');
  });

  it('literal secrets from the config, also JSON-escaped and URL-encoded', () => {
    const secret = 'my pa$$word/"quoted"';
    const text = `plain ${secret} | json ${JSON.stringify(secret)} | url ?p=${encodeURIComponent(secret)}`;
    const out = redact(text, { secrets: [secret] });
    expect(out).not.toContain('pa$$word');
    expect(out).not.toContain(encodeURIComponent('pa$$word'));
    expect(out.match(/\[REDACTED/g)!.length).toBeGreaterThanOrEqual(3);
  });

  it('ignores too-short literal secrets rather than shredding text', () => {
    expect(redact('the gateway is up', { secrets: ['up', 'the'] })).toBe('the gateway is up');
  });

  it('is idempotent', () => {
    const text = [
      `k=${ANTHROPIC} ${DISCORD_URL} ${SLACK_URL} {"token":"abcdefgh12"} Bearer ${JWT}`,
      `https://api.telegram.org/bot${TELEGRAM}/getMe postgres://u:p4ssw0rd@h/db ${GATEWAY_TOKEN}`,
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
      `Authorization: Basic dXNlcjpwYXNzd29yZA== x-api-key: abcdef123456`,
    ].join('\n');
    const once = redact(text, { secrets: [GATEWAY_TOKEN] });
    expect(redact(once, { secrets: [GATEWAY_TOKEN] })).toBe(once);
  });
});

describe('redact: no over-redaction of ordinary text', () => {
  it.each([
    '2026-03-01T10:00:00.123Z gateway listening on 127.0.0.1:18789',
    'pid 48213 exited with code 78 at 12:34:56',
    'config at /Users/alice/.openclaw/openclaw.json (mode 0600)',
    'commit 3f9a2c1 and 3f9a2c1b7d0e fixed it',
    'listen EADDRINUSE: address already in use :::18789',
    'incident 20260301T100000123Z-a1b2c3 closed: recovered by restart after 42 s',
    'usage: max_tokens: 4096, input_tokens=1200 output_tokens=88',
    'Token validation failed; Basic authentication is disabled',
    '{"ok":true,"status":"live"} uuid 123e4567-e89b-12d3-a456-426614174000',
    'auth mode: token; sortKey=abc; dedupeKey=inc1:down',
    'tmux attach -t clawmedic-20260301-100000-ab12 (read-only: tmux attach -r -t x)',
    'Bearer of bad news',
    'the service refused the credentials: check the token or webhook URL',
    'auth: failed for user bob; password: incorrect',
    'https://docs.openclaw.ai/gateway/troubleshooting#port-in-use',
    'openclaw doctor --fix --non-interactive --yes',
  ])('%s', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('empty values and env references are left readable', () => {
    expect(redact('token="" password="" apiKey: "${OPENAI_API_KEY}"')).toBe(
      'token="" password="" apiKey: "${OPENAI_API_KEY}"',
    );
  });
});

describe('redactDeep', () => {
  it('redacts every string of a nested value and leaves the input untouched', () => {
    const input = { a: [`x ${OPENAI}`], b: { c: 3, d: `token=${GATEWAY_TOKEN}` }, e: null };
    const out = redactDeep(input);
    expect(JSON.stringify(out)).not.toContain(OPENAI);
    expect(JSON.stringify(out)).not.toContain(GATEWAY_TOKEN);
    expect(out.b.c).toBe(3);
    expect(out.e).toBeNull();
    expect(input.a[0]).toContain(OPENAI);
  });
});

describe('isSecretKey', () => {
  it.each([
    'token',
    'botToken',
    'GITHUB_TOKEN',
    'apiKey',
    'api_key',
    'x-api-key',
    'password',
    'clientSecret',
    'privateKey',
    'AWS_SECRET_ACCESS_KEY',
    'webhookUrl',
    'authorization',
    'auth',
  ])('%s is secret', (k) => expect(isSecretKey(k)).toBe(true));
  it.each(['max_tokens', 'tokenUsage', 'key', 'sortKey', 'dedupeKey', 'mode', 'authMode', 'chatId', 'url', 'name'])(
    '%s is not',
    (k) => expect(isSecretKey(k)).toBe(false),
  );
});

describe('collectSecrets', () => {
  const config = {
    gateway: { mode: 'local', port: 18789, bind: 'loopback', auth: { mode: 'token', token: GATEWAY_TOKEN } },
    channels: {
      telegram: { enabled: true, botToken: TELEGRAM, allowFrom: ['12345'] },
      discord: { token: 'discord-bot-token-abcdef123', webhook: DISCORD_URL },
    },
    models: { providers: { anthropic: { apiKey: ANTHROPIC }, openai: { apiKey: '${OPENAI_API_KEY}' } } },
    env: { vars: { CUSTOM_SERVICE_PASSWORD: 'pw-in-env-4411', LOG_LEVEL: 'debug' } },
    hooks: { passwords: ['first-pass-0001', 'second-pass-0002'] },
    proxy: 'http://proxyuser:proxypass99@proxy.local:3128',
    logging: { file: '/tmp/openclaw/openclaw.log', level: 'info' },
  };

  it('finds the values under secret keys, URL secrets and credential shapes', () => {
    const found = collectSecrets(config);
    for (const s of [
      GATEWAY_TOKEN,
      TELEGRAM,
      'discord-bot-token-abcdef123',
      ANTHROPIC,
      'pw-in-env-4411',
      'first-pass-0001',
      'second-pass-0002',
      'proxypass99',
    ])
      expect(found).toContain(s);
    expect(found.some((s) => DISCORD_URL.endsWith(s) && s.length > 20)).toBe(true);
  });

  it('does not collect descriptive or harmless values', () => {
    const found = collectSecrets(config);
    for (const s of [
      'token',
      'local',
      'loopback',
      '12345',
      '${OPENAI_API_KEY}',
      'debug',
      '/tmp/openclaw/openclaw.log',
      'info',
    ])
      expect(found).not.toContain(s);
  });

  it('together with redact, scrubs a log that mentions config secrets in free text', () => {
    const secrets = collectSecrets(config);
    const log = `connect failed: token ${GATEWAY_TOKEN} rejected; retry with pw-in-env-4411 via proxy`;
    const out = redact(log, { secrets });
    expect(out).not.toContain(GATEWAY_TOKEN);
    expect(out).not.toContain('pw-in-env-4411');
    expect(out).toContain('connect failed');
  });

  it('survives cycles, primitives and junk', () => {
    const a: Record<string, unknown> = { password: 'cyclic-pass-9' };
    a.self = a;
    expect(collectSecrets(a)).toEqual(['cyclic-pass-9']);
    expect(collectSecrets(null)).toEqual([]);
    expect(collectSecrets(42)).toEqual([]);
    expect(collectSecrets('not a url')).toEqual([]);
  });
});

describe('literal secrets inside shaped credentials', () => {
  it('redacts a Discord webhook URL that is also a known secret without leaving marker debris', () => {
    const url = 'https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyzABCDEF0123456789';
    const out = redact(`posting to ${url} now`, { secrets: [url] });
    expect(out).not.toContain('abcdefghij');
    expect(out).not.toMatch(/\]\s*secret\]/);
    expect(out).toMatch(/^posting to .*\[REDACTED[^\]]*\] now$/);
    expect(redact(out, { secrets: [url] })).toBe(out);
  });
});
