// The processes a watcher starts that must not outlive it: restart steps (each leads its own process
// group) and the doctor's session guard. Each is recorded on disk while it runs (<runtime dir>/children/,
// 0600 files in a 0700 folder), with its process group and start time, so the next start after a crash
// (kill -9, power loss) finds and ends what the dead watcher left — before it starts anything new, so two
// restart steps never run at once.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDirSync, privateFileProblem, writeFileAtomicSync } from './fsutil.js';
import { processStartOf, sameProcessStart } from './lock.js';
import { isProcessAlive, killGroup } from './process-util.js';

export interface ChildRecord {
  kind: 'restart-step' | 'session-guard';
  /** The process group leader (the child was started detached). */
  pid: number;
  /** processStartOf() of it (lock.ts), so a pid reused by an unrelated process is never killed. */
  processStart: string | null;
  /** The watcher that started it. */
  owner: number;
  startedAt: string;
  /** What it is, for the record ("`openclaw gateway restart`"). */
  what: string;
}

/** 2 s for a left-over group to exit after SIGTERM before SIGKILL: a restart CLI needs well under that. */
const LEFTOVER_GRACE_MS = 2000;
/** 50 ms between checks while waiting for that exit: prompt, and cheap (a kill(0) per check). */
const LEFTOVER_POLL_MS = 50;

export class ChildLedger {
  readonly dir: string;

  constructor(runtimeDir: string) {
    this.dir = path.join(runtimeDir, 'children');
  }

  /**
   * Records a running child; returns the function that forgets it. Never throws (a full disk must not stop a
   * restart).
   */
  record(r: Omit<ChildRecord, 'processStart' | 'owner' | 'startedAt'>): () => void {
    const file = path.join(this.dir, `${r.pid}.json`);
    try {
      ensurePrivateDirSync(this.dir);
      const full: ChildRecord = {
        ...r,
        processStart: processStartOf(r.pid),
        owner: process.pid,
        startedAt: new Date().toISOString(),
      };
      writeFileAtomicSync(file, JSON.stringify(full));
    } catch {
      // Without the record the child still runs and is still ended on every orderly path; only a crash
      // at this very moment could then leave it behind. Not worth failing the restart for.
      return () => undefined;
    }
    return () => rmSync(file, { force: true });
  }

  /**
   * Ends every recorded child whose watcher is gone (and that is still the same process), forgets the
   * records, and says what it did. Children of a live watcher are left alone.
   */
  async endLeftovers(): Promise<string[]> {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      // No folder: nothing was ever recorded here.
      return [];
    }
    const done: string[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      let r: ChildRecord;
      try {
        // Only our own private records are acted on: a planted file must not make us kill anything.
        if (privateFileProblem(file)) continue;
        r = JSON.parse(readFileSync(file, 'utf8')) as ChildRecord;
      } catch {
        // Unreadable (a crash mid-write of a temp file cannot leave one; corruption can): forget it.
        rmSync(file, { force: true });
        continue;
      }
      if (r.owner !== process.pid && isProcessAlive(r.owner)) continue;
      rmSync(file, { force: true });
      if (!isProcessAlive(r.pid)) continue;
      // Only a process known to be the same one is ended: a different or unknown start leaves it alone.
      if (r.processStart && sameProcessStart(processStartOf(r.pid), r.processStart) !== 'same') continue;
      killGroup(r.pid, 'SIGTERM');
      const deadline = Date.now() + LEFTOVER_GRACE_MS;
      while (isProcessAlive(r.pid) && Date.now() < deadline)
        await new Promise((res) => setTimeout(res, LEFTOVER_POLL_MS));
      if (isProcessAlive(r.pid)) killGroup(r.pid, 'SIGKILL');
      done.push(
        `ended ${r.kind} ${r.what} (pid ${r.pid}, started ${r.startedAt}) left running by watcher pid ${r.owner}`,
      );
    }
    return done;
  }
}
