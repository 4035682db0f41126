// @ts-check
// A realistic engine state for screenshots and browser tests: a doctor session in progress, two weeks
// of incidents, and settings with a channel or two. Times are relative to `now`.

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
    fg(33, '│') + dim('   cwd: ~/.clawmedic/doctor/inc-20250611-0412              ') + fg(33, '│'),
    fg(33, '╰──────────────────────────────────────────────────────────╯'),
    '',
    `${fg(90, '>')} Read the context file and restore the gateway at http://127.0.0.1:18789.`,
    '',
    `${fg(32, '●')} I'll start with the gateway status and the recent log.`,
    '',
    `${fg(32, '●')} ${bold('Bash')}(openclaw status)`,
    `  ${dim('└')}  Gateway: ${fg(31, 'stopped')} (last exit code 1)`,
    `     Config: ~/.openclaw/openclaw.json`,
    `     Port:   18789 ${dim('(not listening)')}`,
    '',
    `${fg(32, '●')} ${bold('Bash')}(openclaw config validate)`,
    `  ${dim('└')}  ${fg(31, '✗')} channels.telegram.pollIntervalMs: expected number, got string "5s"`,
    `     1 problem found`,
    '',
    `${fg(32, '●')} ${bold('Read')}(~/.openclaw/openclaw.json)`,
    `  ${dim('└')}  Read 48 lines`,
    '',
    `${fg(32, '●')} The config has a string where a number is required. The gateway refuses`,
    `  to start with an invalid config, which explains the refused connections.`,
    `  I'll fix the value (5s → 5000 ms) and validate again.`,
    '',
    `${fg(32, '●')} ${bold('Update')}(~/.openclaw/openclaw.json)`,
    `  ${dim('└')}  Updated ~/.openclaw/openclaw.json with 1 addition and 1 removal`,
    `     ${fg(31, '- "pollIntervalMs": "5s",')}`,
    `     ${fg(32, '+ "pollIntervalMs": 5000,')}`,
    '',
    `${fg(32, '●')} ${bold('Bash')}(openclaw config validate)`,
    `  ${dim('└')}  ${fg(32, '✓')} config is valid`,
    '',
    `${fg(32, '●')} ${bold('Bash')}(openclaw gateway restart)`,
    `  ${dim('└')}  Restarting gateway… started (pid 48211)`,
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

**Cause:** \`channels.telegram.pollIntervalMs\` was the string \`"5s"\`; the gateway refuses to start with an invalid config, so every health check saw *connection refused*.

## What I did
1. \`openclaw status\` — gateway stopped, exit code 1.
2. \`openclaw config validate\` — one problem, the value above.
3. Changed it to \`5000\` (milliseconds) and validated again: valid.
4. \`openclaw gateway restart\` — healthy 14 s later.

## Follow-up
- The value came from a manual edit on Tuesday; consider \`openclaw config set\` next time.
- Docs: https://docs.openclaw.ai/gateway/configuration
`;

const DIFF = `--- openclaw.json (before)
+++ openclaw.json (after)
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
 * @param {number} now epoch ms
 * @returns {{ incidents: Incident[], details: Record<string, { report: string | null, transcript: string | null }> }}
 */
export function incidentHistory(now) {
  const H = 3_600_000;
  const D = 24 * H;
  const iso = (/** @type {number} */ ms) => new Date(ms).toISOString();
  const owner = { pid: 4242, hostname: 'mac-mini' };
  /** @param {Partial<Incident> & { id: string, start: number, mins: number }} o @returns {Incident} */
  const make = (o) => {
    const { start, mins, ...rest } = o;
    return {
      trigger: 'health',
      startedAt: iso(start),
      endedAt: iso(start + mins * 60_000),
      outcome: 'recovered',
      resolvedBy: 'restart',
      agent: null,
      reportPath: null,
      transcriptPath: null,
      events: [],
      summary: 'connection refused (3 probes)',
      restarts: 1,
      doctor: null,
      owner,
      ...rest,
    };
  };
  const t0 = now - 2 * H - 17 * 60_000;
  const ev = (/** @type {number} */ offsetSec, /** @type {string} */ type, /** @type {string} */ detail) => ({ at: iso(t0 + offsetSec * 1000), type, detail });
  const doctorIncident = make({
    id: 'inc-20250611-0412',
    start: t0,
    mins: 7.6,
    resolvedBy: 'doctor',
    agent: 'claude',
    restarts: 2,
    summary: 'connection refused: invalid gateway config',
    reportPath: '/home/you/.clawmedic/incidents/inc-20250611-0412/report.md',
    transcriptPath: '/home/you/.clawmedic/incidents/inc-20250611-0412/transcript.log',
    events: [
      ev(0, 'probe-failed', 'connection refused on 127.0.0.1:18789'),
      ev(10, 'confirmed', '3 consecutive failures'),
      ev(11, 'restart-attempt', 'attempt 1 of 2: openclaw gateway restart'),
      ev(71, 'restart-failed', 'not healthy within 60 s'),
      ev(81, 'restart-attempt', 'attempt 2 of 2'),
      ev(141, 'restart-failed', 'not healthy within 60 s'),
      ev(142, 'doctor-started', 'claude (Claude Code 2.1.330)'),
      ev(146, 'doctor-prompt-sent', 'recovery brief, 2.1 KB'),
      ev(418, 'doctor-agent-stopped', 'agent reported success'),
      ev(432, 'healthy-again', '/healthz 200 in 4 ms'),
      ev(456, 'recovered', 'verified by 3 healthy probes'),
    ],
    doctor: {
      attempts: [{ agent: 'claude', startedAt: iso(t0 + 142_000), endedAt: iso(t0 + 418_000), ended: 'finished' }],
      sessionName: 'clawmedic-inc-20250611-0412',
      attachCommand: null,
      resultLine: 'CLAWMEDIC_RESULT {"fixed":true}',
      configDiff: DIFF,
      costUsd: 0.08,
      tokens: { input: 41_230, output: 3_118 },
    },
  });
  const incidents = [
    doctorIncident,
    make({ id: 'inc-20250609-2231', start: now - 2 * D - 3 * H, mins: 1.2, summary: 'timeout: /healthz did not answer in 5 s' }),
    make({
      id: 'inc-20250607-0905',
      start: now - 4 * D - 6 * H,
      mins: 31,
      outcome: 'timeout',
      resolvedBy: null,
      agent: 'claude',
      restarts: 2,
      summary: 'port 18789 held by another process',
      events: [
        { at: iso(now - 4 * D - 6 * H), type: 'probe-failed', detail: 'stranger: 200 but not the gateway health JSON' },
        { at: iso(now - 4 * D - 6 * H + 31 * 60_000), type: 'needs-attention', detail: 'doctor timed out after 30 min' },
      ],
    }),
    make({ id: 'inc-20250606-1410', start: now - 5 * D - 1 * H, mins: 0.6, resolvedBy: 'self', restarts: 0, summary: 'http 503 (2 probes)' }),
    make({ id: 'inc-20250604-0330', start: now - 7 * D - 2 * H, mins: 2.4, summary: 'connection refused (3 probes)' }),
    make({ id: 'inc-20250601-1702', start: now - 10 * D - 5 * H, mins: 9.5, resolvedBy: 'doctor', agent: 'codex', restarts: 2, summary: 'crash loop after npm update' }),
    make({ id: 'inc-20250530-0815', start: now - 12 * D, mins: 4, outcome: 'cancelled', resolvedBy: 'human', trigger: 'manual', restarts: 0, summary: 'doctor started by hand, stopped by you' }),
  ];
  const transcript = doctorSessionChunks().join('') + '\r\n\x1b[32m●\x1b[39m The gateway answers /healthz with 200. Report written.\r\n';
  return {
    incidents,
    details: {
      [doctorIncident.id]: { report: REPORT, transcript },
    },
  };
}

/** Settings as a user might have them: defaults plus a Discord channel and a Telegram bot. */
export function sampleSettings() {
  return {
    gateway: { url: 'http://127.0.0.1:18789', checkIntervalSec: 30, failureThreshold: 3 },
    doctor: { agents: ['claude', 'codex'], timeoutSec: 1800 },
    notify: {
      native: true,
      channels: [
        { name: 'discord', type: 'discord', enabled: true, url: 'https://discord.com/api/webhooks/1234567890/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789' },
        { name: 'phone', type: 'telegram', enabled: true, token: '7123456789:AAHk3v9xQm2Lw8ZrT5nYp0sJd4fGh6uKe1c', chatId: '99887766' },
      ],
    },
  };
}
