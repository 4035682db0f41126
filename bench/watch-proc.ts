// Spawns the real `clawmedic watch` (bin/clawmedic.js, as a user runs it) against a settings file and
// reads its JSON lines, for the idle-cost and start-up benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup, tempDir } from './util.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** bin/clawmedic.js, found from dist/bench (compiled) or bench/ (sources). */
export const CLI = path.resolve(
  here,
  here.includes(`${path.sep}dist${path.sep}`) ? '../../bin/clawmedic.js' : '../bin/clawmedic.js',
);

/** A settings file in a fresh private dir: the healthy stand-in gateway, the given check interval, nothing else. */
export async function watchSettings(gatewayUrl: string, checkIntervalSec: number): Promise<string> {
  const { dir } = await tempDir('watch');
  const file = path.join(dir, 'settings.json');
  await writeFile(
    file,
    JSON.stringify({ dataDir: path.join(dir, 'data'), gateway: { url: gatewayUrl, checkIntervalSec } }, null, 2),
    { mode: 0o600 },
  );
  return file;
}

export interface WatchProc {
  proc: ChildProcess;
  pid: number;
  spawnedAt: number;
  /** When the first `check` or `state` JSON line arrived (the first probe's result). */
  firstProbe: Promise<number>;
  checks: number;
  /** SIGTERM, then wait for exit (SIGKILL after 10 s); resolves the time it took. */
  stop(): Promise<number>;
}

/** A clean shutdown takes well under a second; 10 s means something hangs and is killed. */
const STOP_LIMIT_MS = 10_000;

export function spawnWatch(settingsFile: string, env: NodeJS.ProcessEnv): WatchProc {
  const spawnedAt = performance.timeOrigin + performance.now();
  const proc = spawn(process.execPath, [CLI, '--config', settingsFile, 'watch', '--json', '--verbose'], {
    env: { ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const terminate = onCleanup(async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_LIMIT_MS);
    await exited;
    clearTimeout(timer);
  });
  const w: WatchProc = {
    proc,
    pid: proc.pid ?? -1,
    spawnedAt,
    checks: 0,
    firstProbe: new Promise<number>((resolve, reject) => {
      let buf = '';
      let seen = false;
      proc.stdout.setEncoding('utf8').on('data', (d: string) => {
        const now = performance.timeOrigin + performance.now();
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          let type: string;
          try {
            type = String((JSON.parse(line) as { type?: unknown }).type);
          } catch {
            continue; // not a JSON event line
          }
          if (type === 'check') w.checks++;
          if (!seen && (type === 'check' || type === 'state')) {
            seen = true;
            resolve(now);
          }
        }
      });
      proc.once('exit', (code) => {
        if (!seen)
          reject(new Error(`clawmedic watch exited (${code}) before its first probe: ${stderr.trim().slice(-400)}`));
      });
    }),
    stop: async () => {
      const t0 = Date.now();
      await terminate();
      return Date.now() - t0;
    },
  };
  // Observed through the promise by callers; a rejection nobody awaits must not crash the run.
  w.firstProbe.catch(() => undefined);
  return w;
}
