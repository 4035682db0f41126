// The fake gateway as ClawMedic sees it: real processes, real HTTP, the real `openclaw` wrapper on PATH.
// Needs the fixtures built (npx tsc -b).
import net from 'node:net';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'vitest';
import {
  freePort,
  startFakeGateway,
  type FakeGateway,
  type StartFakeGatewayOptions,
} from '../fixtures/gateway-harness.js';

// Tests run concurrently (each has its own state dir and port): most of their time is process start-up.
type OnFinished = (fn: () => Promise<void>) => void;

async function gateway(onTestFinished: OnFinished, opts: StartFakeGatewayOptions = {}): Promise<FakeGateway> {
  // 100 ms start-up: long enough to be a real "starting" phase, short enough to keep the file fast.
  const g = await startFakeGateway({ startupMs: 100, ...opts });
  onTestFinished(() => g.stop());
  return g;
}

/**
 * Gone = kill(pid, 0) fails, or the process is a zombie: this machine's PID 1 never reaps orphans, so a
 * detached process that exited stays a zombie (no memory, no port, no code running) until reboot.
 */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

function readPidFileForTest(file: string): number | null {
  if (!existsSync(file)) return null;
  const n = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(n) && n > 0 ? n : null;
}

function holdPort(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer((s) => s.destroy());
    srv.once('error', reject);
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(srv));
  });
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe.concurrent('fake gateway', { timeout: 30_000 }, () => {
  describe('fake gateway: health surface', () => {
    test(
      'goes from starting (503) to live (200) with the real bodies, and ' + 'serves the UI page for everything else',
      async ({ expect, onTestFinished }) => {
        const g = await gateway(onTestFinished, { startupMs: 2000, waitHealthy: false });

        const healthz = await g.probe('/healthz');
        expect(healthz).toMatchObject({ kind: 'response', status: 503, json: { ok: false, status: 'starting' } });
        expect(await g.probe('/startupz')).toMatchObject({ status: 503, json: { ok: false, status: 'starting' } });
        expect(await g.probe('/readyz')).toMatchObject({
          status: 503,
          json: { ready: false, failing: ['startup-sidecars'] },
        });
        expect(existsSync(`${g.configPath}.last-good`)).toBe(false);

        await g.waitHealthy();
        for (const p of ['/health', '/healthz']) {
          const r = await g.probe(p);
          expect(r).toMatchObject({ kind: 'response', status: 200, json: { ok: true, status: 'live' } });
          if (r.kind === 'response') expect(r.contentType).toMatch(/^application\/json/);
        }
        for (const p of ['/ready', '/readyz']) {
          const r = await g.probe(p);
          expect(r).toMatchObject({ status: 200, json: { ready: true, failing: [] } });
          if (r.kind === 'response') expect((r.json as { uptimeMs: number }).uptimeMs).toBeGreaterThan(0);
        }
        for (const p of ['/startup', '/startupz']) {
          expect(await g.probe(p)).toMatchObject({
            status: 200,
            json: { ok: true, status: 'started', version: '2026.9.6-fake' },
          });
        }
        for (const p of ['/', '/status', '/livez', '/no/such/page?x=1']) {
          const r = await g.probe(p);
          expect(r).toMatchObject({ kind: 'response', status: 200, json: undefined });
          if (r.kind === 'response') {
            expect(r.contentType).toMatch(/^text\/html/);
            expect(r.body).toContain('OpenClaw Control');
          }
        }
        expect(await g.probe('/healthz', { method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
        expect(await g.probe('/', { method: 'HEAD' })).toMatchObject({
          status: 200,
          body: '',
          contentType: expect.stringMatching(/^text\/html/) as unknown,
        });

        const pid = g.pid();
        expect(pid).not.toBeNull();
        expect(readPidFileForTest(path.join(g.stateDir, 'gateway.pid'))).toBe(pid);
        expect(readFileSync(`${g.configPath}.last-good`, 'utf8')).toBe(readFileSync(g.configPath, 'utf8'));
        const log = g.readLog();
        for (const line of log)
          expect(Object.keys(line)).toEqual(expect.arrayContaining(['time', 'level', 'subsystem', 'msg']));
        expect(log.map((l) => l.msg).join('\n')).toMatch(/listening on ws:\/\/127\.0\.0\.1:\d+[\s\S]*gateway ready/);
      },
    );

    test('the shim reports health, status and logs; unknown commands exit 2', async ({ expect, onTestFinished }) => {
      const g = await gateway(onTestFinished);
      const otherPort = await freePort();
      // Independent commands, run side by side to keep the test short.
      const [health, status, gs, logs, second, version, ...usage] = await Promise.all([
        g.run(['health', '--json']),
        g.run(['status', '--json']),
        g.run(['gateway', 'status']),
        g.run(['logs', '--limit', '2', '--plain']),
        // A second gateway on the same state dir is refused like the real one (state lock).
        g.run(['gateway', 'run', '--port', String(otherPort)]),
        g.run(['--version']),
        ...[['bogus'], ['gateway', 'bogus'], ['health', '--nope'], []].map((args) => g.run(args)),
      ]);
      expect(health?.code).toBe(0);
      expect(JSON.parse(health?.stdout ?? '')).toMatchObject({ ok: true, status: 'live', httpStatus: 200, url: g.url });
      expect(status?.code).toBe(0);
      expect(JSON.parse(status?.stdout ?? '')).toMatchObject({
        service: { running: true, pid: g.pid() },
        gateway: { port: g.port },
        health: { ok: true },
        readiness: { ready: true, failing: [] },
        config: { valid: true },
        logFile: g.logFile,
      });
      expect(gs?.stdout).toMatch(/Runtime: running \(pid \d+\)/);
      expect(logs?.code).toBe(0);
      expect(logs?.stdout.trim().split('\n')).toHaveLength(2);
      expect(logs?.stdout).toMatch(/^\S+Z (INFO|WARN|ERROR) \w+: /m);
      expect(second?.code).toBe(78);
      expect(second?.stderr).toContain('StateDatabaseCoordinatorContentionError');
      expect(version?.stdout.trim()).toBe('2026.9.6-fake');
      expect(usage.map((r) => r.code)).toEqual([2, 2, 2, 2]);
      expect(usage[0]?.stderr).toContain("unknown command 'bogus'");
    });
  });

  describe('fake gateway: start-up failures', () => {
    test('exits 78 on a missing or invalid config, with the real messages; config validate agrees', async ({
      expect,
      onTestFinished,
    }) => {
      const g = await gateway(onTestFinished, { start: false });
      const base = `  gateway: { mode: "local", port: ${g.port}, bind: "loopback" },\n`;

      rmSync(g.configPath);
      let r = await g.run(['gateway', 'run']);
      expect(r.code).toBe(78);
      expect(r.stderr).toContain('Missing config');

      writeFileSync(g.configPath, `{\n${base}  oops here\n}\n`);
      r = await g.run(['gateway', 'run']);
      expect(r.code).toBe(78);
      expect(r.stderr).toContain('Gateway start blocked');
      const v = await g.run(['config', 'validate']);
      expect(v.code).toBe(1);
      expect(v.stderr).toMatch(/JSON5 parse failed: SyntaxError: JSON5: invalid character 'h' at 3:8/);
      const vj = await g.run(['config', 'validate', '--json']);
      expect(JSON.parse(vj.stdout)).toMatchObject({
        valid: false,
        error: expect.stringContaining('JSON5 parse failed') as unknown,
      });

      writeFileSync(g.configPath, `{\n${base}  x: 1,\n}\n`);
      r = await g.run(['gateway', 'run']);
      expect(r.code).toBe(78);
      expect(r.stderr).toContain('<root>: Unrecognized key: "x"');
      expect((await g.run(['config', 'validate'])).stderr).toContain('<root>: Unrecognized key: "x"');

      writeFileSync(g.configPath, `{ gateway: { mode: "local", port: "${g.port}" } }`);
      r = await g.run(['gateway', 'run']);
      expect(r.code).toBe(78);
      expect(r.stderr).toContain('gateway.port: Invalid input: expected number, received string');

      expect(g.pid()).toBeNull();
      expect(await g.probe('/healthz')).toMatchObject({ kind: 'refused' });
    });

    test('exits 1 with EADDRINUSE naming the holder after its bind retries', async ({ expect, onTestFinished }) => {
      const g = await gateway(onTestFinished, { start: false, bindAttempts: 3, bindRetryMs: 50 });
      const holder = await holdPort(g.port);
      try {
        const r = await g.run(['gateway', 'run']);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`listen EADDRINUSE: address already in use 127.0.0.1:${g.port}`);
        expect(r.stderr).toContain(`Port ${g.port} is already in use.`);
        expect(r.stderr).toContain(`- pid ${process.pid} `);
        expect(g.readLog().filter((l) => /busy \(attempt \d\/3\)/.test(l.msg))).toHaveLength(2);
        expect(r.durationMs).toBeLessThan(5000);
      } finally {
        await new Promise((resolve) => holder.close(resolve));
      }
    });
  });

  describe('fake gateway: restart and stop', () => {
    test('openclaw gateway restart keeps the port and yields a new pid', async ({ expect, onTestFinished }) => {
      const g = await gateway(onTestFinished);
      const before = g.pid() as number;
      const r = await g.run(['gateway', 'restart']);
      expect(r.code, r.stderr).toBe(0);
      const after = g.pid();
      expect(after).not.toBeNull();
      expect(after).not.toBe(before);
      expect(isGone(before)).toBe(true);
      await g.waitHealthy();
      expect(g.lastExit()).toMatchObject({ pid: before, code: 0, signal: null });
      expect(g.readLog().some((l) => l.msg === 'received SIGTERM; shutting down')).toBe(true);
    });

    test('stop() leaves no process (hung gateway, launcher, armed port holder) and no temp dir', async ({
      expect,
      onTestFinished,
    }) => {
      const g = await gateway(onTestFinished);
      await g.fault('steal-port');
      const gw = g.pid() as number;
      const launcher = readPidFileForTest(path.join(g.stateDir, 'launcher.pid')) as number;
      const holder = readPidFileForTest(path.join(g.stateDir, 'port-holder.pid')) as number;
      await g.fault('hang');
      for (const pid of [gw, launcher, holder]) expect(isGone(pid), `pid ${pid} before stop`).toBe(false);

      await g.stop();
      for (const pid of [gw, launcher, holder]) expect(isGone(pid), `pid ${pid} after stop`).toBe(true);
      expect(existsSync(g.stateDir)).toBe(false);
      expect(await tcpAccepts(g.port)).toBe(false);
    });
  });

  describe('fake gateway: faults, observed from outside', () => {
    test('crash: refused at once, exit code 1 recorded, a start brings it back', async ({ expect, onTestFinished }) => {
      const g = await gateway(onTestFinished);
      const pid = g.pid() as number;
      await g.fault('crash');
      expect(isGone(pid)).toBe(true);
      expect(await g.probe('/healthz')).toMatchObject({ kind: 'refused' });
      expect(g.lastExit()).toMatchObject({ pid, code: 1, signal: null });
      expect((await g.run(['health'])).code).toBe(1);
      const gs = JSON.parse((await g.run(['gateway', 'status', '--json'])).stdout) as { service: unknown };
      expect(gs.service).toMatchObject({ running: false, pid: null, lastExit: { code: 1 } });

      expect((await g.run(['gateway', 'start'])).code).toBe(0);
      await g.waitHealthy();
    });

    test('kill9: refused, SIGKILL recorded', async ({ expect, onTestFinished }) => {
      const g = await gateway(onTestFinished);
      const pid = g.pid() as number;
      await g.fault('kill9');
      expect(await g.probe('/healthz')).toMatchObject({ kind: 'refused' });
      expect(g.lastExit()).toMatchObject({ pid, code: null, signal: 'SIGKILL' });
    });

    test('hang: the port accepts connections but nothing answers, until fault clear', async ({
      expect,
      onTestFinished,
    }) => {
      const g = await gateway(onTestFinished);
      await g.fault('hang');
      expect(await tcpAccepts(g.port)).toBe(true);
      expect(await g.probe('/healthz', { timeoutMs: 300 })).toMatchObject({ kind: 'timeout' });
      await g.fault('clear');
      await g.waitHealthy(3000);
    });

    test('5xx: /healthz answers 500 while readiness is unaffected; clear recovers', async ({
      expect,
      onTestFinished,
    }) => {
      const g = await gateway(onTestFinished);
      await g.fault('5xx');
      expect(await g.probe('/healthz')).toMatchObject({ status: 500, json: { ok: false } });
      expect(await g.probe('/readyz')).toMatchObject({ status: 200 });
      expect((await g.run(['health'])).code).toBe(1);
      await g.fault('clear');
      expect(await g.probe('/healthz')).toMatchObject({ status: 200, json: { ok: true, status: 'live' } });
    });

    test('unready: /readyz 503 failing discord, liveness stays 200, and a restart does not fix it', async ({
      expect,
      onTestFinished,
    }) => {
      const g = await gateway(onTestFinished);
      await g.fault('unready');
      expect(await g.probe('/readyz')).toMatchObject({ status: 503, json: { ready: false, failing: ['discord'] } });
      expect(await g.probe('/healthz')).toMatchObject({ status: 200 });
      expect((await g.run(['gateway', 'restart'])).code).toBe(0);
      await g.waitHealthy();
      expect(await g.probe('/readyz')).toMatchObject({ status: 503, json: { failing: ['discord'] } });
      await g.fault('clear');
      expect(await g.probe('/readyz')).toMatchObject({ status: 200, json: { ready: true } });
    });

    test('stranger: 200 HTML on /healthz, restarts fail with EADDRINUSE, --force takes the port back', async ({
      expect,
      onTestFinished,
    }) => {
      const g = await gateway(onTestFinished);
      const pid = g.pid() as number;
      await g.fault('stranger');
      expect(isGone(pid)).toBe(true);
      const r = await g.probe('/healthz');
      expect(r).toMatchObject({
        kind: 'response',
        status: 200,
        json: undefined,
        contentType: expect.stringMatching(/^text\/html/) as unknown,
      });
      const stranger = readPidFileForTest(path.join(g.stateDir, 'stranger.pid')) as number;
      expect(isGone(stranger)).toBe(false);

      const restart = await g.run(['gateway', 'restart']);
      expect(restart.code).toBe(1);
      expect(restart.stderr).toContain('EADDRINUSE');
      expect(restart.stderr).toContain(`- pid ${stranger} `);

      const forced = await g.run(['gateway', 'start', '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      await g.waitHealthy();
      expect(isGone(stranger)).toBe(true);
    });

    test(
      'steal-port: serving goes on until the gateway exits, then the stray ' + 'holds the port and restarts fail',
      async ({ expect, onTestFinished }) => {
        const g = await gateway(onTestFinished);
        await g.fault('steal-port');
        const holder = readPidFileForTest(path.join(g.stateDir, 'port-holder.pid')) as number;
        expect(await g.probe('/healthz')).toMatchObject({ status: 200 });

        const restart = await g.run(['gateway', 'restart']);
        expect(restart.code).toBe(1);
        expect(restart.stderr).toContain(`Port ${g.port} is already in use.`);
        expect(restart.stderr).toContain(`- pid ${holder} `);
        expect(g.lastExit()).toMatchObject({ code: 1 });
        expect(await tcpAccepts(g.port)).toBe(true);
        expect((await g.probe('/healthz')).kind).not.toBe('response');
        expect((await g.run(['doctor'])).stdout).toContain(`held by pid ${holder}`);
      },
    );

    test('break-config: the running gateway keeps serving, the next start exits 78, doctor --fix restores', async ({
      expect,
      onTestFinished,
    }) => {
      const g = await gateway(onTestFinished);
      await g.fault('break-config');
      expect(await g.probe('/healthz')).toMatchObject({ status: 200 });
      expect(g.readLog().some((l) => l.msg.includes('config reload skipped (invalid config)'))).toBe(true);

      const restart = await g.run(['gateway', 'restart']);
      expect(restart.code).toBe(78);
      expect(g.lastExit()).toMatchObject({ code: 78 });
      const validate = await g.run(['config', 'validate']);
      expect(validate.code).toBe(1);
      expect(validate.stderr).toContain('JSON5 parse failed: SyntaxError: JSON5: invalid character');

      const fix = await g.run(['doctor', '--fix', '--non-interactive', '--yes']);
      expect(fix.code, fix.stderr).toBe(0);
      const clobbered = readdirSync(g.stateDir).filter((f) => f.startsWith('openclaw.json.clobbered.'));
      expect(clobbered).toHaveLength(1);
      expect(readFileSync(path.join(g.stateDir, clobbered[0] as string), 'utf8')).toContain('@@');
      expect((await g.run(['config', 'validate'])).code).toBe(0);
      expect((await g.run(['gateway', 'start'])).code).toBe(0);
      await g.waitHealthy();
    });

    test('doctor --fix without a last-good copy: "not parseable and cannot be repaired automatically", exit 1', async ({
      expect,
      onTestFinished,
    }) => {
      const g = await gateway(onTestFinished, { start: false, config: '{ gateway: { mode: "local" ' });
      const plain = await g.run(['doctor']);
      expect(plain.code).toBe(1);
      expect(plain.stdout).toContain('openclaw doctor --fix');
      const fix = await g.run(['doctor', '--fix', '--non-interactive', '--yes']);
      expect(fix.code).toBe(1);
      expect(fix.stderr).toContain('not parseable and cannot be repaired automatically');
      expect(readFileSync(g.configPath, 'utf8')).toBe('{ gateway: { mode: "local" ');
    });

    test('slow-start: the next start stays "starting" for the given time', async ({ expect, onTestFinished }) => {
      const g = await gateway(onTestFinished);
      await g.fault('slow-start', 1500);
      expect((await g.run(['gateway', 'restart'])).code).toBe(0);
      const restartedAt = Date.now();
      expect(await g.probe('/healthz')).toMatchObject({ status: 503, json: { status: 'starting' } });
      await g.waitHealthy();
      // The 1500 ms run from the gateway's own start, a little before the shim returned.
      expect(Date.now() - restartedAt).toBeGreaterThanOrEqual(900);
      // Consumed: the start after that is quick again.
      expect((await g.run(['gateway', 'restart'])).code).toBe(0);
      await g.waitHealthy(1500);
    });
  });
});
