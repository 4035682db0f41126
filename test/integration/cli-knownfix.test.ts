// The known fixes from the command line: `clawmedic fix approve` answers the watcher's question,
// `clawmedic fix undo` and `clawmedic guard revert` work with or without a watcher, and
// `incidents --json` carries the fingerprint and the rungs.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, fastSettings, type WatchProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

let gw: FakeGateway | null = null;
let box: CliSandbox | null = null;
let w: WatchProcess | null = null;

afterEach(async () => {
  await w?.stop('SIGKILL').catch(() => undefined);
  w = null;
  await gw?.stop();
  box?.cleanup();
  gw = box = null;
});

function sandbox(knownFixes: Record<string, unknown> = {}): CliSandbox {
  return new CliSandbox(
    fastSettings(gw!.url, {
      gateway: { configPath: gw!.configPath, logPaths: [gw!.logFile] },
      knownFixes: { askTimeoutSec: 60, lastGoodAfterSec: 0, ...knownFixes },
    }),
    gw!.env,
  );
}

async function incidents(b: CliSandbox): Promise<Incident[]> {
  const r = await b.run(['incidents', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Incident[];
}

// Each test runs a watcher through an outage: more than the fast project's 30 s on a loaded machine.
describe('clawmedic fix / guard', { timeout: 120_000 }, () => {
  it("`fix approve` answers the watcher's question; `incidents --json` has the fingerprint and the rungs", async () => {
    gw = await startFakeGateway();
    box = sandbox();
    w = box.watch();
    await w.waitState('healthy');
    await gw.fault('stranger');
    await w.waitEvent('the question', (e) => e.phase === 'proposed', 'known-fix', 60_000);
    const r = await box.run(['fix', 'approve']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^port-foreign: stop pid \d+ /m);
    const closed = await w.waitEvent('recovered', (e) => e.incident.outcome === 'recovered', 'incident-closed', 60_000);
    expect(closed.incident.resolvedBy).toBe('known-fix:port-foreign');
    const [inc] = await incidents(box);
    expect(inc!.fingerprint).toMatchObject({ kind: 'port-foreign', key: 'port-foreign:node' });
    expect(inc!.rungs).toEqual([
      expect.objectContaining({ id: 'r1', rung: 'port-foreign', mode: 'ask', status: 'recovered' }),
    ]);
    expect((await box.run(['fix', 'approve'])).code).toBe(1);
  });

  it('`fix undo` and `guard revert` without a watcher: files only, nothing lost', async () => {
    gw = await startFakeGateway();
    box = sandbox();
    w = box.watch();
    await w.waitState('healthy');
    const good = readFileSync(gw.configPath, 'utf8');
    // The watcher learns a last-known-good copy, then a config fault is fixed by doctor --fix.
    const hasCopy = () => {
      try {
        // `.tmp` is a copy still being written (renamed when complete).
        const names = readdirSync(path.join(box!.dataDir, 'last-good'));
        return names.some((f) => f.startsWith('openclaw.json.') && !f.endsWith('.tmp'));
      } catch {
        return false; // the folder appears with the first copy
      }
    };
    await waitFor('a copy to revert to', () => (hasCopy() ? true : null), { timeoutMs: 30_000 });
    await gw.fault('break-config');
    const broken = readFileSync(gw.configPath, 'utf8');
    await gw.fault('crash');
    const closed = await w.waitEvent('fixed', (e) => e.incident.outcome === 'recovered', 'incident-closed', 60_000);
    expect(closed.incident.resolvedBy).toBe('known-fix:config-doctor-fix');
    await w.stop('SIGTERM');
    w = null;
    const undo = await box.run(['fix', 'undo', closed.incident.id, 'r1']);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain('back as it was before the fix');
    expect(readFileSync(gw.configPath, 'utf8')).toBe(broken);
    expect((await box.run(['fix', 'undo', closed.incident.id, 'r1'])).code).toBe(1);
    const revert = await box.run(['guard', 'revert']);
    expect(revert.code, revert.stderr).toBe(0);
    expect(revert.stdout).toMatch(/your edit is kept as .*clawmedic-reverted/);
    expect(readFileSync(gw.configPath, 'utf8')).toBe(good);
    expect((await box.run(['fix', 'undo', 'no-such-incident', 'r1'])).code).toBe(1);
    expect((await box.run(['fix', 'undo', closed.incident.id, 'x1'])).code).toBe(2);
  });
});
