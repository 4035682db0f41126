// `clawmedic demo`: the whole ladder on this machine with stand-ins and nothing else installed.
// A stand-in gateway (a real process on loopback, driven through a stand-in `openclaw` CLI) is
// crashed (Level 2: restart fixes it), then broken so a restart cannot help (Level 3: the doctor runs
// a stand-in agent in tmux that really repairs it). Everything it starts is cleaned up on every path.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EngineEvent, Incident } from '../../common/contract.js';
import { startFakeGateway, type FakeGateway } from '../../test/fixtures/gateway-harness.js';
import { FAKE_AGENT_JS } from '../../test/fixtures/fake-agent-harness.js';
import { Engine } from '../engine/engine.js';
import { bold, dim, eventLine, green, incidentTimeline, red } from './format.js';
import { EXIT_FAIL, EXIT_OK } from './index.js';

export interface DemoOptions {
  json?: boolean;
  doctor?: boolean;
  /** Seconds the stand-in agent "thinks" between steps, so a person has time to attach. */
  agentPace?: number;
}

function waitFor(engine: Engine, pred: (e: EngineEvent) => boolean, what: string, timeoutMs: number): Promise<EngineEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the demo waited ${timeoutMs / 1000} s for ${what}; something is wrong on this machine (is tmux installed?)`));
    }, timeoutMs);
    const off = engine.on((e) => {
      if (pred(e)) {
        clearTimeout(timer);
        off();
        resolve(e);
      }
    });
  });
}

export async function runDemo(o: DemoOptions): Promise<void> {
  const json = !!o.json;
  const say = (s: string) => {
    if (!json) process.stdout.write(s + '\n');
  };
  // The system's temp folder (TMPDIR is honoured); a deep one is fine: sockets go to a short private folder.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'clawmedic-demo-'));
  let gw: FakeGateway | null = null;
  let engine: Engine | null = null;
  const onSignal = () => {
    // Ctrl-C during the demo: the finally block below cleans up; the second one exits at once.
    process.once('SIGINT', () => process.exit(130));
    void engine?.stop('SIGINT');
  };
  process.once('SIGINT', onSignal);
  try {
    say(bold('ClawMedic demo') + dim(' · the recovery ladder on this machine, with a stand-in gateway and agent'));
    say('');
    gw = await startFakeGateway({ startupMs: 300 });
    say(`${bold('1.')} A stand-in OpenClaw gateway is running on ${gw.url} (pid ${gw.pid()}).`);
    const pace = Math.max(0, o.agentPace ?? 0.6);
    const script = [
      { say: 'Reading the context file and checking the gateway…' },
      { busy: Math.round(pace * 1000) },
      { run: 'openclaw config validate' },
      { busy: Math.round(pace * 1000) },
      { run: 'openclaw doctor --fix --non-interactive --yes' },
      { run: 'openclaw gateway restart' },
      { report: '# Recovery report\n\nThe config had a syntax error; restored the last ' + 'good copy with `openclaw doctor --fix`, then restarted the gateway.\n' },
      { result: { status: 'fixed', summary: 'restored the last good config and restarted the gateway' } },
    ];
    const settings = {
      dataDir: path.join(dir, 'data'),
      gateway: { url: gw.url, checkIntervalSec: 1, retryIntervalSec: 1, timeoutSec: 1, failureThreshold: 2, configPath: gw.configPath, logPaths: [gw.logFile] },
      restart: { command: 'openclaw gateway restart', attempts: 2, waitHealthySec: 8, backoffSec: 1 },
      doctor: {
        enabled: o.doctor !== false,
        agents: ['standin'],
        timeoutSec: 300,
        profiles: {
          standin: {
            kind: 'claude',
            command: process.execPath,
            args: [FAKE_AGENT_JS],
            env: { FAKE_AGENT_TRUST: 'unnumbered', FAKE_AGENT_SCRIPT: JSON.stringify(script), FAKE_AGENT_TRANSCRIPT: '1' },
            permissionMode: 'dontAsk',
            allowedTools: ['Bash(openclaw:*)'],
          },
        },
      },
    };
    const settingsFile = path.join(dir, 'settings.json');
    await writeFile(settingsFile, JSON.stringify(settings, null, 2), { mode: 0o600 });
    engine = await Engine.create({ settingsFile, env: gw.env, onInvalidSettings: 'throw' });
    const stopPrinting = engine.on((e) => {
      if (json) {
        if (e.type !== 'check') process.stdout.write(JSON.stringify(e) + '\n');
        return;
      }
      if (e.type === 'doctor' && e.phase === 'agent-started') {
        const live = engine!.status().doctor;
        if (live) say(`   ${bold('Watch the doctor live:')} ${live.attachCommand}`);
      }
      const line = eventLine(e);
      if (line) say('   ' + line);
    });
    await engine.start();
    say(`${bold('2.')} ClawMedic watches it: a check every second, two failures confirm an outage.`);
    await waitFor(engine, (e) => e.type === 'state' && e.state === 'healthy', 'the first healthy check', 15_000).catch((err: unknown) => {
      if (engine!.status().state === 'healthy') return;
      throw err;
    });

    say('');
    say(`${bold('3.')} Level 2: the gateway crashes (exit 1). ClawMedic should confirm it and restart it.`);
    const closed1 = waitFor(engine, (e) => e.type === 'incident-closed', 'the restart', 60_000);
    await gw.fault('crash');
    const first = ((await closed1) as { incident: Incident }).incident;

    let second: Incident | null = null;
    if (o.doctor !== false) {
      say('');
      say(`${bold('4.')} Level 3: its config gets a syntax error and it crashes ` + `again. Restarts now exit 78 (bad config),`);
      say(`   so ClawMedic calls the doctor: an agent in its own tmux session, driven by what the screen says.`);
      const closed2 = waitFor(engine, (e) => e.type === 'incident-closed', 'the doctor', 180_000);
      await gw.fault('break-config');
      await gw.fault('crash');
      second = ((await closed2) as { incident: Incident }).incident;
    }

    stopPrinting();
    say('');
    say(bold('Timeline'));
    for (const inc of [first, second].filter((x): x is Incident => !!x)) say(incidentTimeline(inc) + '\n');
    const ok = first.outcome === 'recovered' && (second === null || second.outcome === 'recovered');
    say(ok ? green('The gateway is healthy again. The demo cleans up everything it started.') : red('The demo did not end healthy: see the timeline above.'));
    if (json) process.stdout.write(JSON.stringify({ type: 'demo-result', ok, incidents: [first, second].filter(Boolean) }) + '\n');
    process.exitCode = ok ? EXIT_OK : EXIT_FAIL;
  } finally {
    process.removeListener('SIGINT', onSignal);
    await engine?.stop('demo finished');
    await gw?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

