// A flooding terminal program for benchmark 4. Each command "go <bytes>" makes it print at least that
// many bytes of numbered, coloured lines as fast as its terminal takes them, then append
// {round, bytes, startedAt, endedAt, totalBytes, sha256, lastLine} to the stats file (sha256 and
// totalBytes cover everything it ever wrote, for the end-to-end check). Commands come from its terminal
// (typed lines, inside tmux) or, with --control <file>, from lines appended to that file (when its
// terminal is read-only, as on the bare PTY). Between rounds it waits quietly.
//
// Run: node flood.js <stats-file> [--control <file>]
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const statsFile = process.argv[2];
const controlIdx = process.argv.indexOf('--control');
const controlFile = controlIdx > 0 ? process.argv[controlIdx + 1] : undefined;
if (!statsFile || (controlIdx > 0 && !controlFile)) {
  process.stderr.write('usage: node flood.js <stats-file> [--control <file>]\n');
  process.exit(2);
}

/** One write per 64 KiB: big enough that the loop costs nothing, small enough to interleave with the reader. */
const BLOCK_BYTES = 64 * 1024;
/** How often the control file is read: 20 ms is far below a round's length and costs nothing. */
const CONTROL_POLL_MS = 20;
const WORDS = 'the quick brown fox jumps over the lazy dog while the gateway log scrolls past at full speed';

const hash = createHash('sha256');
let total = 0;
let seq = 0;

function block(): string {
  let s = '';
  while (s.length < BLOCK_BYTES) {
    seq++;
    // Colour escapes like a real agent's output, so xterm parses SGR as well as text. Explicit CR LF:
    // on a terminal without output processing a bare LF would not return the carriage.
    s += `\x1b[36m${String(seq).padStart(9, '0')}\x1b[0m ${WORDS} \x1b[1mok\x1b[0m\r\n`;
  }
  return s;
}

function write(s: string): Promise<void> {
  hash.update(s);
  total += Buffer.byteLength(s);
  return new Promise((resolve) => {
    if (process.stdout.write(s)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

let round = 0;
let busy = Promise.resolve();

function command(line: string): void {
  const m = /^go (\d+)$/.exec(line.trim());
  if (!m) return;
  const bytes = Number(m[1]);
  busy = busy.then(async () => {
    round++;
    const startedAt = Date.now();
    let sent = 0;
    // Whole lines only (the last block may overshoot a little): a cut escape sequence would garble the end.
    while (sent < bytes) {
      const b = block();
      await write(b);
      sent += b.length;
    }
    const lastLine = `FLOOD ROUND ${round} DONE: ${sent} bytes, last line ${seq}`;
    await write(`${lastLine}\r\n`);
    const endedAt = Date.now();
    appendFileSync(
      statsFile!,
      JSON.stringify({
        round,
        bytes: sent,
        startedAt,
        endedAt,
        totalBytes: total,
        sha256: hash.copy().digest('hex'),
        lastLine,
      }) + '\n',
    );
  });
}

if (controlFile) {
  let offset = 0;
  setInterval(() => {
    if (!existsSync(controlFile)) return;
    const text = readFileSync(controlFile, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end <= offset) return;
    for (const line of text.slice(offset, end).split('\n')) if (line) command(line);
    offset = end;
  }, CONTROL_POLL_MS);
} else {
  createInterface({ input: process.stdin }).on('line', command);
}
