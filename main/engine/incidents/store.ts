// Incident history: one folder per incident (<dataDir>/incidents/<id>/) holding incident.json plus
// whatever the incident produced (context, config snapshot, transcript, report). Every change is
// written through at once (atomically), so a crash leaves a readable record; the next start marks
// open incidents of dead owners `interrupted`.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  Incident,
  IncidentEvent,
  IncidentOutcome,
  IncidentTrigger,
  ResolvedBy,
} from '../../../common/contract.js';
import { iso, type Clock } from '../../../common/clock.js';
import { ensurePrivateDir, privateFileProblem, writeFileAtomic, writeFileAtomicSync } from '../fsutil.js';
import { isProcessAlive } from '../process-util.js';
import { StorageHealth } from '../storage-health.js';

const RECORD = 'incident.json';

/** Sortable by name, unique across processes: time to the millisecond plus random bits. */
export function newIncidentId(atMs: number): string {
  const stamp = new Date(atMs).toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export class IncidentHandle {
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  /** The record on disk is behind the one in memory (a write failed); the next write or retry() catches up. */
  private dirty = false;

  constructor(
    readonly dir: string,
    readonly record: Incident,
    private readonly clock: Clock,
    private readonly onChange: (kind: 'event' | 'closed', incident: Incident, event?: IncidentEvent) => void,
    private readonly scrub: (text: string) => string = (t) => t,
    private readonly health: StorageHealth = new StorageHealth(),
    /** Told after every write whether this record is behind, so the store can retry it later. */
    private readonly track: (h: IncidentHandle) => void = () => {},
  ) {}

  /** True while the record could not be written (read-only or full disk); retry() tries again. */
  get behind(): boolean {
    return this.dirty;
  }

  /** Writes the record again if an earlier write failed. */
  retry(): Promise<void> {
    return this.dirty ? this.persist() : this.chain;
  }

  /** Writes the record now (the first write of a new incident). */
  retryNow(): Promise<void> {
    return this.persist();
  }

  get id(): string {
    return this.record.id;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Path for a file that belongs to this incident. */
  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** Appends a timeline entry and persists it; returns once it is on disk. */
  event(type: string, detail: string, atMs: number = this.clock.now()): Promise<void> {
    const ev: IncidentEvent = { at: iso(atMs), type, detail: this.scrub(detail) };
    this.record.events.push(ev);
    this.onChange('event', this.record, ev);
    return this.persist();
  }

  /** Updates fields (agent, reportPath, doctor record, …) and persists. */
  update(fields: Partial<Omit<Incident, 'id' | 'events' | 'outcome' | 'endedAt'>>): Promise<void> {
    Object.assign(this.record, fields);
    return this.persist();
  }

  async close(
    outcome: Exclude<IncidentOutcome, 'open'>,
    resolvedBy: ResolvedBy,
    detail: string,
    atMs = this.clock.now(),
  ): Promise<void> {
    if (this.closed) return this.chain;
    this.closed = true;
    const ev: IncidentEvent = {
      at: iso(atMs),
      type: outcome === 'recovered' ? 'recovered' : outcome,
      detail: this.scrub(detail),
    };
    this.record.events.push(ev);
    this.record.outcome = outcome;
    this.record.resolvedBy = outcome === 'recovered' ? resolvedBy : null;
    this.record.endedAt = iso(atMs);
    await this.persist();
    this.onChange('closed', this.record, ev);
  }

  /**
   * Opens a closed incident again: the same outage came back (a flapping gateway), or ClawMedic tries
   * again after giving up. The record keeps its whole timeline; `events` are appended, `summary` replaces.
   */
  async reopen(events: IncidentEvent[], summary: string): Promise<void> {
    if (!this.closed) return;
    this.closed = false;
    this.record.outcome = 'open';
    this.record.resolvedBy = null;
    this.record.endedAt = null;
    this.record.summary = this.scrub(summary);
    for (const e of events) {
      const ev = { ...e, detail: this.scrub(e.detail) };
      this.record.events.push(ev);
      this.onChange('event', this.record, ev);
    }
    await this.persist();
    this.onReopen?.(this.record);
  }

  /** Set by the store: a reopened incident is announced like a newly opened one (listeners refresh). */
  onReopen: ((incident: Incident) => void) | null = null;

  /** For signal handlers: mark interrupted synchronously (no await possible there). */
  closeSync(outcome: 'interrupted' | 'cancelled', detail: string): void {
    if (this.closed) return;
    this.closed = true;
    const at = iso(this.clock.now());
    this.record.events.push({ at, type: outcome, detail });
    this.record.outcome = outcome;
    this.record.resolvedBy = null;
    this.record.endedAt = at;
    writeFileAtomicSync(path.join(this.dir, RECORD), JSON.stringify(this.record, null, 2));
  }

  /** Resolves when every write queued so far has reached the disk. */
  flush(): Promise<void> {
    return this.chain;
  }

  /**
   * Writes the whole record (so a retry after a failure catches up on everything). Never rejects: a
   * read-only or full disk must not stop the ladder; the failure goes to StorageHealth, once.
   */
  private persist(): Promise<void> {
    this.chain = this.chain.then(async () => {
      const snapshot = JSON.stringify(this.record, null, 2);
      try {
        await ensurePrivateDir(this.dir);
        await writeFileAtomic(path.join(this.dir, RECORD), snapshot);
        this.dirty = false;
        this.health.succeeded();
      } catch (err) {
        this.dirty = true;
        this.health.failed(path.join(this.dir, RECORD), err);
      }
      this.track(this);
    });
    return this.chain;
  }
}

/** The time a session guard wrote into the incident folder, when it is a file of ours and a timestamp. */
async function ownerDeath(dir: string): Promise<string | null> {
  const file = path.join(dir, 'owner-died');
  if (privateFileProblem(file)) return null;
  try {
    const t = (await fsp.readFile(file, 'utf8')).trim();
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(t) ? new Date(t).toISOString() : null;
  } catch {
    // No guard ran (no doctor session) or it could not write: the interruption time is all we know.
    return null;
  }
}

export interface OpenIncidentOptions {
  trigger: IncidentTrigger;
  summary: string;
  startedAtMs?: number;
  /** Events that happened before the incident was opened (e.g. the failures that confirmed it). */
  events?: IncidentEvent[];
}

export class IncidentStore {
  readonly root: string;

  /**
   * `scrub` runs over every text that enters a record (summaries, event details: restart output can
   * carry a token), so incident files and everything built from them stay free of secrets.
   */
  constructor(
    dataDir: string,
    private readonly clock: Clock,
    private readonly onChange: (
      kind: 'opened' | 'event' | 'closed',
      incident: Incident,
      event?: IncidentEvent,
    ) => void = () => {},
    private readonly scrub: (text: string) => string = (t) => t,
    readonly health: StorageHealth = new StorageHealth(),
  ) {
    this.root = path.join(dataDir, 'incidents');
  }

  /** Handles whose record is behind (a write failed): retried by retryPending(). */
  private readonly pending = new Set<IncidentHandle>();

  /** True while some incident record could not be written yet. */
  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Writes again what could not be written; cheap when nothing is pending (called on every check). */
  async retryPending(): Promise<void> {
    for (const h of [...this.pending]) await h.retry();
  }

  /**
   * Opens an incident. Never fails for want of disk: when the folder or the record cannot be written, the
   * incident lives in memory and is written by retryPending() once the disk accepts it (the ladder goes on).
   */
  async open(opts: OpenIncidentOptions): Promise<IncidentHandle> {
    const startedAt = opts.startedAtMs ?? this.clock.now();
    const id = newIncidentId(startedAt);
    const dir = path.join(this.root, id);
    const record: Incident = {
      id,
      trigger: opts.trigger,
      startedAt: iso(startedAt),
      endedAt: null,
      outcome: 'open',
      resolvedBy: null,
      agent: null,
      reportPath: null,
      transcriptPath: null,
      events: (opts.events ?? []).map((e) => ({ ...e, detail: this.scrub(e.detail) })),
      summary: this.scrub(opts.summary),
      restarts: 0,
      doctor: null,
      owner: { pid: process.pid, hostname: os.hostname() },
      fingerprint: null,
      rungs: [],
    };
    const handle = new IncidentHandle(
      dir,
      record,
      this.clock,
      (kind, inc, ev) => this.onChange(kind, inc, ev),
      this.scrub,
      this.health,
      (h) => (h.behind ? this.pending.add(h) : this.pending.delete(h)),
    );
    handle.onReopen = (inc) => this.onChange('opened', inc);
    try {
      await ensurePrivateDir(this.root);
    } catch (err) {
      this.health.failed(this.root, err);
    }
    await handle.retryNow();
    this.onChange('opened', record);
    return handle;
  }

  /** Newest first. Unreadable records are skipped with a note rather than hiding the whole history. */
  async list(limit = Infinity): Promise<Incident[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    names.sort().reverse();
    const out: Incident[] = [];
    for (const name of names) {
      if (out.length >= limit) break;
      const inc = await this.read(name);
      if (inc) out.push(inc);
    }
    return out;
  }

  async get(id: string): Promise<Incident | null> {
    if (!/^[0-9A-Za-z-]+$/.test(id)) return null;
    return this.read(id);
  }

  /** Appends to an incident no live handle owns any more (read-modify-write; closed incidents only). */
  async appendEvent(id: string, type: string, detail: string): Promise<void> {
    const inc = await this.get(id);
    if (!inc) return;
    const ev: IncidentEvent = { at: iso(this.clock.now()), type, detail: this.scrub(detail) };
    inc.events.push(ev);
    try {
      await writeFileAtomic(path.join(this.root, id, RECORD), JSON.stringify(inc, null, 2));
      this.health.succeeded();
    } catch (err) {
      // A note on a closed incident (a late notification failure) is not worth more than the report.
      this.health.failed(path.join(this.root, id, RECORD), err);
      return;
    }
    this.onChange('event', inc, ev);
  }

  /**
   * Changes a record no live handle owns (read-modify-write), e.g. a known fix undone after a restart of
   * ClawMedic. Returns the changed record, or null when there is no such incident.
   */
  async patch(id: string, change: (incident: Incident) => void): Promise<Incident | null> {
    const inc = await this.get(id);
    if (!inc) return null;
    change(inc);
    await writeFileAtomic(path.join(this.root, id, RECORD), JSON.stringify(inc, null, 2));
    return inc;
  }

  /**
   * Marks every open incident whose owner process is gone as `interrupted`. Run at start-up, before
   * this process opens anything, so a crash mid-incident never leaves it "open" forever.
   */
  async closeOrphans(reason: string): Promise<Incident[]> {
    const closed: Incident[] = [];
    for (const inc of await this.list()) {
      if (inc.outcome !== 'open') continue;
      const sameHost = inc.owner?.hostname === os.hostname();
      if (sameHost && inc.owner.pid !== process.pid && isProcessAlive(inc.owner.pid)) continue;
      if (sameHost && inc.owner.pid === process.pid) continue;
      const at = iso(this.clock.now());
      // The doctor's session guard notes when it found the owner dead (doctor/session-guard.ts).
      const died = await ownerDeath(path.join(this.root, inc.id));
      if (died) {
        inc.events.push({
          at: died,
          type: 'owner-died',
          detail:
            `ClawMedic (pid ${inc.owner.pid}) stopped without ending the incident; ` +
            'the session guard ended the doctor session',
        });
      }
      inc.events.push({ at, type: 'interrupted', detail: reason });
      inc.outcome = 'interrupted';
      inc.resolvedBy = null;
      inc.endedAt = at;
      try {
        await writeFileAtomic(path.join(this.root, inc.id, RECORD), JSON.stringify(inc, null, 2));
      } catch (err) {
        // Read-only disk: it stays "open" on disk until a later start can write; the watcher starts anyway.
        this.health.failed(path.join(this.root, inc.id, RECORD), err);
        continue;
      }
      closed.push(inc);
    }
    return closed;
  }

  private async read(id: string): Promise<Incident | null> {
    try {
      const inc = JSON.parse(await fsp.readFile(path.join(this.root, id, RECORD), 'utf8')) as Incident;
      // Records written before known fixes existed: the fields are there for every consumer.
      inc.fingerprint ??= null;
      inc.rungs ??= [];
      return inc;
    } catch (err) {
      // A folder without a readable record (e.g. half-created by a crash before its first write)
      // is not an incident; skipping it keeps the rest of the history usable.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return null;
      throw err;
    }
  }
}
