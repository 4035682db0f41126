// Prevention: the config guard. Watches the gateway's config file; on every change (debounced) it
// validates the file the way the gateway will at its next start (`openclaw config validate --json`) and,
// when the edit would stop the gateway, warns at once: what is wrong and on which line, the diff from the
// last-known-good copy, and a Revert. It never touches the running gateway (which skips an invalid edit
// and keeps its config); Revert only rewrites the file, keeping the edit beside it.
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Result } from '../../../common/contract.js';
import type { Clock } from '../../../common/clock.js';
import type { Settings } from '../../../common/settings-schema.js';
import { configDiff, readOrNull, replaceKeeping } from './config-files.js';
import { sha256, type LastGoodStore } from './lastgood.js';
import { describeIssue, validateConfig } from './openclaw-cli.js';
import type { WarningBoard } from './warnings.js';

/**
 * 500 ms after the last change: editors save in bursts (truncate, write, rename, chmod), and the
 * gateway's own watcher also waits for the churn to settle; a person sees the warning within a second.
 */
export const GUARD_DEBOUNCE_MS = 500;

export interface GuardDeps {
  clock: Clock;
  env: NodeJS.ProcessEnv;
  settings: () => Settings;
  openclaw: () => string;
  lastGood: LastGoodStore;
  secrets: () => string[];
  warnings: WarningBoard;
}

export class ConfigGuard {
  private watcher: FSWatcher | null = null;
  private watching: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastHash: string | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly d: GuardDeps) {}

  /** Starts (or re-aims, after a settings change) the watch, and checks the file once now. */
  start(): Promise<void> {
    const s = this.d.settings();
    const file = s.gateway.configPath;
    if (!s.guard.config || !file) {
      this.close();
      this.d.warnings.set('config', null);
      return Promise.resolve();
    }
    if (this.watching !== file) {
      this.close();
      this.watching = file;
      this.lastHash = null;
      // The folder, not the file: editors replace files by rename, which ends a watch on the file itself.
      try {
        this.watcher = watch(path.dirname(file), (_ev, name) => {
          if (name === null || name === path.basename(file)) this.schedule();
        });
        this.watcher.on('error', () => this.close());
      } catch {
        // No such folder (yet): nothing to guard until it exists; the next settings change re-aims.
        this.watcher = null;
      }
    }
    return this.check();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.close();
    return this.running ?? Promise.resolve();
  }

  private close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
    this.watching = null;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.check();
    }, GUARD_DEBOUNCE_MS);
  }

  /** Validates the file now (one run at a time; a change during a run queues one more). */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.checkOnce()
      .catch((err: unknown) => {
        process.emitWarning(
          `ClawMedic: the config guard could not check the gateway config: ${(err as Error).message}`,
        );
      })
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.check();
        }
      });
    return this.running;
  }

  private async checkOnce(): Promise<void> {
    const s = this.d.settings();
    const file = s.gateway.configPath;
    if (!s.guard.config || !file) return;
    const text = await readOrNull(file);
    const hash = text === null ? 'missing' : sha256(text);
    if (hash === this.lastHash) return;
    const v = await validateConfig(this.d.openclaw(), file, this.d.env, text);
    if (v.valid === null) return; // could not validate (openclaw missing): say nothing rather than guess
    this.lastHash = hash;
    if (v.valid) {
      this.d.warnings.set('config', null);
      return;
    }
    const good = await this.d.lastGood.newest(file);
    const first = v.issues[0];
    const what = first ? describeIssue(first) : 'it does not validate';
    const more = v.issues.length > 1 ? ` (+${v.issues.length - 1} more)` : '';
    this.d.warnings.set('config', {
      title: `This edit will stop the gateway at its next restart: ${what}${more}`,
      detail: [
        `${file} does not validate (\`openclaw config validate\`); ` +
          'the running gateway skips the edit and keeps its config until it restarts.',
        good
          ? `Revert puts back the last-known-good copy of ${good.takenAt} and keeps your edit beside the file.`
          : 'There is no last-known-good copy yet to revert to: fix the file by hand.',
      ].join('\n'),
      diff: good
        ? await configDiff(file, good.text, text, [`last known good, ${good.takenAt}`, 'now'], this.d.secrets())
        : null,
      canRevert: good !== null && good.text !== text,
    });
  }

  /** Puts the last-known-good copy back; the edit is kept beside the file. Never touches the gateway. */
  async revert(): Promise<Result<string>> {
    const file = this.d.settings().gateway.configPath;
    const good = await this.d.lastGood.newest(file);
    if (!good)
      return {
        ok: false,
        message:
          `There is no last-known-good copy of ${file} yet; ` +
          'fix the file by hand (`openclaw config validate` shows what is wrong).',
      };
    const current = await readOrNull(file);
    if (current === good.text)
      return { ok: false, message: `${file} is already the last-known-good copy of ${good.takenAt}.` };
    const aside = await replaceKeeping(file, good.text, 'clawmedic-reverted', this.d.clock.now());
    this.lastHash = null;
    await this.check();
    const kept = aside ? `; your edit is kept as ${aside}` : '';
    return {
      ok: true,
      value: `Put back the last-known-good copy of ${good.takenAt}${kept}. The running gateway was not touched.`,
    };
  }
}
