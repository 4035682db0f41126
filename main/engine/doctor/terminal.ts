// The live view of a doctor session: one tmux client attached through node-pty, read-only until a
// human takes over, fanned out to any number of subscribers with flow control.
//
// Take-over toggles the same client's read-only flag (`switch-client -r`) instead of re-attaching:
// no second client, no redraw flicker, and keystrokes go through a real terminal (arrow keys,
// bracketed paste, Ctrl-C) rather than being translated into `send-keys` calls. Our tmux server has
// no prefix key, so every key reaches the agent.
import type { TerminalChunk } from '../../../common/contract.js';
import type { LiveTerminal, SubscribeOptions, TerminalSubscription } from '../engine-api.js';
import { checkPtyHelper, findPtyDir } from '../pty-check.js';
import type { Tmux } from '../tmux/tmux.js';

/**
 * Watermarks in unacked characters. The PTY pauses while every subscriber has more than HIGH unacked
 * (tmux stops drawing for this client and redraws the screen once it reads again) and resumes once one
 * has fewer than LOW. Sized by measurement (bench/live-terminal.ts, a flood into xterm in Chromium):
 * LOW must cover what xterm parses while a resume travels back to the PTY and new output arrives
 * (ack → WebSocket → resume → read → 5 ms batch → frame), else xterm idles each round trip; HIGH - LOW
 * is what one resume lets through. VS Code's 100k/5k stop-and-wait left xterm idle about half the time.
 */
export const FLOW_HIGH_WATERMARK = 256 * 1024;
export const FLOW_LOW_WATERMARK = 128 * 1024;
/**
 * A subscriber this far behind the fastest one is dropped (told through onLag): 4 Mi characters is
 * seconds of a flood at xterm's speed, so only a viewer that stopped reading (a frozen tab) hits it, and
 * it bounds what its transport buffers on its behalf. It can subscribe again and gets the replay.
 */
export const FLOW_LAG_LIMIT = 4 * 1024 * 1024;
/** Replay keeps this much of the session's output; beyond it a redraw from tmux replaces the history. */
const REPLAY_MAX_CHARS = 1_000_000;
/** Smallest window we let a viewer shrink the agent to (TUIs break below this). */
const MIN_COLS = 40;
const MIN_ROWS = 10;

interface Pty {
  pid: number;
  onData(cb: (d: string) => void): { dispose(): void };
  onExit(cb: (e: { exitCode: number; signal?: number }) => void): { dispose(): void };
  write(d: string): void;
  resize(c: number, r: number): void;
  pause(): void;
  resume(): void;
  kill(signal?: string): void;
}

/** The port to node-pty: the one function the live view needs. Tests and the app harness pass their own. */
export type PtyModule = { spawn(file: string, args: string[], opts: Record<string, unknown>): Pty };
let ptyModule: Promise<PtyModule> | null = null;

/**
 * Loads node-pty once, after the spawn-helper self-check (pty-check.ts): on macOS a helper without its
 * executable bit makes every spawn fail, so the check repairs it first where that is safe.
 */
export function loadNodePty(opts: { repair?: boolean } = {}): Promise<PtyModule> {
  ptyModule ??= (async () => {
    const dir = findPtyDir();
    if (dir) {
      const check = checkPtyHelper({ ptyDir: dir, repair: opts.repair ?? true });
      if (check.status === 'repaired') console.warn(`ClawMedic: ${check.message}`);
      if (check.status === 'broken' || check.status === 'missing') throw new Error(check.message);
    }
    const m = await import('node-pty');
    return (m as { default?: PtyModule }).default ?? m;
  })();
  // A failed load is retried at the next session (the user may have fixed the cause meanwhile).
  ptyModule.catch(() => {
    ptyModule = null;
  });
  return ptyModule;
}

interface Sub {
  listener: (c: TerminalChunk) => void;
  unacked: number;
  onLag?: () => void;
  paced: boolean;
}

export class DoctorTerminal implements LiveTerminal {
  private subs = new Set<Sub>();
  private pty: Pty | null = null;
  private tmux: Tmux | null = null;
  private session: string | null = null;
  private replay: string[] = [];
  private replayChars = 0;
  private replayTruncated = false;
  private paused = false;
  private writable = false;
  private ended = true;
  private cols = 120;
  private rows = 36;
  /** The size a viewer last asked for: the next session starts at it, so an open window is not shown cropped. */
  private viewerSize: { cols: number; rows: number } | null = null;
  /** Why the live view is unavailable (node-pty failed to load), shown to subscribers. */
  private unavailable: string | null = null;

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly loadPty: () => Promise<PtyModule> = loadNodePty,
    /** The flow-control window; the defaults above (the bench's window sweep passes others). */
    private readonly flow: { high: number; low: number } = { high: FLOW_HIGH_WATERMARK, low: FLOW_LOW_WATERMARK },
  ) {}

  get attachedSession(): string | null {
    return this.session;
  }

  get isWritable(): boolean {
    return this.writable;
  }

  /**
   * Attaches a read-only client to the session. Never throws: when node-pty cannot be loaded or cannot
   * start the client, the reason (with the attach command) goes to every viewer and is returned, and the
   * doctor carries on without a live view — the agent runs in tmux either way.
   */
  async attach(tmux: Tmux, session: string, cols: number, rows: number): Promise<string | null> {
    await this.detach(false);
    this.tmux = tmux;
    this.session = session;
    this.cols = cols;
    this.rows = rows;
    this.replay = [];
    this.replayChars = 0;
    this.replayTruncated = false;
    this.writable = false;
    this.ended = false;
    const unavailable = (why: string) => {
      this.unavailable =
        `The live view is unavailable: ${why}. The doctor keeps working in tmux; watch it in a terminal with: ` +
        tmux.attachCommand(session);
      this.broadcast({ kind: 'live', data: `\r\n${this.unavailable}\r\n`, sessionName: session });
      return this.unavailable;
    };
    let mod: PtyModule;
    try {
      mod = await this.loadPty();
    } catch (err) {
      return unavailable(`node-pty failed to load (${(err as Error).message})`);
    }
    this.unavailable = null;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.env)) if (v !== undefined && k !== 'TMUX' && k !== 'TMUX_PANE') env[k] = v;
    env.TERM = 'xterm-256color';
    let pty: Pty;
    try {
      pty = mod.spawn(tmux.binary, ['-S', tmux.socket, '-f', '/dev/null', 'attach-session', '-r', '-t', session], {
        name: 'xterm-256color',
        cols,
        rows,
        cwd: tmux.runtimeDir,
        env,
      });
    } catch (err) {
      // macOS: "posix_spawnp failed." when node-pty's spawn-helper cannot be executed (pty-check.ts).
      return unavailable(`the terminal could not be started (${(err as Error).message})`);
    }
    this.pty = pty;
    pty.onData((d) => {
      if (this.pty !== pty) return;
      this.remember(d);
      this.broadcast({ kind: 'live', data: d, sessionName: session });
    });
    pty.onExit(() => {
      if (this.pty !== pty) return;
      this.pty = null;
      this.writable = false;
    });
    return null;
  }

  /** Ends the live stream of this session (subscribers get an 'end' chunk when `announce`). */
  detach(announce = true): Promise<void> {
    const pty = this.pty;
    this.pty = null;
    this.writable = false;
    if (pty) {
      try {
        pty.kill();
      } catch {
        // Already exited with the session: nothing to stop.
      }
    }
    if (announce && !this.ended) {
      this.ended = true;
      this.broadcast({ kind: 'end', data: '', sessionName: this.session });
    }
    this.paused = false;
    return Promise.resolve();
  }

  subscribe(listener: (chunk: TerminalChunk) => void, opts: SubscribeOptions = {}): TerminalSubscription {
    const sub: Sub = { listener, unacked: 0, onLag: opts.onLag, paced: opts.paced ?? true };
    this.subs.add(sub);
    if (this.replayTruncated && this.pty && this.tmux && this.session) {
      // The start of the session is gone from memory: clear the viewer and let tmux redraw the
      // whole screen (the redraw reaches every subscriber; redrawing is idempotent).
      this.deliver(sub, { kind: 'replay', data: '\x1b[H\x1b[2J', sessionName: this.session });
      void this.refreshClient();
    } else if (this.replay.length) {
      this.deliver(sub, { kind: 'replay', data: this.replay.join(''), sessionName: this.session });
    }
    if (this.unavailable)
      this.deliver(sub, { kind: 'replay', data: `\r\n${this.unavailable}\r\n`, sessionName: this.session });
    if (this.ended && this.session) this.deliver(sub, { kind: 'end', data: '', sessionName: this.session });
    return {
      ack: (chars: number) => {
        if (!this.subs.has(sub)) return;
        sub.unacked = Math.max(0, sub.unacked - Math.max(0, chars));
        this.updateFlow();
      },
      close: () => {
        this.subs.delete(sub);
        this.updateFlow();
      },
    };
  }

  /** Lets keystrokes through (take-over) or back to watch-only. */
  async setWritable(on: boolean): Promise<boolean> {
    if (!this.pty || !this.tmux || !this.session) return false;
    if (on === this.writable) return true;
    const pid = this.pty.pid;
    const client = (await this.tmux.clients(this.session)).find((c) => c.pid === pid);
    if (!client) return false;
    if (client.readonly === on) await this.tmux.toggleReadOnly(client.tty);
    this.writable = on;
    return true;
  }

  /** Keystrokes from a human; refused unless writable. */
  write(data: string): boolean {
    if (!this.writable || !this.pty) return false;
    this.pty.write(data);
    return true;
  }

  resize(cols: number, rows: number): void {
    const c = Math.max(MIN_COLS, Math.floor(cols));
    const r = Math.max(MIN_ROWS, Math.floor(rows));
    if (!Number.isFinite(c) || !Number.isFinite(r)) return;
    this.cols = c;
    this.rows = r;
    this.viewerSize = { cols: c, rows: r };
    this.pty?.resize(c, r);
    if (this.tmux && this.session) {
      // The window follows the viewer so the agent is not shown cropped; a failed resize only costs looks.
      this.tmux.resize(this.session, c, r).catch(() => undefined);
    }
  }

  /** The size for a new session: the last viewer's, else the given default. */
  sizeForNewSession(cols: number, rows: number): { cols: number; rows: number } {
    return this.viewerSize ?? { cols, rows };
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.cols, rows: this.rows };
  }

  private async refreshClient(): Promise<void> {
    if (!this.pty || !this.tmux || !this.session) return;
    try {
      const client = (await this.tmux.clients(this.session)).find((c) => c.pid === this.pty?.pid);
      if (client) await this.tmux.run(['refresh-client', '-t', client.tty]);
    } catch {
      // The session ended meanwhile: nothing to redraw.
    }
  }

  private remember(d: string): void {
    this.replay.push(d);
    this.replayChars += d.length;
    while (this.replayChars > REPLAY_MAX_CHARS && this.replay.length > 1) {
      this.replayChars -= this.replay.shift()!.length;
      this.replayTruncated = true;
    }
  }

  private broadcast(chunk: TerminalChunk): void {
    for (const s of this.subs) this.deliver(s, chunk);
    this.updateFlow();
  }

  private deliver(sub: Sub, chunk: TerminalChunk): void {
    sub.unacked += chunk.data.length;
    try {
      sub.listener(chunk);
    } catch {
      // A failing viewer must not break the stream for the others or the doctor; drop it.
      this.subs.delete(sub);
    }
  }

  private updateFlow(): void {
    // The fastest viewer sets the pace: a slow one never holds the others back (it is dropped instead,
    // once it is FLOW_LAG_LIMIT behind). No viewer: nothing to wait for.
    // Observers (paced: false) are left out: they take everything at once and must not set the pace.
    let min = Infinity;
    for (const s of this.subs) if (s.paced) min = Math.min(min, s.unacked);
    if (min === Infinity) min = 0;
    for (const s of [...this.subs]) {
      if (s.paced && s.unacked - min > FLOW_LAG_LIMIT) {
        this.subs.delete(s);
        try {
          s.onLag?.();
        } catch {
          // The viewer's transport is gone already: forgetting it is all that was needed.
        }
      }
    }
    if (!this.paused && min > this.flow.high) {
      this.paused = true;
      this.pty?.pause();
    } else if (this.paused && min < this.flow.low) {
      this.paused = false;
      this.pty?.resume();
    }
  }

  /** For tests and status: whether the PTY is paused by flow control. */
  get isPaused(): boolean {
    return this.paused;
  }
}
