// Resource warnings on a fake clock: memory above its limit, memory that keeps growing (with the trend
// and when it would pass the limit), low disk with its fall rate; warnings clear when the cause goes.
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../common/contract.js';
import { ResourceWatch, diskWarning, memoryWarning, slopePerHour } from '../../main/engine/knownfix/resources.js';
import { WarningBoard } from '../../main/engine/knownfix/warnings.js';
import { validateSettings } from '../../main/engine/settings/index.js';
import { FakeClock } from '../helpers/fake-clock.js';

const H = 3600_000;

describe('trends', () => {
  it('a slope needs an hour of samples; then it is the least-squares MB per hour', () => {
    expect(
      slopePerHour([
        { at: 0, value: 1 },
        { at: H / 2, value: 2 },
        { at: H / 2 + 1, value: 3 },
      ]),
    ).toBeNull();
    expect(slopePerHour([0, 1, 2, 3].map((h) => ({ at: h * H, value: 900 + 150 * h })))).toBeCloseTo(150);
  });

  it('memory: above the limit, or growing faster than allowed, says the trend and when it would pass the limit', () => {
    const growing = [0, 1, 2, 3].map((h) => ({ at: h * H, value: 900 + 150 * h }));
    const w = memoryWarning(growing, 2048, 100)!;
    expect(w.title).toBe("The gateway's memory keeps growing: 150 MB/h, above 100 MB/h (guard.memoryGrowthMbPerHour)");
    expect(w.detail).toContain('Trend: +150 MB/h (900 MB → 1.3 GB over 3 h).');
    expect(w.detail).toContain('At this pace it passes 2.0 GB in about 5 h.');
    expect(memoryWarning(growing, 1000, 1000)!.title).toBe(
      'The gateway uses 1.3 GB of memory, above 1000 MB (guard.memoryWarnMb)',
    );
    expect(
      memoryWarning(
        [0, 1, 2].map((h) => ({ at: h * H, value: 950 })),
        2048,
        100,
      ),
    ).toBeNull();
  });

  it('disk: below the limit, with the fall rate', () => {
    const falling = [0, 1, 2].map((h) => ({ at: h * H, value: 1000 - 200 * h }));
    const w = diskWarning('/home/me/.openclaw', falling, 1024)!;
    expect(w.title).toBe(
      'Only 600 MB free where the gateway writes its state and logs (/home/me/.openclaw), ' +
        'below 1.0 GB (guard.diskFreeWarnMb)',
    );
    expect(w.detail).toContain('It is falling 200 MB/h; at this pace it is full in about 3 h.');
    expect(diskWarning('/x', [{ at: 0, value: 5000 }], 1024)).toBeNull();
  });
});

describe('ResourceWatch', () => {
  let rw: ResourceWatch | null = null;
  afterEach(async () => {
    await rw?.stop();
  });

  it('samples per guard.sampleIntervalSec, warns once per new warning, resets on gateway restart, clears', async () => {
    const clock = new FakeClock();
    const events: EngineEvent[] = [];
    const board = new WarningBoard(clock, (e) => events.push(e));
    const r = validateSettings({
      gateway: { configPath: '/srv/oc/openclaw.json', logPaths: ['/var/log/oc/gw.log'] },
      guard: { sampleIntervalSec: 600, memoryGrowthMbPerHour: 100 },
    });
    let pid = 100;
    let rssMb = 900;
    const dirs: string[] = [];
    rw = new ResourceWatch({
      clock,
      env: {},
      settings: () => r.settings,
      warnings: board,
      gatewayRssMb: () => Promise.resolve({ pid, mb: rssMb }),
      freeMb: (d) => {
        dirs.push(d);
        return Promise.resolve(50_000);
      },
    });
    rw.start();
    await clock.settle();
    expect([...new Set(dirs)]).toEqual(['/srv/oc', '/var/log/oc']);
    // 25 MB per 10-minute sample = 150 MB/h, for two hours.
    for (let i = 0; i < 12; i++) {
      rssMb += 25;
      clock.advance(600_000);
      await clock.settle();
    }
    const added = events.flatMap((e) => (e.type === 'warnings' ? e.added : []));
    expect(added.map((w) => w.kind)).toEqual(['memory']);
    expect(board.list()[0]!.title).toMatch(/^The gateway's memory keeps growing: 150 MB\/h/);
    // A restarted gateway (new pid, memory back down) is a new history: the warning clears.
    pid = 200;
    rssMb = 900;
    clock.advance(600_000);
    await clock.settle();
    expect(board.list()).toEqual([]);
  });
});
