// Runs the real `clawmedic` CLI (compiled, as a user would) against a settings file in a temp dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineEvent } from '../../common/contract.js';
import { waitFor } from './wait.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = path.join(repoRoot, 'bin', 'clawmedic.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A private data dir + settings file; `settings` is merged into fast test defaults. */
export class CliSandbox {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'cm-cli-'));
  readonly settingsFile = path.join(this.dir, 'settings.json');
  readonly dataDir = path.join(this.dir, 'data');

  constructor(
    settings: Record<string, unknown>,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.write(settings);
  }

  write(settings: Record<string, unknown>): void {
    writeFileSync(this.settingsFile, JSON.stringify({ dataDir: this.dataDir, ...settings }, null, 2));
  }

  run(args: string[], opts: { timeoutMs?: number } = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliPath, '--config', this.settingsFile, ...args], {
        env: { ...this.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`clawmedic ${args.join(' ')} did not finish in time\n${stdout}\n${stderr}`));
      }, opts.timeoutMs ?? 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  watch(extra: string[] = []): WatchProcess {
    return new WatchProcess(
      spawn(process.execPath, [cliPath, '--config', this.settingsFile, 'watch', '--json', ...extra], {
        env: { ...this.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class WatchProcess {
  readonly events: EngineEvent[] = [];
  stderr = '';
  private buf = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly proc: ChildProcess) {
    proc.stdout!.on('data', (b: Buffer) => {
      this.buf += b.toString();
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        if (line.trim()) this.events.push(JSON.parse(line) as EngineEvent);
      }
    });
    proc.stderr!.on('data', (b: Buffer) => (this.stderr += b.toString()));
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  }

  states(): string[] {
    return this.events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
  }

  waitEvent<T extends EngineEvent['type']>(
    what: string,
    pred: (e: Extract<EngineEvent, { type: T }>) => boolean,
    type: T,
    timeoutMs = 20_000,
  ): Promise<Extract<EngineEvent, { type: T }>> {
    return waitFor(
      `${what} (events so far: ${this.events
        .filter((e) => e.type !== 'check')
        .map((e) => (e.type === 'state' ? e.state : e.type))
        .join(', ')}; stderr: ${this.stderr})`,
      () =>
        this.events.find((e) => e.type === type && pred(e as Extract<EngineEvent, { type: T }>)) as
          Extract<EngineEvent, { type: T }> | undefined,
      { timeoutMs },
    );
  }

  waitState(state: string, timeoutMs = 20_000) {
    return this.waitEvent(`state ${state}`, (e) => e.state === state, 'state', timeoutMs);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.exited;
  }
}

/** Settings that make the ladder fast enough for tests (1 s probes, 2-failure confirmation). */
export function fastSettings(
  gatewayUrl: string,
  over: Record<string, Record<string, unknown>> = {},
): Record<string, unknown> {
  const base: Record<string, Record<string, unknown>> = {
    gateway: {
      url: gatewayUrl,
      checkIntervalSec: 1,
      retryIntervalSec: 1,
      timeoutSec: 0.5,
      failureThreshold: 2,
      startupGraceSec: 5,
    },
    restart: { command: 'openclaw gateway restart', attempts: 2, waitHealthySec: 10, backoffSec: 0, maxPerHour: 10 },
    doctor: { enabled: false },
  };
  for (const [k, v] of Object.entries(over)) base[k] = { ...(base[k] ?? {}), ...v };
  return base;
}
