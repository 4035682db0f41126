// waitForExit: the doctor's wait for a killed agent to be gone, on a fake clock (no sleeping).
import { describe, expect, it } from 'vitest';
import { waitForExit } from '../../main/engine/process-util.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** A process that is alive for the first `checks` looks, then gone. */
function dyingAfter(checks: number) {
  let looks = 0;
  return { alive: () => looks++ < checks, looks: () => looks };
}

describe('waitForExit', () => {
  it('returns at once for a process that is already gone', async () => {
    const clock = new FakeClock();
    expect(await waitForExit(4242, clock, { graceMs: 3000, pollMs: 25, alive: () => false })).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('waits on the clock between looks, and says when the process is gone', async () => {
    const clock = new FakeClock();
    const p = dyingAfter(3);
    let result: boolean | null = null;
    void waitForExit(4242, clock, { graceMs: 3000, pollMs: 25, alive: p.alive }).then((r) => (result = r));
    await clock.settle();
    // Blocked on the fake clock: nothing happens until time moves.
    expect(result).toBeNull();
    expect(p.looks()).toBe(1);
    while (result === null) await clock.step();
    expect(result).toBe(true);
    expect(p.looks()).toBe(4);
  });

  it('gives up after the grace period for a process that does not exit', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    let result: boolean | null = null;
    void waitForExit(4242, clock, { graceMs: 3000, pollMs: 25, alive: () => true }).then((r) => (result = r));
    await clock.settle();
    while (result === null) await clock.step();
    expect(result).toBe(false);
    // Its last wait is cut to the grace period, never beyond it.
    expect(clock.now() - start).toBe(3000);
  });
});
