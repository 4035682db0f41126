// Level 2's hands: run one restart step (a shell command) with a timeout, capture its output, and
// make sure nothing it started outlives it when it is cancelled or times out.
import { spawn } from 'node:child_process';
import type { ChildLedger } from './children.js';
import { killGroup } from './process-util.js';

/** Keep the last 8 KB of a step's output: enough for an error message, bounded for the incident file. */
const OUTPUT_TAIL_BYTES = 8 * 1024;
/** After SIGTERM, a step gets 2 s to exit before SIGKILL (a CLI that traps TERM should need far less). */
const KILL_GRACE_MS = 2000;
const PIPE_DRAIN_MS = 100;

export interface StepResult {
  command: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** Combined stdout+stderr tail. */
  output: string;
  /** Set when the command could not be started at all. */
  spawnError: string | null;
}

export function stepSucceeded(r: StepResult): boolean {
  return r.exitCode === 0 && !r.timedOut && !r.cancelled && !r.spawnError;
}

export function describeStep(r: StepResult): string {
  const secs = (r.durationMs / 1000).toFixed(1);
  if (r.spawnError) return `\`${r.command}\` could not start: ${r.spawnError}`;
  if (r.cancelled) return `\`${r.command}\` cancelled after ${secs} s`;
  if (r.timedOut) return `\`${r.command}\` timed out after ${secs} s and was killed`;
  const last = r.output.trim().split('\n').filter(Boolean).pop() ?? '';
  const tail = last ? `: ${last.slice(0, 200)}` : '';
  if (r.exitCode === 0) return `\`${r.command}\` succeeded in ${secs} s${tail}`;
  const how = r.signal ? `was killed by ${r.signal}` : `exited ${r.exitCode}`;
  const hint = r.exitCode === 127 ? ' (command not found: check restart.command and PATH)' : '';
  return `\`${r.command}\` ${how} after ${secs} s${hint}${tail}`;
}

const running = new Set<number>();

/** Kills every step still running (ClawMedic is shutting down). */
export function killAllSteps(): void {
  for (const pid of running) killGroup(pid, 'SIGKILL');
  running.clear();
}

export function runStep(
  command: string,
  timeoutSec: number,
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal; ledger?: ChildLedger } = {},
): Promise<StepResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let out = '';
    let timedOut = false;
    let cancelled = false;
    let spawnError: string | null = null;
    let settled = false;
    // detached: the step leads its own process group, so a timeout kills its children too.
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid) running.add(pid);
    // On disk while it runs: a watcher killed now leaves a record the next start uses to end this step.
    const forget = pid ? (opts.ledger?.record({ kind: 'restart-step', pid, what: `\`${command}\`` }) ?? null) : null;
    const append = (b: Buffer) => {
      out += b.toString('utf8');
      if (out.length > OUTPUT_TAIL_BYTES * 2) out = out.slice(-OUTPUT_TAIL_BYTES);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = () => {
      if (!pid) return;
      killGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, timeoutSec * 1000);
    const onAbort = () => {
      cancelled = true;
      terminate();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    const finish = (exitCode: number | null, signal: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (pid) running.delete(pid);
      forget?.();
      // A step may legitimately leave a background job running (e.g. `openclaw gateway run &`):
      // stop reading from it, but never kill what a successful step started.
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({
        command,
        exitCode,
        signal,
        timedOut,
        cancelled,
        durationMs: Math.round(performance.now() - started),
        output: out.slice(-OUTPUT_TAIL_BYTES),
        spawnError,
      });
    };
    child.on('error', (err) => {
      spawnError = err.message;
      finish(null, null);
    });
    child.on('close', (code, sig) => finish(code, sig));
    child.on('exit', (code, sig) => {
      // 'close' waits for every holder of the pipes; a background job would hold them forever.
      // 100 ms is ample for the shell's own last output to drain, and invisible next to a restart.
      setTimeout(() => finish(code, sig), PIPE_DRAIN_MS).unref();
    });
  });
}
