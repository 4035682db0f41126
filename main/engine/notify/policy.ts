// What is worth telling a human, and in which words. One pure function shared by the remote channels
// and the Electron shell's native notifications, so both say the same thing at the same moments:
//   down            a confirmed outage (incident opened by the health check), never a single failed probe
//   restarted       the restart ladder brought it back
//   doctor-started  the AI doctor's session is up, with the command to watch it live
//   needs-approval  the doctor waits for a person to answer a permission prompt
//   recovered       back, by the doctor, a person, or on its own; with the duration and what fixed it
//   failed          ClawMedic gave up (circuit open, doctor failed or timed out): what was tried, where the report is
//   fix-proposed    a known fix is ready and waits for a person's yes (what it does, the config diff)
//   warning         before an outage: a config edit that will not start, memory growth, low disk; or a
//                   precise note a known fix cannot act on (OpenClaw needs a newer Node)
import type { DoctorLive, EngineEvent, Incident, StatusSnapshot } from '../../../common/contract.js';
import { redact, redactDeep } from '../redact.js';
import { between, formatDuration, oneLine, truncate } from './format.js';
import { doctorResultSummary } from '../../../common/incident-words.js';
import { pendingAction, timeLeft } from '../../../common/status-words.js';

export { NotificationGate } from './gate.js';

export type MessageKind =
  | 'down'
  | 'restarted'
  | 'doctor-started'
  | 'needs-approval'
  | 'recovered'
  | 'failed'
  | 'test'
  | 'storage'
  | 'fix-proposed'
  | 'warning';
export type Severity = 'critical' | 'warning' | 'info' | 'success';

export interface Message {
  kind: MessageKind;
  /** null only for test messages. */
  incidentId: string | null;
  /** One line, plain text (channels escape it for their markup). */
  title: string;
  /** A few short lines, plain text. */
  body: string;
  severity: Severity;
  /** Same key = same news: the gate sends it once. */
  dedupeKey: string;
  /** How to watch or take over the doctor's session from a terminal on the watched machine. */
  attachCommand?: string;
  /** When it happened (ISO 8601). */
  at: string;
  /** Which machine: people who watch several gateways need to tell them apart. */
  host: string;
  /** Preformatted text shown as a code block (a pending command, log lines); interactive channels only. */
  code?: string;
  /** Buttons, in rows; interactive channels only (added when the message is sent, bound to one incident). */
  buttons?: ChatButton[][];
}

export interface ChatButton {
  text: string;
  /** Opaque data the channel sends back when pressed (at most 64 bytes for Telegram). */
  data: string;
}

export interface PolicyContext {
  /** The watched machine's name, shown in every title. */
  hostname: string;
  /** The engine's current status (for the doctor's attach command); optional. */
  status?: StatusSnapshot | null;
  /** Literal secrets to scrub (credential patterns are always scrubbed). */
  secrets?: readonly string[];
  /** The dashboard's address (no token) when `watch --dashboard` serves one: a link a person can follow. */
  dashboardUrl?: string | null;
}

/** Kinds that end an incident's story: earlier unsent news about the same incident is superseded by them. */
export const FINAL_KINDS: ReadonlySet<MessageKind> = new Set(['restarted', 'recovered', 'failed']);

const BODY_MAX = 600;

/**
 * EngineEvent → the message to send, or null when the event is not news for a human. The result is
 * redacted: the event is scrubbed before any wording, casing or truncation could disguise a secret
 * from the scrubber, and the message once more after.
 */
export function messageFor(event: EngineEvent, ctx: PolicyContext): Message | null {
  const opts = { secrets: ctx.secrets ?? [] };
  const msg = compose(redactDeep(event, opts), {
    ...ctx,
    status: ctx.status ? redactDeep(ctx.status, opts) : ctx.status,
  });
  return msg && redactMessage(msg, opts.secrets);
}

/** Scrubs every text field of a message. */
export function redactMessage(msg: Message, secrets: readonly string[] = []): Message {
  const r = (s: string) => redact(s, { secrets });
  return {
    ...msg,
    title: r(msg.title),
    body: r(msg.body),
    host: r(msg.host),
    ...(msg.attachCommand !== undefined ? { attachCommand: r(msg.attachCommand) } : {}),
    ...(msg.code !== undefined ? { code: r(msg.code) } : {}),
  };
}

function compose(event: EngineEvent, ctx: PolicyContext): Message | null {
  switch (event.type) {
    case 'incident-opened':
      return event.incident.trigger === 'health' ? downMessage(event.incident, ctx) : null;
    case 'incident-closed':
      return closedMessage(event.incident, ctx);
    case 'incident-event':
      // After ClawMedic gave up, the gateway may come back through someone else's hands.
      if (event.event.type === 'healthy-again') {
        return make(ctx, {
          kind: 'recovered',
          incidentId: event.incidentId,
          severity: 'success',
          title: `OpenClaw gateway is healthy again on ${ctx.hostname}`,
          body: `${sentence(event.event.detail)} No action from ClawMedic was needed.`,
          at: event.event.at,
        });
      }
      return null;
    case 'storage':
      // One message when writing starts failing and one when it works again (StorageHealth reports transitions).
      return redactMessage(
        {
          kind: 'storage',
          incidentId: null,
          severity: event.ok ? 'info' : 'warning',
          title: event.ok
            ? `ClawMedic writes its records again on ${ctx.hostname}`
            : `ClawMedic cannot write its records on ${ctx.hostname}`,
          body: event.detail,
          dedupeKey: `storage:${event.ok ? 'ok' : 'failing'}:${event.at}`,
          at: event.at,
          host: ctx.hostname,
        },
        ctx.secrets ?? [],
      );
    case 'doctor':
      if (event.phase === 'agent-started') return doctorStartedMessage(event, ctx);
      if (event.phase === 'needs-approval') return needsApprovalMessage(event, ctx);
      return null;
    case 'known-fix':
      if (event.phase === 'proposed' && event.pending) return fixProposedMessage(event, event.pending, ctx);
      if (event.phase === 'notified') {
        return make(ctx, {
          kind: 'warning',
          incidentId: event.incidentId,
          dedupeSuffix: event.rung,
          severity: 'critical',
          title: `OpenClaw gateway on ${ctx.hostname} cannot start: ${oneLine(event.detail).split('. ')[0]}`,
          body: sentence(event.detail),
          at: event.at,
        });
      }
      return null;
    case 'warnings': {
      const w = event.added[0];
      if (!w) return null;
      return redactMessage(
        {
          kind: 'warning',
          incidentId: null,
          severity: 'warning',
          title: truncate(oneLine(`${w.title} (${ctx.hostname})`), 200),
          body: truncate(
            [
              w.detail,
              w.diff ? `Diff from the last-known-good copy:\n${w.diff.split('\n').slice(2, 14).join('\n')}` : '',
            ]
              .filter(Boolean)
              .join('\n'),
            BODY_MAX,
          ),
          dedupeKey: `warning:${w.kind}:${w.title}`,
          at: event.at,
          host: ctx.hostname,
        },
        ctx.secrets ?? [],
      );
    }
    case 'check':
    case 'state':
    case 'preflight':
    case 'settings-changed':
    case 'settings-invalid':
    case 'notification-failed':
      // Routine checks and state changes are told by the incident messages above; a setup problem is shown where
      // the watcher starts (its output, the window); a message about a failed message would most likely fail too.
      return null;
  }
}

function fixProposedMessage(
  event: Extract<EngineEvent, { type: 'known-fix' }>,
  p: NonNullable<Extract<EngineEvent, { type: 'known-fix' }>['pending']>,
  ctx: PolicyContext,
): Message {
  const minutes = Math.max(1, Math.round((Date.parse(p.expiresAt) - Date.parse(event.at)) / 60_000));
  return make(ctx, {
    kind: 'fix-proposed',
    incidentId: event.incidentId,
    dedupeSuffix: p.recordId,
    severity: 'warning',
    title: `ClawMedic can fix the gateway on ${ctx.hostname}: it needs your yes`,
    body: [
      `Known fix: ${sentence(p.action)}`,
      p.diff ? `Config change:\n${p.diff.split('\n').slice(2, 14).join('\n')}` : '',
      `Answer in the ClawMedic window, or on ${ctx.hostname}: clawmedic fix approve (or decline). ` +
        `Without an answer within ${minutes} min ClawMedic goes on without it.`,
    ]
      .filter(Boolean)
      .join('\n'),
    at: event.at,
  });
}

/** The clearly-labelled message `clawmedic notify test` sends. */
export function testMessage(channel: string, ctx: PolicyContext, atIso: string): Message {
  return redactMessage(
    {
      kind: 'test',
      incidentId: null,
      severity: 'info',
      title: `ClawMedic test message (${channel})`,
      body:
        `This is a test from ClawMedic on ${ctx.hostname}. If you can read it, ` +
        `the "${channel}" channel works; nothing is wrong with the gateway.`,
      dedupeKey: `test:${channel}:${atIso}`,
      at: atIso,
      host: ctx.hostname,
    },
    ctx.secrets,
  );
}

// ---- builders ------------------------------------------------------------------------------

function make(
  ctx: PolicyContext,
  m: Omit<Message, 'dedupeKey' | 'host'> & { incidentId: string; dedupeSuffix?: string },
): Message {
  const { dedupeSuffix, ...rest } = m;
  return {
    ...rest,
    title: truncate(oneLine(rest.title), 200),
    body: truncate(rest.body.trim(), BODY_MAX),
    dedupeKey: `${m.incidentId}:${m.kind}${dedupeSuffix ? `:${dedupeSuffix}` : ''}`,
    host: ctx.hostname,
  };
}

function sentence(text: string): string {
  const t = oneLine(text);
  if (!t) return '';
  const s = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

function lastEvent(incident: Incident, ...types: string[]) {
  for (let i = incident.events.length - 1; i >= 0; i--) {
    const e = incident.events[i]!;
    if (types.includes(e.type)) return e;
  }
  return undefined;
}

function downMessage(incident: Incident, ctx: PolicyContext): Message {
  const confirmed = lastEvent(incident, 'confirmed');
  return make(ctx, {
    kind: 'down',
    incidentId: incident.id,
    severity: 'critical',
    title: `OpenClaw gateway is down on ${ctx.hostname}`,
    body: [
      sentence(incident.summary),
      confirmed ? `Confirmed by ${confirmed.detail.replace(/\s*\(gateway\.failureThreshold.*\)$/, '')}.` : '',
      'ClawMedic is restarting it and will report back.',
    ]
      .filter(Boolean)
      .join('\n'),
    at: confirmed?.at ?? incident.startedAt,
  });
}

function doctorLiveFor(incidentId: string, ctx: PolicyContext): DoctorLive | null {
  const d = ctx.status?.doctor;
  return d && d.incidentId === incidentId ? d : null;
}

/** The doctor reports "…; watch it with: <command>" in its detail; the live status is preferred. */
function attachFrom(detail: string): string | undefined {
  const m = /watch it with:\s*(.+)$/.exec(detail);
  return m ? m[1]!.trim() : undefined;
}

/** Where to watch and answer: the window, and the dashboard when one runs (never a local tmux socket path). */
function whereToWatch(ctx: PolicyContext, what: string): string {
  const dash = ctx.dashboardUrl ? `${ctx.dashboardUrl.replace(/\/?$/, '/')}#/live` : null;
  return dash
    ? `${what} in the dashboard on ${ctx.hostname}: ${dash}`
    : `${what} in the ClawMedic window on ${ctx.hostname} (menu bar › Open live terminal).`;
}

function doctorStartedMessage(event: Extract<EngineEvent, { type: 'doctor' }>, ctx: PolicyContext): Message {
  const live = doctorLiveFor(event.incidentId, ctx);
  const attach = live?.attachCommand ?? attachFrom(event.detail);
  const agent = live?.agent ?? /started "([^"]+)"/.exec(event.detail)?.[1] ?? 'the agent';
  const deadline = live ? between(live.startedAt, live.deadline) : null;
  return make(ctx, {
    kind: 'doctor-started',
    incidentId: event.incidentId,
    // A fallback agent is a new session with a new attach command: worth one more message.
    dedupeSuffix: live?.sessionName ?? agent,
    severity: 'warning',
    title: `AI doctor is working on the gateway on ${ctx.hostname}`,
    body: [
      `Restarts did not bring it back, so ${agent} is diagnosing it in a tmux session` +
        (deadline !== null ? ` (time limit ${formatDuration(deadline)})` : '') +
        '.',
      whereToWatch(ctx, 'Watch it live or take over'),
    ].join('\n'),
    at: event.at,
    // For programs (the webhook's attachCommand field), not the text a person reads far from the machine.
    ...(attach ? { attachCommand: attach } : {}),
  });
}

function needsApprovalMessage(event: Extract<EngineEvent, { type: 'doctor' }>, ctx: PolicyContext): Message {
  const live = doctorLiveFor(event.incidentId, ctx);
  const attach = live?.attachCommand;
  const action = pendingAction(live?.pendingRequest);
  const left = live ? timeLeft(live.deadline, Date.parse(event.at)) : '';
  const what = action ? `\`${action}\`` : 'an action';
  const waits = `${live?.agent ?? 'The agent'} waits for your approval to run ${what}`;
  return make(ctx, {
    kind: 'needs-approval',
    incidentId: event.incidentId,
    // Once per agent session: a person who answered one prompt is watching; more pings would be noise.
    dedupeSuffix: live?.sessionName ?? live?.agent,
    severity: 'warning',
    title: `The AI doctor needs your approval on ${ctx.hostname}${action ? `: ${action}` : ''}`,
    body: [
      `${waits}${left ? ` (${left} before the doctor's time limit)` : ''}.`,
      whereToWatch(ctx, 'Answer it (take over, then choose)'),
      'Until then the repair is on hold.',
    ].join('\n'),
    at: event.at,
    ...(attach ? { attachCommand: attach } : {}),
  });
}

function closedMessage(incident: Incident, ctx: PolicyContext): Message | null {
  const downFor = between(incident.startedAt, incident.endedAt);
  const took = downFor !== null ? formatDuration(downFor) : null;
  const closing = lastEvent(incident, incident.outcome);
  const at = incident.endedAt ?? closing?.at ?? incident.startedAt;
  const report = incident.reportPath ? `Report: ${incident.reportPath}` : '';
  const manual = incident.trigger === 'manual';

  if (incident.outcome === 'recovered') {
    // A manual run's success is not news to the person who started it (they watch the app).
    if (manual) return null;
    if (incident.resolvedBy === 'restart') {
      return make(ctx, {
        kind: 'restarted',
        incidentId: incident.id,
        severity: 'success',
        title: `OpenClaw gateway restarted on ${ctx.hostname}${took ? `, back after ${took}` : ''}`,
        body: [
          `It was down: ${oneLine(incident.summary)}.`,
          `${restartsText(incident.restarts)} brought it back; it answers healthy again.`,
        ].join('\n'),
        at,
      });
    }
    const approved = (incident.doctor?.promptsAnswered ?? 0) > 0;
    const by = incident.resolvedBy ?? '';
    const fixedBy =
      by === 'doctor'
        ? `the AI doctor${incident.agent ? ` (${incident.agent})` : ''}${approved ? ', with your approval' : ''}`
        : by === 'human'
          ? 'you, at the keyboard'
          : by.startsWith('known-fix:')
            ? `a known fix (${by.slice('known-fix:'.length)}), without an agent`
            : by.startsWith('playbook:')
              ? `playbook ${by.slice('playbook:'.length)}, without an agent`
              : by === 'self' || by === ''
                ? 'itself, without a restart'
                : by;
    const diff = incident.rungs?.find((r) => r.status === 'recovered')?.diff;
    const what = doctorSummary(incident) ?? (closing ? oneLine(closing.detail) : '');
    const cost = incident.doctor?.costUsd != null ? `Doctor cost: $${incident.doctor.costUsd.toFixed(2)}.` : '';
    return make(ctx, {
      kind: 'recovered',
      incidentId: incident.id,
      severity: 'success',
      title: `OpenClaw gateway recovered on ${ctx.hostname}${took ? ` after ${took}` : ''}`,
      body: [
        `Fixed by ${fixedBy}.`,
        what ? `What fixed it: ${sentence(what)}` : '',
        diff ? `Config change (undo it in the ClawMedic window):\n${diff.split('\n').slice(2, 12).join('\n')}` : '',
        `It was down: ${oneLine(incident.summary)}.`,
        cost,
        report,
      ]
        .filter(Boolean)
        .join('\n'),
      at,
    });
  }

  if (incident.outcome === 'failed' || incident.outcome === 'timeout' || incident.outcome === 'cancelled') {
    const why = closing ? sentence(closing.detail) : '';
    const circuit = lastEvent(incident, 'circuit-open');
    const retry = lastEvent(incident, 'retry-planned');
    const tried = triedText(incident);
    return make(ctx, {
      kind: 'failed',
      incidentId: incident.id,
      severity: 'critical',
      title:
        incident.outcome === 'timeout'
          ? `OpenClaw gateway still down on ${ctx.hostname}: the doctor ran out of time`
          : `OpenClaw gateway still down on ${ctx.hostname}: needs your attention`,
      body: [
        why,
        circuit && circuit !== closing ? `Safety limit: ${sentence(circuit.detail)}` : '',
        tried ? `Tried: ${tried}.` : '',
        took ? `Down for ${took} so far (${oneLine(incident.summary)}).` : '',
        report || 'Details: run clawmedic incidents on that machine.',
        retry
          ? `${sentence(retry.detail)} Fix it sooner and ClawMedic notices within one check.`
          : 'ClawMedic will not retry on its own; fix it and it notices within one check.',
      ]
        .filter(Boolean)
        .join('\n'),
      at,
    });
  }
  // interrupted: ClawMedic stopped mid-incident; the next start re-checks
  // the gateway and opens a fresh incident if it is still down, so a message now would only confuse.
  return null;
}

function restartsText(n: number): string {
  if (n <= 1) return 'A restart';
  return `${n} restarts`;
}

function triedText(incident: Incident): string {
  const parts: string[] = [];
  if (incident.restarts > 0) parts.push(`${incident.restarts} restart${incident.restarts === 1 ? '' : 's'}`);
  for (const r of incident.rungs ?? []) parts.push(`${r.rung} (${r.status})`);
  const attempts = incident.doctor?.attempts ?? [];
  if (attempts.length) {
    parts.push(`the AI doctor (${attempts.map((a) => `${a.agent}: ${oneLine(a.ended)}`).join('; ')})`);
  } else if (incident.agent) {
    parts.push(`the AI doctor (${incident.agent})`);
  }
  return parts.join(', then ');
}

/** The doctor's own one-line result, when it printed one (its summary; else the line as it is). */
function doctorSummary(incident: Incident): string | null {
  const line = incident.doctor?.resultLine;
  if (!line) return null;
  return doctorResultSummary(line) ?? line;
}
