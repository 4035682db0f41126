// How the CLI shows engine data to a person. JSON output never goes through here.
import stripAnsi from 'strip-ansi';
import type { EngineEvent, GatewayCheck, Incident, SupervisorState } from '../../common/contract.js';
import { incidentTitle, resolvedByWords } from '../../common/incident-words.js';

/**
 * C0 controls but tab and newline, DEL, and C1 controls: none has a place in a line of text. (Built from a
 * string so the source holds no raw control characters.)
 */
const CONTROL_CLASS = '[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]';
const CONTROL = new RegExp(CONTROL_CLASS, 'g');

/**
 * Text that came from outside (restart output, the agent's result line, log tails, a stranger's answer) may
 * carry terminal control sequences: OSC 0 retitles the window, OSC 52 writes the clipboard, CSI moves the
 * cursor. They are removed before anything reaches the terminal; whatever escape survives loses its ESC.
 */
export function clean(text: string): string {
  return stripAnsi(text).replace(CONTROL, '');
}

/** A URL as printed: a password in it is masked (`user:***@host`), so it never lands in a terminal log. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    // Not a URL: printed as it is (settings validation already refuses it).
    return url;
  }
}

/** The dashboard URL without its token (for log lines). */
export function withoutToken(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('token');
  return u.toString();
}

/** True for http(s)://localhost, 127.0.0.0/8 and [::1]. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === 'localhost' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
  } catch {
    return false;
  }
}

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
export const dim = (s: string) => paint(2, s);
export const bold = (s: string) => paint(1, s);
export const red = (s: string) => paint(31, s);
export const green = (s: string) => paint(32, s);
export const yellow = (s: string) => paint(33, s);

export function stateLabel(state: SupervisorState): string {
  const label = state.padEnd(24);
  switch (state) {
    case 'healthy':
      return green(label);
    case 'degraded':
    case 'failing':
    case 'starting':
    case 'paused':
      return yellow(label);
    case 'restarting':
    case 'recovering':
      return bold(yellow(label));
    case 'needs-attention':
    case 'stopped':
      return red(label);
  }
}

export function clockTime(isoString: string): string {
  const d = new Date(isoString);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  );
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function incidentDuration(inc: Incident): string {
  if (!inc.endedAt) return 'ongoing';
  return duration(Date.parse(inc.endedAt) - Date.parse(inc.startedAt));
}

export function describeCheck(c: GatewayCheck): string {
  switch (c.condition) {
    case 'healthy':
      return `healthy (${c.health.latencyMs} ms)`;
    case 'degraded':
      return `alive but degraded: failing ${c.failing.join(', ') || 'readiness'}`;
    case 'starting':
      return 'starting';
    case 'down':
      return `${red('DOWN')}: ${clean(c.health.detail)}`;
  }
}

/** Reasons shorter than this are cheaper to repeat than to point back to. */
const SAID_MIN_CHARS = 40;

/**
 * What this run has printed already, so one problem is told once: the engine repeats a reason in every event it
 * causes (an agent's launch error in the fallback, the doctor's end, needs-attention, the state change), and a
 * person should read it once. A later line that holds a reason printed before points back to it instead.
 */
export class Said {
  private readonly reasons: string[] = [];

  /** Remembers a reason printed some other way (a preflight line at start), and each of its "; " parts. */
  remember(text: string): void {
    for (const part of [text, ...text.split(/;\s+/)]) {
      // Without its final stop: the same sentence often continues ("…full path; no other agent…").
      const t = part.trim().replace(/[.;]$/, '');
      if (t.length >= SAID_MIN_CHARS && !this.reasons.includes(t)) this.reasons.push(t);
    }
  }

  /** The text with each reason printed before replaced by "(see above)"; the text itself is remembered. */
  shorten(text: string): string {
    let out = text;
    // Longest first: a reason that contains another must be matched whole.
    for (const r of [...this.reasons].sort((a, b) => b.length - a.length)) {
      if (out.trim() === r) return '(see above)';
      if (out.includes(r)) out = out.split(r).join('(see above)');
    }
    this.remember(text);
    return out;
  }
}

/** One line per event for `watch` (null: not worth a line); with `said`, a reason already printed is not repeated. */
export function eventLine(e: EngineEvent, said?: Said): string | null {
  const why = (text: string) => (said ? said.shorten(clean(text)) : clean(text));
  switch (e.type) {
    case 'state':
      return `${dim(clockTime(e.at))}  ${stateLabel(e.state)} ${why(e.reason)}`;
    case 'incident-opened':
      return (
        `${dim(clockTime(e.incident.startedAt))}  ${bold('incident'.padEnd(24))} ` +
        `${e.incident.id} opened: ${clean(e.incident.summary)}`
      );
    case 'incident-event':
      if (e.event.type === 'probe-failed' || e.event.type === 'recovered') return null;
      return `${dim(clockTime(e.event.at))}  ${dim(('  ' + clean(e.event.type)).padEnd(24))} ${why(e.event.detail)}`;
    case 'incident-closed':
      return (
        `${dim(clockTime(e.incident.endedAt ?? e.incident.startedAt))}  ${bold('incident'.padEnd(24))} ` +
        `${e.incident.id} ${outcomeLabel(e.incident)} after ${incidentDuration(e.incident)}: ` +
        why(incidentTitle(e.incident))
      );
    case 'doctor':
      // The same steps arrive as incident events (doctor-*), with more detail: print those.
      return null;
    case 'settings-invalid':
      return (
        `${red('settings')}        ${e.file} is invalid, still using the last valid settings:\n` +
        e.problems.map((p) => `    ${clean(p.path)}: ${clean(p.message)}`).join('\n')
      );
    case 'settings-changed':
      return `${dim(clockTime(new Date().toISOString()))}  settings        reloaded`;
    case 'notification-failed':
      return `${dim(clockTime(e.at))}  ${yellow('notify')}          ${clean(e.channel)} failed: ${why(e.detail)}`;
    case 'storage':
      return `${dim(clockTime(e.at))}  ${e.ok ? green('records') : red('records')}         ${clean(e.detail)}`;
    case 'known-fix':
      // The same steps arrive as incident events (known-fix-*), with more detail: print those.
      return null;
    case 'warnings':
      return (
        e.added.map((w) => `${dim(clockTime(e.at))}  ${yellow('warning'.padEnd(24))} ${clean(w.title)}`).join('\n') ||
        null
      );
    case 'check':
    case 'preflight':
      // The start prints the preflight itself; a later one (settings changed) is seen in `clawmedic status`.
      return null;
  }
}

export function outcomeLabel(inc: Incident): string {
  const by = inc.resolvedBy
    ? ` by ${resolvedByWords(inc)
        .toLowerCase()
        .replace(/^by itself$/, 'itself')}`
    : '';
  switch (inc.outcome) {
    case 'recovered':
      return green(`recovered${by}`);
    case 'open':
      return yellow('open');
    case 'failed':
    case 'timeout':
    case 'cancelled':
    case 'interrupted':
      return red(inc.outcome);
  }
}

export function incidentTable(list: Incident[]): string {
  if (list.length === 0) return 'No incidents recorded.';
  const rows = list.map((i) => [
    i.id,
    clockTime(i.startedAt),
    i.trigger,
    i.outcome + (i.resolvedBy ? ` (${resolvedByWords(i).toLowerCase()})` : ''),
    incidentDuration(i),
    clean(i.agent ?? '-'),
    clean(incidentTitle(i)),
  ]);
  const head = ['ID', 'STARTED', 'TRIGGER', 'OUTCOME', 'DURATION', 'AGENT', 'WHAT HAPPENED'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ');
  return [bold(fmt(head)), ...rows.map(fmt)].join('\n');
}

export function incidentTimeline(inc: Incident): string {
  const lines = [
    `${bold(inc.id)}  ${inc.trigger}  ${outcomeLabel(inc)}  ${incidentDuration(inc)}`,
    `  ${bold(clean(incidentTitle(inc)))}`,
    `  ${dim(clean(inc.summary))}`,
    ...inc.events.map((e) => `  ${dim(clockTime(e.at))}  ${clean(e.type).padEnd(22)} ${clean(e.detail)}`),
  ];
  if (inc.reportPath) lines.push(`  report:     ${inc.reportPath}`);
  if (inc.transcriptPath) lines.push(`  transcript: ${inc.transcriptPath}`);
  return lines.join('\n');
}
