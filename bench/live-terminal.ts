// Benchmark 4: a flooding PTY through the doctor's real live terminal and the real dashboard
// (WebSocket, flow control) into xterm in the real renderer in Chromium, in two modes (live-host.ts):
// the bare PTY, where every byte the program prints must reach xterm, and the doctor's own path through
// tmux. Checks that every character reached xterm and was parsed (SHA-256 at the program, at the PTY
// reader and in the page; the ack count), that xterm shows what was printed, and that the main side's
// memory stays bounded with no viewer and with a viewer that stops acking.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { decodeTermFrame } from '../common/ws-protocol.js';
import type { HostRequest, MemWatch, Round, TapStats } from './live-host.js';
import { fmtBytes, fmtSpread, spread } from './stats.js';
import type { Row } from './table.js';
import { onCleanup, progress, sleep, until } from './util.js';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const here = path.dirname(fileURLToPath(import.meta.url));
/** The xterm.js build the renderer bundles, loaded bare into a page for the "xterm alone" figure (from dist/bench). */
const XTERM_DIR = path.resolve(here, '../../node_modules/@xterm/xterm');

/** The pane's starting size; the page's fit resizes it to xterm's. */
const START_COLS = 160;
const START_ROWS = 48;
/** The stream is "settled" once the PTY has been quiet this long (tmux redraws within a few ms). */
const QUIET_MS = 500;
/** Limits for one flood round to arrive; a stall shows up as a timeout naming what was missing. */
const ROUND_LIMIT_MS = 180_000;
/** How long a viewer that never acks is left stalling the bare PTY before it goes away. */
const STALL_HOLD_MS = 3_000;

export interface LiveOptions {
  rounds: number;
  roundBytes: number;
  memoryBytes: number;
  /** Throughput only (the window sweep): no memory floods afterwards. */
  throughputOnly?: boolean;
}

interface Host {
  call<T>(req: HostRequest): Promise<T>;
  proc: ChildProcess;
}

function startHost(): Host {
  // --expose-gc: memory before and after a flood is read after a collection (retained, not garbage).
  const proc = fork(path.join(here, 'live-host.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--expose-gc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  proc.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  });
  proc.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`the live-terminal host exited (${code})`));
    pending.clear();
  });
  return {
    proc,
    call<T>(req: HostRequest): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.send({ id, req });
      });
    },
  };
}

/**
 * Runs in the page before its scripts (plain JS: this file is compiled without the DOM types): records
 * every frame the dashboard sends, kept as it came (binary terminal frames as ArrayBuffers, control frames
 * as text) so the page does no extra work during the flood, and every ack the renderer sends back (5-byte
 * binary frames, common/ws-protocol.ts).
 */
const PAGE_TAP = `(() => {
  const B = { frames: [], text: [], acked: 0, lastAckAt: 0 };
  window.__bench = B;
  const Native = window.WebSocket;
  class Tapped extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (ev) => {
        if (typeof ev.data === 'string') B.text.push(ev.data);
        else B.frames.push(ev.data);
      });
    }
    send(data) {
      if (data instanceof Uint8Array && data.length === 5 && data[0] === 2) {
        B.acked += ((data[1] << 24) >>> 0) + (data[2] << 16) + (data[3] << 8) + data[4];
        B.lastAckAt = Date.now();
      }
      super.send(data);
    }
  }
  window.WebSocket = Tapped;
})();`;

type PageTap = { acked: number; lastAckAt: number };

const pageCounters = (page: Page) =>
  page.evaluate<PageTap>('({ acked: window.__bench.acked, lastAckAt: window.__bench.lastAckAt })');

/** What the page received as terminal data, hashed like the host hashes what the PTY produced. */
const pageDigest = (page: Page) =>
  page.evaluate<{ chars: number; sha256: string }>(`(async () => {
    const parts = [];
    const dec = new TextDecoder();
    for (const f of window.__bench.frames) {
      const b = new Uint8Array(f);
      if (b[0] !== 1) continue;
      const nameLen = (b[2] << 8) | b[3];
      parts.push(dec.decode(b.subarray(4 + (nameLen === 0xffff ? 0 : nameLen))));
    }
    const s = parts.join('');
    const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s));
    return { chars: s.length, sha256: [...new Uint8Array(d)].map((x) => x.toString(16).padStart(2, '0')).join('') };
  })()`);

/** The rows xterm renders (DOM renderer), trailing blanks trimmed. */
const xtermRows = (page: Page) =>
  page.evaluate<string[]>(
    `[...document.querySelectorAll('.view-live .xterm-rows > div')].map((r) ` +
      `=> (r.textContent || '').replace(/\u00a0/g, ' ').trimEnd())`,
  );

/**
 * xterm.js's own parse rate, in the live view's own page: the flood program's lines written straight into
 * a bare Terminal of the same size (64 KiB writes, no transport, no flow control), the same number of
 * bytes as one of our rounds. Sampled between our rounds, as many times as ours, so both see the same
 * machine load. The ceiling for the transport.
 */
async function xtermAlone(page: Page, bytes: number): Promise<number> {
  const r = await page.evaluate<{ ms: number; sent: number }>(`(async () => {
    const host = document.createElement('div');
    host.style.cssText = 'position:fixed;left:0;top:0;width:1180px;height:760px;z-index:9999;background:#fff';
    document.body.appendChild(host);
    const term = new window.Terminal({ scrollback: 20000, cols: 160, rows: 40 });
    term.open(host);
    const words = 'the quick brown fox jumps over the lazy dog while the gateway log scrolls past at full speed';
    let seq = 0;
    const block = () => {
      let s = '';
      while (s.length < 65536) {
        seq++;
        s += '\\x1b[36m' + String(seq).padStart(9, '0') + '\\x1b[0m ' + words + ' \\x1b[1mok\\x1b[0m\\r\\n';
      }
      return s;
    };
    const t0 = performance.now();
    let sent = 0;
    let last = null;
    while (sent < ${bytes}) { const b = block(); sent += b.length; last = new Promise((r) => term.write(b, r)); }
    await last;
    const ms = performance.now() - t0;
    term.dispose();
    host.remove();
    return { ms, sent };
  })()`);
  return r.sent / 1024 / 1024 / (r.ms / 1000);
}

async function quiet(host: Host): Promise<TapStats> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const s = (await host.call<{ tap: TapStats }>({ cmd: 'stats' })).tap;
    if (s.chars !== last) {
      last = s.chars;
      since = Date.now();
    } else if (Date.now() - since >= QUIET_MS) return s;
    await sleep(50);
  }
}

async function waitRound(host: Host, n: number): Promise<Round> {
  return until(
    async () => (await host.call<Round[]>({ cmd: 'rounds' })).find((r) => r.round === n),
    `flood round ${n} to finish`,
    ROUND_LIMIT_MS,
    50,
  );
}

export type LiveMode = 'raw' | 'tmux';

export interface FloodRun {
  sourceBytes: number;
  sourceMs: number;
  streamChars: number;
  /** go → xterm acked the last character. */
  deliveredMs: number;
}

export interface ModeResults {
  mode: LiveMode;
  /** xterm's own parse rate in the same page, MiB/s, one sample after each of our rounds (bare PTY only). */
  xtermAlone: number[];
  runs: FloodRun[];
  /** The PTY reader's view (what node-pty delivered to the DoctorTerminal). */
  produced: TapStats;
  /** The flood program's own count and digest of what it wrote (bare PTY only: tmux redraws instead). */
  program: { bytes: number; sha256: string } | null;
  received: { chars: number; sha256: string };
  acked: number;
  /** xterm's rows against tmux's capture (tmux) or against the program's last line (bare PTY). */
  screen: { ok: boolean; detail: string };
  pausedShare: number;
  noViewer: MemWatch & { bytes: number; ms: number; pausedAtEnd: boolean };
  stalled: MemWatch & {
    bytes: number;
    receivedChars: number;
    pausedWhileStalled: boolean;
    producerHeld: boolean;
    resumedAfterClose: boolean;
  };
  errors: string[];
}

export async function runLiveMode(mode: LiveMode, o: LiveOptions): Promise<ModeResults> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (\`apt-get install -y chromium\`) or set CHROMIUM_PATH.`,
    );
  const host = startHost();
  const stopHost = onCleanup(async () => {
    if (host.proc.exitCode !== null) return;
    await host.call({ cmd: 'stop' }).catch(() => undefined);
    await new Promise((r) => (host.proc.exitCode !== null ? r(null) : host.proc.once('exit', r)));
  });
  let browser: Browser | null = null;
  const closeBrowser = onCleanup(async () => browser?.close());
  const stats = () => host.call<{ tap: TapStats; paused: boolean }>({ cmd: 'stats' });
  try {
    const { url, token } = await host.call<{ url: string; token: string }>({
      cmd: 'start',
      mode,
      cols: START_COLS,
      rows: START_ROWS,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    // bypassCSP: only so the bench can add xterm's own build to the page for the "xterm alone" samples
    // (the dashboard's CSP allows no script but its own); our view runs exactly as it always does.
    const context = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      reducedMotion: 'reduce',
      bypassCSP: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript({ content: PAGE_TAP });
    await page.goto(url + '#/live');
    // xterm's own build, as a global for the "xterm alone" samples in this same page.
    if (mode === 'raw') await page.addScriptTag({ path: path.join(XTERM_DIR, 'lib/xterm.js') });
    const alone: number[] = [];
    if (mode === 'tmux') {
      // The view subscribed, fitted xterm and resized the pane to it; then everything settles.
      await until(async () => (await pageCounters(page)).acked > 0, 'the live view to receive the session', 20_000, 50);
      await until(
        async () => {
          const w = await host.call<{ cols: number; rows: number } | null>({ cmd: 'window' });
          return w && (w.cols !== START_COLS || w.rows !== START_ROWS);
        },
        'the page to resize the pane to its xterm',
        10_000,
        50,
      );
    } else {
      // The bare PTY prints nothing before the first round: wait until the server confirmed the page's subscription.
      await until(
        () => page.evaluate(`window.__bench.text.some((f) => f.startsWith('{"t":"term-start"'))`),
        'the live view to subscribe',
        20_000,
        50,
      );
    }
    await quiet(host);

    const runs: FloodRun[] = [];
    let last: Round | null = null;
    await host.call({ cmd: 'watch-start' });
    for (let i = 1; i <= o.rounds; i++) {
      progress(`live terminal (${mode}): flood round ${i}/${o.rounds} (${fmtBytes(o.roundBytes)}) into xterm`);
      const before = (await stats()).tap;
      const goAt = Date.now();
      await host.call({ cmd: 'go', bytes: o.roundBytes });
      last = await waitRound(host, i);
      const after = await quiet(host);
      await until(
        async () => (await pageCounters(page)).acked >= after.chars,
        `xterm to parse all ${after.chars} characters`,
        ROUND_LIMIT_MS,
        50,
      );
      const c = await pageCounters(page);
      runs.push({
        sourceBytes: last.bytes,
        sourceMs: last.endedAt - last.startedAt,
        streamChars: after.chars - before.chars,
        deliveredMs: c.lastAckAt - goAt,
      });
      // xterm alone, same page, same bytes, right after our round (bare PTY: the transport's ceiling).
      if (mode === 'raw') alone.push(await xtermAlone(page, o.roundBytes));
    }
    const flow = await host.call<MemWatch>({ cmd: 'watch-stop' });
    const produced = (await stats()).tap;
    const received = await pageDigest(page);
    const { acked } = await pageCounters(page);
    const rows = await xtermRows(page);
    let screen: ModeResults['screen'];
    if (mode === 'tmux') {
      const pane = (await host.call<string>({ cmd: 'capture' })).split('\n').map((l) => l.trimEnd());
      while (pane.length > rows.length && pane.at(-1) === '') pane.pop();
      let mismatched = 0;
      for (let i = 0; i < Math.max(rows.length, pane.length); i++)
        if ((rows[i] ?? '') !== (pane[i] ?? '')) mismatched++;
      screen = {
        ok: mismatched === 0,
        detail:
          mismatched === 0
            ? `xterm's ${rows.length} rows equal tmux's capture-pane`
            : `${mismatched} of xterm's ${rows.length} rows differ from tmux's capture-pane`,
      };
    } else {
      const shown = rows.filter((l) => l.trim());
      const lastSeq = /last line (\d+)/.exec(last?.lastLine ?? '')?.[1] ?? '?';
      const ok = shown.at(-1) === last?.lastLine && (shown.at(-2) ?? '').startsWith(lastSeq);
      screen = {
        ok,
        detail: ok
          ? `xterm's last rows show line ${lastSeq} and "${last?.lastLine}"`
          : `xterm's last rows are "${shown.slice(-2).join(' / ')}", expected line ${lastSeq} and "${last?.lastLine}"`,
      };
    }

    if (o.throughputOnly) {
      const none = { samples: 0, jsBefore: 0, jsPeak: 0, jsAfter: 0, rssBefore: 0, rssPeak: 0, rssAfter: 0 };
      return {
        mode,
        xtermAlone: alone,
        runs,
        produced,
        program: mode === 'raw' && last ? { bytes: last.totalBytes, sha256: last.sha256 } : null,
        received,
        acked,
        screen,
        pausedShare: flow.pausedShare,
        noViewer: { ...none, pausedShare: 0, bytes: 0, ms: 0, pausedAtEnd: false },
        stalled: {
          ...none,
          pausedShare: 0,
          bytes: 0,
          receivedChars: 0,
          pausedWhileStalled: false,
          producerHeld: false,
          resumedAfterClose: true,
        },
        errors,
      };
    }

    // Window closed: no viewer at all (the tap goes too), then flood.
    progress(`live terminal (${mode}): ${fmtBytes(o.memoryBytes)} with no viewer`);
    await context.close();
    await host.call({ cmd: 'tap', on: false });
    await host.call({ cmd: 'watch-start' });
    await host.call({ cmd: 'go', bytes: o.memoryBytes });
    const nvRound = await waitRound(host, o.rounds + 1);
    await sleep(QUIET_MS);
    const nv = await host.call<MemWatch>({ cmd: 'watch-stop' });
    const pausedAtEnd = (await stats()).paused;

    // A viewer that subscribes and never acks: flow control must hold the PTY, memory must not grow.
    progress(`live terminal (${mode}): ${fmtBytes(o.memoryBytes)} with a viewer that never acks`);
    const port = new URL(url).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Authorization: `Bearer ${token}` } });
    const closeWs = onCleanup(() => ws.close());
    let receivedChars = 0;
    ws.on('message', (raw, isBinary) => {
      if (!isBinary) return;
      const bytes = Array.isArray(raw) ? Buffer.concat(raw) : raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw;
      receivedChars += decodeTermFrame(bytes)?.data.length ?? 0;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ t: 'term-sub' }));
    await until(() => receivedChars > 0, 'the stalled viewer to get the replay', 10_000);
    await host.call({ cmd: 'watch-start' });
    await host.call({ cmd: 'go', bytes: o.memoryBytes });
    const stallRound = o.rounds + 2;
    let producerHeld = false;
    if (mode === 'raw') {
      // Backpressure reaches the program: its writes block while nobody reads the PTY.
      await sleep(STALL_HOLD_MS);
      producerHeld = !(await host.call<Round[]>({ cmd: 'rounds' })).some((r) => r.round === stallRound);
    } else {
      await waitRound(host, stallRound);
      await sleep(QUIET_MS);
    }
    const pausedWhileStalled = (await stats()).paused;
    const st = await host.call<MemWatch>({ cmd: 'watch-stop' });
    await closeWs();
    const resumedAfterClose = await until(
      async () => !(await stats()).paused,
      'the PTY to resume after the stalled viewer left',
      5_000,
      25,
    )
      .then(() => true)
      .catch(() => false);
    const finalRounds = await waitRound(host, stallRound).then(() => host.call<Round[]>({ cmd: 'rounds' }));
    const finalRound = finalRounds.at(-1)!;

    return {
      mode,
      xtermAlone: alone,
      runs,
      produced,
      program: mode === 'raw' && last ? { bytes: last.totalBytes, sha256: last.sha256 } : null,
      received,
      acked,
      screen,
      pausedShare: flow.pausedShare,
      noViewer: { ...nv, bytes: nvRound.bytes, ms: nvRound.endedAt - nvRound.startedAt, pausedAtEnd },
      stalled: { ...st, bytes: finalRound.bytes, receivedChars, pausedWhileStalled, producerHeld, resumedAfterClose },
      errors,
    };
  } finally {
    await closeBrowser();
    await stopHost();
  }
}

export interface LiveResults {
  raw: ModeResults | null;
  tmux: ModeResults | null;
  errors: string[];
}

export async function runLive(o: LiveOptions): Promise<LiveResults> {
  const out: LiveResults = { raw: null, tmux: null, errors: [] };
  for (const mode of ['raw', 'tmux'] as const) {
    try {
      out[mode] = await runLiveMode(mode, o);
    } catch (err) {
      out.errors.push(`${mode}: ${(err as Error).message}`);
      progress(`live terminal (${mode}) failed: ${(err as Error).message}`);
    }
  }
  return out;
}

const mib = (bytes: number, ms: number) => (ms > 0 ? bytes / 1024 / 1024 / (ms / 1000) : Number.NaN);
const fmtRate = (x: number) => `${x.toFixed(x < 1 ? 2 : 1)} MiB/s`;

function lost(m: ModeResults): { value: string; ok: boolean } {
  const all = [m.produced.sha256, m.received.sha256, ...(m.program ? [m.program.sha256] : [])];
  const same = all.every((x) => x === all[0]) && m.produced.chars === m.received.chars && m.acked === m.received.chars;
  return {
    ok: same,
    value: same
      ? '0'
      : `${Math.abs(m.produced.chars - m.received.chars)} chars, digests ` +
        `${all.every((x) => x === all[0]) ? 'equal' : 'DIFFER'}`,
  };
}

function memCell(m: MemWatch): string {
  const plus = (x: number) => `${x >= 0 ? '+' : ''}${fmtBytes(x)}`;
  return (
    `JS heap+buffers retained ${plus(m.jsAfter - m.jsBefore)} ` +
    `(${fmtBytes(m.jsBefore)} → ${fmtBytes(m.jsAfter)} after GC), transient ` +
    `peak ${plus(m.jsPeak - m.jsBefore)}; RSS peak ${fmtBytes(m.rssPeak)}`
  );
}

export function liveRows(r: LiveResults): Row[] {
  const rows: Row[] = [];
  const raw = r.raw;
  const tm = r.tmux;
  if (raw) {
    const ours = raw.runs.map((x) => mib(x.streamChars, x.deliveredMs));
    const rate = spread(ours);
    const aloneS = spread(raw.xtermAlone);
    // Each of our rounds against the xterm-alone sample taken right after it (same load, same page).
    const shares = spread(
      ours
        .map((x, i) => (raw.xtermAlone[i] ? (x / raw.xtermAlone[i]) * 100 : Number.NaN))
        .filter((x) => Number.isFinite(x)),
    );
    const noViewer = mib(raw.noViewer.bytes, raw.noViewer.ms);
    const l = lost(raw);
    rows.push({
      id: '4a',
      what:
        'Live terminal, bare PTY flood → DoctorTerminal → dashboard WebSocket (binary frames, flow control on) ' +
        `→ xterm in Chromium: throughput, ${raw.runs.length} × ${fmtBytes(raw.runs[0]?.sourceBytes ?? 0)}`,
      ours: `${fmtSpread(rate, fmtRate)} parsed by xterm`,
      other:
        'xterm alone (same lines into a bare Terminal in the same page, sampled after each of our rounds): ' +
        `${fmtSpread(aloneS, fmtRate)}; the program with no viewer: ${fmtRate(noViewer)}`,
      ratio: shares ? `${fmtSpread(shares, (x) => `${Math.round(x)}%`)} of xterm alone (round by round)` : '–',
      goal: '≥ 95% of xterm alone',
      verified:
        `PTY paused by flow control in ${Math.round(raw.pausedShare * 100)}% of 20 ms samples ` +
        '(xterm sets the pace)',
    });
    rows.push({
      id: '4a',
      what: 'Live terminal, bare PTY: bytes lost between the program and xterm',
      ours: l.value,
      goal: '0',
      other:
        `program wrote ${raw.program?.bytes.toLocaleString('en') ?? '?'} B; ` +
        `PTY reader got ${raw.produced.chars.toLocaleString('en')} chars; ` +
        `page received ${raw.received.chars.toLocaleString('en')}; xterm acked ${raw.acked.toLocaleString('en')}`,
      ratio: '–',
      verified:
        `SHA-256 at the program, the PTY reader and in the page ` +
        `${l.ok ? 'all equal' : 'NOT equal'} ` +
        `(${raw.received.sha256.slice(0, 12)}…); ` +
        `${raw.screen.detail}${raw.errors.length ? `; page errors: ${raw.errors.join('; ')}` : ''}`,
    });
  }
  if (tm) {
    const l = lost(tm);
    const printed = tm.runs.reduce((n, x) => n + x.sourceBytes, 0);
    const sent = tm.runs.reduce((n, x) => n + x.streamChars, 0);
    rows.push({
      id: '4b',
      what:
        `Live terminal, the doctor's path (flood in a tmux pane, tmux client ` +
        `PTY → dashboard → xterm), ${tm.runs.length} × ` +
        `${fmtBytes(tm.runs[0]?.sourceBytes ?? 0)}`,
      ours:
        `xterm done ` +
        `${fmtSpread(spread(tm.runs.map((x) => x.deliveredMs - x.sourceMs)))} ` +
        `after the program; lost: ${l.value}`,
      other:
        `the program printed at ` +
        `${fmtSpread(spread(tm.runs.map((x) => mib(x.sourceBytes, x.sourceMs))), fmtRate)}; ` +
        `tmux sent ${fmtBytes(sent)} of redraws for ${fmtBytes(printed)} printed`,
      ratio: printed ? `${((sent / printed) * 100).toFixed(1)}% of the bytes` : '–',
      verified:
        `SHA-256 PTY reader = page ${l.ok ? 'equal' : 'NOT equal'}; ` +
        `${tm.screen.detail}${tm.errors.length ? `; page errors: ${tm.errors.join('; ')}` : ''}`,
    });
  }
  const pick = (f: (m: ModeResults) => string) => ({
    ours: raw ? f(raw) : '–',
    other: tm ? `doctor's tmux path: ${f(tm)}` : '–',
  });
  if (raw || tm) {
    const a = pick((m) => memCell(m.noViewer));
    rows.push({
      id: '4c',
      what:
        `Live terminal, window closed (no subscriber), ` +
        `${fmtBytes((raw ?? tm)!.noViewer.bytes)} flooded: main-side memory (bare PTY)`,
      ...a,
      ratio: '–',
      verified:
        `bounded by the 1M-char replay buffer; PTY ` +
        `${[raw, tm].some((m) => m?.noViewer.pausedAtEnd) ? 'left PAUSED' : 'never held'} ` +
        `with nobody watching`,
    });
    const b = pick((m) => memCell(m.stalled));
    rows.push({
      id: '4d',
      what:
        `Live terminal, a viewer that stops acking, ` +
        `${fmtBytes((raw ?? tm)!.stalled.bytes)} flooded: main-side memory (bare PTY)`,
      ...b,
      ratio: '–',
      verified: [
        raw
          ? `bare PTY: viewer got ${raw.stalled.receivedChars.toLocaleString('en')} ` +
            `chars then the stream held; PTY ` +
            `${raw.stalled.pausedWhileStalled ? 'paused' : 'NOT paused'}, program ` +
            `${raw.stalled.producerHeld ? `blocked ${STALL_HOLD_MS / 1000} s (nothing dropped)` : 'NOT blocked'}, ` +
            `${raw.stalled.resumedAfterClose ? 'resumed' : 'NOT resumed'} when the viewer left`
          : '',
        tm
          ? `tmux: PTY ${tm.stalled.pausedWhileStalled ? 'paused' : 'NOT paused'}, ` +
            `${tm.stalled.resumedAfterClose ? 'resumed' : 'NOT resumed'} when the viewer left`
          : '',
      ]
        .filter(Boolean)
        .join('; '),
    });
  }
  if (r.errors.length)
    rows.push({
      id: '4!',
      what: 'Live-terminal runs that failed',
      ours: '',
      other: '',
      ratio: '',
      verified: r.errors.join('; '),
    });
  return rows;
}

/** Flow-control windows tried by the sweep: VS Code's stop-and-wait 100k/5k, and larger ones. */
export const SWEEP_WINDOWS: [number, number][] = [
  [100_000, 5_000],
  [256 * 1024, 128 * 1024],
  [1024 * 1024, 512 * 1024],
];

export interface SweepPoint {
  high: number;
  low: number;
  m: ModeResults | null;
  error: string | null;
}

/** The bare-PTY throughput for each window (live-host.ts reads BENCH_FLOW), same page, alone after each round. */
export async function runFlowSweep(o: { rounds: number; roundBytes: number }): Promise<SweepPoint[]> {
  const out: SweepPoint[] = [];
  for (const [high, low] of SWEEP_WINDOWS) {
    process.env.BENCH_FLOW = `${high}:${low}`;
    progress(`live terminal window sweep: ${high}/${low}`);
    try {
      out.push({ high, low, m: await runLiveMode('raw', { ...o, memoryBytes: 0, throughputOnly: true }), error: null });
    } catch (err) {
      out.push({ high, low, m: null, error: (err as Error).message });
    } finally {
      delete process.env.BENCH_FLOW;
    }
  }
  return out;
}

export function sweepRows(points: SweepPoint[]): Row[] {
  return points.map((p) => {
    const ours = p.m ? p.m.runs.map((x) => mib(x.streamChars, x.deliveredMs)) : [];
    const shares = ours.map((x, i) => (p.m?.xtermAlone[i] ? (x / p.m.xtermAlone[i]) * 100 : Number.NaN));
    const size = `${p.m?.runs.length ?? 0} × ${fmtBytes(p.m?.runs[0]?.sourceBytes ?? 0)}`;
    const pct = (x: number) => `${Math.round(x)}%`;
    return {
      id: '4w',
      what:
        `Live terminal window sweep (bare PTY, ${size}): pause above ${p.high.toLocaleString('en')}, ` +
        `resume below ${p.low.toLocaleString('en')} unacked`,
      ours: p.m ? `${fmtSpread(spread(ours), fmtRate)} parsed by xterm` : `failed: ${p.error}`,
      other: p.m ? `xterm alone, same page: ${fmtSpread(spread(p.m.xtermAlone), fmtRate)}` : '–',
      ratio: p.m ? `${fmtSpread(spread(shares.filter((x) => Number.isFinite(x))), pct)} of xterm alone` : '–',
      verified: p.m
        ? `PTY paused in ${Math.round(p.m.pausedShare * 100)}% of 20 ms samples; lost ${lost(p.m).value}`
        : '–',
    };
  });
}
