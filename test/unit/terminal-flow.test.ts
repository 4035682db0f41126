// Flow control of the live terminal with several viewers, end to end from the PTY to each viewer's
// acks: DoctorTerminal (the one place that pauses the PTY) with a stand-in PTY, and one ViewerStream per
// viewer as the IPC router and the dashboard use them. Time is a fake clock; nothing waits for real.
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TerminalChunk } from '../../common/contract.js';
import {
  DoctorTerminal,
  FLOW_HIGH_WATERMARK,
  FLOW_LAG_LIMIT,
  FLOW_LOW_WATERMARK,
  type PtyModule,
} from '../../main/engine/doctor/terminal.js';
import { Tmux } from '../../main/engine/tmux/tmux.js';
import { ViewerStream } from '../../main/engine/viewer-stream.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** A PTY that prints when the test says so and records pause/resume, like node-pty's flow control. */
function fakePty() {
  const state: { paused: boolean; pauses: number; resumes: number; emit: (d: string) => void } = {
    paused: false,
    pauses: 0,
    resumes: 0,
    emit: () => undefined,
  };
  const mod: PtyModule = {
    spawn: () => ({
      pid: 4242,
      onData(cb) {
        state.emit = cb;
        return { dispose() {} };
      },
      onExit: () => ({ dispose() {} }),
      write() {},
      resize() {},
      pause() {
        state.paused = true;
        state.pauses++;
      },
      resume() {
        state.paused = false;
        state.resumes++;
      },
      kill() {},
    }),
  };
  return { mod, state };
}

/** A viewer: a ViewerStream whose messages the test acks (or not), as a page would after parsing. */
function viewer(term: DoctorTerminal, clock: FakeClock) {
  const v = { got: [] as string[], acked: 0, lagged: false, stream: null as unknown as ViewerStream };
  v.stream = new ViewerStream({
    terminal: term,
    clock,
    send: (c: TerminalChunk) => void v.got.push(c.data),
    onLag: () => void (v.lagged = true),
  });
  const received = () => v.got.reduce((n, d) => n + d.length, 0);
  return {
    v,
    received,
    text: () => v.got.join(''),
    /** Acks everything received so far. */
    ackAll() {
      const n = received() - v.acked;
      v.acked += n;
      v.stream.ack(n);
    },
  };
}

async function setup() {
  const clock = new FakeClock();
  const pty = fakePty();
  const term = new DoctorTerminal({}, () => Promise.resolve(pty.mod));
  const tmux = new Tmux(path.join(os.tmpdir(), 'cm-flow-test'), 'tmux');
  expect(await term.attach(tmux, 'sess', 120, 40)).toBeNull();
  let n = 0;
  const produced: string[] = [];
  /** The program prints while the PTY is not paused, at most `chunks` reads of 4 KiB. */
  const produce = (chunks: number) => {
    let i = 0;
    for (; i < chunks && !pty.state.paused; i++) {
      const d = `${String(n++).padStart(8, '0')} ${'x'.repeat(4087)}\n`;
      produced.push(d);
      pty.state.emit(d);
      clock.advance(5); // the viewer streams' batch timers
    }
    return i;
  };
  return { clock, pty, term, produce, produced: () => produced.join('') };
}

describe('live terminal flow control with several viewers', () => {
  it('loses nothing: a viewer that acks as it parses gets every character, in order', async () => {
    const s = await setup();
    const a = viewer(s.term, s.clock);
    for (let round = 0; round < 200; round++) {
      s.produce(8);
      a.ackAll();
    }
    s.clock.advance(10);
    a.ackAll();
    expect(a.text()).toBe(s.produced());
    expect(s.produced().length).toBeGreaterThan(FLOW_HIGH_WATERMARK * 4);
    expect(s.pty.state.paused).toBe(false);
  });

  it('pauses only while every viewer is behind, and resumes once one is below the low watermark', async () => {
    const s = await setup();
    const a = viewer(s.term, s.clock);
    s.produce(1000);
    expect(s.pty.state.paused).toBe(true);
    expect(a.received()).toBeGreaterThan(FLOW_HIGH_WATERMARK);
    // Acking down to just above the low watermark keeps it paused; below it resumes.
    const owed = a.received() - FLOW_LOW_WATERMARK - 1;
    a.v.acked += owed;
    a.v.stream.ack(owed);
    expect(s.pty.state.paused).toBe(true);
    a.v.acked += 2;
    a.v.stream.ack(2);
    expect(s.pty.state.paused).toBe(false);
  });

  it('does not stall when the viewer holding it back leaves mid-flood', async () => {
    const s = await setup();
    const a = viewer(s.term, s.clock);
    s.produce(1000);
    expect(s.pty.state.paused).toBe(true);
    a.v.stream.close();
    expect(s.pty.state.paused).toBe(false);
    expect(s.produce(50)).toBe(50);
  });

  it('a viewer that stops reading never slows another: the other keeps the pace, the slow one is dropped', async () => {
    const s = await setup();
    const fast = viewer(s.term, s.clock);
    const slow = viewer(s.term, s.clock);
    let reads = 0;
    while (!slow.v.lagged && reads < 10_000) {
      reads += s.produce(8);
      fast.ackAll();
      // Never paused long: each round the fast viewer's acks bring it below the low watermark.
      expect(s.pty.state.paused).toBe(false);
    }
    expect(slow.v.lagged).toBe(true);
    expect(slow.v.stream.isClosed).toBe(true);
    expect(slow.received()).toBeGreaterThan(FLOW_LAG_LIMIT);
    s.produce(20);
    s.clock.advance(10);
    fast.ackAll();
    expect(fast.text()).toBe(s.produced());
  });

  it('an observer (paced: false) that acks at once neither sets the pace nor is dropped', async () => {
    const s = await setup();
    let seen = 0;
    const observer = s.term.subscribe(
      (c) => {
        seen += c.data.length;
        observer.ack(c.data.length);
      },
      { paced: false },
    );
    const a = viewer(s.term, s.clock);
    s.produce(1000);
    // The viewer is behind: paused, although the observer is all caught up.
    expect(s.pty.state.paused).toBe(true);
    a.ackAll();
    expect(s.pty.state.paused).toBe(false);
    s.produce(1000);
    expect(s.pty.state.paused).toBe(true);
    expect(seen).toBe(s.produced().length);
  });

  it('with two slow viewers the PTY waits for the faster of them', async () => {
    const s = await setup();
    const a = viewer(s.term, s.clock);
    const b = viewer(s.term, s.clock);
    s.produce(1000);
    expect(s.pty.state.paused).toBe(true);
    b.ackAll();
    expect(s.pty.state.paused).toBe(false);
    expect(a.v.lagged).toBe(false);
  });
});
