// Words and numbers for people: durations, relative times, state and outcome labels. Pure.
import type { Incident, IncidentOutcome, SupervisorState } from '../../../common/contract.js';
import { resolvedByWords } from '../../../common/incident-words.js';

/** 75 → "1:15", 3700 → "1:01:40". */
export function clock(totalSec: number): string {
  const s = Math.max(0, Math.floor(totalSec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/** 42 → "42 s", 310 → "5 min", 7260 → "2 h 1 min", 90000 → "1 d 1 h". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export function durationBetween(startIso: string, endIso: string | null, nowMs: number): string {
  const start = Date.parse(startIso);
  const end = endIso ? Date.parse(endIso) : nowMs;
  if (!Number.isFinite(start) || !Number.isFinite(end)) return '—';
  return duration(end - start);
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 d ago", then a date. */
export function ago(iso: string, nowMs: number): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '—';
  const s = Math.round((nowMs - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  if (s < 2 * 86_400) return 'yesterday';
  if (s < 14 * 86_400) return `${Math.floor(s / 86_400)} d ago`;
  return new Date(t).toISOString().slice(0, 10);
}

/** Local time of day, 24-hour, to the second ("06:29:15"): one format everywhere, never a 12-hour one. */
export function timeOfDay(iso: string): string {
  const t = new Date(iso);
  if (!Number.isFinite(t.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

/** Local date and time to the minute, for tooltips and detail views. */
export function when(iso: string): string {
  const t = new Date(iso);
  if (!Number.isFinite(t.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

export const STATE_LABEL: Record<SupervisorState, string> = {
  starting: 'Starting',
  healthy: 'Healthy',
  degraded: 'Degraded',
  failing: 'Failing',
  restarting: 'Restarting',
  recovering: 'Doctor at work',
  'needs-attention': 'Needs attention',
  paused: 'Paused',
  stopped: 'Stopped',
};

/** Tone drives colour and the glyph; the label always says it in words too. */
export type Tone = 'ok' | 'warn' | 'bad' | 'busy' | 'idle';

export const STATE_TONE: Record<SupervisorState, Tone> = {
  starting: 'idle',
  healthy: 'ok',
  degraded: 'warn',
  failing: 'warn',
  restarting: 'busy',
  recovering: 'busy',
  'needs-attention': 'bad',
  paused: 'idle',
  stopped: 'idle',
};

export function stateLabel(s: string): string {
  return (STATE_LABEL as Record<string, string>)[s] ?? s;
}

export function stateTone(s: string): Tone {
  return (STATE_TONE as Record<string, Tone>)[s] ?? 'idle';
}

export const OUTCOME_LABEL: Record<IncidentOutcome, string> = {
  recovered: 'Recovered',
  failed: 'Failed',
  timeout: 'Timed out',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  open: 'In progress',
};

export const OUTCOME_TONE: Record<IncidentOutcome, Tone> = {
  recovered: 'ok',
  failed: 'bad',
  timeout: 'bad',
  cancelled: 'idle',
  interrupted: 'warn',
  open: 'busy',
};

export function outcomeLabel(o: string): string {
  return (OUTCOME_LABEL as Record<string, string>)[o] ?? o;
}

export function outcomeTone(o: string): Tone {
  return (OUTCOME_TONE as Record<string, Tone>)[o] ?? 'idle';
}

/** Who fixed it, for a label (common/incident-words.ts: "Doctor (approved by you)", "You" only for typing). */
export function resolvedByLabel(inc: Pick<Incident, 'resolvedBy' | 'doctor'>): string {
  return resolvedByWords(inc);
}

/** "doctor-agent-started" → "Doctor agent started"; unknown types still read as words. */
export function eventTypeLabel(type: string): string {
  const words = type.replace(/[-_]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : type;
}

export interface DoctorProgress {
  elapsedSec: number;
  limitSec: number;
  /** 0..1 */
  fraction: number;
  overdue: boolean;
}

export function doctorProgress(startedAt: string, deadline: string, nowMs: number): DoctorProgress {
  const start = Date.parse(startedAt);
  const end = Date.parse(deadline);
  const limitSec = Math.max(1, (end - start) / 1000);
  const elapsedSec = Math.max(0, (nowMs - start) / 1000);
  return { elapsedSec, limitSec, fraction: Math.min(1, elapsedSec / limitSec), overdue: elapsedSec > limitSec };
}
