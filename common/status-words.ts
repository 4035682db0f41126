// The gateway's condition and what ClawMedic is doing about it, in words: the Overview's headline, the window's
// state pill and the notifications say the same thing ("Down · doctor at work", "Needs your approval —
// `lsof -i :18789` — 4 min left", "Unknown — disconnected").
import type { DoctorLive, StatusSnapshot } from './contract.js';

/** Tone drives colour and the glyph's shape; the words always say it too. */
export type Tone = 'ok' | 'warn' | 'bad' | 'busy' | 'idle';

export interface Condition {
  /** Short, for a pill: "Healthy", "Down · restarting", "Needs your approval". */
  headline: string;
  tone: Tone;
  /** The reason, a sentence: why, and what happens next. */
  detail: string;
}

/**
 * The one line of a permission prompt that says what the agent wants to do: the command of a "Bash command"
 * prompt, the file of an edit; else the prompt's first line.
 */
export function pendingAction(request: string | null | undefined): string | null {
  const lines = (request ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.length) return null;
  const head = lines[0]!;
  if (/^(bash( command)?|run)$/i.test(head) && lines[1]) return lines[1];
  if (/^(edit|write|create|read|update)( file)?$/i.test(head) && lines[1]) return `${head} ${lines[1]}`;
  return head;
}

/** "4 min left", "40 s left", "time is up". */
export function timeLeft(deadlineIso: string, nowMs: number): string {
  const ms = Date.parse(deadlineIso) - nowMs;
  if (!Number.isFinite(ms)) return '';
  if (ms <= 0) return 'time is up';
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s left`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min left` : `${Math.round(m / 60)} h left`;
}

/** What a doctor waiting for approval needs, in one line: "`lsof -i :18789` — 4 min left". */
export function approvalLine(d: DoctorLive, nowMs: number): string {
  const action = pendingAction(d.pendingRequest);
  const left = timeLeft(d.deadline, nowMs);
  return [action ? `\`${action}\`` : null, left].filter(Boolean).join(' — ');
}

function since(iso: string | null, nowMs: number): string {
  if (!iso) return '';
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (!Number.isFinite(s)) return '';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 120 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * The condition for people. `connected` false: the window lost the watcher (a dashboard whose connection
 * dropped); what it last heard may no longer be true, so it says so instead of showing a stale "Healthy".
 */
export function describeCondition(s: StatusSnapshot | null, nowMs: number, connected = true): Condition {
  if (!connected) {
    return {
      headline: 'Unknown — disconnected',
      tone: 'idle',
      detail:
        'The connection to the watcher dropped; this page reconnects by itself. ' +
        'Until then, what it shows may be out of date.',
    };
  }
  if (!s) return { headline: 'Connecting…', tone: 'idle', detail: 'Asking the watcher how the gateway is.' };
  const d = s.doctor;
  const reason = s.reason.trim();
  if (d?.needsApproval) {
    const action = pendingAction(d.pendingRequest);
    return {
      headline: `Needs your approval${action ? ` — \`${action}\`` : ''} — ${timeLeft(d.deadline, nowMs)}`,
      tone: 'bad',
      detail:
        `The doctor (${d.agent}) waits for a person to allow ${action ? `\`${action}\`` : 'an action'}. ` +
        'Answer it in the live ' +
        'terminal (take over, then choose); until then the repair is on hold.',
    };
  }
  switch (s.state) {
    case 'healthy':
      // "healthy (3.2 ms)" repeats the last check shown beside it; "recovered by restart" says something.
      return {
        headline: 'Healthy',
        tone: 'ok',
        detail:
          reason && !/^healthy\b/.test(reason)
            ? `The gateway answers its health check (${reason}).`
            : 'The gateway answers its health check.',
      };
    case 'degraded': {
      const failing = s.lastCheck?.failing ?? [];
      const what = failing.length ? `${failing.join(', ')} failing` : 'not ready';
      return {
        headline: 'Degraded',
        tone: 'warn',
        detail: `The gateway is up, but ${what}. ClawMedic reports it and does not restart for it.`,
      };
    }
    case 'starting':
      return { headline: 'Starting', tone: 'idle', detail: reason || 'Waiting for the first health check.' };
    case 'failing': {
      const n = s.consecutiveFailures;
      return {
        headline: 'Failing · confirming',
        tone: 'warn',
        detail:
          `${n} failed check${n === 1 ? '' : 's'}${reason ? ` (${reason})` : ''}; ` +
          'ClawMedic confirms before it acts.',
      };
    }
    case 'restarting':
      return {
        headline: 'Down · restarting',
        tone: 'busy',
        detail: `Restarting the gateway${reason ? `: ${reason}` : ''}.`,
      };
    case 'recovering': {
      if (!d) return { headline: 'Down · doctor at work', tone: 'busy', detail: reason };
      const ran = since(d.startedAt, nowMs);
      const who = d.takenOver ? 'You have the keyboard' : `${d.agent} is working on it`;
      return {
        headline: d.takenOver ? 'Down · you have the keyboard' : 'Down · doctor at work',
        tone: 'busy',
        detail: (
          `${who}${ran ? ` (${ran} so far, ${timeLeft(d.deadline, nowMs)})` : ''}. ` + (reason ? `Why: ${reason}.` : '')
        ).trim(),
      };
    }
    case 'needs-attention':
      return {
        headline: 'Needs your attention',
        tone: 'bad',
        detail: `ClawMedic stopped trying${reason ? `: ${reason}` : ''}.`,
      };
    case 'paused': {
      const until = s.pausedUntil ? `until ${new Date(s.pausedUntil).toTimeString().slice(0, 5)}` : 'until resumed';
      return {
        headline: 'Paused',
        tone: 'idle',
        detail: `Monitoring is paused ${until}: no checks, restarts, doctor or alerts.`,
      };
    }
    case 'stopped':
      return { headline: 'Stopped', tone: 'idle', detail: reason || 'Monitoring has stopped.' };
  }
}
