// What `clawmedic service install` writes: a systemd user unit (Linux) or a launchd agent (macOS) that runs
// `clawmedic watch` with the settings file and data dir baked in. Pure text builders, so `--print` shows
// exactly what install would write and the tests can verify it (systemd-analyze, a plist parser).

export type Manager = 'systemd' | 'launchd';

export const SYSTEMD_UNIT_NAME = 'clawmedic.service';
export const LAUNCHD_LABEL = 'dev.clawmedic.watch';

export interface ServiceSpec {
  /** Absolute path of the Node executable that runs the CLI. */
  node: string;
  /** Absolute path of bin/clawmedic.js. */
  cli: string;
  /** Absolute path of the settings file. */
  settingsFile: string;
  /** Absolute path of the data dir (the working directory; its watch.lock is the one-watcher rule). */
  dataDir: string;
  /** PATH for the watcher: tmux, openclaw and the agents must be found as in the installing shell. */
  path: string;
  /** The gateway the watcher looks after (for the description). */
  gatewayUrl: string;
  /** launchd only: the file stdout and stderr go to (systemd logs to the journal). */
  logFile: string;
}

/** The command line the service runs. */
export function watchArgv(spec: ServiceSpec): string[] {
  return [spec.node, spec.cli, '--config', spec.settingsFile, 'watch'];
}

/** C0 controls and DEL (built from a string so the source holds no raw control characters). */
const SYSTEMD_FORBIDDEN_CLASS = '[\\u0000-\\u001f\\u007f]';
const SYSTEMD_FORBIDDEN = new RegExp(SYSTEMD_FORBIDDEN_CLASS);

/**
 * One ExecStart=/Environment= word, quoted for systemd: `%` is a specifier and `$` a variable there, so
 * both are doubled; anything beyond a plain path character is double-quoted with C-style escapes.
 */
export function systemdQuote(word: string): string {
  if (SYSTEMD_FORBIDDEN.test(word)) {
    throw new Error(`cannot put a control character into a systemd unit: ${JSON.stringify(word)}`);
  }
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./$-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The systemd user unit. Restart=on-failure: `clawmedic watch` exits 0 on SIGTERM, so `systemctl stop`
 * stays stopped while a crash restarts it. KillMode=mixed: SIGTERM goes to the watcher alone, which ends a
 * running doctor session itself and records the incident; whatever is left is killed after the timeout.
 */
export function systemdUnit(spec: ServiceSpec): string {
  const env = (name: string, value: string) => `Environment=${systemdQuote(`${name}=${value}`)}`;
  return [
    '# Installed by `clawmedic service install`; `clawmedic service uninstall` removes it.',
    `# Settings: ${spec.settingsFile}`,
    `# Data dir: ${spec.dataDir}`,
    '[Unit]',
    `Description=ClawMedic watcher for the OpenClaw gateway at ${spec.gatewayUrl.replace(/%/g, '%%')}`,
    'After=network-online.target',
    'Wants=network-online.target',
    // 5 starts in 5 min: a watcher that cannot even start (bad settings: exit 2) stops retrying quickly
    // instead of filling the journal; `clawmedic service status` then shows why.
    'StartLimitIntervalSec=300',
    'StartLimitBurst=5',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${watchArgv(spec).map(systemdQuote).join(' ')}`,
    // Taken literally (no quotes, spaces allowed); only specifiers need escaping.
    `WorkingDirectory=${spec.dataDir.replace(/%/g, '%%')}`,
    env('CLAWMEDIC_CONFIG', spec.settingsFile),
    env('PATH', spec.path),
    // Plain lines in the journal, no colour codes.
    env('NO_COLOR', '1'),
    // Incidents, transcripts and reports are private (0600 files, 0700 folders) whatever the user's umask.
    'UMask=0077',
    'Restart=on-failure',
    // 10 s between restarts: a crash loop costs little, and a port or lock held by the dying process is free by then.
    'RestartSec=10',
    'KillMode=mixed',
    // 30 s to stop: the watcher ends a doctor session and flushes notifications (5 s at most) well within it.
    'TimeoutStopSec=30',
    'StandardOutput=journal',
    'StandardError=journal',
    'SyslogIdentifier=clawmedic',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

/** The control characters XML 1.0 cannot hold (all C0 but tab, newline and carriage return). */
const XML_FORBIDDEN_CLASS = '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]';
const XML_FORBIDDEN = new RegExp(XML_FORBIDDEN_CLASS);

function xml(text: string): string {
  // XML 1.0 cannot hold most control characters, even escaped.
  if (XML_FORBIDDEN.test(text)) {
    throw new Error(`cannot put a control character into a plist: ${JSON.stringify(text)}`);
  }
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The launchd agent. KeepAlive.SuccessfulExit=false restarts the watcher when it exits with a failure, not
 * after a clean stop; ThrottleInterval spaces restarts as RestartSec does for systemd.
 */
export function launchdPlist(spec: ServiceSpec): string {
  const str = (s: string) => `<string>${xml(s)}</string>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Installed by `clawmedic service install`; `clawmedic service uninstall` removes it. -->',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  ${str(LAUNCHD_LABEL)}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...watchArgv(spec).map((a) => `    ${str(a)}`),
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    '    <key>CLAWMEDIC_CONFIG</key>',
    `    ${str(spec.settingsFile)}`,
    '    <key>PATH</key>',
    `    ${str(spec.path)}`,
    '    <key>NO_COLOR</key>',
    '    <string>1</string>',
    '  </dict>',
    '  <key>WorkingDirectory</key>',
    `  ${str(spec.dataDir)}`,
    '  <key>RunAtLoad</key>',
    '  <true/>',
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    // 10 s: the same spacing as the systemd unit's RestartSec.
    '  <key>ThrottleInterval</key>',
    '  <integer>10</integer>',
    // 30 s: as TimeoutStopSec in the systemd unit.
    '  <key>ExitTimeOut</key>',
    '  <integer>30</integer>',
    // 0077 (63): private files whatever the user's umask.
    '  <key>Umask</key>',
    '  <integer>63</integer>',
    '  <key>ProcessType</key>',
    '  <string>Background</string>',
    '  <key>StandardOutPath</key>',
    `  ${str(spec.logFile)}`,
    '  <key>StandardErrorPath</key>',
    `  ${str(spec.logFile)}`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
