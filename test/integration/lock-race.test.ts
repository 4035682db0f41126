// The lock across real processes: many contenders start at the same instant; exactly one wins,
// for a fresh lock and for the takeover of a stale one. Uses the compiled lock (npm test builds first).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { until } from '../fixtures/fake-agent-harness.js';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const LOCK_JS = path.resolve('dist/main/engine/lock.js');

// These tests start separate processes running the compiled engine: without a build they cannot run at all,
// which must be a failure (npm test builds first), never a silent skip.
if (!existsSync(LOCK_JS)) throw new Error(`${LOCK_JS} is missing: run \`npm run build\` first (npm test does).`);
const CONTENDERS = 8;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-lockrace-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Each contender waits for the start file, tries once, prints ok|busy, holds a win until the stop file appears. */
const CONTENDER = `
import { acquireLock } from ${JSON.stringify(LOCK_JS)};
import { existsSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
const [lock, go, stop, ready] = process.argv.slice(1);
writeFileSync(ready + '-' + process.pid, '');
while (!existsSync(go)) await new Promise((r) => setTimeout(r, 2));
const r = acquireLock(lock, { who: process.pid });
process.stdout.write(r.ok ? 'ok' : 'busy');
if (r.ok) { while (!existsSync(stop)) await new Promise((r) => setTimeout(r, 5)); r.release(); }
`;

async function race(lock: string, round: number): Promise<string[]> {
  const go = path.join(dir, `go-${round}`);
  const stop = path.join(dir, `stop-${round}`);
  const ready = path.join(dir, `ready-${round}`);
  const exits: Promise<void>[] = [];
  const procs = Array.from({ length: CONTENDERS }, () => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', CONTENDER, lock, go, stop, ready], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    exits.push(new Promise((r) => p.on('exit', () => r())));
    return new Promise<string>((resolve) => {
      p.stdout.once('data', () => setImmediate(() => resolve(out)));
      p.on('exit', () => resolve(out));
    });
  });
  // Release them together once every process sits in its wait loop.
  await until(() => readdirSync(dir).filter((n) => n.startsWith(`ready-${round}-`)).length === CONTENDERS);
  writeFileSync(go, '');
  const results = await Promise.all(procs);
  writeFileSync(stop, '');
  await Promise.all(exits);
  return results;
}

describe('lock race between processes', () => {
  it('exactly one of many simultaneous contenders wins a fresh lock', async () => {
    for (let round = 0; round < 3; round++) {
      const lock = path.join(dir, `fresh-${round}.lock`);
      const results = await race(lock, round);
      expect(results.filter((r) => r === 'ok')).toHaveLength(1);
      expect(results.filter((r) => r === 'busy')).toHaveLength(CONTENDERS - 1);
    }
  });

  it('exactly one contender takes over a stale lock left by a dead process', async () => {
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
    );
    for (let round = 10; round < 13; round++) {
      const lock = path.join(dir, `stale-${round}.lock`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        lock,
        JSON.stringify({
          pid: dead,
          hostname: os.hostname(),
          token: `stale-${round}`,
          acquiredAt: 'then',
          processStart: null,
          meta: {},
        }),
      );
      const results = await race(lock, round);
      expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    }
  });
});
