// Process, port, temp-dir and polling helpers shared by the end-to-end harness.
// Everything here is bounded: every wait has a deadline and every spawned group can be killed.
import { spawn, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, chmodSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/**
 * Runs a command to completion (own process group, killed as a group on timeout). Never rejects for a non-zero exit.
 */
export function runCommand(
  file: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number; input?: string },
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    // A program that exits without reading its input (`--version`) closes the pipe first: the EPIPE that follows
    // says nothing about the run, whose exit code and output are the result.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${file}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    // ESRCH: the group has already exited, which is what the caller wants.
    return false;
  }
}

/** True while pid runs; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may contain spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false; // vanished between the two checks
  }
}

/**
 * Pids of live processes whose environment holds key=value (Linux /proc). Catches helpers that
 * left our process group (setsid, daemonised workers) so a test never leaks them.
 */
export function pidsWithEnv(key: string, value: string): number[] {
  if (process.platform !== 'linux') return [];
  const needle = Buffer.from(`${key}=${value}\0`);
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${name}/environ`);
      if (environ.includes(needle) && isAlive(Number(name))) out.push(Number(name));
    } catch {
      // The process exited while we looked, or is not ours to read: neither can be one we started.
    }
  }
  return out;
}

export interface PollOptions {
  timeoutMs: number;
  /** How often to re-check; defaults to 100 ms (fast enough for second-scale events, cheap on 2 cores). */
  intervalMs?: number;
  /** Named in the timeout error. */
  what: string;
}

/** Polls until fn returns a non-undefined value; throws a named error at the deadline. */
export async function pollUntil<T>(fn: () => T | undefined | Promise<T | undefined>, opts: PollOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err; // kept for the timeout message; the condition may still become true
    }
    if (Date.now() >= deadline) {
      const why = lastError
        ? ` (last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})`
        : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portAccepts(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** A private (0700) temp dir; remove() deletes it and everything in it. */
export function makeTempDir(prefix: string): { dir: string; remove(): void } {
  // realpath: macOS /var → /private/var would otherwise make Claude's project keys differ from cwd.
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), `clawmedic-e2e-${prefix}-`)));
  chmodSync(dir, 0o700);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }) };
}

/** Spawns a long-running process as the leader of its own group, output collected in memory. */
export function spawnGroup(file: string, args: string[], opts: SpawnOptions & { env: NodeJS.ProcessEnv }) {
  const child = spawn(file, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  return { child, exited, output: () => output };
}
