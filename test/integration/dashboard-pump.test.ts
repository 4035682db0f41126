// The dashboard's per-connection terminal flow control on its own: watermarks, merging a backlog,
// translating acks through redaction, the memory bound, and forgetting on close.
import { describe, expect, it } from 'vitest';
import type { TerminalChunk } from '../../common/contract.js';
import type { LiveTerminal } from '../../main/engine/engine-api.js';
import { HIGH_WATERMARK, LOW_WATERMARK, MAX_FRAME_CHARS, MAX_QUEUED, TerminalPump } from '../../main/dashboard/terminal-pump.js';

function fakeTerminal(replay: string[] = []) {
  let listener: ((c: TerminalChunk) => void) | null = null;
  const acks: number[] = [];
  let closed = 0;
  const terminal: LiveTerminal = {
    subscribe(l) {
      listener = l;
      // Replay arrives synchronously, before subscribe() returns (as the engine may do).
      for (const data of replay) l({ kind: 'replay', data, sessionName: 's' });
      return { ack: (n) => acks.push(n), close: () => closed++ };
    },
  };
  return { terminal, emit: (data: string) => listener!({ kind: 'live', data, sessionName: 's' }), acks, closed: () => closed };
}

describe('TerminalPump', () => {
  it('sends up to the high watermark, resumes below the low one, and acks the engine what the viewer acked', () => {
    const t = fakeTerminal();
    const sent: TerminalChunk[] = [];
    const pump = new TerminalPump({ terminal: t.terminal, send: (c) => sent.push(c), onOverflow: () => undefined });
    const piece = 'a'.repeat(10_000);
    for (let i = 0; i < 30; i++) t.emit(piece);
    const total = () => sent.reduce((n, c) => n + c.data.length, 0);
    expect(total()).toBe(HIGH_WATERMARK);
    expect(pump.stats()).toMatchObject({ paused: true, unacked: HIGH_WATERMARK, queued: 200_000 });
    pump.ack(HIGH_WATERMARK - LOW_WATERMARK - 1); // still above the low watermark: stays paused
    expect(total()).toBe(HIGH_WATERMARK);
    const framesBefore = sent.length;
    pump.ack(1);
    // Refilled to the high watermark again (stopping at the first frame that reaches it).
    expect(pump.stats().unacked).toBeGreaterThanOrEqual(HIGH_WATERMARK);
    expect(pump.stats().unacked).toBeLessThan(HIGH_WATERMARK + piece.length);
    expect(total()).toBe(HIGH_WATERMARK - LOW_WATERMARK + pump.stats().unacked);
    // Backlog went out merged (big frames), never more than MAX_FRAME_CHARS each.
    expect(sent.length - framesBefore).toBeLessThanOrEqual(3);
    expect(Math.max(...sent.map((c) => c.data.length))).toBeLessThanOrEqual(MAX_FRAME_CHARS);
    expect(t.acks.reduce((a, b) => a + b, 0)).toBe(HIGH_WATERMARK - LOW_WATERMARK);
    // A confused client cannot ack more than it was sent: the excess is dropped, not banked.
    pump.ack(10_000_000);
    expect(total()).toBe(300_000);
    expect(t.acks.reduce((a, b) => a + b, 0)).toBe(200_000);
    expect(pump.stats()).toMatchObject({ queued: 0, unacked: 100_000 });
    pump.ack(100_000);
    expect(pump.stats().unacked).toBe(0);
    expect(t.acks.reduce((a, b) => a + b, 0)).toBe(300_000);
  });

  it('handles a replay delivered before subscribe() returns, and acks the engine once it can', () => {
    const t = fakeTerminal(['one', 'two']);
    const sent: string[] = [];
    const pump = new TerminalPump({ terminal: t.terminal, send: (c) => sent.push(c.data), onOverflow: () => undefined });
    expect(sent).toEqual(['one', 'two']);
    pump.ack(6);
    expect(t.acks).toEqual([6]);
  });

  it('translates acks of redacted text back to the original characters', () => {
    const t = fakeTerminal();
    const sent: string[] = [];
    const pump = new TerminalPump({
      terminal: t.terminal,
      send: (c) => sent.push(c.data),
      transform: (s) => s.replace(/SECRET-[0-9]+/g, '***'),
      onOverflow: () => undefined,
    });
    t.emit('key SECRET-123456789 end'); // 24 chars → 12 sent
    t.emit('SECRET-1'); // 8 → 3
    expect(sent).toEqual(['key *** end', '***']);
    pump.ack(5); // part of the first chunk: proportional
    expect(t.acks).toEqual([Math.floor((5 * 24) / 11)]);
    pump.ack(9); // rest of both chunks: exact totals
    expect(t.acks.reduce((a, b) => a + b, 0)).toBe(24 + 8);
    // A chunk that redaction emptied is settled at once (the viewer can never ack it).
    const empty = fakeTerminal();
    const p2 = new TerminalPump({ terminal: empty.terminal, send: () => undefined, transform: () => '', onOverflow: () => undefined });
    empty.emit('gone');
    expect(empty.acks).toEqual([4]);
    p2.close();
  });

  it('closes the connection instead of growing without bound when the engine ignores the pause', () => {
    const t = fakeTerminal();
    let overflowed = 0;
    const pump = new TerminalPump({ terminal: t.terminal, send: () => undefined, onOverflow: () => overflowed++ });
    const big = 'z'.repeat(1_000_000);
    for (let i = 0; i < MAX_QUEUED / big.length + 2; i++) t.emit(big);
    expect(overflowed).toBe(1);
    expect(t.closed()).toBe(1);
    expect(pump.stats()).toMatchObject({ queued: 0, unacked: 0 });
  });

  it('close() forgets the subscription and ignores late chunks and acks', () => {
    const t = fakeTerminal();
    const sent: string[] = [];
    const pump = new TerminalPump({ terminal: t.terminal, send: (c) => sent.push(c.data), onOverflow: () => undefined });
    t.emit('x');
    pump.close();
    pump.close();
    expect(t.closed()).toBe(1);
    t.emit('late');
    pump.ack(1);
    expect(sent).toEqual(['x']);
    expect(t.acks).toEqual([]);
  });
});
