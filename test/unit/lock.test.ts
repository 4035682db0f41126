// The lock's rules in one process: exclusive, released only by its owner, stale locks taken over,
// pid reuse detected, garbage treated as stale, and no mtime involved.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, statSync, utimesSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireLock,
  clearStaleLock,
  holderAlive,
  processStartOf,
  readLock,
  sameProcessStart,
  type LockHolder,
} from '../../main/engine/lock.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-lock-'));
  file = path.join(dir, 'sub', 'doctor.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that is certainly dead: a child that already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function fakeHolder(pid: number, extra: Partial<LockHolder> = {}): LockHolder {
  return {
    pid,
    hostname: os.hostname(),
    token: 'deadbeef',
    acquiredAt: '2020-01-01T00:00:00.000Z',
    processStart: null,
    meta: { incidentId: 'x' },
    ...extra,
  };
}

describe('acquireLock', () => {
  it('is exclusive and writes a complete private lock file', () => {
    const a = acquireLock(file, { incidentId: 'i1' });
    expect(a.ok).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const b = acquireLock(file);
    expect(b.ok).toBe(false);
    if (!b.ok) {
      expect(b.holder?.pid).toBe(process.pid);
      expect(b.message).toContain('incidentId i1');
    }
    if (a.ok) expect(a.release()).toBe(true);
    expect(readLock(file)).toBeNull();
  });

  it("release never removes a lock that is not ours (the seed deleted the winner's lock)", () => {
    const a = acquireLock(file);
    if (!a.ok) throw new Error('expected the lock');
    // Someone else's lock replaces ours on disk (e.g. after we were judged dead).
    writeFileSync(file, JSON.stringify(fakeHolder(process.pid, { token: 'someone-else' })));
    expect(a.release()).toBe(false);
    expect((readLock(file) as LockHolder).token).toBe('someone-else');
    // A loser's release is a no-op too.
    const loser = acquireLock(file);
    expect(loser.ok).toBe(false);
    expect(readLock(file)).not.toBeNull();
  });

  it('release is idempotent', () => {
    const a = acquireLock(file);
    if (!a.ok) throw new Error('expected the lock');
    expect(a.release()).toBe(true);
    const b = acquireLock(file);
    expect(b.ok).toBe(true);
    expect(a.release()).toBe(false);
    expect(readLock(file)).not.toBeNull();
    if (b.ok) b.release();
  });

  it('takes over a lock whose holder died (a stale lock never blocks forever)', () => {
    const pid = deadPid();
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(fakeHolder(pid)));
    const a = acquireLock(file);
    expect(a.ok).toBe(true);
    if (a.ok) {
      expect(a.tookOverFrom?.pid).toBe(pid);
      a.release();
    }
  });

  it('treats a live pid with a different start time as a reused pid, i.e. stale', () => {
    const h = fakeHolder(process.ppid, { processStart: 'Mon Jan  1 00:00:00 2001' });
    expect(holderAlive(h)).toBe(false);
    expect(holderAlive(fakeHolder(process.ppid))).toBe(true);
  });

  it('reads start times without a child process on Linux, exact per process, and compares across formats', () => {
    const own = processStartOf(process.pid);
    const parent = processStartOf(process.ppid);
    expect(own).not.toBeNull();
    expect(sameProcessStart(own, processStartOf(process.pid))).toBe('same');
    expect(sameProcessStart(own, parent)).toBe(own === parent ? 'same' : 'different');
    // A `ps -o lstart=` reading (an older ClawMedic's lock) is compared by time, within a minute.
    const ps = spawnSync('ps', ['-o', 'lstart=', '-p', String(process.pid)], { encoding: 'utf8' }).stdout.trim();
    expect(sameProcessStart(own, ps)).toBe('same');
    expect(sameProcessStart(own, 'Mon Jan  1 00:00:00 2001')).toBe('different');
    expect(sameProcessStart(own, null)).toBe('unknown');
    // A pid reused by a younger process: same pid, another start.
    expect(holderAlive(fakeHolder(process.ppid, { processStart: `${parent!.replace(/:\d+$/, '')}:1` }))).toBe(false);
    expect(holderAlive(fakeHolder(process.ppid, { processStart: parent }))).toBe(true);
  });

  it('treats an unreadable lock as stale', () => {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, '{not json');
    const a = acquireLock(file);
    expect(a.ok).toBe(true);
    if (a.ok) a.release();
  });

  it('ignores mtime: an old lock of a live holder stays held', () => {
    const a = acquireLock(file);
    if (!a.ok) throw new Error('expected the lock');
    utimesSync(file, new Date('2001-01-01'), new Date('2001-01-01'));
    expect(acquireLock(file).ok).toBe(false);
    a.release();
  });

  it('clears a stale lock at start-up and leaves a live one alone', () => {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(fakeHolder(deadPid())));
    expect(clearStaleLock(file)).toMatchObject({ meta: { incidentId: 'x' } });
    expect(readLock(file)).toBeNull();
    const a = acquireLock(file);
    expect(clearStaleLock(file)).toBeNull();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
    if (a.ok) a.release();
  });

  it('removes a takeover guard left by a dead process', () => {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(fakeHolder(deadPid())));
    writeFileSync(`${file}.takeover`, JSON.stringify({ pid: deadPid(), token: 'g' }));
    const a = acquireLock(file);
    expect(a.ok).toBe(true);
    if (a.ok) a.release();
  });
});
