// Commands in another terminal go through the running watcher: one incident per outage, pause for
// maintenance from a script, and a clear answer when no watcher runs.
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import { controlSocketPath } from '../../main/engine/control.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, fastSettings, type WatchProcess } from '../helpers/cli.js';

let gw: FakeGateway | null = null;
let box: CliSandbox | null = null;
let watcher: WatchProcess | null = null;
afterEach(async () => {
  await watcher?.stop('SIGKILL');
  await gw?.stop();
  box?.cleanup();
  gw = box = watcher = null;
});

describe('the running watcher takes commands from other terminals', () => {
  it('pause/resume reach the watcher; restart runs in it and records one manual incident', async () => {
    gw = await startFakeGateway();
    box = new CliSandbox(fastSettings(gw.url), gw.env);
    const none = await box.run(['pause', '30']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No ClawMedic watcher is running/);

    watcher = box.watch();
    await watcher.waitState('healthy');
    expect(statSync(controlSocketPath(box.dataDir)).mode & 0o777).toBe(0o600);

    const paused = await box.run(['pause', '30', '--json']);
    expect(paused.code, paused.stderr).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ state: 'paused', pausedUntil: expect.any(String) as unknown });
    await watcher.waitState('paused');
    expect((await box.run(['pause', '0'])).code).toBe(2);
    const resumed = await box.run(['resume']);
    expect(resumed.code).toBe(0);
    await watcher.waitEvent('resumed', (e) => e.previous === 'paused', 'state');

    const restart = await box.run(['restart']);
    expect(restart.code, restart.stderr).toBe(0);
    expect(restart.stdout).toMatch(/restart-step/);
    const list = JSON.parse((await box.run(['incidents', '--json'])).stdout) as Incident[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ trigger: 'manual', outcome: 'recovered', resolvedBy: 'restart' });
    // The watcher saw it happen (same engine), and stops cleanly, removing its socket.
    await watcher.waitEvent(
      'manual incident in the watcher',
      (e) => e.incident.trigger === 'manual',
      'incident-closed',
    );
    expect((await watcher.stop('SIGTERM')).code).toBe(0);
    expect(() => statSync(controlSocketPath(box!.dataDir))).toThrow();
  });
});
