// Deterministic signals from the agent: its hooks run a tiny recorder script that drops each event's
// JSON into a private folder of the incident (one file per event, written to a temp name and renamed,
// so two hooks firing at once can never interleave). The doctor watches the folder.
import { promises as fsp, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../fsutil.js';
import { shQuote } from '../tmux/tmux.js';

export interface HookEvent {
  /** The event name we registered it under (Stop, Notification, …; `codex-notify` for Codex). */
  event: string;
  payload: Record<string, unknown>;
  file: string;
}

/** Claude Code hook events ClawMedic listens to. */
export const CLAUDE_HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'Notification',
  'Stop',
  'StopFailure',
  'SessionEnd',
] as const;

/**
 * The recorder: `sh record.sh <Event> [json]`; the JSON comes on stdin (Claude Code) or as the last argument (Codex
 * notify).
 */
export function recorderScript(dir: string): string {
  return [
    '#!/bin/sh',
    '# Written by ClawMedic for one doctor session: records an agent hook event for the doctor to read.',
    'umask 077',
    `d=${shQuote(dir)}`,
    'ev=$(printf %s "$1" | tr -c "A-Za-z0-9_-" _)',
    'n="$d/$(date +%s)-$$-$ev"',
    'if [ $# -ge 2 ]; then shift; for a in "$@"; do last=$a; done; printf ' +
      '%s "$last" > "$n.tmp"; else cat > "$n.tmp"; fi',
    'mv "$n.tmp" "$n.json"',
    // Always succeed and print nothing: a hook's output would otherwise be fed to the model.
    'exit 0',
    '',
  ].join('\n');
}

export interface HookRecorder {
  dir: string;
  script: string;
  /** The shell command a hook runs for `event`. */
  command(event: string): string;
}

export async function createRecorder(incidentDir: string, attempt: number): Promise<HookRecorder> {
  const dir = path.join(incidentDir, `hooks-${attempt}`);
  await ensurePrivateDir(dir);
  const script = path.join(incidentDir, `hook-record-${attempt}.sh`);
  await fsp.writeFile(script, recorderScript(dir), { mode: 0o700 });
  return { dir, script, command: (event) => `/bin/sh ${shQuote(script)} ${event}` };
}

/** Claude Code `--settings` hooks block that calls the recorder for each event we listen to. */
export function claudeHookSettings(
  rec: HookRecorder,
  events: readonly string[] = CLAUDE_HOOK_EVENTS,
): Record<string, unknown> {
  const hooks: Record<string, unknown> = {};
  for (const ev of events) {
    // No matcher: one entry receives every notification type (permission_prompt, idle_prompt, …);
    // the payload's notification_type tells them apart.
    hooks[ev] = [{ hooks: [{ type: 'command', command: rec.command(ev), timeout: 10 }] }];
  }
  return { hooks };
}

/**
 * Delivers each recorded event once, in arrival order. fs.watch wakes us at once; a slow rescan
 * (RESCAN_MS) is the safety net for platforms that coalesce or drop watch events.
 */
export class HookInbox {
  private seen = new Set<string>();
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private scanning = false;
  private again = false;
  private closed = false;
  /** 1 s: only matters when fs.watch missed an event; cheap (one readdir of a tiny folder). */
  static readonly RESCAN_MS = 1000;

  constructor(
    readonly dir: string,
    private readonly onEvent: (e: HookEvent) => void,
  ) {}

  start(): void {
    try {
      this.watcher = watch(this.dir, () => void this.scan());
      this.watcher.on('error', () => {
        // The folder went away (incident cleaned up) or the watch broke: the rescan timer carries on.
      });
    } catch {
      // fs.watch unavailable here (some network file systems): rely on the rescan timer alone.
    }
    this.timer = setInterval(() => void this.scan(), HookInbox.RESCAN_MS);
    this.timer.unref?.();
    void this.scan();
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads any new event files now (also what the watcher triggers). */
  async scan(): Promise<void> {
    if (this.closed) return;
    if (this.scanning) {
      this.again = true;
      return;
    }
    this.scanning = true;
    try {
      do {
        this.again = false;
        let names: string[];
        try {
          names = (await fsp.readdir(this.dir)).filter((n) => n.endsWith('.json') && !this.seen.has(n));
        } catch {
          // Folder missing (not created yet or removed): nothing to read.
          return;
        }
        const stats = await Promise.all(
          names.map(async (n) => ({ n, t: (await fsp.stat(path.join(this.dir, n)).catch(() => null))?.mtimeMs ?? 0 })),
        );
        stats.sort((a, b) => a.t - b.t || a.n.localeCompare(b.n));
        for (const { n } of stats) {
          if (this.closed) return;
          this.seen.add(n);
          const file = path.join(this.dir, n);
          const event = /^\d+-\d+-(.+)\.json$/.exec(n)?.[1] ?? 'unknown';
          let payload: Record<string, unknown> = {};
          try {
            const text = await fsp.readFile(file, 'utf8');
            await fsp.chmod(file, PRIVATE_FILE_MODE).catch(() => undefined);
            const v: unknown = text.trim() ? JSON.parse(text) : {};
            if (v && typeof v === 'object') payload = v as Record<string, unknown>;
          } catch {
            // A hook that sent no or broken JSON still tells us the event happened.
          }
          this.onEvent({ event, payload, file });
        }
      } while (this.again && !this.closed);
    } finally {
      this.scanning = false;
    }
  }
}
