// Secrets split across terminal chunks: the stream redactor holds back whatever could still become a secret
// and releases the rest at once; the viewer stream releases held text after a pause (fake clock).
import { describe, expect, it } from 'vitest';
import type { TerminalChunk } from '../../common/contract.js';
import type { LiveTerminal } from '../../main/engine/engine-api.js';
import { StreamRedactor, visibleText } from '../../main/engine/redact-stream.js';
import { IDLE_RELEASE_MS, SUSPECT_RELEASE_MS, ViewerStream } from '../../main/engine/viewer-stream.js';
import { FakeClock } from '../helpers/fake-clock.js';

const SECRET = 'gwTokenSECRET123456';
const secrets = () => [SECRET];

/** Feeds `parts` one by one, releasing idle text between them (as the timer would), and joins the output. */
function stream(parts: string[], opts: { idleBetween?: boolean } = {}): string {
  const r = new StreamRedactor({ secrets });
  let out = '';
  for (const p of parts) {
    out += r.push(p);
    if (opts.idleBetween) out += r.releaseIdle();
  }
  return out + r.releaseAll();
}

describe('stream redactor', () => {
  it('catches a literal secret split across chunks, even with a pause between them', () => {
    for (const idleBetween of [false, true]) {
      const out = stream(['token is gwTokenSEC', 'RET123456 and more\r\n'], { idleBetween });
      expect(out).not.toContain('gwTokenSEC');
      expect(out).not.toContain('RET123456');
      expect(out).toContain('[REDACTED secret]');
      expect(out).toContain('and more');
    }
  });

  it('catches token shapes and key: value pairs split anywhere', () => {
    const key = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123';
    const text =
      `export ANTHROPIC_API_KEY=${key}\r\npassword: hunter2hunter2\r\n` +
      'bot 7123456789:AAHk3v9xQm2Lw8ZrT5nYp0sJd4fGh6uKe1c ok\r\n';
    for (let cut = 1; cut < text.length; cut += 3) {
      // Without a pause at the cut, any cut; with one, any cut but inside a key's name (see releaseIdle).
      expect(stream([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).not.toMatch(
        /abcdefghijklmnop|hunter2|AAHk3v9x/,
      );
      const insideKey = /[A-Za-z_]$/.test(text.slice(0, cut)) && /^[A-Za-z_]*[:=]/.test(text.slice(cut));
      if (insideKey) continue;
      const out = stream([text.slice(0, cut), text.slice(cut)], { idleBetween: true });
      expect(out, `cut at ${cut} with a pause`).not.toMatch(/abcdefghijklmnop|hunter2|AAHk3v9x/);
    }
  });

  it('releases ordinary text at once, and an unfinished word after a pause', () => {
    const r = new StreamRedactor({ secrets });
    expect(r.push('Thinking about the gateway')).toBe('Thinking about the ');
    expect(r.holding).toBe('gateway'.length);
    expect(r.releaseIdle()).toBe('gateway');
    expect(r.push('… ❯')).toBe('… ');
    expect(r.releaseIdle()).toBe('❯');
    // The start of a known secret keeps waiting through a pause…
    expect(r.push(' gwTok')).toBe(' ');
    expect(r.releaseIdle()).toBe('');
    // …and goes out redacted once it completes, or as it is when it turns out to be something else.
    expect(r.push('enize the input ')).toBe('gwTokenize the input ');
  });

  it('catches a secret whose characters are interrupted by escape sequences (colours, cursor moves)', () => {
    const out = stream(['token gwToken\x1b[1m', 'SECRET\x1b[0m\x1b[?25l', '123456 done\r\n'], { idleBetween: true });
    expect(visibleText(out).text).not.toMatch(/SECRET|123456|gwToken/);
    expect(out).toContain('[REDACTED secret]');
    // Ordinary coloured output keeps its escapes.
    expect(stream(['\x1b[32mok\x1b[0m and \x1b[1mbold\x1b[0m\r\n'])).toBe(
      '\x1b[32mok\x1b[0m and \x1b[1mbold\x1b[0m\r\n',
    );
  });

  it('never holds more than its bound', () => {
    const r = new StreamRedactor({ secrets, maxHold: 100 });
    const out = r.push('x'.repeat(1000));
    expect(out.length).toBe(900);
    expect(r.holding).toBe(100);
  });
});

describe('the live view with a streaming redactor', () => {
  function setup() {
    const clock = new FakeClock();
    const state = { listener: null as ((c: TerminalChunk) => void) | null, acked: 0 };
    const terminal: LiveTerminal = {
      subscribe(l) {
        state.listener = l;
        return { ack: (n) => void (state.acked += n), close: () => undefined };
      },
    };
    const sent: string[] = [];
    const v = new ViewerStream({
      terminal,
      send: (c) => sent.push(c.data),
      transform: new StreamRedactor({ secrets }),
      clock,
    });
    const push = (data: string) => state.listener!({ kind: 'live', data, sessionName: 's' });
    return { clock, sent, v, push, state };
  }

  it('a secret printed in two writes 1.5 s apart never reaches the viewer, and every character is acked', () => {
    const t = setup();
    t.push('cat config: gwTokenSEC');
    t.clock.advance(1500);
    t.push('RET123456\r\n$ ');
    t.clock.advance(SUSPECT_RELEASE_MS);
    const shown = t.sent.join('');
    expect(shown).not.toContain('gwTokenSEC');
    expect(shown).not.toContain('RET123456');
    expect(shown).toContain('[REDACTED secret]');
    expect(shown.endsWith('$ ')).toBe(true);
    t.v.ack(shown.length);
    expect(t.state.acked).toBe('cat config: gwTokenSEC'.length + 'RET123456\r\n$ '.length);
  });

  it('an unfinished word shows after a short pause; a suspicious tail after the long one, redacted', () => {
    const t = setup();
    t.push('? for shortcuts');
    t.clock.advance(10);
    expect(t.sent.join('')).toBe('? for ');
    t.clock.advance(IDLE_RELEASE_MS);
    expect(t.sent.join('')).toBe('? for shortcuts');
    t.push(' sk-ant-api03-abcdefgh');
    t.clock.advance(IDLE_RELEASE_MS);
    expect(t.sent.join('')).toBe('? for shortcuts ');
    t.clock.advance(SUSPECT_RELEASE_MS);
    expect(t.sent.join('')).toBe('? for shortcuts [REDACTED anthropic-key]');
  });
});
