// A watcher killed with SIGKILL (nothing of it can clean up): what it started must not go on working
// unsupervised, and the next start must end the rest before starting anything new, and say what it found.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import { isProcessAlive } from '../../main/engine/process-util.js';
import { FAKE_AGENT_JS, readAgentLog } from '../fixtures/fake-agent-harness.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, fastSettings, type WatchProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

let gw: FakeGateway | null = null;
let box: CliSandbox | null = null;
let watchers: WatchProcess[] = [];
afterEach(async () => {
  for (const w of watchers) await w.stop('SIGKILL').catch(() => undefined);
  watchers = [];
  await gw?.stop();
  box?.cleanup();
  gw = box = null;
});

async function incidents(b: CliSandbox): Promise<Incident[]> {
  return JSON.parse((await b.run(['incidents', '--json'])).stdout) as Incident[];
}

// Two watcher starts, a gateway and an agent each: longer than the fast project's 30 s on a loaded machine.
describe('SIGKILL of the watcher', { timeout: 120_000 }, () => {
  it('during a restart step: the next start ends that step before anything else, and records it', async () => {
    gw = await startFakeGateway();
    const pidFile = path.join(gw.stateDir, 'step.pid');
    box = new CliSandbox(
      fastSettings(gw.url, { restart: { command: `echo $$ > '${pidFile}'; exec sleep 300`, attempts: 1 } }),
      gw.env,
    );
    const first = box.watch();
    watchers.push(first);
    await first.waitState('healthy');
    await gw.fault('crash');
    await first.waitState('restarting');
    const step = await waitFor('the step pid', () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0));
    // The watcher records the step (its process group and start time) right after starting it.
    await waitFor('the step on record', () => existsSync(path.join(box!.dataDir, 'run', 'children', `${step}.json`)));
    await first.stop('SIGKILL');
    // The step outlives a killed watcher (it leads its own process group)…
    expect(isProcessAlive(step)).toBe(true);
    const second = box.watch();
    watchers.push(second);
    // …until the next start ends it, before its own first restart.
    await waitFor('the left-over step to be ended', () => !isProcessAlive(step), { timeoutMs: 15_000 });
    const closed = await second.waitEvent(
      'the old incident closed',
      (e) => e.incident.outcome === 'interrupted',
      'incident-closed',
    );
    await waitFor('the clean-up on the record', async () =>
      (await incidents(box!)).find((i) => i.id === closed.incident.id)?.events.some((e) => e.type === 'cleanup'),
    );
    const rec = (await incidents(box)).find((i) => i.id === closed.incident.id)!;
    expect(rec.events.find((e) => e.type === 'cleanup')!.detail).toMatch(
      new RegExp(`ended restart-step .*pid ${step}`),
    );
  });

  it('doctor session: the guard ends the agent in seconds; the next start records when and what changed', async () => {
    gw = await startFakeGateway();
    await gw.fault('crash');
    await gw.fault('break-config');
    const agentLog = path.join(gw.stateDir, 'agent.log');
    // The agent edits the gateway config, then keeps working (as a real one might, unsupervised).
    const script = [{ run: `echo '// edited by the agent' >> '${gw.configPath}'` }, { hang: true }];
    box = new CliSandbox(
      fastSettings(gw.url, {
        gateway: { configPath: gw.configPath, logPaths: [gw.logFile] },
        restart: { command: 'false', attempts: 1 },
        doctor: {
          enabled: true,
          agents: ['standin'],
          timeoutSec: 600,
          profiles: {
            standin: {
              kind: 'claude',
              command: process.execPath,
              args: [FAKE_AGENT_JS],
              env: {
                FAKE_AGENT_TRUST: 'numbered',
                FAKE_AGENT_LOG: agentLog,
                FAKE_AGENT_SCRIPT: JSON.stringify(script),
              },
              permissionMode: 'dontAsk',
              allowedTools: ['Bash(echo:*)'],
            },
          },
        },
      }),
      gw.env,
    );
    const w = box.watch();
    watchers.push(w);
    await waitFor(
      'the agent to edit the config',
      () => readFileSync(gw!.configPath, 'utf8').includes('edited by the agent'),
      {
        timeoutMs: 60_000,
      },
    );
    const agent = readAgentLog(agentLog).find((e) => e.ev === 'start')!.pid as number;
    expect(isProcessAlive(agent)).toBe(true);
    await w.stop('SIGKILL');
    // No watcher runs now: the session guard alone must end the agent.
    await waitFor('the orphaned agent to be ended by the guard', () => !isProcessAlive(agent), { timeoutMs: 15_000 });

    const next = box.watch();
    watchers.push(next);
    const closed = await next.waitEvent(
      'the old incident closed',
      (e) => e.incident.outcome === 'interrupted',
      'incident-closed',
    );
    const rec = await waitFor('the config diff on the record', async () => {
      const r = (await incidents(box!)).find((i) => i.id === closed.incident.id);
      return r?.events.some((e) => e.type === 'config-changed') ? r : null;
    });
    const types = rec.events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['owner-died', 'interrupted', 'config-changed']));
    expect(rec.events.find((e) => e.type === 'config-changed')!.detail).toMatch(/\+\/\/ edited by the agent/);
    // The guard noted the death before the next start ran.
    const died = Date.parse(rec.events.find((e) => e.type === 'owner-died')!.at);
    const interrupted = Date.parse(rec.events.find((e) => e.type === 'interrupted')!.at);
    expect(died).toBeLessThanOrEqual(interrupted);
  });
});
