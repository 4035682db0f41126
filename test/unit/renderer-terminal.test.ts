// The renderer's terminal plumbing without a DOM: ack batching and how the chunk stream becomes writes.
import { describe, expect, it } from 'vitest';
import { ACK_BATCH_CHARS, AckBatcher } from '../../renderer/src/terminal/ack-batcher.js';
import { FULL_RESET, TerminalFeed } from '../../renderer/src/terminal/feed.js';
import type { Timers } from '../../renderer/src/transport/ws-client.js';

function fakeTimers() {
  let next = 1;
  const pending = new Map<number, () => void>();
  const timers: Timers = {
    setTimeout: (fn) => {
      const id = next++;
      pending.set(id, fn);
      return id;
    },
    clearTimeout: (h) => pending.delete(h as number),
  };
  const runAll = () => {
    for (const [id, fn] of [...pending]) {
      pending.delete(id);
      fn();
    }
  };
  return { timers, runAll, count: () => pending.size };
}

describe('AckBatcher', () => {
  it('sends at once when a batch is full, and the remainder on the next tick', () => {
    const sent: number[] = [];
    const t = fakeTimers();
    const b = new AckBatcher((n) => sent.push(n), t.timers);
    b.add(3000);
    expect(sent).toEqual([]);
    b.add(3000);
    expect(sent).toEqual([6000]);
    b.add(10);
    expect(t.count()).toBe(1);
    t.runAll();
    expect(sent).toEqual([6000, 10]);
    expect(sent.reduce((a, c) => a + c, 0)).toBe(6010);
  });

  it('dispose() pays what is owed (a closed view must not leave the stream paused) and then ignores acks', () => {
    const sent: number[] = [];
    const t = fakeTimers();
    const b = new AckBatcher((n) => sent.push(n), t.timers);
    b.add(ACK_BATCH_CHARS - 1);
    b.dispose();
    expect(sent).toEqual([ACK_BATCH_CHARS - 1]);
    b.add(100);
    t.runAll();
    expect(sent).toEqual([ACK_BATCH_CHARS - 1]);
  });
});

class FakeSink {
  writes: string[] = [];
  private queued: (() => void)[] = [];
  write(data: string, parsed?: () => void) {
    this.writes.push(data);
    if (parsed) this.queued.push(parsed);
  }
  parseAll() {
    for (const cb of this.queued.splice(0)) cb();
  }
}

describe('TerminalFeed', () => {
  it('acks each chunk only after the terminal parsed it, with its exact length', () => {
    const sink = new FakeSink();
    const acks: number[] = [];
    const feed = new TerminalFeed(sink, (n) => acks.push(n));
    feed.push({ kind: 'replay', data: 'abc', sessionName: 's1' });
    feed.push({ kind: 'live', data: 'défg→', sessionName: 's1' });
    expect(acks).toEqual([]);
    sink.parseAll();
    expect(acks).toEqual([3, 5]);
    expect(sink.writes).toEqual(['abc', 'défg→']);
  });

  it('starts over (in-band reset) when a new subscription replays or another session begins', () => {
    const sink = new FakeSink();
    const states: boolean[] = [];
    const feed = new TerminalFeed(
      sink,
      () => undefined,
      (s) => states.push(s.ended),
    );
    feed.push({ kind: 'replay', data: '', sessionName: null });
    feed.push({ kind: 'replay', data: 'old', sessionName: 's1' });
    feed.push({ kind: 'live', data: 'more', sessionName: 's1' });
    feed.push({ kind: 'end', data: '', sessionName: 's1' });
    expect(feed.current()).toMatchObject({ sessionName: 's1', ended: true, shown: 7 });
    // Reconnect: the WebSocket client announces a new replay with an empty chunk.
    feed.push({ kind: 'replay', data: '', sessionName: null });
    feed.push({ kind: 'replay', data: 'old', sessionName: 's1' });
    // A different session in the same subscription.
    feed.push({ kind: 'live', data: 'new', sessionName: 's2' });
    expect(sink.writes).toEqual(['old', 'more', FULL_RESET, 'old', FULL_RESET, 'new']);
    expect(feed.current()).toMatchObject({ sessionName: 's2', ended: false, shown: 3 });
  });

  it('never acks the reset it writes itself (the server did not send it)', () => {
    const sink = new FakeSink();
    const acks: number[] = [];
    const feed = new TerminalFeed(sink, (n) => acks.push(n));
    feed.push({ kind: 'live', data: 'x', sessionName: 'a' });
    feed.push({ kind: 'live', data: 'yy', sessionName: 'b' });
    sink.parseAll();
    expect(sink.writes).toEqual(['x', FULL_RESET, 'yy']);
    expect(acks).toEqual([1, 2]);
  });
});
