// Levels 1-2 end to end: the real CLI watching the stand-in gateway as a real process, restarting it
// through the stand-in `openclaw` CLI, recording incidents on disk.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import { isProcessAlive } from '../../main/engine/process-util.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, cliPath, fastSettings, type WatchProcess } from '../helpers/cli.js';
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

async function setup(over: Record<string, Record<string, unknown>> = {}) {
  gw = await startFakeGateway();
  box = new CliSandbox(fastSettings(gw.url, over), gw.env);
  return { gw, box };
}

async function incidents(b: CliSandbox): Promise<Incident[]> {
  const r = await b.run(['incidents', '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Incident[];
}

describe('clawmedic check', () => {
  it('exits 0 for a healthy gateway and 1 with the failure kind when it is down', async () => {
    const { gw, box } = await setup();
    const ok = await box.run(['check', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ condition: 'healthy', health: { kind: 'healthy', status: 200 } });
    await gw.fault('crash');
    const down = await box.run(['check', '--json']);
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({ condition: 'down', health: { kind: 'refused' } });
    const human = await box.run(['check']);
    expect(human.stdout).toMatch(/DOWN: connection refused on 127\.0\.0\.1:\d+/);
  });

  it('does not call a stranger on the port healthy (it answers 200 HTML everywhere)', async () => {
    const { gw, box } = await setup();
    await gw.fault('stranger');
    const r = await box.run(['check', '--json']);
    expect(r.code).toBe(1);
    const check = JSON.parse(r.stdout) as { health: { detail: string } };
    expect(check.health).toMatchObject({ kind: 'stranger', status: 200 });
    expect(check.health.detail).toMatch(/another program may hold the port/);
  });

  it('classifies a hung gateway (port open, no answer) as a timeout', async () => {
    const { gw, box } = await setup();
    await gw.fault('hang');
    const r = await box.run(['check', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ health: { kind: 'timeout' } });
  });
});

describe('clawmedic watch', () => {
  it('crash → confirmed → restarted → recovered, with an incident that matches the contract', async () => {
    const { gw, box } = await setup();
    watcher = box.watch();
    await watcher.waitState('healthy');
    const pidBefore = gw.pid();
    await gw.fault('crash');
    await watcher.waitState('restarting');
    const closed = await watcher.waitEvent('incident closed', () => true, 'incident-closed');
    expect(closed.incident).toMatchObject({ outcome: 'recovered', resolvedBy: 'restart', trigger: 'health' });
    await watcher.waitState('healthy');
    expect(gw.pid()).not.toBe(pidBefore);

    const [inc] = await incidents(box);
    expect(inc).toMatchObject({
      id: closed.incident.id,
      trigger: 'health',
      outcome: 'recovered',
      resolvedBy: 'restart',
      agent: null,
    });
    for (const key of ['startedAt', 'endedAt'] as const) expect(new Date(inc![key]!).toISOString()).toBe(inc![key]);
    expect(inc).toHaveProperty('reportPath', null);
    expect(inc).toHaveProperty('transcriptPath', null);
    const types = inc!.events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['probe-failed', 'probe-failed', 'confirmed']);
    expect(types).toContain('restart-step');
    expect(types.at(-1)).toBe('recovered');
    for (const e of inc!.events) expect(Object.keys(e).sort()).toEqual(['at', 'detail', 'type']);
    expect(inc!.events.find((e) => e.type === 'probe-failed')!.detail).toMatch(/connection refused/);

    // Private by default: data dir 0700, records 0600.
    expect(statSync(box.dataDir).mode & 0o777).toBe(0o700);
    const rec = path.join(box.dataDir, 'incidents', inc!.id, 'incident.json');
    expect(statSync(rec).mode & 0o777).toBe(0o600);

    const stopped = await watcher.stop('SIGTERM');
    expect(stopped.code).toBe(0);
  });

  it('prints one readable line per state change without --json, and stops cleanly on SIGINT', async () => {
    const { gw, box } = await setup();
    const child = spawn(process.execPath, [cliPath, '--config', box.settingsFile, 'watch'], {
      env: { ...box.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await waitFor('healthy line', () => /\bhealthy\s+healthy \(/.test(out));
    await gw.fault('crash');
    await waitFor('recovered line', () => /incident\s+\S+ recovered by restart/.test(out), { timeoutMs: 20_000 });
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^ClawMedic watching http:\/\/127\.0\.0\.1:\d+ every 1 s/);
    // One line per state change, each starting with a timestamp and the state.
    const stateLines = lines.filter((l) =>
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}(healthy|failing|restarting|stopped)\s/.test(l),
    );
    expect(stateLines.map((l) => l.split(/\s+/)[2])).toEqual([
      'healthy',
      'failing',
      'restarting',
      'healthy',
      'stopped',
    ]);
    expect(out).not.toMatch(/\{"type"/);
  });

  it('reports a readyz 503 as degraded and never restarts for it', async () => {
    const { gw, box } = await setup();
    watcher = box.watch(['--verbose']);
    await watcher.waitState('healthy');
    const pid = gw.pid();
    await gw.fault('unready');
    const st = await watcher.waitState('degraded');
    expect(st.reason).toContain('discord');
    // Several more probe cycles: still degraded, same process, no incident.
    await watcher.waitEvent(
      'three more checks',
      () => watcher!.events.filter((e) => e.type === 'check').length >= 6,
      'check',
      15_000,
    );
    expect(watcher.states()).not.toContain('restarting');
    expect(gw.pid()).toBe(pid);
    expect(await incidents(box)).toEqual([]);
  });

  it('stops a restart storm: after restart.maxPerHour restarts it asks for a human', async () => {
    const { gw, box } = await setup({ restart: { maxPerHour: 2, attempts: 1 } });
    watcher = box.watch();
    await watcher.waitState('healthy');
    for (let i = 1; i <= 2; i++) {
      await gw.fault('crash');
      await watcher.waitEvent(
        `recovery ${i}`,
        () => watcher!.events.filter((e) => e.type === 'incident-closed').length >= i,
        'incident-closed',
      );
      await gw.waitHealthy();
    }
    await gw.fault('crash');
    const st = await watcher.waitState('needs-attention');
    expect(st.reason).toMatch(/restart limit reached: 2 restarts in the last hour/);
    expect(st.reason).toMatch(/keeps failing \(flapping: 3 outages/);
    // One incident for the whole crash loop (one notification), not one per crash.
    const list = await incidents(box);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ outcome: 'failed', resolvedBy: null, restarts: 2 });
    const types = list[0]!.events.map((e) => e.type);
    expect(types.filter((t) => t === 'relapse')).toHaveLength(2);
    expect(types).toEqual(expect.arrayContaining(['circuit-open', 'retry-planned']));
  });

  it('gives up when the config is broken (restart exits 78) and records why', async () => {
    const { gw, box } = await setup({ restart: { attempts: 2 } });
    watcher = box.watch();
    await watcher.waitState('healthy');
    await gw.fault('break-config');
    await gw.fault('crash');
    const st = await watcher.waitState('needs-attention');
    expect(st.reason).toMatch(/doctor is disabled/);
    const [inc] = await incidents(box);
    const step = inc!.events.find((e) => e.type === 'restart-step')!;
    expect(step.detail).toMatch(/exited 78/);
    expect(inc).toMatchObject({ outcome: 'failed', restarts: 2 });
  });

  it('SIGTERM mid-incident: exits 0, no orphaned restart step, incident marked interrupted', async () => {
    // The step records its own pid, so the test checks that very process (never others' `sleep 30`).
    const pidDir = mkdtempSync(path.join(os.tmpdir(), 'cm-step-'));
    const pidFile = path.join(pidDir, 'step.pid');
    const { gw, box } = await setup({ restart: { command: `echo $$ > '${pidFile}'; exec sleep 30`, attempts: 1 } });
    try {
      watcher = box.watch();
      await watcher.waitState('healthy');
      await gw.fault('crash');
      const step = await watcher.waitState('restarting');
      expect(step).toBeTruthy();
      const pid = await waitFor('the restart step to start', () => {
        const text = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : '';
        return text ? Number(text) : null;
      });
      expect(isProcessAlive(pid)).toBe(true);
      const stopped = await watcher.stop('SIGTERM');
      expect(stopped.code).toBe(0);
      const [inc] = await incidents(box);
      expect(inc!.outcome).toBe('interrupted');
      expect(inc!.events.at(-1)!.detail).toMatch(/SIGTERM/);
      // The restart step died with the watcher.
      await waitFor('the restart step to be gone', () => !isProcessAlive(pid));
    } finally {
      rmSync(pidDir, { recursive: true, force: true });
    }
  });

  it('a killed watcher leaves a readable open incident that the next start marks interrupted', async () => {
    const { gw, box } = await setup({ restart: { command: 'sleep 30', attempts: 1 } });
    watcher = box.watch();
    await watcher.waitState('healthy');
    await gw.fault('crash');
    await watcher.waitState('restarting');
    await watcher.stop('SIGKILL');
    const [open] = await incidents(box);
    expect(open!.outcome).toBe('open');
    watcher = box.watch();
    await watcher.waitEvent(
      'interrupted incident reported',
      (e) => e.incident.outcome === 'interrupted',
      'incident-closed',
    );
    const after = (await incidents(box)).find((i) => i.id === open!.id);
    expect(after).toMatchObject({ id: open!.id, outcome: 'interrupted' });
    expect(after!.endedAt).not.toBeNull();
  });
});

describe('bad settings', () => {
  it('exit 2 with every problem listed, and the file is left untouched', async () => {
    const { box } = await setup();
    const broken = JSON.stringify({
      gateway: { checkIntervalSec: 'often', bogus: 1 },
      doctor: { agents: ['nope'] },
      extra: 1,
    });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(box.settingsFile, broken);
    for (const args of [['config', 'validate'], ['watch'], ['check'], ['incidents']]) {
      const r = await box.run(args);
      expect(r.code, args.join(' ')).toBe(2);
      for (const p of ['gateway.checkIntervalSec', 'gateway.bogus', 'doctor.agents.0', 'extra'])
        expect(r.stderr).toContain(p);
    }
    expect(readFileSync(box.settingsFile, 'utf8')).toBe(broken);
    const j = await box.run(['config', 'validate', '--json']);
    expect(j.code).toBe(2);
    expect((JSON.parse(j.stdout) as { problems: unknown[] }).problems).toHaveLength(4);
  });

  it('bad usage is exit 2 too', async () => {
    const { box } = await setup();
    expect((await box.run(['frobnicate'])).code).toBe(2);
    expect((await box.run(['watch', '--port', 'abc'])).code).toBe(2);
    expect((await box.run(['--help'])).code).toBe(0);
  });
});
