// Restart and doctor-run timestamps, persisted so the circuit breakers survive a restart of ClawMedic
// itself (a crash-looping watcher must not reset its own restart budget).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './fsutil.js';
import type { StorageHealth } from './storage-health.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

interface Stored {
  restarts: number[];
  doctorRuns: number[];
}

export class RateHistory {
  private data: Stored = { restarts: [], doctorRuns: [] };
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string | null,
    private readonly health: StorageHealth | null = null,
  ) {}

  static async load(dataDir: string | null, health: StorageHealth | null = null): Promise<RateHistory> {
    const h = new RateHistory(dataDir ? path.join(dataDir, 'rate-history.json') : null, health);
    if (h.file) {
      try {
        const raw = JSON.parse(await fsp.readFile(h.file, 'utf8')) as Partial<Stored>;
        h.data.restarts = (raw.restarts ?? []).filter((n) => typeof n === 'number');
        h.data.doctorRuns = (raw.doctorRuns ?? []).filter((n) => typeof n === 'number');
      } catch (err) {
        // Missing or unreadable: start with an empty budget. The worst case is a few extra restarts.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          process.emitWarning(`ClawMedic: ignoring unreadable ${h.file}: ${(err as Error).message}`);
        }
      }
    }
    return h;
  }

  restartsInLastHour(now: number): number {
    return this.data.restarts.filter((t) => t > now - HOUR_MS && t <= now).length;
  }

  doctorRunsInLastDay(now: number): number {
    return this.data.doctorRuns.filter((t) => t > now - DAY_MS && t <= now).length;
  }

  /** When the oldest restart in the window expires (for "try again at" messages). */
  restartBudgetFreesAt(now: number): number | null {
    const inWindow = this.data.restarts.filter((t) => t > now - HOUR_MS).sort((a, b) => a - b);
    return inWindow.length ? inWindow[0]! + HOUR_MS : null;
  }

  recordRestart(now: number): Promise<void> {
    this.data.restarts = [...this.data.restarts.filter((t) => t > now - HOUR_MS), now];
    return this.save();
  }

  recordDoctorRun(now: number): Promise<void> {
    this.data.doctorRuns = [...this.data.doctorRuns.filter((t) => t > now - DAY_MS), now];
    return this.save();
  }

  private save(): Promise<void> {
    if (!this.file) return Promise.resolve();
    const text = JSON.stringify(this.data);
    const file = this.file;
    // Never rejects: the caps hold in memory, and a read-only or full disk must not stop a restart.
    this.chain = this.chain.then(() =>
      writeFileAtomic(file, text).then(
        () => this.health?.succeeded(),
        (err: unknown) => this.health?.failed(file, err),
      ),
    );
    return this.chain;
  }
}
