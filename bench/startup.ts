// Benchmark 5: `clawmedic watch` from spawn to its first probe result, against a healthy stand-in
// gateway; with Node's own start-up (spawn → first output of an empty script) as the floor.
import { spawn } from 'node:child_process';
import { fmtRatio, fmtSpread, spread } from './stats.js';
import type { Row } from './table.js';
import { progress } from './util.js';
import { loadNow } from './load.js';
import { spawnWatch, watchSettings } from './watch-proc.js';

export interface StartupResults {
  firstProbe: number[];
  stop: number[];
  nodeFloor: number[];
  errors: string[];
  loads: string[];
}

function nodeFloorOnce(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, ['-e', 'process.stdout.write("x\\n")'], { stdio: ['ignore', 'pipe', 'ignore'] });
    p.stdout.once('data', () => resolve(performance.now() - t0));
    p.once('error', reject);
  });
}

export async function runStartup(gatewayUrl: string, reps: number): Promise<StartupResults> {
  const file = await watchSettings(gatewayUrl, 30);
  const r: StartupResults = { firstProbe: [], stop: [], nodeFloor: [], errors: [], loads: [loadNow()] };
  progress(`start-up: ${reps} × clawmedic watch, ${reps} × node -e`);
  for (let i = 0; i < reps; i++) {
    const w = spawnWatch(file, process.env);
    try {
      r.firstProbe.push((await w.firstProbe) - w.spawnedAt);
    } catch (err) {
      r.errors.push((err as Error).message);
    }
    r.stop.push(await w.stop());
    r.nodeFloor.push(await nodeFloorOnce());
  }
  r.loads.push(loadNow());
  return r;
}

export function startupRows(r: StartupResults): Row[] {
  const s = spread(r.firstProbe);
  const floor = spread(r.nodeFloor);
  return [
    {
      id: '5',
      what: 'Start-up: spawn `clawmedic watch --json` → first probe result (its first `check` event on stdout)',
      ours: fmtSpread(s),
      other: `Node itself (spawn → first output of \`node -e\`): ${fmtSpread(floor)}`,
      ratio: `${fmtRatio(s?.median, floor?.median)} Node's floor`,
      goal: '≤ 120 ms at low load',
      verified:
        `${r.firstProbe.length}/${r.firstProbe.length + r.errors.length} started and probed; ` +
        `SIGTERM → exit ${fmtSpread(spread(r.stop))}; spawns alternate with Node's; ` +
        `load average ${r.loads.join(' → ')}${r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''}`,
    },
  ];
}
