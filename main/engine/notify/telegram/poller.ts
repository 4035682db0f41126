// Long polling of one bot's updates (getUpdates): nothing has to reach this machine from the internet.
// The offset is persisted in the data dir (0600 in a 0700 folder) *before* an update is acted on, so an
// update is processed at most once, across crashes and restarts too. Failures back off and never end the
// loop: 409 (another poller or a webhook on this bot), 429 (Telegram's retry_after), 5xx and network loss.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, privatePathProblem, writeFileAtomic } from '../../fsutil.js';
import type { BotApi, BotReply, Update } from './bot-api.js';

export interface PollTiming {
  /**
   * Seconds Telegram holds a getUpdates open when nothing happens: 50 s keeps idle cost to about one
   * request a minute and below the ~60 s at which proxies and NATs drop quiet connections.
   */
  pollTimeoutSec: number;
  /** The request's own deadline on top of the poll timeout: 15 s for a slow uplink. */
  requestSlackMs: number;
  /** First back-off after a failure: 1 s, doubled per failure in a row. */
  backoffBaseMs: number;
  /** Longest back-off: 5 min, so a long outage is retried a dozen times an hour, not thousands. */
  backoffMaxMs: number;
  /**
   * Shortest wait after a 409: 30 s. The other poller (OpenClaw's own channel on this bot) holds its
   * request for its whole poll timeout; asking sooner only steals its updates and makes both fail.
   */
  conflictMinMs: number;
}

export const DEFAULT_POLL_TIMING: PollTiming = {
  pollTimeoutSec: 50,
  requestSlackMs: 15_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 5 * 60_000,
  conflictMinMs: 30_000,
};

export type PollTrouble = 'conflict' | 'rate-limited' | 'unauthorized' | 'server' | 'network' | 'storage';

export interface PollerOptions {
  api: BotApi;
  /** <dataDir>/telegram: the offset file lives here. */
  stateDir: string;
  /** Called for each new update, one at a time, in order; its errors are reported, not fatal. */
  onUpdate: (u: Update) => Promise<void>;
  /** A failure and how long the poller waits before the next try (for logs and notification-failed). */
  onTrouble: (kind: PollTrouble, detail: string, waitMs: number) => void;
  /** Called once polling works again after trouble. */
  onRecovered?: () => void;
  timing?: Partial<PollTiming>;
}

interface OffsetFile {
  offset: number;
}

export class UpdatePoller {
  private readonly t: PollTiming;
  private readonly stop = new AbortController();
  private loop: Promise<void> | null = null;
  private offset = 0;
  private failures = 0;
  private troubled = false;

  constructor(private readonly o: PollerOptions) {
    this.t = { ...DEFAULT_POLL_TIMING, ...o.timing };
  }

  get offsetFile(): string {
    return path.join(this.o.stateDir, `bot${this.o.api.botId}.offset.json`);
  }

  /** The next update id wanted (everything below it was handed to onUpdate or skipped). */
  get nextOffset(): number {
    return this.offset;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const storage = await this.loadOffset();
    if (storage) {
      // A state folder we cannot trust would let someone else replay or suppress updates: do not poll.
      this.o.onTrouble('storage', storage, 0);
      return;
    }
    while (!this.stop.signal.aborted) {
      const r = await this.o.api.call<Update[]>(
        'getUpdates',
        { offset: this.offset, timeout: this.t.pollTimeoutSec, allowed_updates: ['callback_query'] },
        { timeoutMs: this.t.pollTimeoutSec * 1000 + this.t.requestSlackMs, signal: this.stop.signal },
      );
      if (this.stop.signal.aborted) break;
      if (!r.ok) {
        await this.backOff(r);
        continue;
      }
      this.failures = 0;
      if (this.troubled) {
        this.troubled = false;
        this.o.onRecovered?.();
      }
      const updates = [...r.result].sort((a, b) => a.update_id - b.update_id);
      for (const u of updates) {
        // Telegram re-sends what was not confirmed; anything below the offset was handled already.
        if (!Number.isInteger(u.update_id) || u.update_id < this.offset) continue;
        this.offset = u.update_id + 1;
        // Saved before acting: a crash between the two loses this update instead of acting on it twice.
        const saved = await this.saveOffset();
        if (saved) {
          this.o.onTrouble('storage', saved, 0);
          return;
        }
        try {
          await this.o.onUpdate(u);
        } catch (err) {
          this.o.onTrouble('server', `handling update ${u.update_id} failed: ${(err as Error).message}`, 0);
        }
      }
    }
  }

  private async backOff(r: Extract<BotReply<unknown>, { ok: false }>): Promise<void> {
    if (r.aborted) return;
    this.failures++;
    this.troubled = true;
    const exp = Math.min(this.t.backoffMaxMs, this.t.backoffBaseMs * 2 ** Math.min(this.failures - 1, 20));
    let kind: PollTrouble;
    let wait: number;
    let detail: string;
    if (r.status === 409) {
      kind = 'conflict';
      wait = Math.max(exp, this.t.conflictMinMs);
      detail =
        `Telegram refused to hand out updates (409: ${r.description}): another program polls this bot, or a webhook ` +
        'is set on it. Give ClawMedic a bot of its own (@BotFather /newbot); OpenClaw must keep its own.';
    } else if (r.status === 429) {
      kind = 'rate-limited';
      wait = Math.max(r.retryAfterMs ?? exp, this.t.backoffBaseMs);
      detail = `Telegram is rate-limiting this bot (429: ${r.description})`;
    } else if (r.status === 401 || r.status === 404) {
      kind = 'unauthorized';
      wait = this.t.backoffMaxMs;
      detail = `Telegram does not know this bot token (${r.status}: ${r.description}): check notify.channels`;
    } else if (r.status !== null) {
      kind = 'server';
      wait = exp;
      detail = `the Bot API answered ${r.status}: ${r.description}`;
    } else {
      kind = 'network';
      wait = exp;
      detail = r.description;
    }
    this.o.onTrouble(kind, detail, wait);
    await abortableSleep(wait, this.stop.signal);
  }

  /** Reads the persisted offset; returns a problem when the state folder or file is not private. */
  private async loadOffset(): Promise<string | null> {
    try {
      await ensurePrivateDir(this.o.stateDir);
    } catch (err) {
      return `cannot use ${this.o.stateDir}: ${(err as Error).message}`;
    }
    const dirProblem = await privatePathProblem(this.o.stateDir, 'dir');
    if (dirProblem) return dirProblem;
    let text: string;
    try {
      text = await fsp.readFile(this.offsetFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      return `cannot read ${this.offsetFile}: ${(err as Error).message}`;
    }
    const fileProblem = await privatePathProblem(this.offsetFile, 'file');
    if (fileProblem) return fileProblem;
    try {
      const v = JSON.parse(text) as Partial<OffsetFile>;
      if (Number.isInteger(v.offset) && (v.offset as number) >= 0) this.offset = v.offset as number;
    } catch {
      // A torn or foreign file: start from Telegram's own confirmed position (offset 0 = unconfirmed ones).
    }
    return null;
  }

  private async saveOffset(): Promise<string | null> {
    try {
      await writeFileAtomic(this.offsetFile, JSON.stringify({ offset: this.offset } satisfies OffsetFile) + '\n');
      return null;
    } catch (err) {
      return `cannot save the update offset to ${this.offsetFile}: ${(err as Error).message}`;
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
