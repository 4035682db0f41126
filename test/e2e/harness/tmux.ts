// A minimal tmux driver for tests: one session on a private socket (never the user's server),
// screen capture, keys, bracketed paste, and the Claude Code screens the e2e tests must get past.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { isAlive, pollUntil } from './procs.js';

const execFileP = promisify(execFile);
// tmux commands answer in milliseconds; 10 s only guards against a wedged server.
const TMUX_CMD_TIMEOUT_MS = 10_000;

export interface TmuxPane {
  socket: string;
  target: string;
  /** The visible screen as plain text. */
  capture(): Promise<string>;
  /** tmux key names, e.g. 'Down', 'Enter', 'Escape', 'C-c'. */
  sendKeys(...keys: string[]): Promise<void>;
  /** Text typed literally (no key-name lookup). */
  type(text: string): Promise<void>;
  /** Bracketed paste of text (CRs removed: a CR would submit early). */
  paste(text: string): Promise<void>;
  /** Polls the screen until re matches; returns the screen. */
  waitForText(re: RegExp, timeoutMs: number): Promise<string>;
  /** Pid of the pane's process, or null once it exited. */
  panePid(): Promise<number | null>;
  /** Whether the pane's process has exited, and its status. */
  paneExit(): Promise<{ dead: boolean; status: number | null }>;
  /** Kills the tmux server and anything still running in the pane. */
  kill(): Promise<void>;
}

export interface StartTmuxOptions {
  /** A private dir for the socket (must be short: unix socket paths are limited to ~100 bytes). */
  dir: string;
  /** Program run in the pane (e.g. a launcher from ClaudeHome.launch). */
  command: string;
  width?: number;
  height?: number;
}

export async function startTmux(opts: StartTmuxOptions): Promise<TmuxPane> {
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const socket = path.join(opts.dir, 'tmux.sock');
  const session = 'e2e';
  const target = `${session}:0.0`;
  // The test runner may itself run inside tmux; the private server must not see that.
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const tmux = async (...args: string[]) => {
    const { stdout } = await execFileP('tmux', ['-f', '/dev/null', '-S', socket, ...args], {
      env,
      timeout: TMUX_CMD_TIMEOUT_MS,
      encoding: 'utf8',
    });
    return stdout;
  };
  // remain-on-exit in the same command: the pane is kept even if the program exits at once, so
  // its exit status can be read.
  await tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    String(opts.width ?? 120),
    '-y',
    String(opts.height ?? 40),
    opts.command,
    ';',
    'set-option',
    '-w',
    '-t',
    session,
    'remain-on-exit',
    'on',
  );
  let firstPid: number | null = null;

  const pane: TmuxPane = {
    socket,
    target,
    capture: () => tmux('capture-pane', '-p', '-t', target),
    async sendKeys(...keys) {
      await tmux('send-keys', '-t', target, ...keys);
    },
    async type(text) {
      await tmux('send-keys', '-t', target, '-l', text);
    },
    async paste(text) {
      const buf = `e2e-${Date.now()}`;
      await new Promise<void>((resolve, reject) => {
        const child = execFile(
          'tmux',
          ['-f', '/dev/null', '-S', socket, 'load-buffer', '-b', buf, '-'],
          { env, timeout: TMUX_CMD_TIMEOUT_MS },
          (err: Error | null) => (err ? reject(err) : resolve()),
        );
        child.stdin!.end(text.replace(/\r/g, ''));
      });
      // -p: bracketed paste, so newlines stay newlines; -d: delete the buffer afterwards.
      await tmux('paste-buffer', '-p', '-d', '-b', buf, '-t', target);
    },
    async waitForText(re, timeoutMs) {
      let last = '';
      try {
        // 50 ms: screens change within ~0.1 s of their cause; capture-pane costs ~2 ms.
        return await pollUntil(async () => ((last = await pane.capture()), re.test(last) ? last : undefined), {
          timeoutMs,
          intervalMs: 50,
          what: `${re} on the tmux screen`,
        });
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- screen ---\n${last.replace(/\n+$/, '')}`, { cause: err });
      }
    },
    async panePid() {
      const out = await tmux('display-message', '-p', '-t', target, '#{pane_dead} #{pane_pid}');
      const [dead, pid] = out.trim().split(' ');
      return dead === '1' ? null : Number(pid);
    },
    async paneExit() {
      const out = await tmux('display-message', '-p', '-t', target, '#{pane_dead} #{pane_dead_status}');
      const [dead, status] = out.trim().split(' ');
      return { dead: dead === '1', status: status ? Number(status) : null };
    },
    async kill() {
      const pid = firstPid ?? (await pane.panePid().catch(() => null));
      await tmux('kill-server').catch(() => {
        // The server is already gone (the pane exited and remain-on-exit was off, or it was killed): fine.
      });
      // kill-server sends SIGHUP; give the program a moment to exit on its own (it saves its state
      // then), and kill it outright if it has not: nothing may outlive the test.
      if (pid) {
        // 3 s: Claude Code exits on SIGHUP in well under a second.
        await pollUntil(() => (isAlive(pid) ? undefined : true), {
          timeoutMs: 3_000,
          intervalMs: 20,
          what: 'the pane process to exit',
        }).catch(() => {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // exited between the check and the kill
          }
        });
      }
    },
  };
  firstPid = await pane.panePid();
  return pane;
}

// ---- Claude Code screens (2.1.330; see test/e2e/README.md for the measured text) ----

export const TRUST_PROMPT_RE = /Yes, I trust this folder/;
const TRUST_YES_SELECTED_RE = /❯ Yes, I trust this folder/;
/** The empty input box: "❯" followed by a no-break space. */
export const INPUT_READY_RE = /^❯\u00a0/m;
export const NOT_TRUSTED_EXIT_RE = /didn't start because this folder isn't trusted/;

// The trust dialog repaints once ~50–150 ms after it first shows and resets the selection to
// "No, exit" (measured); a selection must survive this long before Enter is safe.
const TRUST_SETTLE_MS = 500;
// A Down normally moves the selection within ~70 ms.
const TRUST_DOWN_WAIT_MS = 400;

/**
 * Answers the workspace-trust prompt with "Yes, I trust this folder": Down until that line is
 * selected, wait for the selection to survive the dialog's repaint, then Enter, then check the
 * dialog is gone. Never sends a blind Enter (the default answer exits).
 */
export async function answerTrustPrompt(pane: TmuxPane, timeoutMs = 30_000): Promise<{ downs: number; ms: number }> {
  const started = Date.now();
  await pane.waitForText(TRUST_PROMPT_RE, timeoutMs);
  let downs = 0;
  for (;;) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`could not select "Yes, I trust this folder" within ${timeoutMs} ms\n${await pane.capture()}`);
    if (!TRUST_YES_SELECTED_RE.test(await pane.capture())) {
      await pane.sendKeys('Down');
      downs++;
      await pane.waitForText(TRUST_YES_SELECTED_RE, TRUST_DOWN_WAIT_MS).catch(() => undefined); // re-checked below
      continue;
    }
    await new Promise((r) => setTimeout(r, TRUST_SETTLE_MS));
    if (TRUST_YES_SELECTED_RE.test(await pane.capture())) break;
  }
  await pane.sendKeys('Enter');
  await pollUntil(
    async () => {
      const s = await pane.capture();
      if (NOT_TRUSTED_EXIT_RE.test(s)) throw new Error(`Claude Code exited: the trust prompt was answered "No"\n${s}`);
      return TRUST_PROMPT_RE.test(s) ? undefined : true;
    },
    { timeoutMs: 10_000, intervalMs: 50, what: 'the trust prompt to close' },
  );
  return { downs, ms: Date.now() - started };
}

/**
 * Sends a (multi-line) prompt the reliable way: bracketed paste, wait until the box shows it,
 * Enter as its own command, and Enter again if `submitted()` does not confirm within a second.
 */
export async function submitPrompt(
  pane: TmuxPane,
  text: string,
  submitted: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<{ enters: number }> {
  await pane.paste(text);
  const firstLine = text.split('\n')[0]!.slice(0, 40);
  const shown = new RegExp(`\\[Pasted text #\\d+|${firstLine.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  await pane.waitForText(shown, 5_000);
  const deadline = Date.now() + timeoutMs;
  let enters = 0;
  while (Date.now() < deadline) {
    await pane.sendKeys('Enter');
    enters++;
    const ok = await pollUntil(async () => ((await submitted()) ? true : undefined), {
      timeoutMs: 1_000,
      intervalMs: 50,
      what: 'prompt submission',
    }).catch(() => false);
    if (ok) return { enters };
  }
  throw new Error(`the prompt was not submitted after ${enters} Enter(s)\n${await pane.capture()}`);
}
