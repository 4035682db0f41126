// <dataDir>/status.json: what the running watcher (app or `clawmedic watch`) is doing, for
// `clawmedic status` and scripts in other processes. Coalesced so a burst of events is one write.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StatusSnapshot } from '../../common/contract.js';
import { writeFileAtomic } from './fsutil.js';
import type { StorageHealth } from './storage-health.js';
import { isProcessAlive } from './process-util.js';

/** Coalesce writes for 250 ms: a state change usually arrives with an incident event or two. */
const COALESCE_MS = 250;

export interface StatusFileContent {
  pid: number;
  hostname: string;
  updatedAt: string;
  snapshot: StatusSnapshot;
}

export class StatusFile {
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly snapshot: () => StatusSnapshot,
    private readonly health: StorageHealth | null = null,
  ) {}

  static in(dataDir: string, snapshot: () => StatusSnapshot, health: StorageHealth | null = null): StatusFile {
    return new StatusFile(path.join(dataDir, 'status.json'), snapshot, health);
  }

  touch(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.writeNow();
    }, COALESCE_MS);
    this.timer.unref();
  }

  writeNow(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const content: StatusFileContent = {
      pid: process.pid,
      hostname: os.hostname(),
      updatedAt: new Date().toISOString(),
      snapshot: this.snapshot(),
    };
    this.chain = this.chain
      .then(() => writeFileAtomic(this.file, JSON.stringify(content, null, 2)))
      .then(
        () => this.health?.succeeded(),
        (err: unknown) => {
          // Status is advisory for other processes; a full disk must not stop the watcher. Reported once.
          if (this.health) this.health.failed(this.file, err);
          else process.emitWarning(`ClawMedic: could not write ${this.file}: ${(err as Error).message}`);
        },
      );
    return this.chain;
  }
}

/** Reads the status file; `live` tells whether its writer still runs on this host. */
export async function readStatusFile(dataDir: string): Promise<(StatusFileContent & { live: boolean }) | null> {
  try {
    const c = JSON.parse(await fsp.readFile(path.join(dataDir, 'status.json'), 'utf8')) as StatusFileContent;
    const live = c.hostname === os.hostname() && isProcessAlive(c.pid);
    return { ...c, live };
  } catch (err) {
    // No watcher ever ran with this data dir (or it is mid-write): report "no watcher".
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return null;
    throw err;
  }
}
