// The user's login-shell environment. A Mac app started from Finder, Spotlight or at login gets
// launchd's minimal PATH (/usr/bin:/bin:/usr/sbin:/sbin), so tmux, openclaw and claude from Homebrew or
// npm are "not found", and keys exported in ~/.zshrc are missing. The login shell knows both: ask it
// once at start-up, the way VS Code does (the shell runs this very executable to print process.env as
// JSON between two markers, so multi-line values and rc-file chatter cannot corrupt the result).
//
// The shell runs in its own session (detached): no controlling terminal, so an interactive rc file
// cannot stop it with SIGTTIN, and on timeout the whole process group is killed, not only the shell.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { killGroup } from './process-util.js';

/** 5 s: a login shell answers in well under a second; a broken rc file must not hold up the app. */
export const LOGIN_SHELL_TIMEOUT_MS = 5000;
/** 1 MiB: a real environment is a few KiB; more means the rc file printed something unbounded. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

export type LoginShellResult =
  { ok: true; env: Record<string, string>; shell: string } | { ok: false; shell: string; reason: string };

export interface LoginShellOptions {
  /** The shell to ask; default $SHELL, then the account's shell, then /bin/zsh on macOS or /bin/sh. */
  shell?: string;
  /** The environment the shell starts from (the app's own). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** A Node-compatible executable that can print its env (Electron needs ELECTRON_RUN_AS_NODE=1). */
  nodeExecutable?: string;
}

export function defaultShell(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SHELL) return env.SHELL;
  try {
    const s = os.userInfo().shell;
    if (s) return s;
  } catch {
    // No passwd entry (a container with an arbitrary uid): fall through to the platform default.
  }
  return platform === 'darwin' ? '/bin/zsh' : '/bin/sh';
}

/** Single-quotes a string for a POSIX shell (also for zsh, bash and fish's POSIX mode). */
function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Parses the marked JSON the shell printed; null when it is not there. */
export function parseMarkedEnv(stdout: string, mark: string): Record<string, string> | null {
  const start = stdout.indexOf(mark);
  const end = stdout.lastIndexOf(mark);
  if (start < 0 || end <= start) return null;
  try {
    const parsed = JSON.parse(stdout.slice(start + mark.length, end)) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    // Not JSON between the marks: treated as "the shell did not answer" by the caller.
    return null;
  }
}

/** Runs `$SHELL -ilc` once and returns its environment, or why it could not. Never throws, never hangs. */
export function readLoginShellEnv(opts: LoginShellOptions = {}): Promise<LoginShellResult> {
  const env = opts.env ?? process.env;
  const shell = opts.shell ?? defaultShell(env);
  const timeoutMs = opts.timeoutMs ?? LOGIN_SHELL_TIMEOUT_MS;
  const node = opts.nodeExecutable ?? process.execPath;
  const mark = randomBytes(8).toString('hex');
  const m = JSON.stringify(mark);
  const script = `${quote(node)} -e ${quote(`process.stdout.write(${m}+JSON.stringify(process.env)+${m})`)}`;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: LoginShellResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(shell, ['-ilc', script], {
        detached: true,
        stdio: ['ignore', 'pipe', 'ignore'],
        env: {
          ...env,
          ELECTRON_RUN_AS_NODE: '1',
          // Oh My Zsh: no update prompt and no tmux auto-start inside this throw-away shell.
          DISABLE_AUTO_UPDATE: 'true',
          ZSH_TMUX_AUTOSTART: 'false',
          ZSH_TMUX_AUTOSTARTED: 'true',
        },
      });
    } catch (err) {
      // spawn throws synchronously only for invalid arguments; reported like any other failure.
      resolve({ ok: false, shell, reason: (err as Error).message });
      return;
    }
    const timer = setTimeout(() => {
      if (child.pid) killGroup(child.pid, 'SIGKILL');
      done({ ok: false, shell, reason: `it did not answer within ${timeoutMs / 1000} s (stopped)` });
    }, timeoutMs);
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout?.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= MAX_OUTPUT_BYTES) chunks.push(b);
    });
    child.on('error', (err) => done({ ok: false, shell, reason: err.message }));
    child.on('close', (code, signal) => {
      // Whatever the shell left behind in its group (a background job from an rc file) goes with it.
      if (child.pid) killGroup(child.pid, 'SIGKILL');
      const parsed = parseMarkedEnv(Buffer.concat(chunks).toString('utf8'), mark);
      if (parsed) return done({ ok: true, env: parsed, shell });
      done({
        ok: false,
        shell,
        reason: `it exited (${signal ?? `code ${String(code)}`}) without printing its environment`,
      });
    });
  });
}

/** Where Homebrew (Apple silicon, Intel), MacPorts and common user installs put executables. */
export function wellKnownBinDirs(home: string | undefined): string[] {
  const dirs = ['/opt/homebrew/bin', '/usr/local/bin', '/opt/local/bin'];
  if (home) dirs.push(`${home}/.local/bin`, `${home}/.npm-global/bin`, `${home}/.volta/bin`, `${home}/.bun/bin`);
  return dirs;
}

/** Variables the throw-away shell set for itself: never carried over into our environment. */
const SHELL_ONLY_VARS = [
  'ELECTRON_RUN_AS_NODE',
  'SHLVL',
  'PWD',
  'OLDPWD',
  '_',
  'DISABLE_AUTO_UPDATE',
  'ZSH_TMUX_AUTOSTART',
  'ZSH_TMUX_AUTOSTARTED',
];

/**
 * The environment for restart steps, tools and the doctor: the login shell's variables over the app's
 * own, and a PATH of the login shell's folders, then the app's, then the well-known ones.
 */
export function mergeLoginEnv(appEnv: NodeJS.ProcessEnv, loginEnv: Record<string, string> | null): NodeJS.ProcessEnv {
  const dirs: string[] = [];
  const add = (p: string | undefined) => {
    for (const d of (p ?? '').split(':')) if (d && !dirs.includes(d)) dirs.push(d);
  };
  add(loginEnv?.PATH);
  add(appEnv.PATH);
  for (const d of wellKnownBinDirs(loginEnv?.HOME ?? appEnv.HOME)) add(d);
  const merged: NodeJS.ProcessEnv = { ...appEnv, ...(loginEnv ?? {}), PATH: dirs.join(':') };
  for (const k of SHELL_ONLY_VARS) {
    if (appEnv[k] === undefined) delete merged[k];
    else merged[k] = appEnv[k];
  }
  return merged;
}

/** The login shell's environment merged over `appEnv`; on failure the well-known folders and a warning. */
export async function loginEnv(
  appEnv: NodeJS.ProcessEnv = process.env,
  warn: (m: string) => void = console.warn,
  opts: Omit<LoginShellOptions, 'env'> = {},
): Promise<NodeJS.ProcessEnv> {
  const r = await readLoginShellEnv({ ...opts, env: appEnv });
  if (!r.ok) {
    warn(
      `ClawMedic could not read your login shell's environment (${r.shell}: ${r.reason}); ` +
        'tools are looked up in the usual folders instead. If tmux, openclaw or your agent are not found, ' +
        'set their full paths in the settings.',
    );
    return mergeLoginEnv(appEnv, null);
  }
  return mergeLoginEnv(appEnv, r.env);
}
