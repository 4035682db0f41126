// `clawmedic watch` imports only what it uses: without --dashboard it never loads `ws`, without
// --metrics-port never `prom-client`, and never the demo (with its test fixtures) or `diff` on a quiet
// start. Node's own module loader reports every module it loads (test/helpers/module-log.mjs); the same
// run with both options on shows the log sees them when they are used.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, cliPath, fastSettings, repoRoot, WatchProcess } from '../helpers/cli.js';

let gw: FakeGateway | null = null;
let box: CliSandbox | null = null;
let w: WatchProcess | null = null;

afterEach(async () => {
  await w?.stop();
  await gw?.stop();
  box?.cleanup();
  w = gw = box = null;
});

async function modulesLoadedBy(extra: string[]): Promise<string[]> {
  gw = await startFakeGateway();
  box = new CliSandbox(fastSettings(gw.url), gw.env);
  const log = path.join(box.dir, 'modules.log');
  const hook = path.join(repoRoot, 'test', 'helpers', 'module-log.mjs');
  w = new WatchProcess(
    spawn(process.execPath, ['--import', hook, cliPath, '--config', box.settingsFile, 'watch', '--json', ...extra], {
      env: { ...gw.env, NO_COLOR: '1', CLAWMEDIC_MODULE_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  await w.waitState('healthy');
  // Healthy is after the first probe; the dashboard and metrics lines come once start-up is done.
  if (extra.includes('--dashboard')) await w.waitEvent('the dashboard', () => true, 'dashboard' as never);
  await w.stop();
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const pkg = (name: string) => (m: string) => m.includes(`/node_modules/${name}/`);

describe('lazy imports', () => {
  it('watch without --dashboard or --metrics-port loads neither ws nor prom-client (nor demo, diff)', async () => {
    const mods = await modulesLoadedBy([]);
    expect(mods.some((m) => m.includes('/dist/main/cli/watch.js'))).toBe(true);
    expect(mods.filter(pkg('ws'))).toEqual([]);
    expect(mods.filter(pkg('prom-client'))).toEqual([]);
    expect(mods.filter(pkg('diff'))).toEqual([]);
    // The settings schema's builder (TypeBox) is for the app and the renderer; the watcher validates with
    // the code generated at build time and never loads it.
    expect(mods.filter(pkg('@sinclair/typebox'))).toEqual([]);
    expect(mods.filter((m) => m.includes('/dist/main/cli/demo.js') || m.includes('/dist/test/'))).toEqual([]);
    expect(mods.filter((m) => m.includes('/dist/main/dashboard/'))).toEqual([]);
  });

  it('with both options on, the same log sees ws and prom-client load', async () => {
    const mods = await modulesLoadedBy(['--dashboard', '--metrics-port', '0']);
    expect(mods.some(pkg('ws'))).toBe(true);
    expect(mods.some(pkg('prom-client'))).toBe(true);
  });
});
