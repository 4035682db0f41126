// The CLI as a person meets it: exit codes that hold everywhere (status), settings mistakes named once with
// their line and column or the key they meant, the README's commented example accepted, a mistyped --config
// refused, each reason printed once, a second watcher that refuses before saying anything else, a restart that
// shows what it waits for on a terminal (and nothing extra off one), DOWN in red unless NO_COLOR.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadNodePty } from '../../main/engine/doctor/terminal.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, cliPath, fastSettings, repoRoot, type CliResult, type WatchProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

let gw: FakeGateway | null = null;
let box: CliSandbox | null = null;
let watcher: WatchProcess | null = null;

afterEach(async () => {
  await watcher?.stop('SIGKILL');
  await gw?.stop();
  box?.cleanup();
  gw = box = watcher = null;
});

/** A loopback URL nothing listens on (port 9, "discard", is never served here). */
const DEAD_URL = 'http://127.0.0.1:9';

/** Runs the CLI with exactly these arguments (no --config added), without a terminal. */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the CLI on a real terminal (node-pty) and returns everything it wrote, escapes included. */
async function runOnTerminal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  const pty = await loadNodePty();
  const base: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', ...env };
  if (env.NO_COLOR === undefined) delete base.NO_COLOR;
  const p = pty.spawn(process.execPath, [cliPath, ...args], {
    cols: 120,
    rows: 30,
    env: base,
  });
  let output = '';
  p.onData((d) => (output += d));
  const code = await new Promise<number>((resolve) => p.onExit((e) => resolve(e.exitCode)));
  return { code, output };
}

function sandbox(settings: Record<string, unknown>): CliSandbox {
  box = new CliSandbox(settings);
  return box;
}

describe('exit codes', () => {
  it('status exits 1 when the gateway is down and 0 when it is healthy, as check does', async () => {
    const down = sandbox(fastSettings(DEAD_URL));
    const r = await down.run(['status']);
    expect(r.stdout).toContain('DOWN');
    expect(r.code).toBe(1);
    expect((await down.run(['status', '--json'])).code).toBe(1);
    down.cleanup();
    gw = await startFakeGateway();
    const up = sandbox(fastSettings(gw.url));
    const ok = await up.run(['status']);
    expect(ok.stdout).toContain('healthy');
    expect(ok.code).toBe(0);
  });
});

describe('settings mistakes', () => {
  it('names the line and column of a syntax error, in words', async () => {
    const b = sandbox({});
    writeFileSync(
      b.settingsFile,
      '{\n  "gateway": {\n    "url": "http://127.0.0.1:18789"\n    "failureThreshold": 3\n  }\n}\n',
    );
    const r = await b.run(['config', 'validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 4, column 5');
    expect(r.stderr).toContain('expected ","');
    expect(r.stderr).not.toMatch(/position \d+/);
  });

  it("accepts the README's commented settings example (comments and trailing commas)", async () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Settings'));
    const example = /```jsonc\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example, 'the README has a jsonc example under "## Settings"').toBeTruthy();
    expect(example).toMatch(/\/\/ /);
    const b = sandbox({});
    writeFileSync(b.settingsFile, example!);
    const r = await b.run(['config', 'validate']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    writeFileSync(b.settingsFile, '{ /* c */ "gateway": { "failureThreshold": 4, }, }\n');
    expect((await b.run(['config', 'validate'])).code).toBe(0);
  });

  it('a --config that does not exist is bad usage (exit 2), named, and nothing runs', async () => {
    const b = sandbox({});
    const missing = path.join(b.dir, 'setings.json');
    for (const cmd of [['status'], ['check'], ['config', 'validate'], ['incidents']]) {
      const r = await runCli(['--config', missing, ...cmd]);
      expect(r.code, cmd.join(' ')).toBe(2);
      expect(r.stdout, cmd.join(' ')).toBe('');
      expect(r.stderr).toContain(`${missing}: no such file`);
    }
    // Saying which file would be used still works for a file yet to be created.
    const where = await runCli(['--config', missing, 'config', 'path']);
    expect(where).toMatchObject({ code: 0, stdout: `${missing}\n` });
  });

  it('suggests the key a misspelt one meant, and says each mistake once', async () => {
    const b = sandbox({ gateway: { failureTreshold: 3, url: 'not a url' }, restart: { atempts: 1 } });
    const r = await b.run(['config', 'validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('gateway.failureTreshold: unknown key: did you mean "failureThreshold"?');
    expect(r.stderr).toContain('restart.atempts: unknown key: did you mean "attempts"?');
    const urlLines = r.stderr.split('\n').filter((l) => l.includes('gateway.url'));
    expect(urlLines).toHaveLength(1);
    // Far from every known key: no guess.
    b.write({ gateway: { zzz: 1 } });
    expect((await b.run(['config', 'validate'])).stderr).not.toContain('did you mean');
  });
});

describe('one message per problem', () => {
  it('an agent that is not installed is reported once in a doctor run, not in every event it causes', async () => {
    const b = sandbox(
      fastSettings(DEAD_URL, {
        doctor: {
          enabled: true,
          agents: ['ghost'],
          profiles: { ghost: { kind: 'claude', command: 'clawmedic-test-no-such-agent' } },
        },
      }),
    );
    const r = await b.run(['doctor', '--no-live']);
    expect(r.code).toBe(1);
    const all = r.stdout + r.stderr;
    expect(all.split('clawmedic-test-no-such-agent" was not found on PATH')).toHaveLength(2);
    expect(all).toContain('(see above)');
  });

  it('a second watcher refuses before it prints anything else', async () => {
    gw = await startFakeGateway();
    const b = sandbox(fastSettings(gw.url));
    watcher = b.watch();
    await watcher.waitState('healthy');
    const second = await b.run(['watch']);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain('Another ClawMedic is already watching');
  });
});

describe('preflight', () => {
  const ghostDoctor = {
    enabled: true,
    agents: ['ghost'],
    profiles: { ghost: { kind: 'claude', command: 'clawmedic-test-no-such-agent' } },
  };

  it('`clawmedic preflight` lists every check with its fix and exits 1 when one fails', async () => {
    const b = sandbox(fastSettings(DEAD_URL, { restart: { command: 'true' }, doctor: ghostDoctor }));
    const r = await b.run(['preflight']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✓ Restart command: true');
    expect(r.stdout).toContain(
      '✗ Agent “ghost”: command "clawmedic-test-no-such-agent" was not found on PATH. Install it, or set ' +
        'doctor.profiles.ghost.command to its full path.',
    );
    expect(r.stdout).toContain('no watcher is running');
    const json = JSON.parse((await b.run(['preflight', '--json'])).stdout) as {
      checkedBy: string;
      items: { id: string; status: string }[];
    };
    expect(json.checkedBy).toBe('here');
    expect(json.items.find((x) => x.id === 'agent:ghost')?.status).toBe('fail');
    // With nothing failing (the doctor off, a restart command that exists): exit 0; warnings do not fail it.
    b.write(fastSettings(DEAD_URL, { restart: { command: 'true' }, doctor: { enabled: false } }));
    expect((await b.run(['preflight'])).code).toBe(0);
  });

  it('status shows what the preflight found; a running watcher answers it with its own PATH', async () => {
    gw = await startFakeGateway();
    const b = sandbox(fastSettings(gw.url, { doctor: ghostDoctor }));
    const alone = await b.run(['status']);
    expect(alone.stdout).toMatch(/Setup +✗ Agent “ghost”/);
    watcher = b.watch();
    await watcher.waitState('healthy');
    const viaWatcher = JSON.parse((await b.run(['preflight', '--json'])).stdout) as { checkedBy: string };
    expect(viaWatcher.checkedBy).toBe('watcher');
  });

  it('watch says a setup problem at start, once, and the outage it causes points back to it', async () => {
    const b = sandbox(
      fastSettings(DEAD_URL, { restart: { command: 'true', attempts: 1, waitHealthySec: 1 }, doctor: ghostDoctor }),
    );
    const child = spawn(process.execPath, [cliPath, '--config', b.settingsFile, 'watch'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.on('close', r));
    await waitFor('the incident to close', () => /incident +\S+ failed after/.test(out));
    child.kill('SIGINT');
    await exited;
    const lines = out.split('\n');
    const first = lines.findIndex((l) => l.startsWith('✗ Agent “ghost”'));
    expect(first, out).toBeGreaterThan(0);
    expect(first).toBeLessThan(lines.findIndex((l) => l.includes('opened:')));
    expect(out.split('clawmedic-test-no-such-agent" was not found on PATH'), out).toHaveLength(2);
    expect(out).toContain('agent "ghost": (see above)');
  });
});

describe('on a terminal', () => {
  it('restart shows what it waits for, rewritten in place; nothing extra off a terminal', async () => {
    // The steps succeed at once but nothing comes up: the whole wait for healthy is shown.
    const b = sandbox(fastSettings(DEAD_URL, { restart: { command: 'true', attempts: 1, waitHealthySec: 2 } }));
    const tty = await runOnTerminal(['--config', b.settingsFile, 'restart']);
    expect(tty.code).toBe(1);
    expect(tty.output).toContain('running `true`…');
    expect(tty.output).toMatch(/waiting for the gateway to answer healthy… \d s left/);
    expect(tty.output).toContain('\r\x1b[2K');
    const piped = await b.run(['restart']);
    expect(piped.code).toBe(1);
    expect(piped.stdout).not.toContain('waiting for the gateway');
    expect(piped.stdout + piped.stderr).not.toContain('\r');
  });

  it('DOWN is red on a terminal, and plain with NO_COLOR', async () => {
    const b = sandbox(fastSettings(DEAD_URL));
    const colour = await runOnTerminal(['--config', b.settingsFile, 'check']);
    expect(colour.code).toBe(1);
    expect(colour.output).toContain('\x1b[31mDOWN\x1b[0m');
    const plain = await runOnTerminal(['--config', b.settingsFile, 'check'], { NO_COLOR: '1' });
    expect(plain.output).toContain('DOWN:');
    expect(plain.output).not.toContain('\x1b[31m');
  });
});
