// One end of the harness ↔ stand-in channel: calls with replies, one-way notifications, and records.
// The same class runs in the test process (over child.send) and in the app process (over process.send).
import type { AppRecord, Methods, WireMessage } from './wire.js';

type AnyFn = (...args: never[]) => unknown;
type Fn<T, K extends keyof T> = T[K] extends AnyFn ? T[K] : never;
type Answer<T, K extends keyof T> = Awaited<ReturnType<Fn<T, K>>>;

export class RpcPeer<Local, Remote> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private closedWith: string | null = null;

  constructor(
    private readonly send: (message: WireMessage) => void,
    private readonly local: Partial<Methods<Local>>,
    private readonly onRecord: (record: AppRecord) => void = () => undefined,
    private readonly onNotifyError: (method: string, err: Error) => void = () => undefined,
  ) {}

  /** Calls a method on the other side and resolves with its answer (or rejects with its error). */
  call<K extends keyof Remote & string>(method: K, ...args: Parameters<Fn<Remote, K>>): Promise<Answer<Remote, K>> {
    if (this.closedWith) return Promise.reject(new Error(`${method}: ${this.closedWith}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ kind: 'call', id, method, args });
    });
  }

  /** Tells the other side something; no answer, errors are reported there. */
  notify<K extends keyof Remote & string>(method: K, ...args: Parameters<Fn<Remote, K>>): void {
    if (!this.closedWith) this.send({ kind: 'notify', method, args });
  }

  record(record: AppRecord): void {
    if (!this.closedWith) this.send({ kind: 'record', record });
  }

  receive(message: WireMessage): void {
    switch (message.kind) {
      case 'record':
        this.onRecord(message.record);
        return;
      case 'reply': {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (!p) return;
        if (message.ok) p.resolve(message.value);
        else p.reject(new Error(message.error));
        return;
      }
      case 'call':
        this.run(message.method, message.args).then(
          (value) => this.send({ kind: 'reply', id: message.id, ok: true, value }),
          (err: unknown) => this.send({ kind: 'reply', id: message.id, ok: false, error: errorText(err) }),
        );
        return;
      case 'notify':
        this.run(message.method, message.args).catch((err: unknown) => {
          this.onNotifyError(message.method, asError(err));
        });
        return;
    }
  }

  /** The other side is gone: every pending call fails with `why`, later ones at once. */
  close(why: string): void {
    this.closedWith = why;
    for (const p of this.pending.values()) p.reject(new Error(why));
    this.pending.clear();
  }

  /** Like an async function: whatever `method` throws, or a missing method, rejects the promise. */
  private run(method: string, args: unknown[]): Promise<unknown> {
    return new Promise((resolve) => {
      const fn = (this.local as Record<string, ((...a: unknown[]) => unknown) | undefined>)[method];
      if (typeof fn !== 'function') throw new Error(`no method ${method} on this side of the app harness`);
      resolve(fn.apply(this.local, args));
    });
  }
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function errorText(err: unknown): string {
  return asError(err).message;
}
