// Benchmark 6: the dashboard's stream redactor alone (main/engine/redact-stream.ts), the per-chunk work
// of the live terminal measured without a transport: the flood program's lines and a Claude Code-like
// TUI stream (box drawing, colours, a spinner line), each pushed in the live view's batch size. Rates
// are characters per CPU second of this process (process.cpuUsage: what the redactor itself costs, less
// sensitive to other load than wall time) and per wall second.
import { StreamRedactor } from '../main/engine/redact-stream.js';
import { BATCH_MAX_CHARS } from '../main/engine/viewer-stream.js';
import { loadNow } from './load.js';
import { fmtSpread, spread } from './stats.js';
import type { Row } from './table.js';
import { progress } from './util.js';

/** 16 Mi characters per run: long enough that one run takes a few hundred ms, not timer noise. */
const RUN_CHARS = 16 * 1024 * 1024;
/** Literal secrets like the dashboard's (a gateway token, a bot token): the literal pass runs as it would. */
const SECRETS = ['gw-tok-8b1f0c9e7d6a5b4c3d2e1f0a9b8c7d6e', '7012345678:AAHk3mP9qR2sT5uV8wX1yZ4aB7cD0eF3gH6'];
const WORDS = 'the quick brown fox jumps over the lazy dog while the gateway log scrolls past at full speed';

export type RedactorContent = 'flood' | 'tui';

function content(kind: RedactorContent): string {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < RUN_CHARS; i++) {
    // The flood program's lines (bench/flood.ts), or a TUI's: a tool call, its output, a spinner line.
    const line =
      kind === 'flood'
        ? `\x1b[36m${String(i).padStart(9, '0')}\x1b[0m ${WORDS} \x1b[1mok\x1b[0m\r\n`
        : `\x1b[38;5;246m│\x1b[39m \x1b[1mBash\x1b[22m(openclaw gateway status --port 18789)\x1b[K\r\n` +
          `\x1b[2m  ⎿  gateway: running (pid ${1000 + (i % 9000)}), uptime ${i}s, 3 channels ready` +
          '\x1b[22m\x1b[K\r\n' +
          `\x1b[38;5;174m✻\x1b[39m Working… \x1b[2m(${i % 60}s · ↓ ${i % 900} tokens · esc to interrupt)` +
          '\x1b[22m\x1b[K\r\n';
    parts.push(line);
    n += line.length;
  }
  return parts.join('');
}

export interface RedactorRun {
  kind: RedactorContent;
  cpuRate: number;
  wallRate: number;
}

export interface RedactorResults {
  runs: RedactorRun[];
  load: string;
  chars: number;
}

export function runRedactor(reps: number): RedactorResults {
  progress(`redactor alone: ${reps} × ${RUN_CHARS / 1024 / 1024} Mi chars of flood lines and of TUI output`);
  const load = loadNow();
  const runs: RedactorRun[] = [];
  const texts = { flood: content('flood'), tui: content('tui') };
  for (let r = 0; r < reps; r++) {
    for (const kind of ['flood', 'tui'] as const) {
      const text = texts[kind];
      const redactor = new StreamRedactor({ secrets: () => SECRETS });
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let out = 0;
      for (let i = 0; i < text.length; i += BATCH_MAX_CHARS)
        out += redactor.push(text.slice(i, i + BATCH_MAX_CHARS)).length;
      out += redactor.releaseAll().length;
      const wall = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1e6;
      // Nothing in these texts is secret: everything must come out, unchanged in length.
      if (out !== text.length)
        throw new Error(`the redactor changed ${kind} text it should have passed (${out} of ${text.length})`);
      const mi = text.length / 1024 / 1024;
      runs.push({ kind, cpuRate: mi / cpu, wallRate: mi / wall });
    }
  }
  return { runs, load, chars: RUN_CHARS };
}

const rate = (x: number) => `${x.toFixed(0)} MiB/s`;

export function redactorRows(r: RedactorResults): Row[] {
  const by = (kind: RedactorContent, f: (x: RedactorRun) => number) =>
    spread(r.runs.filter((x) => x.kind === kind).map(f));
  return [
    {
      id: '6',
      what:
        `Stream redactor alone (dashboard live view), ${r.chars / 1024 / 1024} Mi chars per run ` +
        `in ${BATCH_MAX_CHARS / 1024} Ki batches: flood lines (coloured)`,
      ours: `${fmtSpread(
        by('flood', (x) => x.cpuRate),
        rate,
      )} per CPU second`,
      other: `wall: ${fmtSpread(
        by('flood', (x) => x.wallRate),
        rate,
      )}`,
      ratio: '–',
      goal: '≥ 200 MiB/s',
      verified: `every character passed through (nothing in the text is secret); load average ${r.load}`,
    },
    {
      id: '6',
      what: 'Stream redactor alone: Claude Code-like TUI output (escape-dense, box drawing, a "tokens" spinner line)',
      ours: `${fmtSpread(
        by('tui', (x) => x.cpuRate),
        rate,
      )} per CPU second`,
      other: `wall: ${fmtSpread(
        by('tui', (x) => x.wallRate),
        rate,
      )}`,
      ratio: '–',
      goal: '≥ 200 MiB/s',
      verified: `the visible text is redacted, and the bytes too when it held something; load average ${r.load}`,
    },
  ];
}
