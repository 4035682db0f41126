// @ts-check
// A realistic engine state for screenshots and browser tests: a doctor session in progress, two weeks
// of incidents, and settings with a channel or two. Everything is derived from `now` (ids, dates, the
// events' times), worded the way the engine words it, and the session prints what Claude Code prints.
import { healthyPreflight, incidentIdAt, sessionNameAt } from './fake-engine.mjs';

/** @typedef {import('../../common/contract.js').Incident} Incident */

const ESC = '\x1b[';
const dim = (/** @type {string} */ s) => `${ESC}2m${s}${ESC}22m`;
const bold = (/** @type {string} */ s) => `${ESC}1m${s}${ESC}22m`;
const fg = (/** @type {number} */ n, /** @type {string} */ s) => `${ESC}${n}m${s}${ESC}39m`;

/** Terminal output of a doctor session, as chunks the way a PTY would deliver them. */
export function doctorSessionChunks() {
  const lines = [
    fg(33, '╭──────────────────────────────────────────────────────────╮'),
    fg(33, '│') + ` ${fg(33, '✻')} ${bold('Doctor session')} · ClawMedic recovery brief loaded        ` + fg(33, '│'),
    fg(33, '│') + dim('   cwd: ~/.clawmedic/doctor                                ') + fg(33, '│'),
    fg(33, '╰──────────────────────────────────────────────────────────╯'),
    '',
    `${fg(90, '>')} Read the context file and restore the gateway at http://127.0.0.1:18789.`,
    '',
    `${fg(32, '⏺')} I'll start with the gateway status and the recent log.`,
    '',
    `${fg(32, '⏺')} ${bold('Bash')}(openclaw status)`,
    `  ${dim('⎿')}  Gateway: ${fg(31, 'stopped')} (last exit code 1)`,
    `     Config: ~/.openclaw/openclaw.json`,
    `     Port:   18789 ${dim('(not listening)')}`,
    '',
    `${fg(32, '⏺')} ${bold('Bash')}(openclaw config validate)`,
    `  ${dim('⎿')}  ${fg(31, '✗')} channels.telegram.pollIntervalMs: expected number, got string "5s"`,
    `     1 problem found`,
    '',
    `${fg(32, '⏺')} ${bold('Read')}(~/.openclaw/openclaw.json)`,
    `  ${dim('⎿')}  Read 48 lines`,
    '',
    `${fg(32, '⏺')} The config has a string where a number is required. The gateway refuses`,
    `  to start with an invalid config, which explains the refused connections.`,
    `  I'll fix the value (5s → 5000 ms) and validate again.`,
    '',
    `${fg(32, '⏺')} ${bold('Update')}(~/.openclaw/openclaw.json)`,
    `  ${dim('⎿')}  Updated ~/.openclaw/openclaw.json with 1 addition and 1 removal`,
    `     ${fg(31, '- "pollIntervalMs": "5s",')}`,
    `     ${fg(32, '+ "pollIntervalMs": 5000,')}`,
    '',
    `${fg(32, '⏺')} ${bold('Bash')}(openclaw config validate)`,
    `  ${dim('⎿')}  ${fg(32, '✓')} config is valid`,
    '',
    `${fg(32, '⏺')} ${bold('Bash')}(openclaw gateway restart)`,
    `  ${dim('⎿')}  Restarting gateway… started (pid 48211)`,
    '',
    `${fg(36, '✶')} ${dim('Waiting for the gateway to answer /healthz… (esc to interrupt)')}`,
  ];
  const text = lines.join('\r\n') + '\r\n';
  // PTY-sized pieces: a few hundred bytes each, never splitting an escape sequence.
  const chunks = [];
  let cur = '';
  for (const line of text.split(/(?<=\r\n)/)) {
    cur += line;
    if (cur.length > 300) {
      chunks.push(cur);
      cur = '';
    }
  }
  if (cur) chunks.push(cur);
  return chunks;
}

const REPORT = `# Recovery report

**Cause:** \`channels.telegram.pollIntervalMs\` was the string \`"5s"\`; the gateway refuses to start with an \
invalid config, so every health check saw *connection refused*.

## What I did
1. \`openclaw status\` — gateway stopped, exit code 1.
2. \`openclaw config validate\` — one problem, the value above.
3. Changed it to \`5000\` (milliseconds) and validated again: valid.
4. \`openclaw gateway restart\` — healthy 14 s later.

## Follow-up
- The value came from a manual edit on Tuesday; consider \`openclaw config set\` next time.
- Docs: https://docs.openclaw.ai/gateway/configuration
`;

const DIFF = `--- /Users/you/.openclaw/openclaw.json (before)
+++ /Users/you/.openclaw/openclaw.json (after)
@@ -21,7 +21,7 @@
   "channels": {
     "telegram": {
       "enabled": true,
-      "pollIntervalMs": "5s",
+      "pollIntervalMs": 5000,
       "allowFrom": ["@owner"]
     }
   },
`;

/**
 * Two weeks of incidents, newest first, each worded as the engine records it.
 * @param {number} now epoch ms
 * @returns {{ incidents: Incident[], details: Record<string, { report: string | null, transcript: string | null }> }}
 */
export function incidentHistory(now) {
  const S = 1000;
  const M = 60 * S;
  const H = 60 * M;
  const D = 24 * H;
  const iso = (/** @type {number} */ ms) => new Date(ms).toISOString();
  const owner = { pid: 4242, hostname: 'mac-mini' };
  const dataDir = '/Users/you/.clawmedic';
  const refused = 'connection refused on 127.0.0.1:18789: nothing is listening';
  /**
   * @param {{ start: number, hex: string, events: [number, string, string][] } & Omit<Partial<Incident>, 'events'>} o
   *   events: [seconds after the start, type, detail]; the last one's time is the end.
   * @returns {Incident}
   */
  const make = (o) => {
    const { start, hex, events, ...rest } = o;
    const id = incidentIdAt(start, hex);
    const timeline = events.map(([sec, type, detail]) => ({ at: iso(start + sec * S), type, detail }));
    const open = rest.outcome === 'open';
    return {
      id,
      trigger: 'health',
      startedAt: iso(start),
      endedAt: open ? null : (timeline.at(-1)?.at ?? iso(start)),
      outcome: 'recovered',
      resolvedBy: 'restart',
      agent: null,
      reportPath: null,
      transcriptPath: null,
      events: timeline,
      summary: `${refused} (refused, 3 checks)`,
      restarts: 1,
      doctor: null,
      owner,
      ...rest,
    };
  };
  /** @param {number} start @param {string} hex */
  const files = (start, hex) => ({
    reportPath: `${dataDir}/incidents/${incidentIdAt(start, hex)}/report.md`,
    transcriptPath: `${dataDir}/incidents/${incidentIdAt(start, hex)}/transcript.log`,
  });
  /** @param {number} n @param {number} at */
  const confirm = (n, at) =>
    /** @type {[number, string, string][]} */ ([
      [0, 'probe-failed', refused],
      [5, 'probe-failed', refused],
      [10, 'probe-failed', refused],
      [at, 'confirmed', `${n} consecutive failed checks (gateway.failureThreshold = 3)`],
    ]);
  const restartOk = /** @type {[number, string, string][]} */ ([
    [11, 'restart-attempt', 'attempt 1 of 2: openclaw gateway restart'],
    [
      29,
      'restart-step',
      '`openclaw gateway restart` succeeded in 17.6 s: Gateway started (pid 51207) on 127.0.0.1:18789.',
    ],
  ]);
  const result = (/** @type {string} */ status, /** @type {string} */ summary) =>
    `CLAWMEDIC_RESULT ${JSON.stringify({ status, summary })}`;

  // The doctor's repair of a config edit that the gateway refused to start with (the session in the screenshots).
  const t0 = now - 2 * H - 17 * M;
  const configFix = make({
    start: t0,
    hex: '3fa29c',
    resolvedBy: 'doctor',
    agent: 'claude',
    restarts: 2,
    ...files(t0, '3fa29c'),
    events: [
      ...confirm(3, 10),
      [11, 'restart-attempt', 'attempt 1 of 2: openclaw gateway restart'],
      [
        13,
        'restart-step',
        '`openclaw gateway restart` exited 78 after 1.9 s: Config invalid: channels.telegram.pollIntervalMs',
      ],
      [13, 'restart-failed', 'attempt 1 failed; skipped waiting for healthy'],
      [13, 'backoff', 'waiting 10 s before the next attempt'],
      [23, 'restart-attempt', 'attempt 2 of 2: openclaw gateway restart'],
      [
        25,
        'restart-step',
        '`openclaw gateway restart` exited 78 after 1.8 s: Config invalid: channels.telegram.pollIntervalMs',
      ],
      [25, 'restart-failed', 'attempt 2 failed; skipped waiting for healthy'],
      [26, 'doctor-started', 'doctor started; time limit 30 min; agents: claude'],
      [27, 'doctor-agent-started', `started "claude" in tmux session ${sessionNameAt(t0 + 27 * S, 'e4c90a')}`],
      [31, 'doctor-prompt-sent', 'recovery brief pasted (2.1 KB); the agent confirmed it (UserPromptSubmit)'],
      [398, 'doctor-gateway-healthy', "the gateway answers its health check again (ClawMedic's own probe)"],
      [402, 'doctor-agent-stopped', 'claude finished its turn (fixed: changed pollIntervalMs to 5000 and restarted)'],
      [403, 'doctor-finished', "recovered: the gateway is healthy again (ClawMedic's own probe), fixed by claude"],
      [403, 'recovered', 'healthy: /healthz 200 in 4 ms'],
    ],
    doctor: {
      attempts: [{ agent: 'claude', startedAt: iso(t0 + 27 * S), endedAt: iso(t0 + 403 * S), ended: 'recovered' }],
      sessionName: sessionNameAt(t0 + 27 * S, 'e4c90a'),
      attachCommand: null,
      resultLine: result(
        'fixed',
        'Changed channels.telegram.pollIntervalMs from "5s" to 5000 and restarted the gateway',
      ),
      configDiff: DIFF,
      costUsd: 0.08,
      tokens: { input: 41_230, output: 3_118 },
    },
  });

  const t1 = now - 2 * D - 3 * H;
  const hung = make({
    start: t1,
    hex: '91b0d7',
    summary: 'no answer within 5 s: the gateway accepts connections but is hung (timeout, 3 checks)',
    events: [
      [0, 'probe-failed', 'no answer within 5 s: the gateway accepts connections but is hung'],
      [20, 'confirmed', '3 consecutive failed checks (gateway.failureThreshold = 3)'],
      [21, 'restart-attempt', 'attempt 1 of 2: openclaw gateway restart'],
      [
        52,
        'restart-step',
        '`openclaw gateway restart` succeeded in 30.8 s: Gateway stopped (SIGKILL after 30 s); started (pid 50114).',
      ],
      [71, 'recovered', 'healthy again after restart attempt 1'],
    ],
  });

  const t2 = now - 4 * D - 6 * H;
  const stranger = make({
    start: t2,
    hex: '0d6e3a',
    outcome: 'timeout',
    resolvedBy: null,
    agent: 'claude',
    restarts: 2,
    summary:
      "HTTP 200 but not the gateway's health JSON: another program answers on 127.0.0.1:18789 (stranger, 3 checks)",
    ...files(t2, '0d6e3a'),
    events: [
      [0, 'probe-failed', "HTTP 200 but not the gateway's health JSON: another program answers on 127.0.0.1:18789"],
      [10, 'confirmed', '3 consecutive failed checks (gateway.failureThreshold = 3)'],
      [11, 'restart-attempt', 'attempt 1 of 2: openclaw gateway restart'],
      [
        75,
        'restart-failed',
        'still not healthy 60 s after attempt 1 (restart.waitHealthySec): another program answers',
      ],
      [86, 'restart-attempt', 'attempt 2 of 2: openclaw gateway restart'],
      [
        150,
        'restart-failed',
        'still not healthy 60 s after attempt 2 (restart.waitHealthySec): another program answers',
      ],
      [151, 'doctor-started', 'doctor started; time limit 30 min; agents: claude'],
      [1951, 'doctor-finished', 'timeout: the doctor ran out of time (30 min)'],
      [1951, 'needs-attention', 'the doctor ran out of time (30 min); the gateway is still down'],
    ],
    doctor: {
      attempts: [
        { agent: 'claude', startedAt: iso(t2 + 152 * S), endedAt: iso(t2 + 1951 * S), ended: 'timeout: 30 min' },
      ],
      sessionName: sessionNameAt(t2 + 152 * S, '5a0c11'),
      attachCommand: null,
      resultLine: null,
      configDiff: null,
      costUsd: 0.31,
      tokens: { input: 152_004, output: 9_877 },
    },
  });

  const t3 = now - 5 * D - 1 * H;
  const flaky = make({
    start: t3,
    hex: 'c2f815',
    resolvedBy: 'self',
    restarts: 0,
    summary: 'HTTP 503 from /healthz (http-error, 3 checks)',
    events: [
      [0, 'probe-failed', 'HTTP 503 from /healthz'],
      [10, 'confirmed', '3 consecutive failed checks (gateway.failureThreshold = 3)'],
      [36, 'recovered', 'healthy again before a restart was needed'],
    ],
  });

  const t4 = now - 7 * D - 2 * H;
  const crash = make({
    start: t4,
    hex: '6b93d4',
    events: [...confirm(3, 10), ...restartOk, [41, 'recovered', 'healthy again after restart attempt 1']],
  });

  // A stale gateway process held the port; the agent asked to end it and a person approved it from the window.
  const t5 = now - 10 * D - 5 * H;
  const stale = make({
    start: t5,
    hex: 'a4e07b',
    resolvedBy: 'doctor',
    agent: 'claude',
    restarts: 2,
    summary: `${refused} (refused, 3 checks)`,
    ...files(t5, 'a4e07b'),
    events: [
      ...confirm(3, 10),
      [11, 'restart-attempt', 'attempt 1 of 2: openclaw gateway restart'],
      [14, 'restart-step', '`openclaw gateway restart` exited 1 after 2.4 s: port 18789 is already in use'],
      [15, 'restart-failed', 'attempt 1 failed; skipped waiting for healthy'],
      [25, 'restart-attempt', 'attempt 2 of 2: openclaw gateway restart'],
      [28, 'restart-step', '`openclaw gateway restart` exited 1 after 2.5 s: port 18789 is already in use'],
      [29, 'restart-failed', 'attempt 2 failed; skipped waiting for healthy'],
      [30, 'doctor-started', 'doctor started; time limit 30 min; agents: claude'],
      [
        212,
        'doctor-needs-approval',
        'claude is waiting for a person to approve an action (a permission prompt is showing)',
      ],
      [251, 'doctor-taken-over', 'a person took over the keyboard'],
      [252, 'doctor-approval-resolved', 'the permission prompt was answered'],
      [254, 'doctor-handed-back', 'the person handed the session back'],
      [566, 'doctor-finished', "recovered: the gateway is healthy again (ClawMedic's own probe), fixed by claude"],
      [566, 'recovered', 'healthy: /healthz 200 in 5 ms'],
    ],
    doctor: {
      attempts: [{ agent: 'claude', startedAt: iso(t5 + 30 * S), endedAt: iso(t5 + 566 * S), ended: 'recovered' }],
      sessionName: sessionNameAt(t5 + 30 * S, '77d2e0'),
      attachCommand: null,
      resultLine: result(
        'fixed',
        'Ended a stale gateway process (pid 48102) that held port 18789, then restarted the gateway',
      ),
      configDiff: null,
      promptsAnswered: 1,
      costUsd: 0.11,
      tokens: { input: 58_420, output: 4_006 },
    },
  });

  const t6 = now - 12 * D;
  const byHand = make({
    start: t6,
    hex: '5e17c8',
    trigger: 'manual',
    outcome: 'cancelled',
    resolvedBy: null,
    agent: 'claude',
    restarts: 0,
    summary: 'doctor requested by the user',
    events: [
      [0, 'doctor-started', 'doctor started; time limit 30 min; agents: claude'],
      [240, 'cancelled', 'the doctor session was stopped'],
    ],
  });

  const incidents = [configFix, hung, stranger, flaky, crash, stale, byHand];
  const transcript =
    doctorSessionChunks().join('') + '\r\n\x1b[32m⏺\x1b[39m The gateway answers /healthz with 200. Report written.\r\n';
  return {
    incidents,
    details: {
      [configFix.id]: { report: REPORT, transcript },
    },
  };
}

/**
 * The incident a doctor session works on: confirmed, two restarts that could not start the gateway (its config does
 * not validate), then the doctor, still at work.
 * @param {string} id the session's incident (the fake engine's status names it)
 * @param {number} doctorStartedMs
 * @returns {Incident}
 */
export function openIncidentFor(id, doctorStartedMs) {
  const start = doctorStartedMs - 142_000;
  const at = (/** @type {number} */ sec) => new Date(start + sec * 1000).toISOString();
  const refused = 'connection refused on 127.0.0.1:18789: nothing is listening';
  return {
    id,
    trigger: 'health',
    startedAt: at(0),
    endedAt: null,
    outcome: 'open',
    resolvedBy: null,
    agent: 'claude',
    reportPath: null,
    transcriptPath: null,
    events: [
      { at: at(0), type: 'probe-failed', detail: refused },
      { at: at(10), type: 'confirmed', detail: '3 consecutive failed checks (gateway.failureThreshold = 3)' },
      { at: at(11), type: 'restart-attempt', detail: 'attempt 1 of 2: openclaw gateway restart' },
      { at: at(13), type: 'restart-failed', detail: 'attempt 1 failed; skipped waiting for healthy' },
      { at: at(23), type: 'restart-attempt', detail: 'attempt 2 of 2: openclaw gateway restart' },
      { at: at(25), type: 'restart-failed', detail: 'attempt 2 failed; skipped waiting for healthy' },
      { at: at(142), type: 'doctor-started', detail: 'doctor started; time limit 30 min; agents: claude' },
    ],
    summary: `${refused} (refused, 3 checks)`,
    restarts: 2,
    doctor: null,
    owner: { pid: 4242, hostname: 'mac-mini' },
  };
}

/**
 * The preflight on a Mac where OpenClaw is not installed yet and no channel is set: what a first run shows.
 * @param {number} nowMs
 * @returns {import('../../common/contract.js').PreflightReport}
 */
export function setupProblems(nowMs) {
  const r = healthyPreflight(nowMs);
  const set = (
    /** @type {string} */ id,
    /** @type {Partial<import('../../common/contract.js').PreflightItem>} */ over,
  ) =>
    Object.assign(
      /** @type {import('../../common/contract.js').PreflightItem} */ (r.items.find((x) => x.id === id)),
      over,
    );
  set('restart', {
    status: 'fail',
    detail: '`openclaw` (in `openclaw gateway restart`) is not on PATH',
    fix:
      'Install OpenClaw (`npm install -g openclaw`), or set the restart command to a program that restarts ' +
      'the gateway.',
    setting: 'restart.command',
  });
  set('gateway-config', {
    status: 'warn',
    detail: '/Users/you/.openclaw/openclaw.json does not exist',
    fix: "Point it at OpenClaw's config file (`openclaw config path` prints it): the doctor snapshots and checks it.",
    setting: 'gateway.configPath',
  });
  set('notify', {
    status: 'warn',
    detail: 'no channel is set: an outage is only seen here',
    fix: 'Add a channel (Discord, Slack, Telegram, ntfy, a webhook) to hear about outages elsewhere.',
    setting: 'notify.channels',
  });
  return r;
}

/** Settings as a user might have them: defaults plus a Discord channel and a Telegram bot. */
export function sampleSettings() {
  return {
    gateway: { url: 'http://127.0.0.1:18789', checkIntervalSec: 30, failureThreshold: 3 },
    doctor: { agents: ['claude', 'codex'], timeoutSec: 1800 },
    notify: {
      native: true,
      channels: [
        {
          name: 'discord',
          type: 'discord',
          enabled: true,
          url: 'https://discord.com/api/webhooks/1234567890/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
        },
        {
          name: 'phone',
          type: 'telegram',
          enabled: true,
          token: '7123456789:AAHk3v9xQm2Lw8ZrT5nYp0sJd4fGh6uKe1c',
          chatId: '99887766',
        },
      ],
    },
  };
}
