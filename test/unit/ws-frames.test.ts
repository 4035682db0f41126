// The dashboard's binary frames (common/ws-protocol.ts): terminal chunks and acks survive the trip
// byte-exactly, with characters counted the same on both ends; anything else is refused, not guessed.
import { describe, expect, it } from 'vitest';
import type { TerminalChunk } from '../../common/contract.js';
import {
  decodeAckFrame,
  decodeTermFrame,
  encodeAckFrame,
  encodeTermFrame,
  FRAME_ACK,
  FRAME_TERM,
} from '../../common/ws-protocol.js';
import { ACK_STEP_CHARS, slices, TerminalFeed } from '../../renderer/src/terminal/feed.js';

describe('binary terminal frames', () => {
  const cases: TerminalChunk[] = [
    { kind: 'live', data: 'plain ascii\r\n', sessionName: 'clawmedic-20261125-1200-ab12' },
    { kind: 'replay', data: '\x1b[38;5;246m│\x1b[0m ↓ 4 tokens · ✻ Cooked 🙂 émoji', sessionName: 'séance' },
    { kind: 'end', data: '', sessionName: null },
    { kind: 'live', data: 'x'.repeat(200_000), sessionName: '' },
    { kind: 'live', data: '\u0000\u0007\u001b\u007f\uffff', sessionName: 's' },
  ];
  it('round-trip every kind, session (or none) and character, counting the same characters', () => {
    for (const c of cases) {
      const bytes = encodeTermFrame(c);
      expect(bytes[0]).toBe(FRAME_TERM);
      const back = decodeTermFrame(bytes);
      expect(back).toEqual(c);
      expect(back!.data.length).toBe(c.data.length);
    }
  });

  it('are smaller than the JSON frames they replace for terminal output', () => {
    const c = { kind: 'live' as const, data: '\x1b[1m"quoted"\x1b[0m \\ path\r\n'.repeat(1000), sessionName: 's' };
    expect(encodeTermFrame(c).length).toBeLessThan(JSON.stringify({ t: 'term', ...c }).length);
  });

  it('refuse bytes that are not a terminal frame', () => {
    expect(decodeTermFrame(new Uint8Array([]))).toBeNull();
    expect(decodeTermFrame(new Uint8Array([FRAME_ACK, 1, 0, 0]))).toBeNull();
    expect(decodeTermFrame(new Uint8Array([FRAME_TERM, 9, 0, 0]))).toBeNull();
    expect(decodeTermFrame(new Uint8Array([FRAME_TERM, 1, 0, 50, 65]))).toBeNull();
  });

  it('acks carry up to 2^32-1 characters in 5 bytes; other bytes are not acks', () => {
    for (const n of [0, 1, 5000, 65_536, 2 ** 31, 2 ** 32 - 1]) {
      const f = encodeAckFrame(n);
      expect(f.length).toBe(5);
      expect(decodeAckFrame(f)).toBe(n);
    }
    expect(decodeAckFrame(encodeAckFrame(2 ** 40))).toBe(2 ** 32 - 1);
    expect(decodeAckFrame(new Uint8Array([FRAME_TERM, 0, 0, 0, 1]))).toBeNull();
    expect(decodeAckFrame(new Uint8Array([FRAME_ACK, 0, 0, 1]))).toBeNull();
  });
});

describe('the feed acks as parsing progresses', () => {
  it('writes a large chunk in slices of ACK_STEP_CHARS, each acked when parsed, never splitting a pair', () => {
    const writes: { data: string; parsed?: () => void }[] = [];
    const acks: number[] = [];
    const feed = new TerminalFeed({ write: (data, parsed) => void writes.push({ data, parsed }) }, (n) => acks.push(n));
    const data = ('a'.repeat(ACK_STEP_CHARS - 1) + '🙂').repeat(13);
    feed.push({ kind: 'live', data, sessionName: 's' });
    expect(writes.map((w) => w.data).join('')).toBe(data);
    expect(writes.length).toBeGreaterThan(10);
    for (const w of writes) {
      expect(w.data.length).toBeLessThanOrEqual(ACK_STEP_CHARS);
      const last = w.data.charCodeAt(w.data.length - 1);
      expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
    }
    // Parsing progresses: each slice's callback acks that slice, so acks come in steps, not at the end.
    writes[0]!.parsed!();
    expect(acks).toEqual([writes[0]!.data.length]);
    for (const w of writes.slice(1)) w.parsed!();
    expect(acks.reduce((a, b) => a + b, 0)).toBe(data.length);
    expect(slices('short', ACK_STEP_CHARS)).toEqual(['short']);
  });
});
