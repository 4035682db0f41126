// Everything the stand-in Electron recorded, in order, with waits that end on the record itself (not on
// a poll): the first matching record, or an app that exited, or a generous deadline with the story so far.
import type { AppRecord, RecordType } from '../standin/wire.js';

/**
 * 30 s: the longest single step a scenario waits for (a restart ladder, an agent starting in tmux) takes
 * a few seconds on the 2-core machine; a deadline only turns a hang into a readable failure.
 */
export const RECORD_WAIT_MS = 30_000;

type Falsy = undefined | null | false;

export function describeRecord(r: AppRecord): string {
  const { seq, type, ...rest } = r as AppRecord & Record<string, unknown>;
  const detail = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `#${seq} ${type} ${detail}`.slice(0, 300);
}

export class RecordLog {
  readonly all: AppRecord[] = [];
  private waiters = new Set<() => void>();
  private ended: string | null = null;

  add(r: AppRecord): void {
    this.all.push(r);
    for (const w of [...this.waiters]) w();
  }

  /** The app is gone: waits for records that have not come fail now. */
  end(why: string): void {
    this.ended = why;
    for (const w of [...this.waiters]) w();
  }

  of<T extends RecordType>(type: T): Array<AppRecord<T>> {
    return this.all.filter((r): r is AppRecord<T> => r.type === type);
  }

  last<T extends RecordType>(type: T): AppRecord<T> | undefined {
    return this.of(type).at(-1);
  }

  problems(): string[] {
    return this.of('problem').map((r) => r.message);
  }

  /** The newest records, one line each: what a failure message shows. */
  story(n = 40): string {
    return this.all
      .filter((r) => r.type !== 'tray.image' || r === this.last('tray.image'))
      .slice(-n)
      .map(describeRecord)
      .join('\n');
  }

  /** The first record of `type` after seq `after` that matches `pred`. */
  next<T extends RecordType>(
    type: T,
    pred: (r: AppRecord<T>) => boolean = () => true,
    opts: { after?: number; timeoutMs?: number; what?: string } = {},
  ): Promise<AppRecord<T>> {
    const after = opts.after ?? 0;
    const found = () => this.of(type).find((r) => r.seq > after && pred(r));
    return this.until(opts.what ?? `a ${type} record`, found, opts.timeoutMs);
  }

  /** Re-evaluates `cond` on every new record until it holds. `what` may be worded at failure time. */
  until<T>(what: string | (() => string), cond: () => T | Falsy, timeoutMs = RECORD_WAIT_MS): Promise<T> {
    const say = () => (typeof what === 'string' ? what : what());
    return new Promise((resolve, reject) => {
      const done = () => {
        this.waiters.delete(check);
        clearTimeout(timer);
      };
      const check = () => {
        const v = cond();
        if (v) {
          done();
          resolve(v);
        } else if (this.ended) {
          done();
          reject(new Error(`the app ended (${this.ended}) before ${say()}\n--- records ---\n${this.story()}`));
        }
      };
      this.waiters.add(check);
      const timer = setTimeout(() => {
        done();
        reject(new Error(`waited ${timeoutMs / 1000} s in vain for ${say()}\n--- records ---\n${this.story()}`));
      }, timeoutMs);
      check();
    });
  }

  get seq(): number {
    return this.all.at(-1)?.seq ?? 0;
  }
}
