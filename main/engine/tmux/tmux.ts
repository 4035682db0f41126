// ClawMedic's own tmux server: a socket in a private 0700 runtime dir (never the user's server),
// started with no config file (the user's ~/.tmux.conf could change keys, size or the status bar).
// Every call goes through execFile (no shell) with a timeout.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../fsutil.js';

/** 10 s: tmux answers in milliseconds; only a wedged server takes longer, and then we must not hang. */
const TMUX_TIMEOUT_MS = 10_000;

export class TmuxError extends Error {
  constructor(
    message: string,
    readonly code: 'missing' | 'failed' | 'timeout' | 'no-server',
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'TmuxError';
  }
}

export interface NewSessionOptions {
  name: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  /** 0600 file that receives everything the pane prints (escapes included). */
  transcriptPath: string;
}

export interface PaneState {
  dead: boolean;
  exitStatus: number | null;
  pid: number | null;
  cols: number;
  rows: number;
}

/** Unique across processes and within a millisecond: time to the millisecond plus random bits. */
export function newSessionName(prefix = 'clawmedic', atMs = Date.now()): string {
  const stamp = new Date(atMs).toISOString().replace(/[-:]/g, '').replace('.', '').replace('T', '-').replace('Z', '');
  return `${prefix}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Single-quotes a string for /bin/sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What to say when the tmux executable cannot be run. */
const TMUX_MISSING =
  'tmux is not installed (or not on PATH): the AI doctor runs the agent inside tmux. ' +
  'Install it (macOS: `brew install tmux`; Debian/Ubuntu: `apt install tmux`), or set tools.tmux to its full path.';

export class Tmux {
  readonly socket: string;
  private readonly binaryOf: () => string;

  constructor(
    readonly runtimeDir: string,
    /**
     * The executable: a full path (resolved through the login shell's PATH, see tools.ts), or a function
     * giving it at each call so a changed setting or a newly installed tmux is picked up.
     */
    binary: string | (() => string) = 'tmux',
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** Why tmux could not be found, when the resolver knows (names the folders searched and the setting). */
    private readonly missing: () => string = () => TMUX_MISSING,
  ) {
    this.socket = path.join(runtimeDir, 'tmux.sock');
    this.binaryOf = typeof binary === 'function' ? binary : () => binary;
  }

  get binary(): string {
    return this.binaryOf();
  }

  /** The environment tmux runs with: ours, minus the variables that would point it at another server. */
  private childEnv(): NodeJS.ProcessEnv {
    const env = { ...this.env };
    // A ClawMedic started from inside tmux must not talk to that server.
    delete env.TMUX;
    delete env.TMUX_PANE;
    return env;
  }

  /** The command a human can paste to watch the session (same socket). */
  attachCommand(session: string): string {
    return `tmux -S ${shQuote(this.socket)} attach -t ${shQuote(session)}`;
  }

  /** Runs `tmux -S <socket> -f /dev/null <args>`; resolves stdout. */
  run(args: string[], timeoutMs = TMUX_TIMEOUT_MS): Promise<string> {
    const env = this.childEnv();
    return new Promise((resolve, reject) => {
      execFile(
        this.binary,
        ['-S', this.socket, '-f', '/dev/null', ...args],
        { timeout: timeoutMs, env, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
        (err, stdout, stderr) => {
          if (!err) return resolve(stdout);
          const e = err as NodeJS.ErrnoException & { killed?: boolean };
          if (e.code === 'ENOENT' || e.code === 'EACCES') return reject(new TmuxError(this.missing(), 'missing'));
          if (e.killed)
            return reject(new TmuxError(`tmux ${args[0]} did not answer within ${timeoutMs / 1000} s`, 'timeout'));
          const msg = (stderr || e.message).trim();
          if (/no server running|error connecting to|No such file or directory/i.test(msg)) {
            return reject(new TmuxError(`tmux ${args[0]}: ${msg}`, 'no-server', msg));
          }
          reject(new TmuxError(`tmux ${args[0]} failed: ${msg}`, 'failed', msg));
        },
      );
    });
  }

  async version(): Promise<string> {
    return new Promise((resolve, reject) => {
      const opts = { timeout: TMUX_TIMEOUT_MS, encoding: 'utf8' as const, env: this.childEnv() };
      execFile(this.binary, ['-V'], opts, (err, stdout) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'EACCES') return reject(new TmuxError(this.missing(), 'missing'));
          return reject(new TmuxError(`tmux -V failed: ${err.message}`, 'failed'));
        }
        resolve(stdout.trim());
      });
    });
  }

  /**
   * Starts a detached session running argv directly (no shell), in cwd, with env, at a fixed size,
   * and pipes its output to the transcript in the same tmux command list, so no early output is missed.
   */
  async newSession(o: NewSessionOptions): Promise<void> {
    await ensurePrivateDir(this.runtimeDir);
    const fh = await fsp.open(o.transcriptPath, 'a', PRIVATE_FILE_MODE);
    await fh.chmod(PRIVATE_FILE_MODE);
    await fh.close();
    const envArgs = Object.entries(o.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    await this.run([
      // Dead panes stay (their last screen, an error message, can be read) from the first moment: set on the
      // window after new-session, the option came too late for an agent that exits at once on a loaded machine,
      // and the window closed with its last words. A server option set first applies to every window it makes.
      'set-option',
      '-g',
      'remain-on-exit',
      'on',
      ';',
      'new-session',
      '-d',
      '-s',
      o.name,
      '-x',
      String(o.cols),
      '-y',
      String(o.rows),
      '-c',
      o.cwd,
      ...envArgs,
      '--',
      ...o.argv,
      ';',
      'pipe-pane',
      '-o',
      '-t',
      o.name,
      `cat >> ${shQuote(o.transcriptPath)}`,
      // Viewers must not resize the agent's window (tmux 3.3 crashes on a global `manual`, so per window).
      ';',
      'set-option',
      '-w',
      '-t',
      o.name,
      'window-size',
      'manual',
      // Keep a dead pane so its last screen (an error message) can still be read.
      ';',
      'set-option',
      '-w',
      '-t',
      o.name,
      'remain-on-exit',
      'on',
      // No prefix key and no status line: a human who takes over types straight into the agent.
      ';',
      'set-option',
      '-g',
      'prefix',
      'None',
      ';',
      'set-option',
      '-g',
      'prefix2',
      'None',
      ';',
      'set-option',
      '-g',
      'status',
      'off',
      ';',
      'set-option',
      '-g',
      'history-limit',
      '5000',
      // The agent's output is not trusted: it may not write the viewer's clipboard (OSC 52), set the
      // outer terminal's title, or pass raw sequences through tmux to the terminal around it.
      ';',
      'set-option',
      '-g',
      'set-clipboard',
      'off',
      ';',
      'set-option',
      '-g',
      'set-titles',
      'off',
      // -q: tmux before 3.3 has no such option (and then passes nothing through anyway).
      ';',
      'set-option',
      '-gq',
      'allow-passthrough',
      'off',
    ]);
  }

  /** Plain text of the visible screen (with `escapes`, SGR colours too). */
  capture(session: string, opts: { escapes?: boolean; history?: boolean } = {}): Promise<string> {
    const args = ['capture-pane', '-p', '-t', session];
    if (opts.escapes) args.push('-e');
    if (opts.history) args.push('-S', '-');
    return this.run(args);
  }

  /** Key names (`Enter`, `Down`, `Escape`) or, with literal, text typed as-is. */
  async sendKeys(session: string, keys: string[], literal = false): Promise<void> {
    await this.run(['send-keys', '-t', session, ...(literal ? ['-l', '--'] : []), ...keys]);
  }

  /** Pastes text as one bracketed paste (the agent sees it as a paste, not as typed Enter keys). */
  async paste(session: string, text: string): Promise<void> {
    const buf = `cm-${randomBytes(4).toString('hex')}`;
    const tmp = path.join(this.runtimeDir, `${buf}.txt`);
    await fsp.writeFile(tmp, text, { mode: PRIVATE_FILE_MODE });
    try {
      await this.run(['load-buffer', '-b', buf, tmp, ';', 'paste-buffer', '-p', '-d', '-b', buf, '-t', session]);
    } finally {
      await fsp.rm(tmp, { force: true });
    }
  }

  async pane(session: string): Promise<PaneState | null> {
    try {
      const out = await this.run([
        'display-message',
        '-p',
        '-t',
        session,
        '#{pane_dead} #{pane_dead_status} #{pane_pid} #{window_width} #{window_height}',
      ]);
      const [dead, status, pid, cols, rows] = out.trim().split(' ');
      // An empty answer: the server was exiting with its last session (the session is gone).
      if (!dead || !cols || !rows) return null;
      return {
        dead: dead === '1',
        exitStatus: status ? Number(status) : null,
        pid: pid ? Number(pid) : null,
        cols: Number(cols),
        rows: Number(rows),
      };
    } catch (err) {
      if (
        err instanceof TmuxError &&
        (err.code === 'no-server' ||
          /can't find|session not found|no current target|server exited unexpectedly/i.test(err.stderr))
      )
        return null;
      throw err;
    }
  }

  async resize(session: string, cols: number, rows: number): Promise<void> {
    await this.run(['resize-window', '-t', session, '-x', String(cols), '-y', String(rows)]);
  }

  async listSessions(): Promise<string[]> {
    try {
      const out = await this.run(['list-sessions', '-F', '#{session_name}']);
      return out.split('\n').filter(Boolean);
    } catch (err) {
      if (err instanceof TmuxError && (err.code === 'no-server' || /no sessions/i.test(err.stderr))) return [];
      throw err;
    }
  }

  /** Kills the session; true if it existed. */
  async killSession(session: string): Promise<boolean> {
    try {
      await this.run(['kill-session', '-t', session]);
      return true;
    } catch (err) {
      // "no current target" / "server exited unexpectedly": the server is exiting with its last session gone
      // (races seen under load).
      const gone = /can't find|session not found|no current target|server exited unexpectedly/i;
      if (err instanceof TmuxError && (err.code === 'no-server' || gone.test(err.stderr))) return false;
      throw err;
    }
  }

  /** Stops our server if it has no sessions left (it holds nothing else). */
  async killServerIfEmpty(): Promise<void> {
    if ((await this.listSessions()).length) return;
    try {
      await this.run(['kill-server']);
    } catch (err) {
      if (err instanceof TmuxError && err.code === 'no-server') return;
      throw err;
    }
  }

  /** Clients attached to a session: tty and pid (to find the live view's own client). */
  async clients(session: string): Promise<{ tty: string; pid: number; readonly: boolean }[]> {
    try {
      const out = await this.run([
        'list-clients',
        '-t',
        session,
        '-F',
        '#{client_tty} #{client_pid} #{client_readonly}',
      ]);
      return out
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [tty, pid, ro] = l.split(' ');
          return { tty: tty ?? '', pid: Number(pid), readonly: ro === '1' };
        });
    } catch (err) {
      if (err instanceof TmuxError && err.code === 'no-server') return [];
      throw err;
    }
  }

  /** Toggles a client's read-only flag (tmux `switch-client -r`). */
  async toggleReadOnly(clientTty: string): Promise<void> {
    await this.run(['switch-client', '-c', clientTty, '-r']);
  }
}
