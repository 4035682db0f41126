// An exclusive lock file that is atomic across processes and survives crashes:
// - created with link(2) from a fully written temp file, so the lock never exists half-written and
//   two creators can never both succeed (link fails with EEXIST);
// - a lock whose holder process is dead (or whose pid now belongs to a different, younger process)
//   is taken over under a short-lived guard file, re-checked under the guard, so two rescuers
//   cannot both take it;
// - release() removes the file only while it still holds our own token, so a losing or late
//   process never deletes the winner's lock.
// No mtime heartbeats: a sleeping Mac freezes timers, which would make a live lock look stale.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePrivateDirSync, PRIVATE_FILE_MODE } from './fsutil.js';
import { isProcessAlive } from './process-util.js';

export interface LockHolder {
  pid: number;
  hostname: string;
  /** Random per acquisition: what release() compares, so it only ever removes its own lock. */
  token: string;
  acquiredAt: string;
  /** processStartOf() of the holder, to tell a live holder from an unrelated process that reused its pid. */
  processStart: string | null;
  /** Caller's extra fields, e.g. { incidentId } or { purpose: 'watch' }. */
  meta: Record<string, unknown>;
}

export type LockResult =
  | {
      ok: true;
      holder: LockHolder;
      /** Idempotent; returns false when the file was no longer ours. */ release: () => boolean;
      tookOverFrom: LockHolder | null;
    }
  | { ok: false; holder: LockHolder | null; message: string };

/** How far apart two `ps` start-time readings of the same process may be (wall-clock corrections, 1 s resolution). */
const START_TOLERANCE_MS = 60_000;

let bootId: string | null | undefined;
/** This boot's id (Linux): a start time in clock ticks since boot only names a process within one boot. */
function linuxBootId(): string | null {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      // No /proc (macOS) or a restricted one: the `ps` fallback is used.
      bootId = null;
    }
  }
  return bootId;
}

/**
 * Linux: "linux:<boot id>:<start time in clock ticks>" from /proc/<pid>/stat (field 22), read without
 * starting a process and exact (no wall clock involved), so equal strings mean the same process.
 */
function linuxStart(pid: number): string | null | undefined {
  const boot = linuxBootId();
  if (!boot) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // The pid is gone (or not ours to see): no start time, as ps would say.
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[19];
  return ticks && /^\d+$/.test(ticks) ? `linux:${boot}:${ticks}` : null;
}

/**
 * Start time of a process, to tell it from an unrelated one that reused its pid later; null when it
 * cannot be told (then the callers decide conservatively). Linux reads /proc (no child process); other
 * systems ask `ps -o lstart=`.
 */
export function processStartOf(pid: number): string | null {
  const fromProc = linuxStart(pid);
  if (fromProc !== undefined) return fromProc;
  try {
    // 2 s: ps answers in milliseconds; a hung ps must not hang the doctor.
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      timeout: 2000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const s = out.trim();
    return s || null;
  } catch {
    // ps missing or the pid gone: no start time; the caller falls back to the pid check.
    return null;
  }
}

/**
 * Whether two start-time readings name the same process: exact for /proc readings, within
 * START_TOLERANCE_MS for `ps` ones; 'unknown' when they cannot be compared (one is missing, or they were
 * taken by different methods, e.g. a record written by an older ClawMedic).
 */
export function sameProcessStart(a: string | null, b: string | null): 'same' | 'different' | 'unknown' {
  if (!a || !b) return 'unknown';
  const linuxA = a.startsWith('linux:');
  const linuxB = b.startsWith('linux:');
  if (linuxA && linuxB) return a === b ? 'same' : 'different';
  const x = linuxA ? linuxStartMs(a) : Date.parse(a);
  const y = linuxB ? linuxStartMs(b) : Date.parse(b);
  if (x === null || y === null) return 'unknown';
  if (Number.isNaN(x) || Number.isNaN(y)) return a === b ? 'same' : 'different';
  return Math.abs(x - y) <= START_TOLERANCE_MS ? 'same' : 'different';
}

/**
 * 100: USER_HZ, the unit of /proc/<pid>/stat's start time; fixed at 100 in the kernel's ABI on every
 * architecture ClawMedic runs on (x86, arm), whatever the kernel's internal tick rate.
 */
const USER_HZ = 100;

/** A /proc reading of this boot as wall-clock ms (boot time + ticks), to compare with a `ps` reading; else null. */
function linuxStartMs(s: string): number | null {
  const [, boot, ticks] = s.split(':');
  if (!boot || boot !== linuxBootId() || !ticks) return null;
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return btime ? Number(btime[1]) * 1000 + (Number(ticks) * 1000) / USER_HZ : null;
  } catch {
    // No /proc/stat: the two readings cannot be compared.
    return null;
  }
}

let ownStart: string | null | undefined;
/**
 * Our own start time, read once. Off Linux it is computed from process.uptime() instead of asking ps: no
 * child process on the watcher's start-up path, and within START_TOLERANCE_MS of what ps will say.
 */
function ownProcessStart(): string | null {
  if (ownStart === undefined) {
    const fromProc = linuxStart(process.pid);
    ownStart = fromProc !== undefined ? fromProc : new Date(Date.now() - process.uptime() * 1000).toString();
  }
  return ownStart;
}

/** True when the holder's process still runs (same pid and, when we can tell, the same process). */
export function holderAlive(holder: LockHolder): boolean {
  if (holder.pid === process.pid) return true;
  if (!isProcessAlive(holder.pid)) return false;
  if (!holder.processStart) return true;
  // Unknown (ps missing, a lock from an older version): trust the pid, as before.
  return sameProcessStart(processStartOf(holder.pid), holder.processStart) !== 'different';
}

export function readLock(file: string): LockHolder | null | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const v = JSON.parse(text) as LockHolder;
    if (typeof v.pid !== 'number' || typeof v.token !== 'string') return 'unreadable';
    return v;
  } catch {
    // Locks appear fully written (link of a complete file), so garbage means corruption, not "mid-write".
    return 'unreadable';
  }
}

/** Writes `content` to a private temp file and links it to `target`; false when target exists. */
function linkNew(target: string, content: string): boolean {
  const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, target);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

function unlinkIfSame(file: string, token: string): boolean {
  const cur = readLock(file);
  if (cur === null || cur === 'unreadable' || cur.token !== token) return false;
  try {
    unlinkSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function describe(h: LockHolder): string {
  const extra = Object.entries(h.meta ?? {})
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  return `pid ${h.pid} on ${h.hostname} since ${h.acquiredAt}${extra ? ` (${extra})` : ''}`;
}

/**
 * Tries once to take the lock (never waits). Synchronous, so exit paths and signal handlers can use it too.
 * A lock left by a dead process is taken over (`tookOverFrom` says whose it was).
 */
export function acquireLock(file: string, meta: Record<string, unknown> = {}): LockResult {
  ensurePrivateDirSync(path.dirname(file));
  const holder: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    token: randomBytes(12).toString('hex'),
    acquiredAt: new Date().toISOString(),
    processStart: ownProcessStart(),
    meta,
  };
  const content = JSON.stringify(holder, null, 2);
  let released = false;
  const release = (): boolean => {
    if (released) return false;
    released = true;
    return unlinkIfSame(file, holder.token);
  };

  // A few rounds: each round either wins, finds a live holder, or removes one stale lock.
  for (let round = 0; round < 5; round++) {
    if (linkNew(file, content)) return { ok: true, holder, release, tookOverFrom: null };
    const cur = readLock(file);
    if (cur === null) continue; // released between our link and our read: try again
    if (cur !== 'unreadable' && holderAlive(cur)) {
      return { ok: false, holder: cur, message: `held by ${describe(cur)}` };
    }
    const taken = takeOverStale(file, cur, content);
    if (taken === 'won') return { ok: true, holder, release, tookOverFrom: cur === 'unreadable' ? null : cur };
    if (taken === 'busy') {
      const now = readLock(file);
      const h = now && now !== 'unreadable' ? now : null;
      return {
        ok: false,
        holder: h,
        message: h ? `held by ${describe(h)}` : 'another process is taking over a stale lock',
      };
    }
  }
  const last = readLock(file);
  const h = last && last !== 'unreadable' ? last : null;
  return { ok: false, holder: h, message: 'the lock kept changing hands; try again' };
}

/**
 * Replaces a stale lock under a guard file. Under the guard the lock is re-read: only the very
 * lock we judged stale (same token, or the same unreadable bytes) is removed.
 */
function takeOverStale(file: string, stale: LockHolder | 'unreadable', content: string): 'won' | 'busy' | 'retry' {
  const guard = `${file}.takeover`;
  const guardToken = randomBytes(8).toString('hex');
  const guardContent = JSON.stringify({ pid: process.pid, token: guardToken, processStart: ownProcessStart() });
  if (!linkNew(guard, guardContent)) {
    const g = readLock(guard);
    // A guard is held for microseconds; one whose owner died (crash inside that window) is removed
    // so it cannot block forever. Re-verified by token right before removal.
    if (g === 'unreadable' || (g && !holderAlive({ ...g, hostname: '', acquiredAt: '', meta: {} }))) {
      if (g === 'unreadable') {
        try {
          unlinkSync(guard);
        } catch {
          // Already gone: someone else cleared it, which is what we wanted.
        }
      } else if (g) unlinkIfSame(guard, g.token);
      return 'retry';
    }
    return 'busy';
  }
  try {
    const cur = readLock(file);
    if (cur === null) return linkNew(file, content) ? 'won' : 'retry';
    const same = stale === 'unreadable' ? cur === 'unreadable' : cur !== 'unreadable' && cur.token === stale.token;
    if (!same) return 'retry';
    if (cur !== 'unreadable' && holderAlive(cur)) return 'retry';
    try {
      unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return linkNew(file, content) ? 'won' : 'retry';
  } finally {
    unlinkIfSame(guard, guardToken);
  }
}

/**
 * Start-up clean-up: removes the lock if its holder is dead. Returns the dead holder, or null when
 * there was no lock or it is alive.
 */
export function clearStaleLock(file: string): LockHolder | 'unreadable' | null {
  const cur = readLock(file);
  if (cur === null) return null;
  if (cur !== 'unreadable' && holderAlive(cur)) return null;
  const r = acquireLock(file, { purpose: 'stale-lock-cleanup' });
  if (!r.ok) return null;
  r.release();
  return cur;
}
