// The preflight: before anything goes wrong, can each step of the ladder work as configured? The settings file,
// the gateway's URL and config, the restart command's program, each agent (found, and its version), tmux,
// node-pty, the data folder, and who hears about an outage. Each finding is ✓/✗ with the fix and the settings key
// that fixes it, so a missing `openclaw` or `claude` is told at start, not discovered in the first outage.
// Found the same way the ladder finds things: the login shell's PATH (tools.ts), the same messages (profiles.ts).
import { execFile } from 'node:child_process';
import { accessSync, constants as fsc, existsSync, promises as fsp } from 'node:fs';
import JSON5 from 'json5';
import type { PreflightItem, PreflightReport, Problem } from '../../common/contract.js';
import type { Settings } from '../../common/settings-schema.js';
import { agentNotFound } from './agents/profiles.js';
import { verifyPrivateDirSync } from './fsutil.js';
import { checkPtyHelper, findPtyDir, type PtyHelperCheck } from './pty-check.js';
import { restartSteps } from './settings/index.js';
import { findTool, resolveCommand } from './tools.js';

/** 5 s for `<agent> --version`: Claude Code answers in under a second; a loaded Mac can take a few. */
const VERSION_TIMEOUT_MS = 5000;

export interface PreflightInput {
  /** Resolved settings (paths expanded). */
  settings: Settings;
  settingsFile: string;
  /** Problems of the settings file (the engine then runs on the last valid settings or the defaults). */
  settingsProblems: Problem[];
  /** The environment the ladder runs with (the login shell's PATH in the app). */
  env: NodeJS.ProcessEnv;
  /** Whether this process shows native notifications (the app: notify.native); null when it cannot (the CLI). */
  native: boolean | null;
  /** Valid settings that will cause trouble (a Telegram bot OpenClaw polls too), by key path. */
  warnings?: Problem[];
  now?: () => number;
  /** node-pty's spawn-helper check; replaced in tests. */
  ptyCheck?: () => PtyHelperCheck | null;
}

const item = (
  id: string,
  label: string,
  status: PreflightItem['status'],
  detail: string,
  fix: string | null = null,
  setting: string | null = null,
): PreflightItem => ({ id, label, status, detail, fix, setting });

/** `cmd --version`, first line, or why not. Never throws. */
function versionOf(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: boolean; text: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: VERSION_TIMEOUT_MS, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const first = (s: string) =>
        s
          .split('\n')
          .map((l) => l.trim())
          .find(Boolean) ?? '';
      if (err) {
        const why = (err as { killed?: boolean }).killed
          ? `no answer within ${VERSION_TIMEOUT_MS / 1000} s`
          : first(stderr) || first(stdout) || err.message;
        resolve({ ok: false, text: why.slice(0, 200) });
      } else resolve({ ok: true, text: (first(stdout) || first(stderr)).slice(0, 120) });
    });
  });
}

/** Words a shell runs itself, or that only prefix the real program. */
const SHELL_BUILTINS = new Set(['true', 'false', ':', 'cd', 'echo', 'printf', 'test', '[', 'kill', 'exit', 'sleep']);
const PREFIXES = new Set(['exec', 'command', 'nohup', 'env', 'time']);

/**
 * The program a restart command runs first, when that can be told without a shell: `openclaw gateway restart`
 * → `openclaw`; `FOO=1 exec launchctl …` → `launchctl`. null for shell syntax (pipes, variables, subshells).
 */
export function firstProgram(command: string): string | null {
  const words = command.trim().split(/\s+/);
  for (const w of words) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || PREFIXES.has(w)) continue;
    if (/[$`(){};|&<>"'*?\\]/.test(w)) return null;
    return w;
  }
  return null;
}

function settingsItem(i: PreflightInput): PreflightItem {
  const file = i.settingsFile;
  const first = i.settingsProblems[0];
  if (first) {
    const more = i.settingsProblems.length - 1;
    return item(
      'settings',
      'Settings file',
      'fail',
      `${file}: ${first.path}: ${first.message}${more > 0 ? ` (and ${more} more)` : ''}`,
      'Fix the file (`clawmedic config validate` lists every problem); ' +
        'until then ClawMedic runs on the last valid settings.',
      first.path.startsWith('(') ? null : first.path,
    );
  }
  return item(
    'settings',
    'Settings file',
    'ok',
    existsSync(file) ? file : `${file} does not exist yet: the defaults apply`,
  );
}

/** A URL as shown: a password in it is masked (`user:***@host`), so it never reaches a screen or a log. */
function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function gatewayUrlItem(s: Settings): PreflightItem {
  const url = shownUrl(s.gateway.url);
  let host = '';
  try {
    host = new URL(url).hostname;
  } catch {
    // The settings check refuses such a URL; say so here too.
  }
  if (!host)
    return item(
      'gateway-url',
      'Gateway URL',
      'fail',
      `${url} is not a URL`,
      'Set the gateway URL, e.g. http://127.0.0.1:18789.',
      'gateway.url',
    );
  const local = host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  if (local) return item('gateway-url', 'Gateway URL', 'ok', `${url} (this machine)`);
  return item(
    'gateway-url',
    'Gateway URL',
    'warn',
    `${url} is on another host: probes cross the network, restarts and the doctor run here`,
    'Make sure the restart command restarts that gateway, or watch it from its own host.',
    'gateway.url',
  );
}

async function gatewayConfigItem(s: Settings): Promise<PreflightItem> {
  const file = s.gateway.configPath;
  const label = 'Gateway config';
  const setting = 'gateway.configPath';
  if (!file) {
    return item(
      'gateway-config',
      label,
      'warn',
      'not set',
      "Set it to OpenClaw's config file: the doctor snapshots and checks it.",
      setting,
    );
  }
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`;
    return item(
      'gateway-config',
      label,
      'warn',
      `${file} ${why}`,
      "Point it at OpenClaw's config file (`openclaw config path` prints it): the doctor snapshots and checks it.",
      setting,
    );
  }
  try {
    JSON5.parse(text);
  } catch (err) {
    return item(
      'gateway-config',
      label,
      'warn',
      `${file} does not parse: ${(err as Error).message.replace(/^JSON5: /, '')}`,
      'The gateway will not start with it: run `openclaw config validate`, or let the doctor repair it.',
      null,
    );
  }
  return item('gateway-config', label, 'ok', file);
}

function restartItem(s: Settings, env: NodeJS.ProcessEnv): PreflightItem {
  const steps = restartSteps(s);
  const label = 'Restart command';
  if (steps.length === 0) {
    return item(
      'restart',
      label,
      'fail',
      'no restart steps',
      'Set the restart command (default: `openclaw gateway restart`).',
      'restart.command',
    );
  }
  const setting = s.restart.steps.length ? 'restart.steps' : 'restart.command';
  const found: string[] = [];
  for (const step of steps) {
    const program = firstProgram(step.command);
    if (program === null) {
      found.push(`${step.command} (shell syntax: its programs are found when it runs)`);
      continue;
    }
    if (SHELL_BUILTINS.has(program)) {
      found.push(step.command);
      continue;
    }
    const where = resolveCommand(program, env.PATH);
    if (!where) {
      const install =
        program === 'openclaw' ? 'Install OpenClaw (`npm install -g openclaw`), or set' : 'Install it, or set';
      return item(
        'restart',
        label,
        'fail',
        `\`${program}\` (in \`${step.command}\`) is not on PATH`,
        `${install} the restart command to a program that restarts the gateway (a full path works).`,
        setting,
      );
    }
    found.push(`${step.command} → ${where}`);
  }
  return item('restart', label, 'ok', found.join(' · '));
}

async function agentItems(s: Settings, env: NodeJS.ProcessEnv): Promise<PreflightItem[]> {
  if (!s.doctor.enabled) {
    return [
      item(
        'doctor',
        'Doctor',
        'off',
        'the doctor is off (doctor.enabled): an outage restarts cannot fix needs you',
        null,
        'doctor.enabled',
      ),
    ];
  }
  if (s.doctor.agents.length === 0) {
    return [
      item(
        'doctor',
        'Doctor',
        'fail',
        'no agent is configured',
        'Add a profile to the agents list (default: claude).',
        'doctor.agents',
      ),
    ];
  }
  return Promise.all(
    s.doctor.agents.map(async (name): Promise<PreflightItem> => {
      const id = `agent:${name}`;
      const label = `Agent “${name}”`;
      const profile = Object.prototype.hasOwnProperty.call(s.doctor.profiles, name)
        ? s.doctor.profiles[name]
        : undefined;
      if (!profile)
        return item(
          id,
          label,
          'fail',
          'no such profile in doctor.profiles',
          'Define it, or remove it from the agents list.',
          'doctor.agents',
        );
      const where = resolveCommand(profile.command, profile.env.PATH ?? env.PATH);
      if (!where) {
        const { detail, fix } = agentNotFound(name, profile.command);
        return item(id, label, 'fail', detail, fix, `doctor.profiles.${name}.command`);
      }
      if (profile.kind === 'generic') return item(id, label, 'ok', where);
      const v = await versionOf(where, ['--version'], { ...env, ...profile.env });
      if (!v.ok) {
        return item(
          id,
          label,
          'warn',
          `${where} is there, but \`--version\` failed: ${v.text}`,
          'Run it once in a terminal: it may need a login or an update.',
          null,
        );
      }
      return item(id, label, 'ok', `${v.text} · ${where}`);
    }),
  );
}

async function tmuxItem(s: Settings, env: NodeJS.ProcessEnv): Promise<PreflightItem> {
  const found = findTool('tmux', s.tools.tmux, env.PATH);
  if (!found.ok) {
    if (!s.doctor.enabled) return item('tmux', 'tmux', 'off', 'not found; only the doctor needs it, and it is off');
    return item(
      'tmux',
      'tmux',
      'fail',
      found.problem.split(/(?<=\))\. /)[0]!,
      found.problem.split(/(?<=\))\. /)[1] ?? null,
      'tools.tmux',
    );
  }
  const v = await versionOf(found.path, ['-V'], env);
  return item(
    'tmux',
    'tmux',
    v.ok ? 'ok' : 'warn',
    v.ok ? `${v.text} · ${found.path}` : `${found.path}: \`-V\` failed: ${v.text}`,
  );
}

function ptyItem(i: PreflightInput): PreflightItem {
  const label = 'Live terminal (node-pty)';
  const check = i.ptyCheck ? i.ptyCheck() : defaultPtyCheck();
  if (!check)
    return item(
      'pty',
      label,
      'fail',
      'node-pty is not installed',
      'Reinstall ClawMedic (in a checkout: `npm install`).',
    );
  switch (check.status) {
    case 'ok':
      return item('pty', label, 'ok', `spawn helper ${check.helper ?? ''} is executable`.trim());
    case 'not-needed':
      return item('pty', label, 'ok', 'works here without a spawn helper');
    case 'repaired':
      return item('pty', label, 'ok', check.message);
    case 'broken':
    case 'missing':
      return item('pty', label, 'fail', check.message);
  }
}

function defaultPtyCheck(): PtyHelperCheck | null {
  const dir = findPtyDir();
  return dir ? checkPtyHelper({ ptyDir: dir, repair: false }) : null;
}

function dataDirItem(s: Settings): PreflightItem {
  const label = 'Data folder';
  try {
    verifyPrivateDirSync(s.dataDir);
    accessSync(s.dataDir, fsc.W_OK);
    return item('data-dir', label, 'ok', `${s.dataDir} (yours, private)`);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return item('data-dir', label, 'ok', `${s.dataDir} (created when first needed)`);
    if (e.code === 'EACCES' || e.code === 'EROFS') {
      return item(
        'data-dir',
        label,
        'fail',
        `${s.dataDir} is not writable (${e.code})`,
        'Make it writable, or choose another data folder.',
        'dataDir',
      );
    }
    return item('data-dir', label, 'fail', e.message, null, 'dataDir');
  }
}

function notifyItem(s: Settings, native: boolean | null, warnings: Problem[]): PreflightItem {
  const label = 'Notifications';
  const channels = s.notify.channels.filter((c) => c.enabled).map((c) => c.name || c.type);
  const ways = [...(native ? ['this Mac'] : []), ...channels];
  const channelWarning = warnings.find((w) => w.path.startsWith('notify.channels.'));
  if (channelWarning) return item('notify', label, 'warn', channelWarning.message, null, channelWarning.path);
  if (ways.length === 0) {
    const where = native === false ? 'native notifications are off and no channel is set' : 'no channel is set';
    return item(
      'notify',
      label,
      'warn',
      `${where}: an outage is only seen here`,
      'Add a channel (Discord, Slack, Telegram, ntfy, a webhook) to hear about outages elsewhere.',
      'notify.channels',
    );
  }
  return item('notify', label, 'ok', ways.join(', '));
}

/** Checks everything once. Never throws: a check that cannot run says so in its line. */
export async function runPreflight(i: PreflightInput): Promise<PreflightReport> {
  const s = i.settings;
  const now = i.now ?? Date.now;
  const [config, agents, tmux] = await Promise.all([gatewayConfigItem(s), agentItems(s, i.env), tmuxItem(s, i.env)]);
  const items = [
    settingsItem(i),
    gatewayUrlItem(s),
    config,
    restartItem(s, i.env),
    ...agents,
    tmux,
    ptyItem(i),
    dataDirItem(s),
    notifyItem(s, i.native, i.warnings ?? []),
  ];
  return { at: new Date(now()).toISOString(), items };
}

/** The lines a person must act on (✗ first, then warnings), each with its fix. */
export function preflightProblems(r: PreflightReport): PreflightItem[] {
  const rank = { fail: 0, warn: 1 } as Record<string, number>;
  return r.items
    .filter((x) => x.status === 'fail' || x.status === 'warn')
    .sort((a, b) => rank[a.status]! - rank[b.status]!);
}

/** One line for a terminal: "✗ Restart command: `openclaw` … is not on PATH. Install …". */
export function preflightLine(x: PreflightItem): string {
  const mark = { ok: '✓', warn: '!', fail: '✗', off: '–' }[x.status];
  const fix = x.fix ? ` ${x.fix}` : '';
  return `${mark} ${x.label}: ${x.detail}${x.status === 'ok' || x.status === 'off' ? '' : `.${fix}`}`;
}
