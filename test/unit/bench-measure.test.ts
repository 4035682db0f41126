// The benchmark's pure parts: summaries, /proc parsing, the table, and how incidents and seed sessions
// are judged. No timing assertions: only how measured values are turned into the table.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import { seedOutcome } from '../../bench/completion.js';
import { cpuSecondsPerHour, parseStat, parseStatus } from '../../bench/procstat.js';
import { splitIncident, stepDurationMs } from '../../bench/recovery.js';
import { fmtMs, fmtRatio, fmtSpread, median, spread } from '../../bench/stats.js';
import { cell, renderTable } from '../../bench/table.js';

describe('stats', () => {
  it('summarises finite values as min/median/max', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(spread([5, Number.NaN, 1, 3])).toEqual({ n: 3, min: 1, median: 3, max: 5 });
    expect(spread([])).toBeNull();
    expect(fmtSpread(spread([1200, 800, 1000]))).toBe('1.00 s (800 ms–1.20 s, n=3)');
    expect(fmtSpread(spread([1500]))).toBe('1.50 s (n=1)');
    expect(fmtSpread(null)).toBe('–');
  });

  it('formats durations and ratios for people', () => {
    expect(fmtMs(4.25)).toBe('4.3 ms');
    expect(fmtMs(45_300)).toBe('45.3 s');
    expect(fmtMs(207_000)).toBe('3 min 27 s');
    expect(fmtMs(-2500)).toBe('−2.50 s');
    expect(fmtRatio(30_000, 1500)).toBe('×20');
    expect(fmtRatio(3000, 1500)).toBe('×2.0');
    expect(fmtRatio(null, 1500)).toBe('–');
    expect(fmtRatio(3000, 0)).toBe('–');
  });
});

describe('/proc parsing', () => {
  it('counts stat fields from the last parenthesis (process names may hold spaces and parentheses)', () => {
    const line = '4242 (node (main) x) S 1 4242 4242 0 -1 4194304 9000 0 12 0 731 219 5 7 20 0 11 0 123456 1118 0 0';
    expect(parseStat(line)).toEqual({ self: 731 + 219, children: 5 + 7 });
    expect(() => parseStat('garbage')).toThrow(/stat/);
  });

  it('reads peak and current RSS in bytes', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   61440 kB\nVmRSS:\t   51200 kB\n';
    expect(parseStatus(status)).toEqual({ hwm: 61440 * 1024, rss: 51200 * 1024 });
    expect(() => parseStatus('Name:\tnode\n')).toThrow(/VmHWM/);
  });

  it('extrapolates ticks over a window to CPU seconds per hour', () => {
    expect(cpuSecondsPerHour(6, 60_000, 100)).toBeCloseTo(3.6);
    expect(cpuSecondsPerHour(0, 300_000, 100)).toBe(0);
    expect(cpuSecondsPerHour(5, 0, 100)).toBeNaN();
  });
});

describe('table', () => {
  it('escapes pipes and newlines and pads columns', () => {
    expect(cell('a | b\n  c')).toBe('a \\| b c');
    const t = renderTable([{ id: '1', what: 'x', ours: '1 s', other: '30 s', ratio: '×30', verified: 'ok' }]).split(
      '\n',
    );
    expect(t).toHaveLength(3);
    expect(t[0]).toMatch(/^\| # +\| Measurement/);
    expect(new Set(t.map((l) => l.length)).size).toBe(1);
  });
});

const iso = (ms: number) => new Date(ms).toISOString();
function incident(events: [number, string, string][], endedAt: number): Incident {
  return {
    id: 'i1',
    trigger: 'health',
    startedAt: iso(events[0]![0]),
    endedAt: iso(endedAt),
    outcome: 'recovered',
    resolvedBy: 'restart',
    agent: null,
    reportPath: null,
    transcriptPath: null,
    events: events.map(([at, type, detail]) => ({ at: iso(at), type, detail })),
    summary: '',
    restarts: 1,
    doctor: null,
    owner: { pid: 1, hostname: 'h' },
  };
}

describe('splitting an incident into phases', () => {
  const T = 1_800_000_000_000;

  it('reads step durations from the detail text when the timeline cannot tell', () => {
    expect(stepDurationMs('`openclaw gateway restart` succeeded in 0.4 s: started')).toBe(400);
    expect(stepDurationMs('`openclaw gateway restart` exited 78 after 1.2 s: bad config')).toBe(1200);
    expect(stepDurationMs('no duration here')).toBe(0);
  });

  it(
    'crash → restart: detection is schedule, the gateway works from the ' + 'restart step to healthy, the rest is ours',
    () => {
      const inc = incident(
        [
          [T + 1000, 'probe-failed', 'refused'],
          [T + 2000, 'confirmed', '2 consecutive failed checks'],
          [T + 2010, 'restart-attempt', 'attempt 1 of 2'],
          [T + 2500, 'restart-step', '`openclaw gateway restart` succeeded in 0.5 s'],
          [T + 3600, 'recovered', 'healthy again'],
        ],
        T + 3600,
      );
      const s = splitIncident(inc, { crashAt: T, healthyAt: T + 2900 }, null);
      expect(s.detection).toEqual({ wall: 2000, external: 0, schedule: 2000 });
      expect(s.restart).toEqual({ wall: 1600, external: 890, schedule: 0 });
      expect(s.doctor).toBeNull();
      expect(s.total).toEqual({ wall: 3600, external: 890, schedule: 2000 });
    },
  );

  it(
    "broken config → doctor: failed steps and back-off, then the agent's " +
      'boot and turn against our prep, screens and verdict',
    () => {
      const inc = incident(
        [
          [T + 2000, 'confirmed', ''],
          [T + 2000, 'restart-attempt', 'attempt 1 of 2'],
          // The timeline says 310 ms; the detail's rounded "0.3 s" is not used when the timeline can tell.
          [T + 2310, 'restart-step', 'exited 78 after 0.3 s'],
          [T + 2310, 'backoff', 'waiting 1 s before the next attempt'],
          [T + 3300, 'restart-attempt', 'attempt 2 of 2'],
          [T + 3600, 'restart-step', 'exited 78 after 0.3 s'],
          [T + 3700, 'doctor-started', ''],
          [T + 4000, 'doctor-agent-started', ''],
          [T + 5000, 'doctor-prompt-sent', ''],
          [T + 9000, 'doctor-finished', ''],
        ],
        T + 9200,
      );
      const s = splitIncident(
        inc,
        { crashAt: T, healthyAt: T + 7000 },
        { bootMs: 100, turnMs: 2500, stopAt: T + 7500 },
      );
      expect(s.restart).toEqual({ wall: 1700, external: 610, schedule: 1000 });
      expect(s.doctor).toEqual({ wall: 5500, external: 2600, schedule: 0 });
      expect(s.doctorParts).toEqual({ prep: 300, screens: 900, verdict: 1500, close: 200 });
      expect(s.total).toEqual({ wall: 9200, external: 3210, schedule: 3000 });
    },
  );
});

describe('judging a seed session', () => {
  it('counts a latency only when the gateway was fixed before the seed closed the session', () => {
    expect(seedOutcome({ fixAt: 1000, closedAt: 31_000, healthyAtClose: true })).toEqual({
      ok: true,
      latencyMs: 30_000,
    });
    expect(seedOutcome({ fixAt: null, closedAt: 31_000, healthyAtClose: false })).toEqual({ ok: false });
    expect(seedOutcome({ fixAt: 40_000, closedAt: 31_000, healthyAtClose: false })).toEqual({ ok: false });
  });
});
