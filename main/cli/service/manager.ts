// Installs, removes and inspects the background watcher: a systemd user unit on Linux, a launchd agent on
// macOS. Everything outside ClawMedic is injectable (the unit folder, how commands run), so the tests
// install into a temporary folder with stand-in systemctl/launchctl programs and never touch the real ones.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tailFile } from '../../engine/doctor/context.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE, privatePathProblem, writeFileAtomic } from '../../engine/fsutil.js';
import { holderAlive, readLock } from '../../engine/lock.js';
import {
  launchdPlist,
  LAUNCHD_LABEL,
  systemdUnit,
  SYSTEMD_UNIT_NAME,
  type Manager,
  type ServiceSpec,
} from './units.js';

/**
 * 45 s per systemctl/launchctl call: they answer in milliseconds, but `restart` waits for the old watcher to
 * stop, which may take its TimeoutStopSec (30 s).
 */
const COMMAND_TIMEOUT_MS = 45_000;
/** Log lines `status` shows: enough to see why the watcher stopped, short enough for one screen. */
export const STATUS_LOG_LINES = 15;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ServiceHost {
  manager: Manager;
  /** Where the unit (systemd) or the plist (launchd) goes. */
  unitDir: string;
  uid: number;
  user: string;
  /** Runs a program (looked up on PATH) and never throws; a missing program is code 127. */
  run(cmd: string, args: string[]): Promise<CommandResult>;
}

export class ServiceError extends Error {
  override name = 'ServiceError';
}

export function defaultManager(platform = process.platform): Manager | null {
  if (platform === 'linux') return 'systemd';
  if (platform === 'darwin') return 'launchd';
  return null;
}

/** The standard folders: $XDG_CONFIG_HOME/systemd/user (systemd's own lookup) and ~/Library/LaunchAgents. */
export function defaultUnitDir(manager: Manager, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  if (manager === 'launchd') return path.join(home, 'Library', 'LaunchAgents');
  const xdg =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(xdg, 'systemd', 'user');
}

export function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { env, timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8', maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
        if (e.code === 'ENOENT') return resolve({ code: 127, stdout: '', stderr: `${cmd}: not found on PATH` });
        if (e.killed)
          return resolve({
            code: 124,
            stdout,
            stderr: `${stderr}${cmd} did not finish within ${COMMAND_TIMEOUT_MS / 1000} s`,
          });
        resolve({ code: typeof e.code === 'number' ? e.code : 1, stdout, stderr: stderr || e.message });
      },
    );
  });
}

export function defaultHost(manager: Manager, env: NodeJS.ProcessEnv = process.env): ServiceHost {
  return {
    manager,
    unitDir: defaultUnitDir(manager, env),
    uid: typeof process.getuid === 'function' ? process.getuid() : 0,
    user: os.userInfo().username,
    run: (cmd, args) => runCommand(cmd, args, env),
  };
}

export function unitPath(host: ServiceHost): string {
  return path.join(host.unitDir, host.manager === 'systemd' ? SYSTEMD_UNIT_NAME : `${LAUNCHD_LABEL}.plist`);
}

export function unitText(host: ServiceHost, spec: ServiceSpec): string {
  return host.manager === 'systemd' ? systemdUnit(spec) : launchdPlist(spec);
}

const oneLine = (s: string) => s.trim().split('\n').filter(Boolean).slice(-3).join(' | ');

async function must(host: ServiceHost, cmd: string, args: string[], doing: string): Promise<CommandResult> {
  const r = await host.run(cmd, args);
  if (r.code === 127) {
    throw new ServiceError(
      host.manager === 'systemd'
        ? `Could not ${doing}: systemctl was not found. The service needs systemd (a user session manager); ` +
            'on a system without it, run `clawmedic watch` under your own supervisor.'
        : `Could not ${doing}: launchctl was not found. launchd agents exist only on macOS.`,
    );
  }
  if (r.code !== 0)
    throw new ServiceError(
      `Could not ${doing}: \`${cmd} ${args.join(' ')}\` exited ${r.code}: ` +
        (oneLine(r.stderr || r.stdout) || 'no message'),
    );
  return r;
}

export interface ServiceStatus {
  manager: Manager;
  unitPath: string;
  installed: boolean;
  enabled: boolean;
  running: boolean;
  pid: number | null;
  /** What the service manager says, in its words (ActiveState/SubState, or launchd's state). */
  state: string;
  /** The settings file and data dir baked into the installed unit. */
  settingsFile: string | null;
  dataDir: string | null;
  /** The watcher's last output (journal or log file). */
  lastLines: string[];
  /** Why some of the above could not be read. */
  notes: string[];
}

function bakedPaths(text: string): { settingsFile: string | null; dataDir: string | null } {
  const settings =
    /^# Settings: (.+)$/m.exec(text)?.[1] ??
    /<key>CLAWMEDIC_CONFIG<\/key>\s*<string>([^<]*)<\/string>/.exec(text)?.[1] ??
    null;
  const data =
    /^# Data dir: (.+)$/m.exec(text)?.[1] ??
    /<key>WorkingDirectory<\/key>\s*<string>([^<]*)<\/string>/.exec(text)?.[1] ??
    null;
  const unxml = (s: string | null) =>
    s &&
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
  return { settingsFile: unxml(settings), dataDir: unxml(data) };
}

export async function serviceStatus(host: ServiceHost): Promise<ServiceStatus> {
  const file = unitPath(host);
  const text = await fsp.readFile(file, 'utf8').catch(() => null);
  const st: ServiceStatus = {
    manager: host.manager,
    unitPath: file,
    installed: text !== null,
    enabled: false,
    running: false,
    pid: null,
    state: 'not installed',
    ...bakedPaths(text ?? ''),
    lastLines: [],
    notes: [],
  };
  if (host.manager === 'systemd') {
    const props = ['LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'MainPID', 'ExecMainStatus', 'NRestarts'];
    const r = await host.run('systemctl', [
      '--user',
      'show',
      SYSTEMD_UNIT_NAME,
      `--property=${props.join(',')}`,
      '--no-pager',
    ]);
    if (r.code === 0) {
      const v = Object.fromEntries(
        r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      st.enabled = v.UnitFileState === 'enabled';
      st.running = v.ActiveState === 'active';
      const pid = Number(v.MainPID);
      st.pid = Number.isInteger(pid) && pid > 0 ? pid : null;
      if (v.LoadState && v.LoadState !== 'not-found') {
        const restarts = v.NRestarts && v.NRestarts !== '0' ? `, restarted ${v.NRestarts} times` : '';
        st.state = `${v.ActiveState ?? '?'} (${v.SubState ?? '?'})${restarts}`;
        if (v.ActiveState === 'failed' && v.ExecMainStatus) st.state += `, last exit status ${v.ExecMainStatus}`;
      }
    } else st.notes.push(`systemctl could not tell: ${oneLine(r.stderr || r.stdout)}`);
    if (st.installed) {
      const j = await host.run('journalctl', [
        '--user',
        '-u',
        SYSTEMD_UNIT_NAME,
        '-n',
        String(STATUS_LOG_LINES),
        '--no-pager',
        '-o',
        'short-iso',
      ]);
      if (j.code === 0)
        st.lastLines = j.stdout
          .split('\n')
          .filter((l) => l.trim() && !/^-- (No entries|Journal begins|Logs begin)/.test(l));
      else st.notes.push(`journalctl could not show the log: ${oneLine(j.stderr || j.stdout)}`);
    }
  } else {
    const r = await host.run('launchctl', ['print', `gui/${host.uid}/${LAUNCHD_LABEL}`]);
    if (r.code === 0) {
      const state = /^\s*state = (.+)$/m.exec(r.stdout)?.[1]?.trim() ?? 'loaded';
      const pid = Number(/^\s*pid = (\d+)$/m.exec(r.stdout)?.[1]);
      const lastExit = /^\s*last exit code = (.+)$/m.exec(r.stdout)?.[1]?.trim();
      st.running = state === 'running';
      st.pid = Number.isInteger(pid) && pid > 0 ? pid : null;
      st.state = `${state}${lastExit ? `, last exit code ${lastExit}` : ''}`;
      const d = await host.run('launchctl', ['print-disabled', `gui/${host.uid}`]);
      const disabled = new RegExp(`"${LAUNCHD_LABEL.replace(/\./g, '\\.')}" => (?:disabled|true)`).test(d.stdout);
      st.enabled = !disabled;
    } else if (st.installed) {
      st.state = 'not loaded';
    }
    if (st.dataDir) {
      const log = path.join(st.dataDir, 'logs', 'watch.log');
      try {
        st.lastLines = (await tailFile(log, 16_000, STATUS_LOG_LINES)).split('\n').filter((l) => l.trim());
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
          st.notes.push(`could not read ${log}: ${(err as Error).message}`);
      }
    }
  }
  return st;
}

export interface InstallResult {
  manager: Manager;
  unitPath: string;
  /** Things the user should know or do (lingering, a missing settings file). */
  advice: string[];
}

/** Refuses when another watcher (the menu-bar app, a `clawmedic watch`) already watches this data dir. */
async function checkNoOtherWatcher(host: ServiceHost, dataDir: string): Promise<void> {
  const holder = readLock(path.join(dataDir, 'watch.lock'));
  if (!holder || holder === 'unreadable' || !holderAlive(holder)) return;
  // Re-installing over our own running service is an update, not a second watcher.
  const mine = await serviceStatus(host).catch(() => null);
  if (mine?.pid === holder.pid) return;
  throw new ServiceError(
    `Another ClawMedic already watches data dir ${dataDir} ` +
      `(pid ${holder.pid} on ${holder.hostname}, since ${holder.acquiredAt}): ` +
      'the menu-bar app or a `clawmedic watch` in a terminal. Two watchers would both restart the gateway. ' +
      'Quit that one first, or give the service its own settings file with another dataDir (--config).',
  );
}

export async function installService(host: ServiceHost, spec: ServiceSpec): Promise<InstallResult> {
  await checkNoOtherWatcher(host, spec.dataDir);
  try {
    // Creates it 0700, or verifies an existing one is ours and closed to others (never loosened or fixed).
    await ensurePrivateDir(spec.dataDir);
  } catch (err) {
    throw new ServiceError(`The data dir cannot be used: ${(err as Error).message}`);
  }
  if (host.manager === 'launchd') {
    // launchd creates the log with the agent's umask only when it is missing: create it private first.
    await ensurePrivateDir(path.dirname(spec.logFile)).catch((err: unknown) => {
      throw new ServiceError(`The log folder cannot be used: ${(err as Error).message}`);
    });
    await (await fsp.open(spec.logFile, 'a', PRIVATE_FILE_MODE)).close();
    const logBad =
      (await privatePathProblem(path.dirname(spec.logFile), 'dir')) ?? (await privatePathProblem(spec.logFile, 'file'));
    if (logBad) throw new ServiceError(`The log file is not private: ${logBad}`);
  }
  const file = unitPath(host);
  await fsp.mkdir(host.unitDir, { recursive: true });
  // 0644: what systemd and launchd expect of unit files; it holds paths, not secrets.
  await writeFileAtomic(file, unitText(host, spec), 0o644);
  const advice: string[] = [];
  if (host.manager === 'systemd') {
    await must(host, 'systemctl', ['--user', 'daemon-reload'], 'reload the systemd user manager');
    await must(host, 'systemctl', ['--user', 'enable', SYSTEMD_UNIT_NAME], `enable ${SYSTEMD_UNIT_NAME}`);
    // restart, not start: a re-install must pick up the new unit in a watcher that already runs.
    await must(host, 'systemctl', ['--user', 'restart', SYSTEMD_UNIT_NAME], `start ${SYSTEMD_UNIT_NAME}`);
    const linger = await host.run('loginctl', ['show-user', host.user, '--property=Linger', '--value']);
    const value = linger.stdout.trim();
    if (linger.code === 0 && value === 'no') {
      advice.push(
        `Lingering is off for ${host.user}: the watcher runs only while you are logged in, ` +
          'and stops when your last session ends. ' +
          `To keep it running from boot, run: sudo loginctl enable-linger ${host.user}`,
      );
    } else if (linger.code !== 0 || value !== 'yes') {
      advice.push(
        `Could not tell whether lingering is on for ${host.user} ` +
          `(${oneLine(linger.stderr || linger.stdout) || 'no answer'}). ` +
          `If the watcher should run without you logged in: sudo loginctl enable-linger ${host.user}`,
      );
    }
  } else {
    const target = `gui/${host.uid}/${LAUNCHD_LABEL}`;
    // Loaded already (a re-install): unload first, so launchd reads the new plist.
    const loaded = await host.run('launchctl', ['print', target]);
    if (loaded.code === 0) await must(host, 'launchctl', ['bootout', target], `stop the running ${LAUNCHD_LABEL}`);
    await must(host, 'launchctl', ['enable', target], `enable ${LAUNCHD_LABEL}`);
    await must(host, 'launchctl', ['bootstrap', `gui/${host.uid}`, file], `load ${file}`);
  }
  return { manager: host.manager, unitPath: file, advice };
}

export interface UninstallResult {
  manager: Manager;
  unitPath: string;
  /** False when there was nothing to remove. */
  removed: boolean;
}

export async function uninstallService(host: ServiceHost): Promise<UninstallResult> {
  const file = unitPath(host);
  const exists = await fsp.lstat(file).then(
    () => true,
    () => false,
  );
  if (host.manager === 'systemd') {
    if (exists)
      await must(
        host,
        'systemctl',
        ['--user', 'disable', '--now', SYSTEMD_UNIT_NAME],
        `stop and disable ${SYSTEMD_UNIT_NAME}`,
      );
    await fsp.rm(file, { force: true });
    if (exists) {
      await must(host, 'systemctl', ['--user', 'daemon-reload'], 'reload the systemd user manager');
      // Forget a failed state, so `systemctl --user status` does not show a removed unit as failed.
      await host.run('systemctl', ['--user', 'reset-failed', SYSTEMD_UNIT_NAME]);
    }
  } else {
    const target = `gui/${host.uid}/${LAUNCHD_LABEL}`;
    const loaded = await host.run('launchctl', ['print', target]);
    if (loaded.code === 0) await must(host, 'launchctl', ['bootout', target], `stop ${LAUNCHD_LABEL}`);
    await fsp.rm(file, { force: true });
  }
  return { manager: host.manager, unitPath: file, removed: exists };
}
