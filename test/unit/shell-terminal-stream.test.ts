// Live-terminal forwarding: batching by time and size, surrogate pairs never split, acks clamped and
// passed to the engine, and a closed window forgetting its unacked count.
import { describe, expect, it } from 'vitest';
import type { TerminalChunk } from '../../common/contract.js';
import type { LiveTerminal } from '../../main/engine/engine-api.js';
import { safeCut, TerminalForwarder } from '../../main/shell/terminal-stream.js';
import type { Timers } from '../../main/shell/timers.js';

function fakeTimers(): Timers & { fire(): void; pending(): number } {
  const due = new Map<number, () => void>();
  let seq = 0;
  return {
    set(fn) {
      due.set(++seq, fn);
      return seq;
    },
    clear(h) {
      due.delete(h as number);
    },
    fire() {
      const fns = [...due.values()];
      due.clear();
      for (const f of fns) f();
    },
    pending: () => due.size,
  };
}

/** A LiveTerminal that records acks and closes and lets the test push chunks. */
function fakeTerminal(replay: TerminalChunk[] = []) {
  const state = { acked: 0, closed: 0, listener: null as ((c: TerminalChunk) => void) | null };
  const terminal: LiveTerminal = {
    subscribe(listener) {
      state.listener = listener;
      for (const c of replay) listener(c);
      return {
        ack: (n) => void (state.acked += n),
        close: () => void (state.closed += 1),
      };
    },
  };
  const push = (data: string, kind: TerminalChunk['kind'] = 'live', sessionName: string | null = 's1') =>
    state.listener!({ kind, data, sessionName });
  return { terminal, state, push };
}

function setup(opts: { replay?: TerminalChunk[]; maxChars?: number } = {}) {
  const t = fakeTerminal(opts.replay);
  const timers = fakeTimers();
  const sent: TerminalChunk[] = [];
  const f = new TerminalForwarder({ terminal: t.terminal, send: (c) => sent.push(c), timers, maxChars: opts.maxChars ?? 64 * 1024 });
  return { ...t, timers, sent, f };
}

describe('terminal forwarder', () => {
  it('batches small chunks into one message per timer tick', () => {
    const s = setup();
    for (let i = 0; i < 100; i++) s.push(`line ${i}\r\n`);
    expect(s.sent).toEqual([]);
    expect(s.timers.pending()).toBe(1);
    s.timers.fire();
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]!.data.split('\r\n').length).toBe(101);
    expect(s.sent[0]).toMatchObject({ kind: 'live', sessionName: 's1' });
  });

  it('sends full batches at once, never more than the maximum, and loses nothing', () => {
    const s = setup({ maxChars: 1000 });
    const input = 'x'.repeat(3500);
    s.push(input);
    expect(s.sent.map((c) => c.data.length)).toEqual([1000, 1000, 1000]);
    s.timers.fire();
    expect(s.sent.map((c) => c.data).join('')).toBe(input);
  });

  it('never splits a surrogate pair at a batch boundary or a timer flush', () => {
    const s = setup({ maxChars: 10 });
    const emoji = '😀'; // two UTF-16 code units
    s.push('a'.repeat(9) + emoji + 'b');
    expect(s.sent[0]!.data).toBe('a'.repeat(9));
    s.timers.fire();
    expect(s.sent.map((c) => c.data).join('')).toBe('a'.repeat(9) + emoji + 'b');

    // A chunk that ends between the two halves: the high half waits for its partner.
    const t = setup();
    t.push('ok ' + emoji.charAt(0));
    t.timers.fire();
    expect(t.sent.map((c) => c.data)).toEqual(['ok ']);
    t.push(emoji.charAt(1) + '!');
    t.timers.fire();
    expect(t.sent.map((c) => c.data).join('')).toBe('ok ' + emoji + '!');
    for (const c of [...s.sent, ...t.sent]) expect(c.data, JSON.stringify(c.data)).not.toMatch(/[\ud800-\udbff]$|^[\udc00-\udfff]/);
  });

  it('keeps replay and live apart, and delivers end at once after what came before it', () => {
    const s = setup({ replay: [{ kind: 'replay', data: 'old ', sessionName: 's1' }] });
    s.push('new');
    s.push('', 'end');
    expect(s.sent).toEqual([
      { kind: 'replay', data: 'old ', sessionName: 's1' },
      { kind: 'live', data: 'new', sessionName: 's1' },
      { kind: 'end', data: '', sessionName: 's1' },
    ]);
    expect(s.timers.pending()).toBe(0);
  });

  it('passes acks to the engine, clamped to what the renderer was actually sent', () => {
    const s = setup();
    s.push('x'.repeat(500));
    s.f.ack(100); // nothing delivered yet: nothing to ack
    expect(s.state.acked).toBe(0);
    s.timers.fire();
    s.f.ack(200);
    s.f.ack(10_000);
    s.f.ack(-5);
    s.f.ack(Number.NaN);
    expect(s.state.acked).toBe(500);
  });

  it('close() drops pending data and the subscription (the engine forgets the unacked count)', () => {
    const s = setup();
    s.push('pending');
    s.f.close();
    s.f.close();
    expect(s.state.closed).toBe(1);
    expect(s.timers.pending()).toBe(0);
    s.push('late');
    s.timers.fire();
    s.f.ack(7);
    expect(s.sent).toEqual([]);
    expect(s.state.acked).toBe(0);
  });

  it('a failing send closes the stream instead of throwing into the engine', () => {
    const t = fakeTerminal();
    const timers = fakeTimers();
    const f = new TerminalForwarder({
      terminal: t.terminal,
      send: () => {
        throw new Error('Object has been destroyed');
      },
      timers,
    });
    t.push('x', 'end');
    expect(f.isClosed).toBe(true);
    expect(t.state.closed).toBe(1);
  });

  it('safeCut', () => {
    expect(safeCut('abc', 5)).toBe(3);
    expect(safeCut('abcdef', 3)).toBe(3);
    expect(safeCut('ab😀', 3)).toBe(2);
  });
});
