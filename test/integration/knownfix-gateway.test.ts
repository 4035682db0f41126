// Known fixes in the whole engine, against the stand-in gateway and its `openclaw` CLI, real processes
// and real files: the facts come from `openclaw config validate --json`, lsof/ss and /proc, the rungs
// act for real, our probe verifies, and the undo puts back what was there.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../common/clock.js';
import type { EngineEvent, Incident } from '../../common/contract.js';
import { Engine } from '../../main/engine/engine.js';
import { freeMb, gatewayRss, ResourceWatch } from '../../main/engine/knownfix/resources.js';
import { WarningBoard } from '../../main/engine/knownfix/warnings.js';
import { isProcessAlive } from '../../main/engine/process-util.js';
import { fixturePaths, startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';

let gw: FakeGateway | null = null;
let engine: Engine | null = null;
let dir: string | null = null;
const strays: number[] = [];

afterEach(async () => {
  await engine?.stop('test over');
  engine = null;
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone (the rung stopped it).
    }
  }
  await gw?.stop();
  gw = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

async function startEngine(
  knownFixes: Record<string, unknown> = {},
  restart: Record<string, unknown> = {},
  before?: (dataDir: string) => void,
): Promise<Engine> {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-kf-int-'));
  before?.(path.join(dir, 'data'));
  const settingsFile = path.join(dir, 'settings.json');
  const settings = {
    dataDir: path.join(dir, 'data'),
    gateway: {
      url: gw!.url,
      checkIntervalSec: 1,
      retryIntervalSec: 1,
      timeoutSec: 1,
      failureThreshold: 2,
      // The stray gateway in these tests is seconds old; a real stale one has been up for a while.
      startupGraceSec: 1,
      configPath: gw!.configPath,
      logPaths: [gw!.logFile],
    },
    restart: { command: 'openclaw gateway restart', attempts: 1, waitHealthySec: 8, backoffSec: 0, ...restart },
    doctor: { enabled: false },
    knownFixes: { askTimeoutSec: 10, stopGraceSec: 2, lastGoodAfterSec: 0, ...knownFixes },
  };
  writeFileSync(settingsFile, JSON.stringify(settings), { mode: 0o600 });
  engine = await Engine.create({ settingsFile, env: gw!.env, doctorFactory: null, onInvalidSettings: 'throw' });
  await engine.start();
  return engine;
}

function next(e: Engine, pred: (ev: EngineEvent) => boolean, timeoutMs = 60_000): Promise<EngineEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for an engine event'));
    }, timeoutMs);
    const off = e.on((ev) => {
      if (pred(ev)) {
        clearTimeout(timer);
        off();
        resolve(ev);
      }
    });
  });
}

const closed = (e: Engine) =>
  next(e, (ev) => ev.type === 'incident-closed').then((ev) => (ev as { incident: Incident }).incident);

describe('known fixes with the stand-in gateway', () => {
  it('config syntax error: real-CLI fingerprint, fixed by `openclaw doctor --fix`, undone on request', async () => {
    gw = await startFakeGateway();
    const e = await startEngine();
    await next(e, (ev) => ev.type === 'check' && ev.check.condition === 'healthy');
    const good = readFileSync(gw.configPath, 'utf8');
    const done = closed(e);
    await gw.fault('break-config');
    const broken = readFileSync(gw.configPath, 'utf8');
    await gw.fault('crash');
    const inc = await done;
    expect(inc, JSON.stringify(inc.events, null, 1)).toMatchObject({
      outcome: 'recovered',
      resolvedBy: 'known-fix:config-doctor-fix',
    });
    expect(inc.fingerprint).toMatchObject({
      kind: 'config-syntax',
      facts: { restartExit: 78, config: { valid: false } },
    });
    expect(inc.fingerprint!.detail).toMatch(/syntax error/);
    expect(inc.rungs).toEqual([
      expect.objectContaining({ rung: 'config-doctor-fix', mode: 'auto', status: 'recovered' }),
    ]);
    expect(inc.rungs![0]!.diff).toContain('half-finished edit');
    expect(JSON.stringify(inc)).not.toContain(/"token":\s*"([^"]+)"/.exec(good)![1]);
    const r = await e.undoFix(inc.id, 'r1');
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(readFileSync(gw.configPath, 'utf8')).toBe(broken);
  });

  it('a stale gateway left on the port (hung, SIGSTOP): stopped, the gateway started; no question asked', async () => {
    gw = await startFakeGateway();
    const e = await startEngine();
    await next(e, (ev) => ev.type === 'check' && ev.check.condition === 'healthy');
    // A second gateway, left behind by an earlier launch with its own state, takes the port once the
    // managed one is gone, then hangs.
    await gw.run(['gateway', 'stop']);
    const strayState = mkdtempSync(path.join(os.tmpdir(), 'cm-kf-stray-'));
    const stray = spawn(process.execPath, [fixturePaths.fakeGateway, '--port', String(gw.port), '--bind', 'loopback'], {
      env: {
        ...gw.env,
        OPENCLAW_STATE_DIR: strayState,
        OPENCLAW_CONFIG_PATH: gw.configPath,
        FAKE_GATEWAY_STARTUP_MS: '0',
      },
      stdio: 'ignore',
      detached: true,
    });
    strays.push(stray.pid!);
    const done = closed(e);
    await gw.waitHealthy();
    process.kill(stray.pid!, 'SIGSTOP');
    const inc = await done;
    rmSync(strayState, { recursive: true, force: true });
    expect(inc, JSON.stringify(inc.events, null, 1)).toMatchObject({
      outcome: 'recovered',
      resolvedBy: 'known-fix:stale-gateway',
    });
    expect(inc.fingerprint).toMatchObject({
      kind: 'stale-gateway',
      facts: { portHolder: { pid: stray.pid, openclaw: true } },
    });
    expect(inc.rungs).toEqual([
      expect.objectContaining({
        rung: 'stale-gateway',
        status: 'recovered',
        undo: expect.objectContaining({ available: false }) as unknown,
      }),
    ]);
    expect(isProcessAlive(stray.pid!)).toBe(false);
    expect((await e.undoFix(inc.id, 'r1')).ok).toBe(false);
  });

  it('a stranger on the port is never stopped without a yes; with one it is stopped, the gateway is back', async () => {
    gw = await startFakeGateway();
    const e = await startEngine();
    await next(e, (ev) => ev.type === 'check' && ev.check.condition === 'healthy');
    const proposed = next(e, (ev) => ev.type === 'known-fix' && ev.phase === 'proposed');
    const done = closed(e);
    await gw.fault('stranger');
    const strangerPid = Number(readFileSync(gw.paths.strangerPidFile, 'utf8'));
    const ask = (await proposed) as Extract<EngineEvent, { type: 'known-fix' }>;
    expect(ask.pending).toMatchObject({ rung: 'port-foreign' });
    expect(ask.pending!.action).toContain(`pid ${strangerPid}`);
    expect(ask.pending!.action).toContain('stranger.js');
    expect(e.status().pendingFix).toMatchObject({ rung: 'port-foreign' });
    expect(isProcessAlive(strangerPid)).toBe(true);
    expect((await e.answerFix(ask.incidentId, ask.pending!.recordId, true)).ok).toBe(true);
    const inc = await done;
    expect(inc, JSON.stringify(inc.events, null, 1)).toMatchObject({
      outcome: 'recovered',
      resolvedBy: 'known-fix:port-foreign',
    });
    expect(inc.fingerprint).toMatchObject({ kind: 'port-foreign', key: 'port-foreign:node' });
    expect(isProcessAlive(strangerPid)).toBe(false);
  });

  it('a stranger, nobody answers: nothing is stopped, the question expires, ClawMedic asks for attention', async () => {
    gw = await startFakeGateway();
    const e = await startEngine();
    await next(e, (ev) => ev.type === 'check' && ev.check.condition === 'healthy');
    const done = closed(e);
    await gw.fault('stranger');
    const strangerPid = Number(readFileSync(gw.paths.strangerPidFile, 'utf8'));
    const inc = await done;
    expect(inc.outcome).toBe('failed');
    expect(inc.rungs?.map((r) => [r.rung, r.status])).toEqual([['port-foreign', 'expired']]);
    expect(isProcessAlive(strangerPid)).toBe(true);
  });

  it('takes a last-known-good copy (0600) of a config the healthy gateway started with, not a later edit', async () => {
    gw = await startFakeGateway();
    const e = await startEngine();
    const store = path.join(dir!, 'data', 'last-good');
    const copies = () => {
      try {
        // A copy being written is `<name>.<pid>.<random>.tmp` until its rename: not a copy yet.
        return readdirSync(store).filter((f) => f.startsWith('openclaw.json.') && !f.endsWith('.tmp'));
      } catch {
        return []; // the store folder appears with the first copy
      }
    };
    // Each healthy check may take the copy; 30 checks (one a second) is far more than it needs.
    for (let i = 0; i < 30 && copies().length === 0; i++) await next(e, (ev) => ev.type === 'check');
    const files = copies();
    expect(files).toHaveLength(1);
    expect(readFileSync(path.join(store, files[0]!), 'utf8')).toBe(readFileSync(gw.configPath, 'utf8'));
    expect(statSync(path.join(store, files[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(store).mode & 0o777).toBe(0o700);
    // A valid edit after the gateway started: only a candidate until the gateway restarts with it.
    const cfg = JSON.parse(readFileSync(gw.configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(gw.configPath, JSON.stringify({ ...cfg, agents: {} }, null, 2));
    for (let i = 0; i < 3; i++) await next(e, (ev) => ev.type === 'check');
    expect(copies()).toEqual(files);
  });

  it('config guard: a breaking edit is flagged at once (what, line, diff); Revert restores the good copy', async () => {
    gw = await startFakeGateway();
    const e = await startEngine();
    const store = path.join(dir!, 'data', 'last-good');
    // The guard needs a last-known-good copy to offer a Revert: wait for the first one.
    for (let i = 0; i < 30; i++) {
      const has = (() => {
        try {
          return readdirSync(store).some((f) => f.startsWith('openclaw.json.') && !f.endsWith('.tmp'));
        } catch {
          return false; // the folder appears with the first copy
        }
      })();
      if (has) break;
      await next(e, (ev) => ev.type === 'check');
    }
    const good = readFileSync(gw.configPath, 'utf8');
    const cfg = JSON.parse(good) as { gateway: Record<string, unknown> };
    const warned = next(e, (ev) => ev.type === 'warnings' && ev.added.length > 0);
    const edited = JSON.stringify({ ...cfg, gateway: { ...cfg.gateway, port: String(gw.port) } }, null, 2);
    writeFileSync(gw.configPath, edited);
    const w = ((await warned) as Extract<EngineEvent, { type: 'warnings' }>).added[0]!;
    expect(w.kind).toBe('config');
    expect(w.title).toBe(
      'This edit will stop the gateway at its next restart: gateway.port: expected number, received string (line 4)',
    );
    expect(w.diff).toContain(`-    "port": ${gw.port},`);
    expect(w.diff).toContain(`+    "port": "${gw.port}",`);
    expect(w.canRevert).toBe(true);
    expect(e.status().warnings).toEqual([expect.objectContaining({ kind: 'config' })]);
    // The running gateway is never touched: it keeps answering.
    expect(await gw.probe('/healthz')).toMatchObject({ kind: 'response', status: 200 });
    const cleared = next(e, (ev) => ev.type === 'warnings' && ev.warnings.length === 0);
    const r = await e.revertConfig();
    expect(r.ok, JSON.stringify(r)).toBe(true);
    await cleared;
    expect(readFileSync(gw.configPath, 'utf8')).toBe(good);
    const cfgDir = path.dirname(gw.configPath);
    const kept = readdirSync(cfgDir).filter((f) => f.startsWith('openclaw.json.clawmedic-reverted.'));
    expect(kept.map((f) => readFileSync(path.join(cfgDir, f), 'utf8'))).toEqual([edited]);
    expect(statSync(path.join(cfgDir, kept[0]!)).mode & 0o777).toBe(0o600);
  });

  it('an outage after a guard warning carries the warning on its incident', async () => {
    gw = await startFakeGateway();
    const e = await startEngine({ enabled: false });
    await next(e, (ev) => ev.type === 'check' && ev.check.condition === 'healthy');
    const warned = next(e, (ev) => ev.type === 'warnings' && ev.added.length > 0);
    await gw.fault('break-config');
    await warned;
    const done = closed(e);
    await gw.fault('crash');
    const inc = await done;
    expect(inc.events.find((ev) => ev.type === 'warning')?.detail).toMatch(
      /^This edit will stop the gateway at its next restart: syntax error|JSON5/,
    );
  });

  it('a broken update: rolled back to the version last seen healthy; the undo installs the new one again', async () => {
    const versionDir = mkdtempSync(path.join(os.tmpdir(), 'cm-kf-ver-'));
    const versionFile = path.join(versionDir, 'installed-version');
    try {
      gw = await startFakeGateway({ env: { FAKE_OPENCLAW_VERSION_FILE: versionFile } });
      const e = await startEngine(
        { updateRollback: 'auto', rollbackCommand: `printf %s {{version}} > ${versionFile}` },
        {},
        (dataDir) => {
          // What an earlier healthy stretch recorded (the observer does it after 60 s healthy).
          mkdirSync(dataDir, { recursive: true, mode: 0o700 });
          writeFileSync(
            path.join(dataDir, 'known-fixes.json'),
            JSON.stringify({ lastHealthyVersion: '2026.9.6-fake', lastHealthyAt: '2026-11-25T10:00:00.000Z' }),
          );
        },
      );
      await next(e, (ev) => ev.type === 'check' && ev.check.condition === 'healthy');
      const done = closed(e);
      // `npm install -g openclaw@next`, then the gateway restarts into a version that cannot start.
      writeFileSync(versionFile, '2026.10.0-fake');
      await gw.fault('crash');
      const inc = await done;
      expect(inc, JSON.stringify(inc.events, null, 1)).toMatchObject({
        outcome: 'recovered',
        resolvedBy: 'known-fix:update-rollback',
      });
      expect(inc.fingerprint).toMatchObject({
        kind: 'update-broke',
        facts: { version: { now: '2026.10.0-fake', lastHealthy: '2026.9.6-fake' } },
      });
      expect(inc.fingerprint!.detail).toMatch(/from 2026\.9\.6-fake to 2026\.10\.0-fake .*Cannot find package/);
      expect(inc.rungs).toEqual([
        expect.objectContaining({
          rung: 'update-rollback',
          status: 'recovered',
          undo: expect.objectContaining({ available: true }) as unknown,
        }),
      ]);
      expect(readFileSync(versionFile, 'utf8')).toBe('2026.9.6-fake');
      const r = await e.undoFix(inc.id, 'r1');
      expect(r.ok, JSON.stringify(r)).toBe(true);
      expect(readFileSync(versionFile, 'utf8')).toBe('2026.10.0-fake');
    } finally {
      rmSync(versionDir, { recursive: true, force: true });
    }
  });

  it('resources: gateway memory read from the process on its port; low disk where it writes is a warning', async () => {
    gw = await startFakeGateway();
    const e = await startEngine();
    const settings = e.settings;
    const rss = await gatewayRss(settings, gw.env);
    expect(rss?.pid).toBe(gw.pid());
    expect(rss!.mb).toBeGreaterThan(1);
    expect(await freeMb(path.dirname(gw.configPath))).toBeGreaterThan(1);
    const board = new WarningBoard(systemClock, () => undefined);
    const rw = new ResourceWatch({
      clock: systemClock,
      env: gw.env,
      settings: () => ({ ...settings, guard: { ...settings.guard, diskFreeWarnMb: 1048576 } }),
      warnings: board,
    });
    await rw.sampleOnce();
    expect(board.list().map((w) => w.kind)).toEqual(['disk']);
    expect(board.list()[0]!.title).toMatch(/^Only .* free where the gateway writes its state and logs \(/);
  });
});
