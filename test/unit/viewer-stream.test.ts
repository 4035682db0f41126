// One viewer's live-terminal stream (the same for the app's IPC and the dashboard's WebSocket): batching by
// time and size, surrogate pairs never split, acks clamped and passed to the engine in its own characters
// (also through a redacting transform), and a closed viewer forgetting its unacked count.
import { describe, expect, it } from 'vitest';
import type { TerminalChunk } from '../../common/contract.js';
import type { LiveTerminal } from '../../main/engine/engine-api.js';
import { safeCut, ViewerStream, type StreamTransform } from '../../main/engine/viewer-stream.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** A fake clock that also says how many timers wait and fires them all. */
function fakeTimers() {
  const clock = new FakeClock();
  return Object.assign(clock, { fire: () => clock.advance(60_000), waiting: () => clock.pending });
}

/** A per-message transform that holds nothing back. */
function wordTransform(fn: (s: string) => string): StreamTransform {
  return { push: fn, releaseIdle: () => '', releaseAll: () => '', holding: 0 };
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
  const f = new ViewerStream({
    terminal: t.terminal,
    send: (c) => sent.push(c),
    clock: timers,
    maxChars: opts.maxChars ?? 64 * 1024,
  });
  return { ...t, timers, sent, f };
}

describe('viewer stream', () => {
  it('batches small chunks into one message per timer tick', () => {
    const s = setup();
    for (let i = 0; i < 100; i++) s.push(`line ${i}\r\n`);
    expect(s.sent).toEqual([]);
    expect(s.timers.waiting()).toBe(1);
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
    for (const c of [...s.sent, ...t.sent])
      expect(c.data, JSON.stringify(c.data)).not.toMatch(/[\ud800-\udbff]$|^[\udc00-\udfff]/);
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
    expect(s.timers.waiting()).toBe(0);
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
    expect(s.timers.waiting()).toBe(0);
    s.push('late');
    s.timers.fire();
    s.f.ack(7);
    expect(s.sent).toEqual([]);
    expect(s.state.acked).toBe(0);
  });

  it('a failing send closes the stream instead of throwing into the engine', () => {
    const t = fakeTerminal();
    const timers = fakeTimers();
    const errors: string[] = [];
    const f = new ViewerStream({
      terminal: t.terminal,
      send: () => {
        throw new Error('Object has been destroyed');
      },
      clock: timers,
      onError: (e) => errors.push(e.message),
    });
    t.push('x', 'end');
    expect(f.isClosed).toBe(true);
    expect(t.state.closed).toBe(1);
    expect(errors).toEqual(['Object has been destroyed']);
  });

  it("translates acks of redacted text back to the engine's characters", () => {
    const t = fakeTerminal();
    const timers = fakeTimers();
    const sent: string[] = [];
    const f = new ViewerStream({
      terminal: t.terminal,
      send: (c) => sent.push(c.data),
      transform: wordTransform((s) => s.replace(/SECRET-[0-9]+/g, '***')),
      clock: timers,
    });
    t.push('key SECRET-123456789 end'); // 24 chars → 11 sent
    timers.fire();
    t.push('SECRET-1'); // 8 → 3
    timers.fire();
    expect(sent).toEqual(['key *** end', '***']);
    f.ack(5); // part of the first message: proportional
    expect(t.state.acked).toBe(Math.floor((5 * 24) / 11));
    f.ack(9); // the rest of both: exact totals
    expect(t.state.acked).toBe(24 + 8);
    // Text that the transform emptied is settled at once: the viewer can never ack it.
    const empty = fakeTerminal();
    const e = new ViewerStream({
      terminal: empty.terminal,
      send: () => undefined,
      transform: wordTransform(() => ''),
      clock: timers,
    });
    empty.push('gone');
    timers.fire();
    expect(empty.state.acked).toBe(4);
    e.close();
  });

  it('acks a replay that arrives before subscribe() returns once the subscription exists', () => {
    const s = setup({ replay: [{ kind: 'replay', data: 'earlier', sessionName: 's1' }] });
    s.timers.fire();
    expect(s.sent).toEqual([{ kind: 'replay', data: 'earlier', sessionName: 's1' }]);
    s.f.ack(7);
    expect(s.state.acked).toBe(7);
  });

  it('loses nothing in a flood of odd-sized chunks (checksum), whatever the batch size', () => {
    for (const maxChars of [7, 1000, 64 * 1024]) {
      const s = setup({ maxChars });
      let input = '';
      for (let i = 0; i < 2000; i++) {
        const piece = `${i}:${'é😀x'.repeat(i % 13)}\r\n`;
        input += piece;
        s.push(piece);
        if (i % 97 === 0) s.timers.fire();
      }
      s.timers.fire();
      expect(s.sent.map((c) => c.data).join('')).toBe(input);
      expect(Math.max(...s.sent.map((c) => c.data.length))).toBeLessThanOrEqual(maxChars);
      s.f.ack(input.length);
      expect(s.state.acked).toBe(input.length);
    }
  });

  it('safeCut', () => {
    expect(safeCut('abc', 5)).toBe(3);
    expect(safeCut('abcdef', 3)).toBe(3);
    expect(safeCut('ab😀', 3)).toBe(2);
  });
});
