// The main-process side of benchmark 4, in its own process so its memory is measured alone: a real
// Engine whose doctor is replaced by the flood program, the real DoctorTerminal (node-pty, flow
// control, replay) as its live terminal, and the real dashboard serving the built renderer. The
// benchmark drives it over IPC (see HostRequest).
//
// Two modes. 'tmux': the flood runs in a tmux pane and the DoctorTerminal attaches a tmux client, as
// for a real doctor session (tmux redraws the screen, so far fewer bytes reach us than were printed).
// 'raw': the DoctorTerminal's PTY runs the flood program itself, so every byte it prints must cross
// the transport: the tmux driver's binary is a wrapper that execs the flood program instead of
// attaching, which leaves the DoctorTerminal code untouched.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DoctorLive } from '../common/contract.js';
import { startDashboard, type Dashboard } from '../main/dashboard/index.js';
import type { DoctorPort } from '../main/engine/doctor/port.js';
import { DoctorTerminal } from '../main/engine/doctor/terminal.js';
import { Engine } from '../main/engine/engine.js';
import type { TerminalSubscription } from '../main/engine/engine-api.js';
import { Tmux } from '../main/engine/tmux/tmux.js';
import { readMem } from './procstat.js';

export type HostRequest =
  | { cmd: 'start'; mode: 'tmux' | 'raw'; cols: number; rows: number }
  | { cmd: 'go'; bytes: number }
  | { cmd: 'rounds' }
  | { cmd: 'tap'; on: boolean }
  | { cmd: 'stats' }
  | { cmd: 'capture' }
  | { cmd: 'window' }
  | { cmd: 'watch-start' }
  | { cmd: 'watch-stop' }
  | { cmd: 'stop' };

export interface TapStats {
  chars: number;
  sha256: string;
  lastAt: number;
}

export interface MemWatch {
  samples: number;
  /** heapUsed + external + arrayBuffers (what JS strings, buffers and sockets hold); before/after right after a GC. */
  jsBefore: number;
  jsPeak: number;
  jsAfter: number;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
  /** Share of samples with the PTY paused by flow control. */
  pausedShare: number;
}

export interface Round {
  round: number;
  bytes: number;
  startedAt: number;
  endedAt: number;
  /** Everything the flood program wrote so far: bytes and SHA-256. */
  totalBytes: number;
  sha256: string;
  lastLine: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const FLOOD_JS = path.join(here, 'flood.js');
/** Memory and flow-control samples during a flood: 20 ms sees every pause of a ~100 ms flow-control cycle. */
const SAMPLE_MS = 20;

let dir = '';
let tmux: Tmux | null = null;
let session = '';
let terminal: DoctorTerminal | null = null;
let engine: Engine | null = null;
let dashboard: Dashboard | null = null;
let statsFile = '';
let controlFile = '';
let mode: 'tmux' | 'raw' = 'tmux';

let tap: {
  sub: TerminalSubscription | null;
  hash: ReturnType<typeof createHash>;
  chars: number;
  lastAt: number;
} | null = null;
let tapTotals: TapStats = { chars: 0, sha256: '', lastAt: 0 };

let watch: { timer: NodeJS.Timeout; s: MemWatch; paused: number } | null = null;

/** Settles garbage first when the host runs with --expose-gc, so before/after show what is retained. */
function js(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

function startTap(): void {
  if (tap || !terminal) return;
  const t = { sub: null as TerminalSubscription | null, hash: createHash('sha256'), chars: 0, lastAt: 0 };
  let owed = 0;
  tap = t;
  // Acks at once, as an observer (paced: false): it sees what the PTY produced without holding the stream
  // back, and without setting the pace either (the fastest viewer does; the tap would always be it).
  t.sub = terminal.subscribe(
    (chunk) => {
      t.hash.update(chunk.data);
      t.chars += chunk.data.length;
      t.lastAt = Date.now();
      if (t.sub) t.sub.ack(chunk.data.length);
      else owed += chunk.data.length; // the replay arrives before subscribe() returns
    },
    { paced: false },
  );
  if (owed) t.sub.ack(owed);
}

function tapStats(): TapStats {
  if (!tap) return tapTotals;
  return { chars: tap.chars, sha256: tap.hash.copy().digest('hex'), lastAt: tap.lastAt };
}

function stopTap(): void {
  if (!tap) return;
  tapTotals = tapStats();
  tap.sub?.close();
  tap = null;
}

async function start(
  m: 'tmux' | 'raw',
  cols: number,
  rows: number,
): Promise<{ url: string; token: string; session: string }> {
  mode = m;
  dir = mkdtempSync('/tmp/cm-bench-live-');
  statsFile = path.join(dir, 'rounds.jsonl');
  controlFile = path.join(dir, 'control');
  session = 'clawmedic-bench-flood';
  let env: NodeJS.ProcessEnv = process.env;
  if (m === 'tmux') {
    tmux = new Tmux(path.join(dir, 'run'));
    await tmux.newSession({
      name: session,
      argv: [process.execPath, FLOOD_JS, statsFile],
      cwd: dir,
      env: {},
      cols,
      rows,
      transcriptPath: path.join(dir, 'transcript.log'),
    });
  } else {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin, { mode: 0o700 });
    const wrapper = path.join(bin, 'tmux');
    // `stty -opost`: no CR insertion by the line discipline, so the bytes read are the bytes written.
    // The driver's other calls (resize, list-clients) reach the wrapper without FLOOD_NODE and fail at once.
    writeFileSync(
      wrapper,
      `#!/bin/sh\n[ -n "$FLOOD_NODE" ] || exit 1\nstty -opost ` +
        `2>/dev/null\nexec "$FLOOD_NODE" "$FLOOD_JS" "$FLOOD_STATS" --control ` +
        `"$FLOOD_CONTROL"\n`,
      { mode: 0o700 },
    );
    tmux = new Tmux(path.join(dir, 'run'), wrapper);
    // The live view's PTY starts in the tmux runtime dir, which no tmux server created here.
    mkdirSync(tmux.runtimeDir, { mode: 0o700 });
    env = {
      ...process.env,
      FLOOD_NODE: process.execPath,
      FLOOD_JS,
      FLOOD_STATS: statsFile,
      FLOOD_CONTROL: controlFile,
    };
  }
  // BENCH_FLOW="high:low" (the window sweep, live-terminal.ts): another flow-control window than the default.
  const flow = /^(\d+):(\d+)$/.exec(process.env.BENCH_FLOW ?? '');
  terminal = new DoctorTerminal(env, undefined, flow ? { high: Number(flow[1]), low: Number(flow[2]) } : undefined);
  const problem = await terminal.attach(tmux, session, cols, rows);
  if (problem) throw new Error(problem);
  startTap();
  const live: DoctorLive = {
    incidentId: 'benchmark',
    agent: 'flood',
    sessionName: session,
    attachCommand: tmux.attachCommand(session),
    startedAt: new Date().toISOString(),
    deadline: new Date(Date.now() + 3_600_000).toISOString(),
    takenOver: false,
    needsApproval: false,
  };
  const t = terminal;
  const port: DoctorPort = {
    run: () => Promise.reject(new Error('the benchmark host runs no doctor')),
    current: () => ({ ...live }),
    terminal: t,
    takeOver: () => Promise.resolve({ ok: false, message: 'read-only benchmark' }),
    handBack: () => Promise.resolve({ ok: true, value: undefined }),
    input: (d) => t.write(d),
    resize: (c, r) => t.resize(c, r),
    cleanupOrphans: () => Promise.resolve([]),
    defaultTemplate: () => '',
    preview: () => ({ ok: true, value: '' }),
  };
  const settingsFile = path.join(dir, 'settings.json');
  writeFileSync(
    settingsFile,
    JSON.stringify({ dataDir: path.join(dir, 'data'), gateway: { url: 'http://127.0.0.1:9' } }),
    { mode: 0o600 },
  );
  // Not started: no supervisor loop, so nothing but the terminal and the dashboard uses the CPU.
  engine = await Engine.create({ settingsFile, doctorFactory: () => port, onInvalidSettings: 'throw' });
  dashboard = await startDashboard({ engine, port: 0, allowInput: false });
  return { url: dashboard.url, token: dashboard.token, session };
}

function rounds(): Round[] {
  if (!existsSync(statsFile)) return [];
  return readFileSync(statsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Round);
}

async function stop(): Promise<void> {
  if (watch) clearInterval(watch.timer);
  stopTap();
  await dashboard?.close().catch(() => undefined);
  await terminal?.detach(true).catch(() => undefined);
  await engine?.stop('benchmark done').catch(() => undefined);
  if (tmux) await tmux.run(['kill-server']).catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
}

async function handle(req: HostRequest): Promise<unknown> {
  switch (req.cmd) {
    case 'start':
      return start(req.mode, req.cols, req.rows);
    case 'go':
      if (mode === 'raw') {
        appendFileSync(controlFile, `go ${req.bytes}\n`);
        return null;
      }
      // Typed into the pane (its line discipline echoes it): the flood program reads the line.
      await tmux!.sendKeys(session, [`go ${req.bytes}`], true);
      await tmux!.sendKeys(session, ['Enter']);
      return null;
    case 'rounds':
      return rounds();
    case 'tap':
      if (req.on) startTap();
      else stopTap();
      return tapStats();
    case 'stats':
      return { tap: tapStats(), paused: terminal?.isPaused ?? false, hwm: readMem(process.pid)?.hwm ?? null };
    case 'capture':
      return mode === 'tmux' ? tmux!.capture(session) : null;
    case 'window': {
      if (mode === 'raw') return null;
      const p = await tmux!.pane(session);
      return p ? { cols: p.cols, rows: p.rows } : null;
    }
    case 'watch-start': {
      const jsBefore = js();
      const s: MemWatch = {
        samples: 0,
        jsBefore,
        jsPeak: jsBefore,
        jsAfter: 0,
        rssBefore: process.memoryUsage().rss,
        rssPeak: 0,
        rssAfter: 0,
        pausedShare: 0,
      };
      const w = {
        s,
        paused: 0,
        timer: setInterval(() => {
          const m = process.memoryUsage();
          s.samples++;
          s.jsPeak = Math.max(s.jsPeak, m.heapUsed + m.external + m.arrayBuffers);
          s.rssPeak = Math.max(s.rssPeak, m.rss);
          if (terminal?.isPaused) w.paused++;
        }, SAMPLE_MS),
      };
      watch = w;
      return null;
    }
    case 'watch-stop': {
      if (!watch) return null;
      clearInterval(watch.timer);
      const s = watch.s;
      s.jsAfter = js();
      s.rssAfter = process.memoryUsage().rss;
      s.pausedShare = s.samples ? watch.paused / s.samples : 0;
      watch = null;
      return s;
    }
    case 'stop':
      await stop();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (msg: { id: number; req: HostRequest }) => {
  handle(msg.req).then(
    (value) => process.send?.({ id: msg.id, ok: true, value }),
    (err: unknown) => process.send?.({ id: msg.id, ok: false, error: (err as Error).message }),
  );
});
// The benchmark died: take everything down with us rather than leave a tmux server behind.
process.on('disconnect', () => {
  void stop().finally(() => process.exit(1));
});
