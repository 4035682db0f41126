// How an incident is named for people, the same in the window, the CLI, the tray and notifications: its title
// says the finding (what the doctor found and did, what a restart did), cause first; the probe's symptom
// ("connection refused on 127.0.0.1:18789") is its subtitle. Credit is honest: "You" only when a person typed
// the fix; a person who only answered the agent's permission prompts approved the doctor's fix.
import type { Incident, IncidentEvent } from './contract.js';

/** The `summary` of the doctor's result line (`CLAWMEDIC_RESULT {"status":…,"summary":…}`), or null. */
export function doctorResultSummary(resultLine: string | null | undefined): string | null {
  if (!resultLine) return null;
  const json = /\{.*\}/.exec(resultLine)?.[0];
  if (!json) return null;
  try {
    const v = JSON.parse(json) as { summary?: unknown };
    return typeof v.summary === 'string' && v.summary.trim() ? v.summary.trim() : null;
  } catch {
    // Not JSON after all: no summary to show.
    return null;
  }
}

function sentence(text: string): string {
  const t = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.;:]+$/, '');
  return t ? t[0]!.toUpperCase() + t.slice(1) : t;
}

function lastEvent(inc: Incident, ...types: string[]): IncidentEvent | undefined {
  for (let i = inc.events.length - 1; i >= 0; i--) if (types.includes(inc.events[i]!.type)) return inc.events[i];
  return undefined;
}

/** What was wrong, in words, from the probe's kinds in the summary ("… (refused/timeout, 3 checks)"). */
export function incidentCause(inc: Incident): string {
  if (inc.trigger === 'manual') {
    if (/check-up/.test(inc.summary)) return 'Doctor check-up';
    if (/^restart/.test(inc.summary)) return 'Restart requested';
    return 'Doctor requested';
  }
  const kinds = /\(([a-z/-]+), \d+ checks?\)$/.exec(inc.summary)?.[1]?.split('/') ?? [];
  const flapping = /^flapping/.test(inc.summary) ? 'Gateway keeps failing' : null;
  if (flapping) return flapping;
  if (kinds.includes('stranger')) return 'Another program holds the gateway port';
  if (kinds.includes('refused')) return 'Gateway down';
  if (kinds.includes('timeout')) return 'Gateway hung';
  if (kinds.includes('http-error')) return 'Gateway answers with errors';
  if (kinds.includes('dns')) return 'Gateway host not found';
  return 'Gateway not answering';
}

/**
 * Why ClawMedic gave up, in a few words for a title (the timeline and the notification carry the whole reason,
 * so a title never repeats a long message).
 */
function whyNotFixed(inc: Incident): string {
  const circuit = lastEvent(inc, 'circuit-open')?.detail ?? '';
  const limit = /^(restart limit|doctor limit) reached/.exec(circuit)?.[0];
  if (limit) return limit;
  const why = lastEvent(inc, 'needs-attention')?.detail ?? '';
  if (/^no agent could work on it/.test(why)) return 'no agent could start';
  if (/doctor is disabled/.test(why)) return 'restarts did not help and the doctor is off';
  if (/no restart steps are configured/.test(why)) return 'no restart steps are configured';
  if (/after the requested restart/.test(why)) return 'still down after the restart';
  if (inc.doctor || inc.agent) return 'the doctor could not fix it';
  if (inc.restarts > 0) return 'restarts did not help';
  return 'ClawMedic gave up';
}

/** The incident's title: the finding, cause first. */
export function incidentTitle(inc: Incident): string {
  const cause = incidentCause(inc);
  const found = doctorResultSummary(inc.doctor?.resultLine);
  switch (inc.outcome) {
    case 'open': {
      const at = lastEvent(inc, 'doctor-started', 'restart-attempt', 'confirmed');
      const doing =
        at?.type === 'doctor-started'
          ? 'the doctor is at work'
          : at?.type === 'restart-attempt'
            ? 'restarting'
            : 'confirming';
      return `${cause}: ${doing}`;
    }
    case 'recovered':
      if (inc.trigger === 'manual' && inc.resolvedBy === 'self')
        return found ? `Check-up: ${sentence(found)}` : 'Check-up: nothing to fix';
      switch (inc.resolvedBy) {
        case 'restart':
          return `${cause}: back after ${inc.restarts > 1 ? `${inc.restarts} restarts` : 'a restart'}`;
        case 'self':
          return `${cause}: came back by itself`;
        case 'doctor':
        case 'human':
          if (found) return sentence(found);
          return `${cause}: fixed by ${inc.resolvedBy === 'human' ? 'you' : 'the doctor'}`;
        case null:
          return `${cause}: recovered`;
        default:
          // A known-fix rung or a playbook: named in words, lower-case inside the sentence.
          return `${cause}: fixed by ${rungWords(inc.resolvedBy, false)}`;
      }
    case 'timeout':
      return `${cause}: not fixed, the doctor ran out of time`;
    case 'cancelled':
      return `${cause}: stopped`;
    case 'interrupted':
      return `${cause}: interrupted (ClawMedic stopped)`;
    case 'failed':
      if (found) return `Not fixed: ${sentence(found).replace(/^[A-Z]/, (c) => c.toLowerCase())}`;
      return `${cause}: not fixed, ${whyNotFixed(inc)}`;
  }
}

/** Who fixed it, for a label: "Doctor (approved by you)" when a person only answered the agent's prompts. */
export function resolvedByWords(inc: Pick<Incident, 'resolvedBy' | 'doctor'>): string {
  switch (inc.resolvedBy) {
    case 'self':
      return 'By itself';
    case 'restart':
      return 'Restart';
    case 'doctor':
      return (inc.doctor?.promptsAnswered ?? 0) > 0 ? 'Doctor (approved by you)' : 'Doctor';
    case 'human':
      return 'You';
    case null:
      return '—';
    default:
      return rungWords(inc.resolvedBy, true);
  }
}

/**
 * A known-fix rung (`known-fix:config-restore` → "Known fix: config restore") or a playbook (`playbook:<id>`);
 * any other value (from a newer ClawMedic) is shown as it is.
 */
function rungWords(by: string, capital: boolean): string {
  const known = 'known-fix:';
  const playbook = 'playbook:';
  if (by.startsWith(known)) return `${capital ? 'K' : 'k'}nown fix: ${by.slice(known.length).replace(/-/g, ' ')}`;
  if (by.startsWith(playbook)) return `${capital ? 'P' : 'p'}laybook ${by.slice(playbook.length)}`;
  return by;
}

/** True when the gateway came back with no one's help: recovered, and no person typed or approved anything. */
export function recoveredWithoutYou(inc: Incident): boolean {
  if (inc.outcome !== 'recovered' || inc.resolvedBy === 'human') return false;
  return (inc.doctor?.promptsAnswered ?? 0) === 0;
}
