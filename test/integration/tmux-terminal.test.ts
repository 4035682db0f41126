// The tmux driver and the live view on a real tmux server and a real node-pty: our own socket in a
// private dir, unique names, transcript to a 0600 file, bracketed paste, read-only until take-over,
// replay for late subscribers, and flow control by watermarks.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLOW_HIGH_WATERMARK, DoctorTerminal } from '../../main/engine/doctor/terminal.js';
import { newSessionName, Tmux, TmuxError } from '../../main/engine/tmux/tmux.js';
import { until } from '../fixtures/fake-agent-harness.js';
import type { TerminalChunk } from '../../common/contract.js';

let dir: string;
let tmux: Tmux;
beforeEach(() => {
  dir = mkdtempSync(path.join('/tmp', 'cm-tmux-'));
  tmux = new Tmux(path.join(dir, 'run'));
});
afterEach(async () => {
  await tmux.run(['kill-server']).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function start(argv: string[], name = newSessionName()): Promise<string> {
  await tmux.newSession({
    name,
    argv,
    cwd: dir,
    env: { GREETING: 'hello from env' },
    cols: 100,
    rows: 30,
    transcriptPath: path.join(dir, 't.log'),
  });
  return name;
}

describe('tmux driver', () => {
  it('runs on its own socket in a 0700 dir, with env, cwd and a 0600 transcript', async () => {
    const s = await start(['/bin/sh', '-c', 'echo "$GREETING in $(pwd)"; exec cat']);
    expect(statSync(tmux.runtimeDir).mode & 0o777).toBe(0o700);
    expect(tmux.socket.startsWith(tmux.runtimeDir)).toBe(true);
    await until(async () => (await tmux.capture(s)).includes(`hello from env in ${dir}`));
    expect(statSync(path.join(dir, 't.log')).mode & 0o777).toBe(0o600);
    await until(() => readFileSync(path.join(dir, 't.log'), 'utf8').includes('hello from env'));
    expect(await tmux.listSessions()).toEqual([s]);
    expect(tmux.attachCommand(s)).toBe(`tmux -S '${tmux.socket}' attach -t '${s}'`);
  });

  it('pastes as one bracketed paste and sends keys separately', async () => {
    // `cat -v` shows the bracketed-paste markers when the app has enabled the mode.
    // tmux adds the markers only once the app has asked for bracketed paste: wait for READY.
    const s = await start(['/bin/sh', '-c', "printf '\\033[?2004h'; stty -icanon -echo; echo READY; exec cat -v"]);
    await until(async () => (await tmux.capture(s)).includes('READY'));
    await tmux.paste(s, 'line one\nline two');
    await until(async () => (await tmux.capture(s)).includes('^[[201~'));
    const screen = await tmux.capture(s);
    expect(screen).toContain('^[[200~line one');
    expect(screen).toContain('line two^[[201~');
  });

  it('keeps a dead pane readable with its exit status, then kills sessions', async () => {
    const s = await start(['/bin/sh', '-c', 'echo bye; exit 3']);
    await until(async () => (await tmux.pane(s))?.dead);
    expect(await tmux.pane(s)).toMatchObject({ dead: true, exitStatus: 3 });
    // tmux scrolls the output into history when it prints "Pane is dead".
    expect(await tmux.capture(s, { history: true })).toContain('bye');
    expect(await tmux.killSession(s)).toBe(true);
    expect(await tmux.killSession(s)).toBe(false);
    expect(await tmux.pane(s)).toBeNull();
  });

  it('session names are unique even within one millisecond', () => {
    const at = Date.now();
    const names = new Set(Array.from({ length: 500 }, () => newSessionName('clawmedic', at)));
    expect(names.size).toBe(500);
  });

  it('explains a missing tmux', async () => {
    const t = new Tmux(path.join(dir, 'run2'), 'tmux-does-not-exist');
    await expect(t.version()).rejects.toThrow(TmuxError);
    await expect(t.listSessions()).rejects.toThrow(/tmux is not installed.*brew install tmux/);
  });
});

describe('live terminal', () => {
  it('is read-only until writable, replays to late subscribers, and ends', async () => {
    const s = await start(['/bin/sh', '-c', 'echo READY; while read l; do echo "got:$l"; done']);
    const term = new DoctorTerminal();
    expect(await term.attach(tmux, s, 100, 30)).toBeNull();
    const early: TerminalChunk[] = [];
    const sub1 = term.subscribe((c) => early.push(c));
    await until(() =>
      early
        .map((c) => c.data)
        .join('')
        .includes('READY'),
    );
    // Input is refused while read-only; typing into a read-only tmux client does nothing either.
    expect(term.write('nope\r')).toBe(false);
    expect(await term.setWritable(true)).toBe(true);
    expect((await tmux.clients(s))[0]?.readonly).toBe(false);
    expect(term.write('yes\r')).toBe(true);
    await until(async () => (await tmux.capture(s)).includes('got:yes'));
    expect(await term.setWritable(false)).toBe(true);
    expect((await tmux.clients(s))[0]?.readonly).toBe(true);
    // A late subscriber gets what came before as replay first.
    const late: TerminalChunk[] = [];
    const sub2 = term.subscribe((c) => late.push(c));
    expect(late[0]?.kind).toBe('replay');
    expect(late[0]?.data).toContain('READY');
    await term.detach(true);
    expect(early.at(-1)).toMatchObject({ kind: 'end', sessionName: s });
    sub1.close();
    sub2.close();
  });

  it('pauses the PTY above the high watermark, resumes on ack, and close() forgets a subscriber', async () => {
    // Endless output: tmux sends a client screen updates, not the raw stream, so only a flood that
    // never stops guarantees more than the watermark reaches us after each ack.
    const s = await start([
      '/bin/sh',
      '-c',
      'i=0; while :; do echo "flood line $i ................................"; i=$((i+1)); done',
    ]);
    const term = new DoctorTerminal();
    await term.attach(tmux, s, 100, 30);
    let received = 0;
    const sub = term.subscribe((c) => (received += c.data.length));
    await until(() => term.isPaused, 15_000);
    expect(received).toBeGreaterThan(FLOW_HIGH_WATERMARK);
    sub.ack(received);
    expect(term.isPaused).toBe(false);
    await until(() => term.isPaused, 15_000);
    // A viewer that goes away must not stall the stream.
    sub.close();
    expect(term.isPaused).toBe(false);
    await term.detach(true);
  });
});
