// The doctor's probe: steady while the gateway is down, fast confirmation once there is a reason to
// expect healthy (a healthy answer, or the agent's Stop hook). Driven by a fake clock: no real waiting.
import { describe, expect, it } from 'vitest';
import type { GatewayCheck, GatewayCondition } from '../../common/contract.js';
import { HealthWatch, nextProbeDelay } from '../../main/engine/doctor/health-watch.js';
import { FakeClock } from '../helpers/fake-clock.js';

const T = { probeMs: 1000, confirmMs: 250, healthyStreak: 2 };

function check(condition: GatewayCondition, at: number): GatewayCheck {
  return {
    condition,
    failing: [],
    at: new Date(at).toISOString(),
    health: {
      ok: condition === 'healthy',
      kind: condition === 'healthy' ? 'healthy' : 'refused',
      url: 'http://127.0.0.1:1/healthz',
      status: null,
      latencyMs: 1,
      detail: condition,
      at: new Date(at).toISOString(),
    },
  };
}

function setup(isUp: () => boolean) {
  const clock = new FakeClock();
  const t0 = clock.now();
  const probedAt: number[] = [];
  const results: number[] = [];
  const watch = new HealthWatch({
    clock,
    timing: T,
    check: () => {
      probedAt.push(clock.now() - t0);
      return Promise.resolve(check(isUp() ? 'healthy' : 'down', clock.now()));
    },
    onResult: () => results.push(watch.healthyStreak()),
  });
  return { clock, t0, probedAt, results, watch };
}

describe('nextProbeDelay', () => {
  it('is steady while down or once confirmed, fast while a streak is being built or after a hint', () => {
    expect(nextProbeDelay(0, false, T)).toBe(1000);
    expect(nextProbeDelay(1, false, T)).toBe(250);
    expect(nextProbeDelay(2, false, T)).toBe(1000);
    expect(nextProbeDelay(0, true, T)).toBe(250);
    expect(nextProbeDelay(2, true, T)).toBe(1000);
    expect(nextProbeDelay(2, false, { ...T, healthyStreak: 3 })).toBe(250);
  });
});

describe('HealthWatch on a fake clock', () => {
  it('confirms healthy one confirmation interval after the first healthy answer', async () => {
    let up = false;
    const s = setup(() => up);
    s.watch.start();
    await s.clock.settle();
    s.clock.advance(1000);
    await s.clock.settle();
    expect(s.probedAt).toEqual([0, 1000]);
    up = true; // the fix lands between two steady probes
    s.clock.advance(1000);
    await s.clock.settle();
    expect(s.watch.healthyStreak()).toBe(1);
    s.clock.advance(250);
    await s.clock.settle();
    expect(s.watch.healthyStreak()).toBe(2);
    expect(s.probedAt).toEqual([0, 1000, 2000, 2250]);
    // Confirmed: back to the steady cadence (a relapse is still seen within a probe interval).
    s.clock.advance(250);
    await s.clock.settle();
    expect(s.probedAt).toHaveLength(4);
    s.clock.advance(750);
    await s.clock.settle();
    expect(s.probedAt).toEqual([0, 1000, 2000, 2250, 3250]);
    await s.watch.stop();
  });

  it("probes at once when the agent's Stop hook fires, then confirms fast", async () => {
    let up = false;
    const s = setup(() => up);
    s.watch.start();
    await s.clock.settle();
    s.clock.advance(300);
    up = true;
    s.watch.hint();
    await s.clock.settle();
    expect(s.probedAt).toEqual([0, 300]);
    expect(s.watch.healthyStreak()).toBe(1);
    s.clock.advance(250);
    await s.clock.settle();
    expect(s.probedAt).toEqual([0, 300, 550]);
    expect(s.watch.healthyStreak()).toBe(2);
    await s.watch.stop();
  });

  it('a hint while the gateway is still down buys one fast probe, then the steady cadence', async () => {
    const s = setup(() => false);
    s.watch.start();
    await s.clock.settle();
    s.clock.advance(100);
    s.watch.hint();
    await s.clock.settle();
    s.clock.advance(250);
    await s.clock.settle();
    s.clock.advance(1000);
    await s.clock.settle();
    expect(s.probedAt).toEqual([0, 100, 350, 1350]);
    expect(s.watch.healthyStreak()).toBe(0);
    await s.watch.stop();
  });

  it('a relapse during confirmation resets the streak and the cadence', async () => {
    const answers = [false, true, false, true, true];
    let i = 0;
    const s = setup(() => answers[Math.min(i++, answers.length - 1)]!);
    s.watch.start();
    await s.clock.settle();
    for (const ms of [1000, 250, 1000, 250]) {
      s.clock.advance(ms);
      await s.clock.settle();
    }
    expect(s.probedAt).toEqual([0, 1000, 1250, 2250, 2500]);
    expect(s.results).toEqual([0, 1, 0, 1, 2]);
    await s.watch.stop();
  });
});
