// A playbook learned from one doctor run and replayed on the same fault without the agent: the watcher,
// the stand-in gateway, and the stand-in agent in real tmux writing a Claude-like transcript with its
// tool calls. `clawmedic playbooks` shows the proposal and enables it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlaybookView } from '../../common/knownfix.js';
import { FAKE_AGENT_JS } from '../fixtures/fake-agent-harness.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, fastSettings, type WatchProcess } from '../helpers/cli.js';

let gw: FakeGateway | null = null;
let box: CliSandbox | null = null;
let w: WatchProcess | null = null;

afterEach(async () => {
  await w?.stop('SIGTERM').catch(() => undefined);
  w = null;
  await gw?.stop();
  box?.cleanup();
  gw = box = null;
});

// A doctor session in tmux plus two outages: minutes on a loaded machine.
describe('a playbook learned from the doctor', { timeout: 180_000 }, () => {
  it('proposed once the doctor fixed a fingerprinted outage; enabled by a person, fixes it with no agent', async () => {
    gw = await startFakeGateway();
    // What the agent does: stops what holds the port (the stand-in's helper command) and starts the gateway.
    const script = [
      { run: 'openclaw status' },
      { run: 'openclaw fault clear' },
      { run: 'openclaw gateway start' },
      { result: { status: 'fixed', summary: 'stopped the program on the port' } },
    ];
    box = new CliSandbox(
      fastSettings(gw.url, {
        gateway: { configPath: gw.configPath, logPaths: [gw.logFile] },
        restart: { attempts: 1 },
        knownFixes: { portForeign: 'off', lastGoodAfterSec: 0 },
        doctor: {
          enabled: true,
          agents: ['standin'],
          timeoutSec: 120,
          profiles: {
            standin: {
              kind: 'claude',
              command: process.execPath,
              args: [FAKE_AGENT_JS],
              env: {
                FAKE_AGENT_TRUST: 'unnumbered',
                FAKE_AGENT_SCRIPT: JSON.stringify(script),
                FAKE_AGENT_TRANSCRIPT: '1',
              },
              permissionMode: 'dontAsk',
              allowedTools: ['Bash(openclaw:*)'],
            },
          },
        },
      }),
      gw.env,
    );
    w = box.watch();
    await w.waitState('healthy');

    await gw.fault('stranger');
    const learned = await w.waitEvent('the proposal', (e) => e.phase === 'playbook-proposed', 'known-fix', 120_000);
    const first = await w.waitEvent(
      "the doctor's recovery",
      (e) => e.incident.outcome === 'recovered',
      'incident-closed',
      60_000,
    );
    expect(first.incident.resolvedBy).toBe('doctor');
    expect(first.incident.rungs?.map((r) => [r.rung, r.status])).toEqual([['port-foreign', 'off']]);
    // The agent was told what ClawMedic already knew and tried.
    const context = readFileSync(path.join(box.dataDir, 'incidents', first.incident.id, 'context.md'), 'utf8');
    expect(context).toContain("## ClawMedic's diagnosis (fingerprint)\n- Kind: port-foreign (key port-foreign:node)");
    expect(context).toContain('- Known fix tried: port-foreign (off) → off');
    expect(learned.detail).toMatch(
      new RegExp(
        /^proposed playbook port-foreign-node \(disabled until you enable it\) /.source +
          /for port-foreign:node: run `openclaw fault clear`/.source,
      ),
    );

    const listed = await box.run(['playbooks', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const views = JSON.parse(listed.stdout) as PlaybookView[];
    expect(views.map((v) => [v.id, v.playbook?.enabled, v.playbook?.restartAfter])).toEqual([
      ['port-foreign-node', false, false],
    ]);
    expect(views[0]!.playbook!.steps).toEqual([
      { run: 'openclaw fault clear', timeoutSec: 120 },
      { run: 'openclaw gateway start', timeoutSec: 120 },
    ]);
    const shown = await box.run(['playbooks', 'show', 'port-foreign-node']);
    expect(shown.stdout).toContain(`learned: `);
    expect(shown.stdout).toContain(`from incident ${first.incident.id} (standin)`);
    expect((await box.run(['playbooks', 'enable', 'port-foreign-node'])).code).toBe(0);

    const doctorRuns = w.events.filter((e) => e.type === 'doctor' && e.phase === 'started').length;
    await gw.fault('stranger');
    const second = await w.waitEvent(
      "the playbook's recovery",
      (e) => e.incident.outcome === 'recovered' && e.incident.resolvedBy !== 'doctor',
      'incident-closed',
      60_000,
    );
    expect(second.incident.resolvedBy).toBe('playbook:port-foreign-node');
    expect(second.incident.rungs?.at(-1)).toMatchObject({
      rung: 'playbook:port-foreign-node',
      mode: 'auto',
      status: 'recovered',
    });
    expect(w.events.filter((e) => e.type === 'doctor' && e.phase === 'started')).toHaveLength(doctorRuns);
    const after = JSON.parse(
      (await box.run(['playbooks', 'show', 'port-foreign-node', '--json'])).stdout,
    ) as PlaybookView;
    expect(after.playbook!.stats).toMatchObject({ runs: 1, successes: 1, consecutiveFailures: 0 });
  });
});
