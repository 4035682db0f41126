// Benchmark 1: completion detection. The same scripted sessions run under our doctor and under the
// seed model, side by side; the figure is "gateway fixed (healthy by probe) → tool knows and has
// closed the session", plus what each does with a session that waits on a permission prompt and with
// a brief whose echo contains a completion phrase.
import { SEED_CONSTANTS, scaledConstants, type SeedConstants } from './seed-model.js';
import { runSeedSession, type SeedRun } from './seed-runner.js';
import { runOursSession, type OursRun } from './ours-runner.js';
import { SESSION_TITLES, thinkTimes, type SessionKind } from './sessions.js';
import { fmtMs, fmtRatio, fmtSpread, spread } from './stats.js';
import type { Row } from './table.js';
import { pool, progress } from './util.js';

export interface CompletionOptions {
  reps: number;
  /** How long ours is watched after raising needs-approval, to show it does not finish. */
  holdMs: number;
  /** --quick: the seed's idle-rule sessions run with its constants divided by this (1 = real constants). */
  idleScale: number;
  oursConcurrency: number;
}

export interface SeedResult extends SeedRun {
  scale: number;
}

export interface CompletionResults {
  ours: OursRun[];
  seed: SeedResult[];
  errors: string[];
  opts: CompletionOptions;
}

const KINDS: SessionKind[] = ['slowfix', 'permission', 'wrapup', 'report'];

/** Sessions where the seed model, with a brief free of phrases, can only end by its idle rule. */
const IDLE_BOUND: ReadonlySet<SessionKind> = new Set(['wrapup', 'permission']);

/** Launch spacing: one stand-in start at a time keeps start-up CPU from piling up on two cores. */
const OURS_STAGGER_MS = 1200;
const SEED_STAGGER_MS = 500;

/** Starts both detectors' sessions; the two promises settle independently. */
export function startCompletion(o: CompletionOptions): {
  ours: Promise<OursRun[]>;
  seed: Promise<SeedResult[]>;
  errors: string[];
} {
  const errors: string[] = [];
  const guard =
    <T>(label: string, fn: () => Promise<T>) =>
    async (): Promise<T | null> => {
      try {
        return await fn();
      } catch (err) {
        errors.push(`${label}: ${(err as Error).message}`);
        progress(`completion: ${label} failed: ${(err as Error).message}`);
        return null;
      }
    };
  const oursTasks: (() => Promise<OursRun | null>)[] = [];
  const seedTasks: (() => Promise<SeedResult | null>)[] = [];
  for (const kind of KINDS) {
    const thinks = thinkTimes(kind, o.reps, SEED_CONSTANTS.pollMs);
    thinks.forEach((thinkMs, i) => {
      oursTasks.push(guard(`ours ${kind} #${i + 1}`, () => runOursSession({ kind, thinkMs, holdMs: o.holdMs })));
      const variants = kind === 'slowfix' ? [true] : [true, false];
      for (const withPhrase of variants) {
        const scale = !withPhrase && IDLE_BOUND.has(kind) ? o.idleScale : 1;
        const constants: SeedConstants = scale === 1 ? SEED_CONSTANTS : scaledConstants(SEED_CONSTANTS, scale);
        seedTasks.push(
          guard(`seed ${kind}${withPhrase ? '' : ' (no phrase in brief)'} #${i + 1}`, async () => ({
            ...(await runSeedSession({ kind, thinkMs, withPhrase, constants })),
            scale,
          })),
        );
      }
    });
  }
  const done = <T>(xs: (T | null)[]) => xs.filter((x): x is T => x !== null);
  return {
    ours: pool(oursTasks, o.oursConcurrency, OURS_STAGGER_MS).then(done),
    // Seed sessions mostly sleep between 30 s polls: all of them run at once.
    seed: pool(seedTasks, seedTasks.length, SEED_STAGGER_MS).then(done),
    errors,
  };
}

/** How one seed session ended, judged against the truth (the gateway's health, the fix's time). */
export function seedOutcome(
  r: Pick<SeedRun, 'fixAt' | 'closedAt' | 'healthyAtClose'>,
): { ok: true; latencyMs: number } | { ok: false } {
  if (r.healthyAtClose && r.fixAt !== null && r.fixAt <= r.closedAt)
    return { ok: true, latencyMs: r.closedAt - r.fixAt };
  return { ok: false };
}

function endedBy(runs: SeedRun[]): string {
  const counts = new Map<string, number>();
  for (const r of runs) {
    const k =
      r.by === 'phrase'
        ? r.matched
            .map((p) => (p === 'http 200' ? 'its own echoed "HTTP 200"' : `"${p}" in the agent's words`))
            .join(' + ')
        : r.by === 'idle'
          ? 'idle pane'
          : r.by;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}

const oursLatency = (runs: OursRun[]) =>
  spread(runs.filter((r) => r.outcome.outcome === 'recovered' && r.fixAt !== null).map((r) => r.closedAt - r.fixAt!));

function oursVerified(runs: OursRun[]): string {
  const rec = runs.filter((r) => r.outcome.outcome === 'recovered').length;
  const left = runs.reduce((n, r) => n + r.leftover.length, 0);
  return `ours: ${rec}/${runs.length} recovered (judged by our probe), ${left} tmux sessions left`;
}

export function completionRows(r: CompletionResults): Row[] {
  const rows: Row[] = [];
  const ours = (k: SessionKind) => r.ours.filter((x) => x.kind === k);
  const seed = (k: SessionKind, withPhrase: boolean) =>
    r.seed.filter((x) => x.kind === k && x.withPhrase === withPhrase);
  const scaledNote = (runs: SeedResult[]) => {
    const s = runs.find((x) => x.scale !== 1)?.scale;
    return s ? ` [--quick: seed constants ÷${s}]` : '';
  };
  const variantLabel = (withPhrase: boolean) =>
    withPhrase ? 'seed brief as published ("HTTP 200" in its goal)' : 'seed brief reworded without any phrase';

  let sub = 0;
  for (const kind of ['report', 'wrapup'] as const) {
    sub++;
    const o = oursLatency(ours(kind));
    for (const withPhrase of [true, false]) {
      const runs = seed(kind, withPhrase);
      const good = runs.map(seedOutcome).filter((x): x is { ok: true; latencyMs: number } => x.ok);
      const s = spread(good.map((x) => x.latencyMs));
      const wrong = runs.length - good.length;
      rows.push({
        id: `1${'ab'[sub - 1]}${withPhrase ? '' : "'"}`,
        what: `Completion, agent ${SESSION_TITLES[kind]}: fix → session closed; ${variantLabel(withPhrase)}`,
        ours: fmtSpread(o),
        other:
          fmtSpread(s) +
          (wrong ? `; ${wrong}/${runs.length} declared done with the gateway down` : '') +
          scaledNote(runs),
        ratio: fmtRatio(s?.median, o?.median),
        ...(kind === 'report' && withPhrase ? { goal: '≤ 1 s median' } : {}),
        verified: `${oursVerified(ours(kind))}; seed ended by: ${endedBy(runs) || '–'}`,
      });
    }
  }

  // Permission prompt: correctness, not speed.
  {
    const o = ours('permission');
    const na = spread(
      o
        .filter((x) => x.needsApprovalAt !== null && x.promptShownAt !== null)
        .map((x) => x.needsApprovalAt! - x.promptShownAt!),
    );
    const waiting = o.filter((x) => x.stillWaitingAfterHold).length;
    const left = o.reduce((n, x) => n + x.leftover.length, 0);
    for (const withPhrase of [true, false]) {
      const runs = seed('permission', withPhrase);
      const after = spread(runs.filter((x) => x.promptShownAt !== null).map((x) => x.closedAt - x.promptShownAt!));
      const down = runs.filter((x) => !x.healthyAtClose).length;
      rows.push({
        id: `1c${withPhrase ? '' : "'"}`,
        what: `Agent ${SESSION_TITLES.permission}; ${variantLabel(withPhrase)}`,
        ours:
          `needs-approval raised ${fmtSpread(na)} after the prompt showed; still ` +
          `waiting after ${fmtMs(r.opts.holdMs)}: ${waiting}/${o.length}`,
        other:
          `declared "done" ${fmtSpread(after)} after the prompt showed, gateway ` +
          `down: ${down}/${runs.length}${scaledNote(runs)}`,
        ratio: 'n/a (seed wrong)',
        verified:
          `seed ended by: ${endedBy(runs) || '–'}; ours cancelled at the end of ` +
          `the hold, ${left} tmux sessions left`,
      });
    }
  }

  {
    const o = oursLatency(ours('slowfix'));
    const runs = seed('slowfix', true);
    const before = spread(runs.map((x) => x.closedAt - x.sentAt));
    const down = runs.filter((x) => !x.healthyAtClose && x.fixAt === null).length;
    rows.push({
      id: '1d',
      what: `Agent ${SESSION_TITLES.slowfix}; seed brief as published (echo holds "HTTP 200")`,
      ours: `fix → closed ${fmtSpread(o)}`,
      other:
        `declared "done" ${fmtSpread(before)} after sending the brief, killed ` +
        `the agent before its fix, gateway down: ${down}/${runs.length}`,
      ratio: 'n/a (seed wrong)',
      verified: `${oursVerified(ours('slowfix'))}; seed ended by: ${endedBy(runs) || '–'}`,
    });
  }

  if (r.errors.length) {
    rows.push({
      id: '1!',
      what: 'Sessions that failed to run',
      ours: '',
      other: '',
      ratio: '',
      verified: r.errors.join('; '),
    });
  }
  return rows;
}
