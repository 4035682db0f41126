// Numbers behind the incidents chart: incidents per day by outcome, and an uptime estimate from the
// time incidents were open. Pure; times in epoch milliseconds, days in local time.
import type { Incident, IncidentOutcome } from '../../../common/contract.js';
import { recoveredWithoutYou } from '../../../common/incident-words.js';

export interface DayBin {
  /** Local midnight of the day. */
  start: number;
  label: string;
  counts: Record<IncidentOutcome, number>;
  total: number;
  /** Milliseconds of that day covered by an open incident. */
  downMs: number;
}

export interface HistorySummary {
  days: DayBin[];
  incidents: number;
  recovered: number;
  /** Recovered with no one's help: no person typed the fix or answered the agent's prompts. */
  withoutYou: number;
  /** 0..1 over the window: 1 - (time inside incidents) / window. */
  uptime: number;
  /** Median time to recovery of recovered incidents in the window, or null. */
  medianRecoveryMs: number | null;
}

const DAY_MS = 86_400_000;
const OUTCOMES: IncidentOutcome[] = ['recovered', 'failed', 'timeout', 'cancelled', 'interrupted', 'open'];

function localMidnight(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function emptyCounts(): Record<IncidentOutcome, number> {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<IncidentOutcome, number>;
}

/** Merged [start, end) intervals, clipped to [from, to). */
function mergeIntervals(spans: [number, number][], from: number, to: number): [number, number][] {
  const clipped = spans
    .map(([a, b]): [number, number] => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const s of clipped) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

export function summarize(incidents: Incident[], nowMs: number, dayCount = 14): HistorySummary {
  const today = localMidnight(nowMs);
  const days: DayBin[] = [];
  for (let i = dayCount - 1; i >= 0; i--) {
    // Via Date (not i * DAY_MS) so days stay aligned across daylight-saving changes.
    const d = new Date(today);
    d.setDate(d.getDate() - i);
    const start = d.getTime();
    days.push({
      start,
      label: `${d.getMonth() + 1}/${d.getDate()}`,
      counts: emptyCounts(),
      total: 0,
      downMs: 0,
    });
  }
  const from = days[0]!.start;
  const spans: [number, number][] = [];
  const recoveries: number[] = [];
  let count = 0;
  let recovered = 0;
  let withoutYou = 0;
  for (const inc of incidents) {
    const start = Date.parse(inc.startedAt);
    if (!Number.isFinite(start)) continue;
    const end = inc.endedAt ? Date.parse(inc.endedAt) : nowMs;
    spans.push([start, Number.isFinite(end) ? end : nowMs]);
    if (start < from || start > nowMs) continue;
    count++;
    let idx = days.length - 1;
    while (idx > 0 && days[idx]!.start > start) idx--;
    const bin = days[idx]!;
    bin.counts[inc.outcome] = (bin.counts[inc.outcome] ?? 0) + 1;
    bin.total++;
    if (recoveredWithoutYou(inc)) withoutYou++;
    if (inc.outcome === 'recovered') {
      recovered++;
      if (Number.isFinite(end)) recoveries.push(end - start);
    }
  }
  const merged = mergeIntervals(spans, from, nowMs);
  let downMs = 0;
  for (const [a, b] of merged) {
    downMs += b - a;
    for (const bin of days) {
      const next = bin.start + DAY_MS;
      bin.downMs += Math.max(0, Math.min(b, next) - Math.max(a, bin.start));
    }
  }
  const windowMs = Math.max(1, nowMs - from);
  recoveries.sort((a, b) => a - b);
  const mid = Math.floor(recoveries.length / 2);
  const median =
    recoveries.length === 0
      ? null
      : recoveries.length % 2
        ? recoveries[mid]!
        : (recoveries[mid - 1]! + recoveries[mid]!) / 2;
  const uptime = Math.max(0, 1 - downMs / windowMs);
  return { days, incidents: count, recovered, withoutYou, uptime, medianRecoveryMs: median };
}

/** "99.95 %", "100 %", "87.3 %": enough digits to tell a good week from a perfect one. */
export function percent(fraction: number): string {
  const p = fraction * 100;
  if (p >= 100) return '100 %';
  // Rounded down: 99.996 % must not read as "100 %" when there was downtime.
  if (p >= 99.9) return `${(Math.floor(p * 100) / 100).toFixed(2)} %`;
  return `${(Math.floor(p * 10) / 10).toFixed(1)} %`;
}

/**
 * The share of the last `windowMs` the gateway was up, estimated from incidents (the time between an incident's
 * start and end counts as down; an open incident counts until now). 1 with no incidents in the window.
 */
export function uptimeOver(incidents: Incident[], nowMs: number, windowMs: number): number {
  const from = nowMs - windowMs;
  const spans: [number, number][] = [];
  for (const inc of incidents) {
    const start = Date.parse(inc.startedAt);
    const end = inc.endedAt ? Date.parse(inc.endedAt) : nowMs;
    if (Number.isFinite(start)) spans.push([start, Number.isFinite(end) ? end : nowMs]);
  }
  const down = mergeIntervals(spans, from, nowMs).reduce((n, [a, b]) => n + (b - a), 0);
  return Math.max(0, 1 - down / windowMs);
}
