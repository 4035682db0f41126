// What the known fixes remember between outages: the gateway version last seen healthy (an update is
// "broken" only relative to it). One small JSON file, 0600, written atomically.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fsutil.js';

export interface KnownFixStateData {
  lastHealthyVersion: string | null;
  lastHealthyAt: string | null;
}

export class KnownFixState {
  private data: KnownFixStateData = { lastHealthyVersion: null, lastHealthyAt: null };
  private chain: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async load(dataDir: string): Promise<KnownFixState> {
    const s = new KnownFixState(path.join(dataDir, 'known-fixes.json'));
    try {
      const raw = JSON.parse(await fsp.readFile(s.file, 'utf8')) as Partial<KnownFixStateData>;
      s.data.lastHealthyVersion = typeof raw.lastHealthyVersion === 'string' ? raw.lastHealthyVersion : null;
      s.data.lastHealthyAt = typeof raw.lastHealthyAt === 'string' ? raw.lastHealthyAt : null;
    } catch (err) {
      // Missing: nothing seen yet. Unreadable: start over; the worst case is one update not recognised.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        process.emitWarning(`ClawMedic: ignoring unreadable ${s.file}: ${(err as Error).message}`);
    }
    return s;
  }

  get(): Readonly<KnownFixStateData> {
    return this.data;
  }

  set(next: Partial<KnownFixStateData>): Promise<void> {
    this.data = { ...this.data, ...next };
    const text = `${JSON.stringify(this.data, null, 2)}\n`;
    this.chain = this.chain
      .then(() => writeFileAtomic(this.file, text))
      .catch((err: unknown) => {
        process.emitWarning(`ClawMedic: could not write ${this.file}: ${(err as Error).message}`);
      });
    return this.chain;
  }
}
