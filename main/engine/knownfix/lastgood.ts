// ClawMedic's own last-known-good copies of the gateway config: taken when the gateway has been
// healthy for a while on a config that validates, exact bytes, 0600 in a 0700 folder, the newest few
// kept. Independent of OpenClaw's own `.last-good` (which its doctor --fix uses and which a new
// install may not have yet).
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writeFileAtomic } from '../fsutil.js';

export interface LastGoodEntry {
  /** File name inside the store. */
  file: string;
  /** The config file it is a copy of. */
  configPath: string;
  takenAt: string;
  sha256: string;
  /** The gateway version that ran healthy on it, when known. */
  version: string | null;
}

interface Index {
  entries: LastGoodEntry[];
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

export class LastGoodStore {
  readonly dir: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    /** How many copies to keep per config file (a setting, read at each write). */
    private readonly keep: () => number,
  ) {
    this.dir = path.join(dataDir, 'last-good');
  }

  private get indexFile(): string {
    return path.join(this.dir, 'index.json');
  }

  private async readIndex(): Promise<Index> {
    try {
      const j = JSON.parse(await fsp.readFile(this.indexFile, 'utf8')) as Partial<Index>;
      return {
        entries: Array.isArray(j.entries)
          ? j.entries.filter((e) => e && typeof e.file === 'string' && typeof e.sha256 === 'string')
          : [],
      };
    } catch (err) {
      // Missing: no copies yet. Unreadable: start a new index; the copies themselves stay on disk.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err;
      return { entries: [] };
    }
  }

  /** Copies for this config file, newest first. */
  async list(configPath: string): Promise<LastGoodEntry[]> {
    const idx = await this.readIndex();
    return idx.entries.filter((e) => e.configPath === configPath).reverse();
  }

  async newest(configPath: string): Promise<(LastGoodEntry & { text: string }) | null> {
    for (const e of await this.list(configPath)) {
      const text = await fsp.readFile(path.join(this.dir, e.file), 'utf8').catch(() => null);
      if (text !== null && sha256(text) === e.sha256) return { ...e, text };
    }
    return null;
  }

  /** Stores a copy unless the newest one has the same content; returns the new entry or null. */
  take(configPath: string, text: string, meta: { at: string; version: string | null }): Promise<LastGoodEntry | null> {
    const run = this.chain.then(async () => {
      const hash = sha256(text);
      const idx = await this.readIndex();
      const mine = idx.entries.filter((e) => e.configPath === configPath);
      if (mine.at(-1)?.sha256 === hash) return null;
      await ensurePrivateDir(this.dir);
      const stamp = meta.at.replace(/[-:]/g, '').replace('.', '');
      const file = `${path.basename(configPath)}.${stamp}.${hash.slice(0, 12)}`;
      await writeFileAtomic(path.join(this.dir, file), text, PRIVATE_FILE_MODE);
      const entry: LastGoodEntry = { file, configPath, takenAt: meta.at, sha256: hash, version: meta.version };
      idx.entries.push(entry);
      // Only ClawMedic's own older copies of this file are pruned; the user's files are never touched.
      const keep = Math.max(1, this.keep());
      const drop = idx.entries.filter((e) => e.configPath === configPath).slice(0, -keep);
      idx.entries = idx.entries.filter((e) => !drop.includes(e));
      await writeFileAtomic(this.indexFile, `${JSON.stringify(idx, null, 2)}\n`);
      for (const e of drop) await fsp.rm(path.join(this.dir, e.file), { force: true });
      return entry;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
