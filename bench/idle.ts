// Benchmark 3: what `clawmedic watch` costs while the gateway is healthy. Two watchers (the default
// 30 s interval, and 1 s for contrast) run for the whole benchmark against one healthy stand-in
// gateway; CPU comes from /proc/<pid>/stat (all threads), peak memory from VmHWM.
import type { Row } from './table.js';
import { clockTicks, cpuSecondsPerHour, readCpu, readMem, readSchedNs } from './procstat.js';
import { loadNow } from './load.js';
import { fmtBytes, fmtSpread, spread } from './stats.js';
import { progress, sleep } from './util.js';
import { spawnWatch, watchSettings, type WatchProc } from './watch-proc.js';

/**
 * Start-up work (module loading, first probe, first status file) is not idle cost: skip this much after the first
 * probe.
 */
const SETTLE_MS = 10_000;
/**
 * Length of the windows whose rates give the min/median/max: 2 min, four probes at the default interval.
 * CPU comes from schedstat (nanoseconds), so even one window is far above the measurement's resolution;
 * the whole run is also given in clock ticks as a cross-check.
 */
const WINDOW_MS = 120_000;

interface Sample {
  at: number;
  ticks: number;
  ns: number;
  checks: number;
  load: string;
}

interface Watcher {
  intervalSec: number;
  w: WatchProc;
  samples: Sample[];
  rss: number[];
}

export interface IdleSession {
  watchers: Watcher[];
  timer: NodeJS.Timeout | null;
}

export interface IdleResult {
  intervalSec: number;
  windowMs: number;
  probes: number;
  cpuPerHour: number;
  windowRates: number[];
  /** The same whole window in 10 ms clock ticks (utime+stime, children included): a cross-check. */
  tickCpuPerHour: number;
  hwm: number;
  rss: number;
  /** RSS at each sample after the first: "steady" is their median. */
  rssSamples: number[];
  alive: boolean;
  loads: string[];
}

function sample(w: Watcher): void {
  const cpu = readCpu(w.w.pid);
  const ns = readSchedNs(w.w.pid);
  const mem = readMem(w.w.pid);
  if (cpu && ns !== null) {
    w.samples.push({ at: Date.now(), ticks: cpu.self + cpu.children, ns, checks: w.w.checks, load: loadNow() });
  }
  if (mem) w.rss.push(mem.rss);
}

export async function startIdle(gatewayUrl: string, intervals: number[]): Promise<IdleSession> {
  const watchers: Watcher[] = [];
  for (const intervalSec of intervals) {
    const w = spawnWatch(await watchSettings(gatewayUrl, intervalSec), process.env);
    watchers.push({ intervalSec, w, samples: [], rss: [] });
  }
  await Promise.all(watchers.map((x) => x.w.firstProbe));
  await sleep(SETTLE_MS);
  for (const x of watchers) sample(x);
  progress(
    `idle: watching ${intervals.map((i) => `${i} s`).join(' and ')} ` +
      `interval watchers (pids ${watchers.map((x) => x.w.pid).join(', ')})`,
  );
  const timer = setInterval(() => watchers.forEach(sample), WINDOW_MS);
  return { watchers, timer };
}

export async function finishIdle(s: IdleSession): Promise<IdleResult[]> {
  if (s.timer) clearInterval(s.timer);
  const hz = clockTicks();
  const out: IdleResult[] = [];
  for (const x of s.watchers) {
    sample(x);
    const mem = readMem(x.w.pid);
    const alive = x.w.proc.exitCode === null && x.w.proc.signalCode === null;
    const first = x.samples[0];
    const last = x.samples.at(-1);
    const windowRates: number[] = [];
    for (let i = 1; i < x.samples.length; i++) {
      const a = x.samples[i - 1]!;
      const b = x.samples[i]!;
      // The last window can be short: only windows of at least half the length count.
      if (b.at - a.at >= WINDOW_MS / 2) windowRates.push(((b.ns - a.ns) / 1e9) * (3_600_000 / (b.at - a.at)));
    }
    const windowMs = first && last ? last.at - first.at : 0;
    out.push({
      intervalSec: x.intervalSec,
      windowMs,
      probes: first && last ? last.checks - first.checks : 0,
      cpuPerHour: first && last && windowMs > 0 ? ((last.ns - first.ns) / 1e9) * (3_600_000 / windowMs) : Number.NaN,
      tickCpuPerHour: first && last ? cpuSecondsPerHour(last.ticks - first.ticks, windowMs, hz) : Number.NaN,
      windowRates,
      hwm: mem?.hwm ?? Number.NaN,
      rss: mem?.rss ?? Number.NaN,
      rssSamples: x.rss.slice(1),
      alive,
      loads: x.samples.map((s) => s.load),
    });
    await x.w.stop();
  }
  return out;
}

const fmtCpu = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} CPU s/h` : '–');

export function idleRows(r: IdleResult[]): Row[] {
  const def = r.find((x) => x.intervalSec === 30);
  const fast = r.find((x) => x.intervalSec !== 30);
  if (!def) return [];
  const mins = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
  const desc = (x: IdleResult) =>
    `${fmtCpu(x.cpuPerHour)} over ${mins(x.windowMs)} (${x.probes} probes; ${WINDOW_MS / 60_000}-min windows ` +
    `${fmtSpread(spread(x.windowRates), (v) => v.toFixed(2))})`;
  const hz = clockTicks();
  const loads = (x: IdleResult) => `${x.loads[0] ?? '?'} at the start, ${x.loads.at(-1) ?? '?'} at the end`;
  const steady = (x: IdleResult) => fmtSpread(spread(x.rssSamples), fmtBytes);
  return [
    {
      id: '3',
      what: 'Idle `clawmedic watch`, healthy gateway: CPU time of all its threads (task/*/schedstat, ns), per hour',
      ours: `default 30 s interval: ${desc(def)}`,
      other: fast ? `1 s interval: ${desc(fast)}` : '–',
      ratio: fast && def.cpuPerHour > 0 ? `×${(fast.cpuPerHour / def.cpuPerHour).toFixed(0)} at 1 s` : '–',
      goal: '≤ 0.25 CPU s/h at 30 s',
      verified:
        `cross-check in ${1000 / hz} ms clock ticks (utime+stime): ${fmtCpu(def.tickCpuPerHour)} at 30 s; ` +
        'start-up excluded ' +
        `(window starts ${SETTLE_MS / 1000} s after the first probe); load average ${loads(def)}; ` +
        (r.every((x) => x.alive) ? 'watchers alive to the end' : 'a watcher died during the window'),
    },
    {
      id: '3',
      what: 'Idle `clawmedic watch`: RSS steady (sampled every window after start-up) / peak (VmHWM, with start-up)',
      ours: `30 s interval: steady ${steady(def)}; peak ${fmtBytes(def.hwm)}`,
      other: fast ? `1 s interval: steady ${steady(fast)}; peak ${fmtBytes(fast.hwm)}` : '–',
      ratio: '–',
      goal: '≤ 50 MiB steady',
      verified: 'read from /proc/<pid>/status (VmRSS, VmHWM)',
    },
  ];
}
