// The fast gates of redact() (redact.ts scanText) skip rules that cannot match; the output must be
// exactly what running every rule gives. Checked on secrets of every shape, in many surroundings, cut
// at every offset, interrupted by terminal escapes; and the stream redactor's result on a flood is the
// same as redacting the whole text at once.
import { describe, expect, it } from 'vitest';
import { redact, redactUngated } from '../../main/engine/redact.js';
import { StreamRedactor, stripEscapes, visibleText } from '../../main/engine/redact-stream.js';

const SECRETS = [
  'sk-ant-api03-Qx7vR2mN9pL4kJ8hG6fD3sA1zX5cV0bN-_wE4rT7yU9iO2pA',
  'sk-proj-4fGh7JkL9mN2pQ5rS8tV1wX3yZ6aB0cD',
  '7012345678:AAHk3mP9qR2sT5uV8wX1yZ4aB7cD0eF3gH6',
  'https://discord.com/api/webhooks/1234567890123456789/Zk8_pQ-2mN7vR4xL9sT1wY6uJ3hG0fD5cB8aE2iO',
  'https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/q9W8e7R6t5Y4u3I2o1P0aSdF',
  'AKIAIOSFODNN7EXAMPLE',
  'ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'xoxb-123456789012-abcdefghijkl',
  'postgres://admin:hunter2hunter2@db.internal:5432/app',
  'Bearer abc.def.ghi.jkl',
  'Token dXNlcjpwYXNzd29yZA==',
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
  'https://api.telegram.org/bot123456:ABCdefGhIJKlmNoPQRsTUVwxyZ/sendMessage',
];
const PAIRS = [
  'password=hunter2',
  'GITHUB_TOKEN: ghx_notashape',
  '"apiKey": "abc123def"',
  '\\"token\\":\\"s3cr3t\\"',
  'client_secret = xyz',
  'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI',
  'webhookUrl: https://example.com/hook/1',
  'the credentials: check them',
  'max_tokens: 4096',
  'sortKey=a dedupeKey=b',
  'secretManagerServiceAccountKey: v',
  'x=token=abc',
  'a= "password": 1',
  'Authorization: Basic dXNlcjpwYXNz',
];
/** A piece of each secret above that no redacted output may show. */
const MUST_GO = [
  'Qx7vR2mN9pL4',
  '4fGh7JkL9mN2',
  'AAHk3mP9qR2s',
  'Zk8_pQ-2mN7v',
  'q9W8e7R6t5Y4',
  'IOSFODNN7',
  '1a2B3c4D5e6F',
  'dozjgNryP4J3',
  '123456789012-abc',
  'hunter2hunter2',
  'abc.def.ghi',
  'dXNlcjpwYXNzd29yZA',
  'MIIEowIBAAKCAQEA',
  'ABCdefGhIJKlmNoPQRsTUVwxyZ',
  'hunter2',
  'abc123def',
  's3cr3t',
  'wJalrXUtnFEMI',
  'gw-tok-8b1f0c9e7d6a',
];
const LITERALS = ['gw-tok-8b1f0c9e7d6a5b4c3d2e1f0a9b8c7d6e', 'my pa$$word/"quoted"'];
const AROUND: [string, string][] = [
  ['', ''],
  ['log: ', ' ok'],
  ['\x1b[1m', '\x1b[0m'],
  ['"', '"'],
  ['(', ')\n'],
  ['url=', '&x=1'],
  ['    ', '\r\n'],
];
const ESCAPED = (s: string) => s.split('').join('\x1b[1m');

describe('gated redact() equals every rule run', () => {
  it('on secrets of every shape, key/value pairs and literals, in many surroundings', () => {
    let n = 0;
    for (const core of [...SECRETS, ...PAIRS, ...LITERALS, 'plain words only', 'a:b c=d 12:30:45']) {
      for (const [pre, post] of AROUND) {
        for (const text of [pre + core + post, `${pre}${core}${post} ${core}`, ESCAPED(core)]) {
          for (const secrets of [[], LITERALS]) {
            expect(redact(text, { secrets }), JSON.stringify(text)).toBe(redactUngated(text, { secrets }));
            n++;
          }
        }
      }
    }
    expect(n).toBeGreaterThan(500);
  });

  it('on every prefix and suffix of a mixed text (gates see cut-off shapes)', () => {
    const text = [...SECRETS, ...PAIRS, ...LITERALS].join(' · ');
    for (let i = 0; i < text.length; i += 3) {
      for (const t of [text.slice(0, i), text.slice(i)]) {
        expect(redact(t, { secrets: LITERALS })).toBe(redactUngated(t, { secrets: LITERALS }));
      }
    }
  });
});

describe('escape handling of the stream redactor', () => {
  it('the hand-written escape parser strips exactly what the escape grammar (a regex) matches', () => {
    // ESC and BEL from their codes, as a regular expression literal may not hold control characters.
    const [ESC, BEL] = [String.fromCharCode(0x1b), String.fromCharCode(0x07)];
    const ESCAPE = new RegExp(
      `${ESC}(?:\\[[0-?]*[ -/]*[@-~]|\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)|[()][0-9A-Za-z]|[@-Z\\\\-_])`,
      'g',
    );
    const raw = 'a\x1b[38;5;246mb\x1b]0;title\x07c\x1b(Bd\x1b=e\x1b[f\x1b]unterminated\x1b';
    expect(stripEscapes(raw)).toBe(raw.replace(ESCAPE, ''));
    expect(visibleText(raw).text).toBe(raw.replace(ESCAPE, ''));
    // Every ESC followed by every pair of printable or control characters.
    const alphabet = ['[', ']', '(', ')', '\\', '\x07', '\x1b', '0', ';', ' ', '/', '@', 'Z', '_', '~', 'm', '=', 'B'];
    alphabet.push('é');
    for (const a of alphabet)
      for (const b of alphabet)
        for (const c of alphabet) {
          const t = `x\x1b${a}${b}${c}y`;
          expect(stripEscapes(t), JSON.stringify(t)).toBe(t.replace(ESCAPE, ''));
        }
  });

  it('a flood pushed in pieces of many sizes comes out as the whole text redacted at once', () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const secret = i % 37 === 0 ? SECRETS[i % SECRETS.length] : i % 41 === 0 ? PAIRS[i % PAIRS.length] : '';
      const n = String(i).padStart(6, '0');
      lines.push(`\x1b[2m${n}\x1b[0m the gateway log scrolls past ${secret} ok · ↓ ${i} tokens\r\n`);
    }
    const text = lines.join('');
    const secrets = () => LITERALS;
    for (const size of [1, 7, 64, 1000, 4096, 65536]) {
      const r = new StreamRedactor({ secrets });
      let out = '';
      for (let i = 0; i < text.length; i += size) out += r.push(text.slice(i, i + size));
      out += r.releaseAll();
      for (const fragment of MUST_GO) expect(stripEscapes(out), `size ${size}`).not.toContain(fragment);
      expect(stripEscapes(out).match(/tokens\r\n/g)?.length).toBe(400);
    }
  });
});
