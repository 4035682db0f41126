// Disk faults while watching: a read-only data dir, a full disk, an incident folder deleted mid-incident,
// and two watchers racing for one data dir. Each ends with the gateway still watched (restarted, recovered)
// and no incident lost. The data dir sits on a small tmpfs of the test's own, remounted read-only or
// filled: root is not stopped by file modes, a read-only or full filesystem stops everyone. Mounting
// needs root (CI runs as root); without it these tests cannot run and say so instead of passing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, fastSettings, type WatchProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

function canMount(): boolean {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  return true;
}
const MOUNTS = canMount();
if (!MOUNTS) console.warn('\n*** test/faults/disk: NOT RUN — needs root to mount a tmpfs (CI runs as root) ***\n');

let gw: FakeGateway | null = null;
let box: CliSandbox | null = null;
let watchers: WatchProcess[] = [];
let mounted: string | null = null;

afterEach(async () => {
  for (const w of watchers) await w.stop('SIGKILL').catch(() => undefined);
  watchers = [];
  await gw?.stop();
  if (mounted) execFileSync('umount', ['-l', mounted]);
  mounted = null;
  box?.cleanup();
  gw = box = null;
});

/** A data dir on a tmpfs of `kib` KiB, mounted into the sandbox (unmounted after the test). */
function dataDirOnTmpfs(b: CliSandbox, kib: number): string {
  mkdirSync(b.dataDir, { mode: 0o700 });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0700`, 'tmpfs', b.dataDir]);
  mounted = b.dataDir;
  return b.dataDir;
}

async function incidents(b: CliSandbox): Promise<Incident[]> {
  const r = await b.run(['incidents', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Incident[];
}

async function watching(): Promise<WatchProcess> {
  const w = box!.watch();
  watchers.push(w);
  await w.waitState('healthy');
  return w;
}

// Two outages, a remount and retries each: minutes on a loaded machine, not the fast project's 30 s.
describe.runIf(MOUNTS)('disk faults', { timeout: 180_000 }, () => {
  it('a read-only data dir: keeps watching and restarting, says so once, writes everything once it can', async () => {
    gw = await startFakeGateway();
    box = new CliSandbox(fastSettings(gw.url), gw.env);
    const dir = dataDirOnTmpfs(box, 1024);
    const w = await watching();
    // "Healthy" comes with the first probe, while the watcher may still be writing its start-up files
    // (status, records): a remount to read-only is refused as busy during a write; try until it takes.
    await waitFor('the data dir remounted read-only', () => {
      try {
        execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' });
        return true;
      } catch {
        return undefined;
      }
    });
    await gw.fault('crash');
    // Still watching and restarting: the outage is recovered by a restart although nothing can be written.
    const closed = await w.waitEvent(
      'recovered by restart',
      (e) => e.incident.outcome === 'recovered',
      'incident-closed',
      60_000,
    );
    const fault = await w.waitEvent('the storage fault', (e) => !e.ok, 'storage');
    expect(fault.detail).toMatch(/cannot write .*read-only.*keeps watching and restarting/);
    expect(w.events.filter((e) => e.type === 'storage' && !e.ok)).toHaveLength(1);
    expect(w.proc.exitCode).toBeNull();
    execFileSync('mount', ['-o', 'remount,rw', dir]);
    await w.waitEvent('writing again', (e) => e.ok, 'storage', 30_000);
    const rec = await waitFor('the held incident on disk', async () =>
      (await incidents(box!)).find((i) => i.id === closed.incident.id && i.outcome === 'recovered'),
    );
    expect(rec).toMatchObject({ resolvedBy: 'restart', restarts: 1 });
  });

  it('a full disk: the same, and nothing already written is lost', async () => {
    gw = await startFakeGateway();
    box = new CliSandbox(fastSettings(gw.url), gw.env);
    const dir = dataDirOnTmpfs(box, 512);
    const w = await watching();
    await gw.fault('crash');
    const first = await w.waitEvent(
      'a first incident',
      (e) => e.incident.outcome === 'recovered',
      'incident-closed',
      60_000,
    );
    await waitFor('the first on disk', async () => (await incidents(box!)).some((i) => i.id === first.incident.id));
    // Fill the disk to the last block.
    const filler = path.join(dir, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' });
    } catch {
      // dd stops with ENOSPC: that is the point.
    }
    await gw.fault('crash');
    // Soon after the first, the second outage continues that incident (a relapse of a flapping gateway).
    const relapsed = (e: { incident: Incident }) =>
      e.incident.id === first.incident.id && e.incident.events.some((ev) => ev.type === 'relapse');
    await w.waitEvent(
      'the relapse recovered',
      (e) => relapsed(e) && e.incident.outcome === 'recovered',
      'incident-closed',
      60_000,
    );
    await w.waitEvent('the storage fault', (e) => !e.ok && /disk is full/.test(e.detail), 'storage');
    rmSync(filler);
    await w.waitEvent('writing again', (e) => e.ok, 'storage', 30_000);
    // What was on disk before the disk filled is still there, and the relapse is written once it can be.
    const rec = await waitFor('the whole record on disk', async () =>
      (await incidents(box!)).find((i) => relapsed({ incident: i }) && i.outcome === 'recovered'),
    );
    expect(rec.restarts).toBe(2);
  });

  it('an incident folder deleted mid-incident comes back with the whole record', async () => {
    gw = await startFakeGateway();
    // A slow restart step, so the incident is open long enough to delete its folder.
    box = new CliSandbox(
      fastSettings(gw.url, { restart: { command: 'sleep 2; openclaw gateway restart', attempts: 1 } }),
      gw.env,
    );
    const w = await watching();
    await gw.fault('crash');
    const opened = await w.waitEvent('the incident', () => true, 'incident-opened');
    await w.waitState('restarting');
    // The watcher may write into the folder while it goes (ENOTEMPTY): Node's own retries cover that race.
    rmSync(path.join(box.dataDir, 'incidents', opened.incident.id), {
      recursive: true,
      force: true,
      maxRetries: 10,
      retryDelay: 20,
    });
    await w.waitEvent('recovered', (e) => e.incident.id === opened.incident.id, 'incident-closed', 60_000);
    const rec = await waitFor('the record again', async () =>
      (await incidents(box!)).find((i) => i.id === opened.incident.id && i.outcome === 'recovered'),
    );
    expect(rec.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['probe-failed', 'confirmed', 'restart-attempt', 'recovered']),
    );
  });
});

describe('two watchers racing for one data dir', { timeout: 60_000 }, () => {
  it('exactly one watches; the other refuses at once and says why', async () => {
    gw = await startFakeGateway();
    box = new CliSandbox(fastSettings(gw.url), gw.env);
    const a = box.watch();
    const b = box.watch();
    watchers.push(a, b);
    const outcome = await Promise.race([
      a.exited.then(() => 'a exited' as const),
      b.exited.then(() => 'b exited' as const),
    ]);
    const [loser, winner] = outcome === 'a exited' ? [a, b] : [b, a];
    expect((await loser.exited).code).toBe(1);
    expect(loser.stderr).toMatch(/Another ClawMedic is already watching/);
    await winner.waitState('healthy');
    expect(winner.proc.exitCode).toBeNull();
  });
});
