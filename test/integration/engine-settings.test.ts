// The engine's settings lifecycle and single-watcher guarantee, with real files and processes.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../common/contract.js';
import { Engine, EngineBusyError } from '../../main/engine/engine.js';
import { readLock } from '../../main/engine/lock.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, fastSettings, type WatchProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

/** `clawmedic status --json`, as far as these tests read it. */
interface StatusJson {
  watcher?: { state?: string; running?: boolean };
  lastIncident?: { outcome?: string };
}

let gw: FakeGateway | null = null;
let box: CliSandbox | null = null;
const engines: Engine[] = [];
let watcher: WatchProcess | null = null;

afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop('test over');
  await watcher?.stop('SIGKILL');
  await gw?.stop();
  box?.cleanup();
  gw = box = watcher = null;
});

async function setup() {
  gw = await startFakeGateway();
  box = new CliSandbox(fastSettings(gw.url, { gateway: { checkIntervalSec: 60 } }), gw.env);
  return { gw, box };
}

async function engine(b: CliSandbox, opts: Partial<Parameters<typeof Engine.create>[0]> = {}) {
  const e = await Engine.create({ settingsFile: b.settingsFile, env: b.env, doctorFactory: null, ...opts });
  engines.push(e);
  return e;
}

describe('settings while running', () => {
  it('reloads a valid edit, and keeps the last valid settings (and says why) on an invalid one', async () => {
    const { gw, box } = await setup();
    const e = await engine(box, { watchSettings: true });
    const events: EngineEvent[] = [];
    e.on((ev) => events.push(ev));
    await e.start();
    box.write(fastSettings(gw.url, { gateway: { checkIntervalSec: 45 } }));
    await waitFor('settings-changed', () => events.some((x) => x.type === 'settings-changed'));
    expect(e.settings.gateway.checkIntervalSec).toBe(45);

    const broken = '{"gateway": {"checkIntervalSec": "soon"}}';
    writeFileSync(box.settingsFile, broken);
    const invalid = await waitFor('settings-invalid', () => events.find((x) => x.type === 'settings-invalid'));
    expect(invalid).toMatchObject({ problems: [{ path: 'gateway.checkIntervalSec', message: 'must be number' }] });
    expect(e.settings.gateway.checkIntervalSec).toBe(45);
    expect(e.status().settingsProblems).toHaveLength(1);
    expect(readFileSync(box.settingsFile, 'utf8')).toBe(broken);
  });

  it('saveSettings refuses invalid input with key paths and writes nothing', async () => {
    const { box } = await setup();
    const e = await engine(box);
    const before = readFileSync(box.settingsFile, 'utf8');
    const r = await e.saveSettings({ gateway: { failureThreshold: 0 } });
    expect(r).toMatchObject({ ok: false, problems: [{ path: 'gateway.failureThreshold' }] });
    expect(readFileSync(box.settingsFile, 'utf8')).toBe(before);
    const saved = JSON.parse(before) as { gateway: Record<string, unknown> };
    const ok = await e.saveSettings({ ...saved, gateway: { ...saved.gateway, failureThreshold: 4 } });
    expect(ok.ok).toBe(true);
    expect(e.settings.gateway.failureThreshold).toBe(4);
    expect((await e.getSettings()).settings).toMatchObject({ gateway: { failureThreshold: 4 } });
  });

  it('an app with a broken settings file runs on defaults and reports each problem', async () => {
    const { box } = await setup();
    writeFileSync(box.settingsFile, '{"gateway":{"bogus":1}}');
    await expect(engine(box)).rejects.toThrow(/gateway\.bogus/);
    const e = await engine(box, { onInvalidSettings: 'defaults' });
    expect(e.status().settingsProblems).toEqual([
      { path: 'gateway.bogus', message: expect.stringMatching(/unknown key/) as unknown },
    ]);
    expect(readFileSync(box.settingsFile, 'utf8')).toBe('{"gateway":{"bogus":1}}');
  });
});

describe('one watcher per data dir', () => {
  it('a second watcher refuses to start instead of double-restarting, and the lock frees on stop', async () => {
    const { box } = await setup();
    const a = await engine(box, { exclusive: true });
    await a.start();
    const b = await engine(box, { exclusive: true });
    await expect(b.start()).rejects.toThrow(EngineBusyError);
    await expect(b.start()).rejects.toThrow(/already watching.*pid \d+/);
    const cli = await box.run(['watch']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/Another ClawMedic is already watching/);
    const lockFile = path.join(box.dataDir, 'watch.lock');
    expect(readLock(lockFile)).toMatchObject({ pid: process.pid, meta: { purpose: 'watch' } });
    await a.stop('done');
    // Stopping frees the lock: the file is gone, and the next watcher takes it as its own.
    expect(readLock(lockFile)).toBeNull();
    const c = await engine(box, { exclusive: true });
    await c.start();
    expect(readLock(lockFile)).toMatchObject({ pid: process.pid, meta: { purpose: 'watch' } });
    await c.stop('done');
  });

  it('a killed watcher does not block the next one (its lock is stale)', async () => {
    const { box } = await setup();
    watcher = box.watch();
    await watcher.waitState('healthy');
    const lockFile = path.join(box.dataDir, 'watch.lock');
    const dead = readLock(lockFile);
    expect(dead).toMatchObject({ pid: watcher.proc.pid, meta: { purpose: 'watch' } });
    await watcher.stop('SIGKILL');
    // The killed watcher's lock is still on disk…
    expect(readLock(lockFile)).toMatchObject({ pid: watcher.proc.pid });
    const e = await engine(box, { exclusive: true });
    await e.start();
    // …and the next one takes it over: the file now names this process.
    expect(readLock(lockFile)).toMatchObject({ pid: process.pid, meta: { purpose: 'watch' } });
    await e.stop('done');
  });
});

describe('clawmedic status', () => {
  it('shows the running watcher, the gateway now and the last incident', async () => {
    const { gw, box } = await setup();
    const none = await box.run(['status', '--json']);
    expect(JSON.parse(none.stdout)).toMatchObject({
      watcher: null,
      lastIncident: null,
      gateway: { condition: 'healthy' },
    });
    box.write(fastSettings(gw.url));
    watcher = box.watch();
    await watcher.waitState('healthy');
    await gw.fault('crash');
    await watcher.waitEvent('recovered', () => true, 'incident-closed');
    await waitFor('status.json updated', async () => {
      const r = JSON.parse((await box.run(['status', '--json'])).stdout) as StatusJson;
      return r.watcher?.state === 'healthy' && r.lastIncident?.outcome === 'recovered' ? r : null;
    });
    const human = await box.run(['status']);
    expect(human.stdout).toMatch(/Watcher\s+pid \d+: healthy/);
    expect(human.stdout).toMatch(/Last incident .* \(recovered by restart\)/);
    await watcher.stop('SIGTERM');
    const after = JSON.parse((await box.run(['status', '--json'])).stdout) as StatusJson;
    expect(after.watcher).toMatchObject({ running: false, state: 'stopped' });
  });
});

describe('actions from the UI', () => {
  it('refuses "Start doctor now" while a restart is running, instead of claiming it started', async () => {
    const { gw, box } = await setup();
    box.write(fastSettings(gw.url, { restart: { command: 'sleep 3', attempts: 1, waitHealthySec: 1 } }));
    const fakeDoctor = {
      current: () => null,
      run: () => Promise.resolve({ outcome: 'failed' as const, resolvedBy: null, agent: null, detail: 'unused' }),
      cleanupOrphans: () => Promise.resolve([]),
      defaultTemplate: () => '',
      preview: () => ({ ok: true as const, value: '' }),
      terminal: { subscribe: () => ({ ack() {}, close() {} }) },
      takeOver: () => Promise.resolve({ ok: true as const, value: undefined }),
      handBack: () => Promise.resolve({ ok: true as const, value: undefined }),
      input: () => false,
      resize: () => {},
    };
    const e = await engine(box, { doctorFactory: () => fakeDoctor });
    const restarting = e.restartNow();
    await waitFor('restart running', () => e.status().state === 'restarting');
    const r = await e.startDoctor();
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/restart is already running/) as unknown });
    await restarting;
  });
});
