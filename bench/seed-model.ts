// A faithful model of the seed design's completion detection (the blog post's Level 3 script), so the
// benchmark can run it against the same scripted agent sessions as ours. Pure decision logic here; the
// tmux driving lives in seed-runner.ts.
//
// What the seed's script (emergency-recovery.sh / -v2.sh of openclaw-self-healing) does after typing its
// brief into the agent's tmux pane (a detached session, 200 × 50 here):
//   every 30 s: `tmux capture-pane -p | tail -20`; if those 20 lines match its completion pattern
//   (grep -qiE "(recovery (completed|complete|finished)|task (completed|complete|finished)|wrote.*report|
//   gateway.*restored|http 200|✅.*(success|recover|complete))") → done; if those 20 lines are unchanged
//   for 6 polls (3 minutes) → done; after 30 minutes → timeout.
// It reads only the pane's last 20 rows (blank while an inline TUI still draws at the top), echoed brief
// included once it reaches them, and cannot tell an idle agent from one at a permission prompt.
// Before the brief it sleeps 5 s, waits up to 10 s for the text "trust this workspace" and presses
// Enter if it appears; current Claude Code never prints that text (PRODUCT.md: the script then typed
// its brief into the trust dialog). The runner answers the dialog so that detection can be compared.

export interface SeedConstants {
  /** The seed's pane polling period: 30 s. */
  pollMs: number;
  /** An unchanged pane for this long counts as done: 3 minutes. */
  idleMs: number;
  /** Fixed sleep after launch before the blind Enter on the trust prompt: 5 s. */
  trustSleepMs: number;
  /** Hard limit: 30 minutes. */
  timeoutMs: number;
  /** The script's completion pattern (grep -qiE, line by line), as written there. */
  completion: RegExp;
  /** For the table: the pattern's alternatives in words. */
  phrases: readonly string[];
  /** `tail -20`: only the capture's last lines are read. */
  tailLines: number;
  /** The pane's size (the capture has one line per row). */
  cols: number;
  rows: number;
}

export const SEED_CONSTANTS: SeedConstants = {
  pollMs: 30_000,
  idleMs: 180_000,
  trustSleepMs: 5_000,
  timeoutMs: 30 * 60_000,
  completion: new RegExp(
    '(recovery (completed|complete|finished)|task (completed|complete|finished)|wrote.*report|gateway.*restored|' +
      'http 200|✅.*(success|recover|complete))',
    'gi',
  ),
  phrases: [
    'recovery completed/complete/finished',
    'task completed/complete/finished',
    'wrote … report',
    'gateway … restored',
    'http 200',
    '✅ … success/recover/complete',
  ],
  tailLines: 20,
  cols: 200,
  rows: 50,
};

/** `tail -n` of a capture (the capture ends with a newline after its last row). */
export function tailOf(pane: string, n: number): string {
  return pane.replace(/\n$/, '').split('\n').slice(-n).join('\n');
}

/** The same design with every duration divided by `factor` (only `--quick` uses it, and says so in the table). */
export function scaledConstants(c: SeedConstants, factor: number): SeedConstants {
  return {
    ...c,
    pollMs: c.pollMs / factor,
    idleMs: c.idleMs / factor,
    trustSleepMs: c.trustSleepMs / factor,
    timeoutMs: c.timeoutMs / factor,
  };
}

export type SeedVerdict =
  | { done: false }
  /** `matched`: every phrase on the pane at that poll (the echoed brief and the agent's words can both hold one). */
  | { done: true; by: 'phrase'; matched: string[] }
  | { done: true; by: 'idle' | 'timeout' | 'gone' };

/**
 * One seed session's completion detector: feed it each poll's capture (null when the session is gone).
 * Idleness is counted the way a shell loop counts it, poll by poll (each unchanged poll adds one poll
 * period), so a few milliseconds of scheduling jitter never shift the verdict by a whole poll.
 */
export class SeedDetector {
  private lastPane: string | null = null;
  private idleMs = 0;
  polls = 0;

  constructor(
    private readonly c: SeedConstants,
    /** When the brief was sent (the polling clock starts here). */
    private readonly startedAt: number,
  ) {}

  observe(now: number, capture: string | null): SeedVerdict {
    this.polls++;
    if (capture === null) return { done: true, by: 'gone' };
    const pane = tailOf(capture, this.c.tailLines);
    // grep is line by line: `.` never crosses a line (it does not in a JS regex either).
    const matched = [...new Set([...pane.matchAll(this.c.completion)].map((m) => m[0].toLowerCase()))];
    if (matched.length) return { done: true, by: 'phrase', matched };
    if (pane !== this.lastPane) {
      this.lastPane = pane;
      this.idleMs = 0;
    } else {
      this.idleMs += this.c.pollMs;
      if (this.idleMs >= this.c.idleMs) return { done: true, by: 'idle' };
    }
    if (now - this.startedAt >= this.c.timeoutMs) return { done: true, by: 'timeout' };
    return { done: false };
  }
}

/**
 * When the seed notices an event, given its polling clock: polls happen at start + k·pollMs (k ≥ 1).
 * A phrase that appears at `atMs` is seen at the first poll at or after it; the pane's last change at
 * `atMs` becomes "idle" at the first poll at least idleMs after the poll that saw the change.
 */
export function seedNoticeAt(c: SeedConstants, startMs: number, atMs: number, by: 'phrase' | 'idle'): number {
  const k = Math.max(1, Math.ceil((atMs - startMs) / c.pollMs));
  const seen = startMs + k * c.pollMs;
  if (by === 'phrase') return seen;
  return seen + Math.ceil(c.idleMs / c.pollMs) * c.pollMs;
}

export interface SeedAnalytic {
  /** Delay from a phrase appearing to the seed acting on it. */
  phrase: { min: number; mean: number; max: number };
  /** Delay from the pane's last change to "idle = done". */
  idle: { min: number; mean: number; max: number };
  /** Fixed cost before the brief is even sent. */
  trustSleep: number;
  /** When a brief that contains a phrase is declared done: at the first poll. */
  echoFalsePositiveAt: number;
}

/** What the seed's constants imply, independent of any run. */
export function seedAnalytic(c: SeedConstants): SeedAnalytic {
  const polls = Math.ceil(c.idleMs / c.pollMs);
  return {
    phrase: { min: 0, mean: c.pollMs / 2, max: c.pollMs },
    idle: { min: polls * c.pollMs, mean: polls * c.pollMs + c.pollMs / 2, max: (polls + 1) * c.pollMs },
    trustSleep: c.trustSleepMs,
    echoFalsePositiveAt: c.pollMs,
  };
}

/**
 * A recovery brief in the seed's shape (our own words): status, logs, config validation, port check,
 * dependencies, fix, report, and the goal. The published design states the goal as "HTTP 200", which
 * is also one of its completion phrases; `withPhrase: false` words the goal without any phrase so the
 * detection rules can be measured on their own.
 */
export function seedBrief(o: { port: number; reportPath: string; withPhrase: boolean }): string {
  const goal = o.withPhrase
    ? 'Goal: the gateway answers HTTP 200 on its port again.'
    : "Goal: the gateway's health check passes again.";
  return [
    'Emergency: the OpenClaw gateway on this machine stopped answering.',
    'Within 30 minutes, find out why and repair it:',
    '1. Look at `openclaw status`.',
    '2. Read the recent gateway logs for errors.',
    '3. Check the configuration with `openclaw config validate`.',
    `4. See whether another process holds the port: \`lsof -i :${o.port}\`.`,
    '5. Check the runtime: `npm list` and `node --version`.',
    '6. Fix what you find and restart the gateway.',
    `7. Write what you found and did to ${o.reportPath}`,
    goal,
  ].join('\n');
}
