// What the known fixes learn while the gateway is healthy: the version that runs healthy (an update is
// "broken" only relative to it), and the last-known-good config: a copy taken once the gateway has been
// healthy for knownFixes.lastGoodAfterSec on a config that it was started with and that validates.
// Driven by the supervisor's check events; costs a hash of a small file per healthy check and one
// `openclaw config validate` per new config content.
import { promises as fsp } from 'node:fs';
import type { GatewayCheck } from '../../../common/contract.js';
import { iso, type Clock } from '../../../common/clock.js';
import type { Settings } from '../../../common/settings-schema.js';
import { gatewayVersion } from '../probe.js';
import { sha256, type LastGoodStore } from './lastgood.js';
import { openclawVersion, validateConfig } from './openclaw-cli.js';
import type { KnownFixState } from './state.js';

/** 60 s healthy before its version is "the last healthy one": start-up plus the first minute of work. */
export const VERSION_HEALTHY_AFTER_MS = 60_000;

export interface ObserverDeps {
  clock: Clock;
  env: NodeJS.ProcessEnv;
  settings: () => Settings;
  openclaw: () => string;
  lastGood: LastGoodStore;
  state: KnownFixState;
  /** A new last-known-good copy was taken (the config guard compares edits against it). */
  onLastGood?: (configPath: string) => void;
}

export class HealthyObserver {
  /** Start of the current healthy stretch (our own observation), null while not healthy. */
  private healthySince: number | null = null;
  /** When the running gateway started, from the last /readyz uptimeMs (the watcher asks /readyz only now and then). */
  private gatewayStartedAt: number | null = null;
  private versionSeen = false;
  /** Validation verdicts by config content: each content is validated once. */
  private verdicts = new Map<string, boolean>();
  /** The content last stored (or found stored): nothing to do while it stays the same. */
  private stored: string | null = null;
  private busy: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly d: ObserverDeps) {}

  /** No new work; resolves when the work in flight (a validation, a copy) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.busy;
  }

  /** Feed every check; returns the work it started (tests await it). */
  onCheck(check: GatewayCheck): Promise<void> {
    const alive = check.condition === 'healthy' || check.condition === 'degraded';
    if (this.stopped) return Promise.resolve();
    if (!alive) {
      this.healthySince = null;
      this.gatewayStartedAt = null;
      this.versionSeen = false;
      return Promise.resolve();
    }
    const now = this.d.clock.now();
    this.healthySince ??= now;
    if (check.uptimeMs !== undefined) this.gatewayStartedAt = now - check.uptimeMs;
    if (this.busy) return this.busy;
    const work = this.work(check, now).catch((err: unknown) => {
      // Learning is best effort: a failed copy is retried at the next healthy check.
      process.emitWarning(`ClawMedic: could not record the last-known-good state: ${(err as Error).message}`);
    });
    this.busy = work.finally(() => {
      this.busy = null;
    });
    return this.busy;
  }

  private async work(check: GatewayCheck, now: number): Promise<void> {
    const s = this.d.settings();
    // A version counts as healthy once it has stayed up a while: one that answers and then crashes on its
    // first real work is not a version to roll back to.
    if (!this.versionSeen && this.healthySince !== null && now - this.healthySince >= VERSION_HEALTHY_AFTER_MS) {
      this.versionSeen = true;
      const v =
        (await gatewayVersion(s.gateway.url, s.gateway.timeoutSec * 1000)) ??
        (await openclawVersion(this.d.openclaw(), this.d.env));
      if (v && v !== this.d.state.get().lastHealthyVersion)
        await this.d.state.set({ lastHealthyVersion: v, lastHealthyAt: iso(now) });
    }
    if (this.healthySince === null || now - this.healthySince < s.knownFixes.lastGoodAfterSec * 1000) return;
    const configPath = s.gateway.configPath;
    if (!configPath) return;
    let text: string;
    let mtimeMs: number;
    try {
      // Read, then stat: an edit racing with us then shows as a newer mtime and the copy waits.
      text = await fsp.readFile(configPath, 'utf8');
      mtimeMs = (await fsp.stat(configPath)).mtimeMs;
    } catch {
      // No config file: nothing to keep a copy of.
      return;
    }
    const hash = sha256(text);
    if (hash === this.stored || this.verdicts.get(hash) === false) return;
    // The running gateway must have started with this content: edited after its start, the file is a
    // candidate only (the gateway may refuse it at the next start). /readyz uptimeMs dates the start;
    // without it, our own healthy stretch must have begun after the edit.
    const startedAt = this.gatewayStartedAt ?? this.healthySince;
    if (mtimeMs > startedAt) return;
    if (!this.verdicts.has(hash)) {
      const v = await validateConfig(this.d.openclaw(), configPath, this.d.env, text);
      if (v.valid === null) return; // could not validate now: try again at a later check
      this.verdicts.set(hash, v.valid);
      if (!v.valid) return;
    }
    // Going back to an older good content makes it the newest copy again (take() skips a repeat).
    const entry = await this.d.lastGood.take(configPath, text, {
      at: iso(now),
      version: this.d.state.get().lastHealthyVersion,
    });
    this.stored = hash;
    if (entry) this.d.onLastGood?.(configPath);
  }
}
