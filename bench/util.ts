// Shared plumbing for the benchmarks: progress lines on stderr, polling with a deadline, temp dirs
// and a cleanup registry that also runs on Ctrl-C, so nothing a benchmark started outlives the run.
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function progress(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** Polls fn until it returns something truthy; throws with `what` after timeoutMs. */
export async function until<T>(
  fn: () => T | Promise<T>,
  what: string,
  timeoutMs: number,
  stepMs = 25,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(stepMs);
  }
}

type Cleanup = () => unknown;
const cleanups = new Set<Cleanup>();

/** Registers a cleanup; the returned function runs it now (once) and unregisters it. */
export function onCleanup(fn: Cleanup): () => Promise<void> {
  let done = false;
  const once: Cleanup = async () => {
    if (done) return;
    done = true;
    cleanups.delete(once);
    await fn();
  };
  cleanups.add(once);
  return async () => {
    await once();
  };
}

/** Runs every registered cleanup (newest first); errors are reported, never thrown, so all of them run. */
export async function cleanupAll(): Promise<void> {
  for (const fn of [...cleanups].reverse()) {
    try {
      await fn();
    } catch (err) {
      progress(`cleanup failed: ${(err as Error).message}`);
    }
  }
}

/**
 * A private temp dir under /tmp (short paths: tmux sockets must fit in sun_path), removed at cleanup.
 * mkdtemp creates it 0700.
 */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join('/tmp', `cm-bench-${prefix}-`));
  const remove = onCleanup(() => rm(dir, { recursive: true, force: true }));
  return { dir, remove };
}

/** Runs tasks with at most `limit` in flight, starting each at least `staggerMs` after the previous one. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number, staggerMs: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  let lastStart = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= tasks.length) return;
      // Reserve a start slot before sleeping, so workers never share one.
      const startAt = Math.max(Date.now(), lastStart + staggerMs);
      lastStart = startAt;
      if (startAt > Date.now()) await sleep(startAt - Date.now());
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
