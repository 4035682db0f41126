// Small process helpers shared by the lock, the incident store and the restart runner.

import { readFileSync } from 'node:fs';
import { sleep, type Clock } from '../../common/clock.js';

/**
 * True when a process with this pid runs (EPERM means it exists but belongs to someone else).
 * A zombie (exited, not yet reaped: common in containers whose PID 1 never reaps) counts as dead.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; comm may contain spaces and parentheses, so split at the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    // No /proc (macOS) or the process vanished meanwhile: kill(0) already said it exists.
    return false;
  }
}

/** Signals a whole process group (children started with detached: true lead their own group). */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    // The group is already gone (ESRCH): nothing left to kill, which is what the caller wants.
    return false;
  }
}

/**
 * Waits until the process is gone, checking every pollMs for at most graceMs, and waiting only
 * through the clock. True when it is gone.
 */
export async function waitForExit(
  pid: number,
  clock: Clock,
  o: { graceMs: number; pollMs: number; alive?: (pid: number) => boolean },
): Promise<boolean> {
  const alive = o.alive ?? isProcessAlive;
  const deadline = clock.now() + o.graceMs;
  while (alive(pid)) {
    const left = deadline - clock.now();
    if (left <= 0) return false;
    await sleep(clock, Math.min(o.pollMs, left));
  }
  return true;
}
