// The scripted agent sessions of benchmark 1, run by both detectors (ours and the seed model). Each is
// a FAKE_AGENT_SCRIPT for the stand-in agent TUI (test/fixtures/fake-agent.ts); the fix is a shell
// command that makes the stand-in gateway healthy (it creates the marker file its /healthz looks for).
import { spreadFraction } from './stats.js';

export type SessionKind = 'report' | 'wrapup' | 'permission' | 'slowfix';

export interface SessionSpec {
  kind: SessionKind;
  title: string;
  /** The agent's thinking time before the fix, ms (varied per repetition to sample poll phases). */
  thinkMs: number;
}

type Step = Record<string, unknown>;

/** After the fix, time the agent spends before its final words in the "report" session. */
export const REPORT_AFTER_FIX_MS = 800;
/** After the fix, time the agent keeps working (spinner turning) in the "wrap-up" session. */
export const WRAPUP_AFTER_FIX_MS = 5_000;
/**
 * Thinking time of the slow session: longer than one seed poll (30 s), so the seed's first look at the
 * pane comes before the fix and finds "HTTP 200" in its own echoed brief.
 */
export const SLOW_FIX_THINK_MS = 36_000;

export const SESSION_TITLES: Record<SessionKind, string> = {
  report: 'fixes it, reports, says "Recovery completed"',
  wrapup: `fixes it, works ${WRAPUP_AFTER_FIX_MS / 1000} s more, ends without a phrase`,
  permission: 'stops at a permission prompt before the fix',
  slowfix: `fixes it after ${SLOW_FIX_THINK_MS / 1000} s of work`,
};

export function sessionScript(kind: SessionKind, thinkMs: number, marker: string): Step[] {
  const report = {
    report: '# Recovery report\n\nThe gateway config had a typo; corrected it and restarted the gateway.',
  };
  const result = { result: { status: 'fixed', summary: 'corrected the config and restarted the gateway' } };
  const start = { say: 'Reading the context file and checking the gateway…' };
  switch (kind) {
    case 'report':
    case 'slowfix':
      return [
        start,
        { busy: Math.round(thinkMs) },
        { run: `touch ${marker}` },
        { busy: REPORT_AFTER_FIX_MS },
        { say: 'Recovery completed: the gateway answers its health check again.' },
        report,
        result,
      ];
    case 'wrapup':
      return [
        start,
        { busy: Math.round(thinkMs) },
        { run: `touch ${marker}` },
        { busy: WRAPUP_AFTER_FIX_MS },
        { say: 'Done. The gateway is back; I also tidied the log settings.' },
        report,
        result,
      ];
    case 'permission':
      // Asks before the command that would fix it; no one answers, so the gateway stays down.
      return [start, { busy: Math.round(thinkMs) }, { ask: `touch ${marker}` }, { say: 'Recovery completed.' }, result];
  }
}

/**
 * Thinking times for n repetitions, spread over one polling period of the detector under test plus a
 * golden-ratio fraction of a second, so both a 30 s and a 1 s poll clock are met at every phase.
 */
export function thinkTimes(kind: SessionKind, n: number, periodMs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const frac = spreadFraction(i);
    // Whole seconds for the coarse spread, so the fractions alone decide the phase within a second.
    const base =
      kind === 'slowfix'
        ? SLOW_FIX_THINK_MS
        : kind === 'permission'
          ? 1_000
          : 1_500 + Math.round((i * (periodMs - 3_000)) / n / 1000) * 1000;
    out.push(Math.round(base + frac * 1000));
  }
  return out;
}
