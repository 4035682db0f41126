// Reading a process's CPU time and memory from Linux's /proc, for the idle-cost and memory figures.
// The parsers are pure (tested on captured text); the readers return null when the process is gone.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuTicks {
  /** utime + stime of the process (all its threads, dead ones included), in clock ticks. */
  self: number;
  /** cutime + cstime: children it waited for. */
  children: number;
}

/**
 * /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces and parentheses, so fields are
 * counted from the last ')'. utime, stime, cutime, cstime are fields 14–17 (1-based, proc(5)).
 */
export function parseStat(text: string): CpuTicks {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  // After ") " comes field 3 (state); field n is at index n - 3 here.
  const f = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const at = (n: number) => {
    const v = Number(f[n - 3]);
    if (!Number.isFinite(v)) throw new Error(`field ${n} of /proc/<pid>/stat is not a number`);
    return v;
  };
  return { self: at(14) + at(15), children: at(16) + at(17) };
}

export interface MemStatus {
  /** Peak resident set size ("high water mark"), bytes. */
  hwm: number;
  /** Current resident set size, bytes. */
  rss: number;
}

/** VmHWM and VmRSS from /proc/<pid>/status (values are in kB). */
export function parseStatus(text: string): MemStatus {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    if (!m) throw new Error(`${key} missing from /proc/<pid>/status`);
    return Number(m[1]) * 1024;
  };
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

export function readCpu(pid: number): CpuTicks | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // The process exited between two samples: the caller treats null as "gone".
    return null;
  }
}

export function readMem(pid: number): MemStatus | null {
  try {
    return parseStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    // Gone, as above.
    return null;
  }
}

let ticksPerSecond: number | null = null;

/** USER_HZ: clock ticks per second for /proc times (100 on every common Linux build). */
export function clockTicks(): number {
  if (ticksPerSecond !== null) return ticksPerSecond;
  try {
    ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    // getconf missing: 100 is what the kernel exports to user space on x86 and arm64 alike.
    ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/** CPU seconds per hour, extrapolated from `ticks` used over `windowMs` of wall time. */
export function cpuSecondsPerHour(ticks: number, windowMs: number, hz: number): number {
  if (!(windowMs > 0)) return Number.NaN;
  return (ticks / hz) * (3_600_000 / windowMs);
}

/**
 * CPU time of all live threads of `pid` in nanoseconds, from /proc/<pid>/task/<tid>/schedstat (its first
 * field: time on a CPU). Unlike utime+stime (10 ms clock ticks), this resolves a single idle probe, so
 * a few minutes of an idle watcher give a figure well above the measurement's own noise. Null when gone.
 */
export function readSchedNs(pid: number): number | null {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const f = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(/\s+/);
      const v = Number(f[0]);
      if (Number.isFinite(v)) ns += v;
    }
    return ns;
  } catch {
    // The process (or a thread) went away between two reads: the caller treats null as "gone".
    return null;
  }
}
