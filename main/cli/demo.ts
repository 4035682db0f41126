// `clawmedic demo`: the whole ladder on this machine with stand-ins and nothing else installed.
// A stand-in gateway (a real process on loopback, driven through a stand-in `openclaw` CLI) is
// crashed (Level 2: restart fixes it), then broken so a restart cannot help (Level 2½: a known fix,
// OpenClaw's own doctor --fix, repairs it without an agent), then broken again with the known fixes
// switched off (Level 3: the doctor runs a stand-in agent in tmux that really repairs it, after asking a
// person to approve one command). With --dashboard it runs at a pace a person can follow, in the browser.
// Everything it starts is cleaned up on every path; the records (report, transcript, timeline) are kept in
// a folder it names.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EngineEvent, Incident } from '../../common/contract.js';
import { startFakeGateway, type FakeGateway } from '../../test/fixtures/gateway-harness.js';
import { FAKE_AGENT_JS } from '../../test/fixtures/fake-agent-harness.js';
import { startDashboard, type Dashboard } from '../dashboard/index.js';
import { Engine } from '../engine/engine.js';
import { bold, dim, eventLine, green, incidentTimeline, red, Said } from './format.js';
import { EXIT_FAIL, EXIT_OK } from './index.js';

/**
 * Pace for a person watching the dashboard: 3 s between the agent's steps (time to read each one) and
 * 3 s between the demo's own steps; the terminal demo keeps its brisk 0.6 s (the attach line gives time).
 */
const WATCHED_PACE_SEC = 3;
const TERMINAL_PACE_SEC = 0.6;
/**
 * How long the demo leaves the agent's permission prompt to a person before it approves it itself: 45 s in
 * the dashboard (take over, read the prompt, press 1), two agent steps otherwise (nobody is expected).
 */
const WATCHED_APPROVAL_WAIT_MS = 45_000;
/** With --dashboard on a terminal: how long the demo waits for Enter before it starts by itself. */
const START_WAIT_MS = 20_000;

export interface DemoOptions {
  json?: boolean;
  doctor?: boolean;
  /** Seconds the stand-in agent "thinks" between steps, so a person has time to attach. */
  agentPace?: number;
  /** Serve the dashboard (input allowed: it is a stand-in) and go at a pace a person can follow. */
  dashboard?: boolean;
  port?: number;
}

/** Resolves after `ms`, or at once when the demo is being stopped. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

/** On a terminal: until Enter is pressed (or `ms` passed); elsewhere at once. */
function enterOr(ms: number): Promise<void> {
  if (!process.stdin.isTTY) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      process.stdin.off('data', done);
      process.stdin.pause();
      resolve();
    };
    const t = setTimeout(done, ms);
    process.stdin.resume();
    process.stdin.once('data', done);
  });
}

function waitFor(
  engine: Engine,
  pred: (e: EngineEvent) => boolean,
  what: string,
  timeoutMs: number,
): Promise<EngineEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `the demo waited ${timeoutMs / 1000} s for ${what}; something is wrong on this machine (is tmux installed?)`,
        ),
      );
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
  const watched = !!o.dashboard;
  const said = new Said();
  const say = (s: string) => {
    if (!json) process.stdout.write(s + '\n');
  };
  // The system's temp folder (TMPDIR is honoured); a deep one is fine: sockets go to a short private folder.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'clawmedic-demo-'));
  const stopped = new AbortController();
  let gw: FakeGateway | null = null;
  let engine: Engine | null = null;
  let dashboard: Dashboard | null = null;
  let recordsDir: string | null = null;
  const onSignal = () => {
    // Ctrl-C during the demo: the finally block below cleans up; the second one exits at once.
    process.once('SIGINT', () => process.exit(130));
    stopped.abort();
    void engine?.stop('SIGINT');
  };
  process.once('SIGINT', onSignal);
  const pace = Math.max(0, o.agentPace ?? (watched ? WATCHED_PACE_SEC : TERMINAL_PACE_SEC));
  const step = () => pause(watched ? WATCHED_PACE_SEC * 1000 : 0, stopped.signal);
  try {
    gw = await startFakeGateway({ startupMs: 300 });
    const busy = { busy: Math.round(pace * 1000) };
    const script = [
      { say: 'Reading the context file and checking the gateway…' },
      busy,
      { run: 'openclaw config validate' },
      busy,
      // Worded so the screen reader never mistakes it for a prompt ("needs your approval" would be one).
      { say: 'The config does not parse. Restoring the last good copy is not on my allow-list, so I ask first.' },
      // Not on the profile's allow-list: the agent asks, and a person (or the demo, after a while) answers.
      { ask: 'openclaw doctor --fix --non-interactive --yes' },
      busy,
      { run: 'openclaw gateway restart' },
      {
        report:
          '# Recovery report\n\nThe config had a syntax error; restored the last good copy with ' +
          '`openclaw doctor --fix`, then restarted the gateway.\n',
      },
      { result: { status: 'fixed', summary: 'Restored the last good config and restarted the gateway' } },
    ];
    // Watched: a check every 2 s and two failures to confirm, so "failing" and "restarting" can be seen.
    const checkSec = watched ? 2 : 1;
    const settings = {
      dataDir: path.join(dir, 'data'),
      gateway: {
        url: gw.url,
        checkIntervalSec: checkSec,
        retryIntervalSec: checkSec,
        timeoutSec: 1,
        failureThreshold: 2,
        configPath: gw.configPath,
        logPaths: [gw.logFile],
      },
      restart: { command: 'openclaw gateway restart', attempts: 2, waitHealthySec: 8, backoffSec: 1 },
      doctor: {
        enabled: o.doctor !== false,
        agents: ['standin'],
        timeoutSec: 600,
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
            allowedTools: ['Bash(openclaw config validate)', 'Bash(openclaw gateway:*)'],
          },
        },
      },
    };
    const settingsFile = path.join(dir, 'settings.json');
    await writeFile(settingsFile, JSON.stringify(settings, null, 2), { mode: 0o600 });
    engine = await Engine.create({ settingsFile, env: gw.env, onInvalidSettings: 'throw' });
    const eng = engine;
    if (watched) {
      // The stand-in is nothing to protect, and the point is to take over and approve: input is allowed.
      dashboard = await startDashboard({ engine: eng, port: o.port ?? 0, allowInput: true });
      if (json) process.stdout.write(JSON.stringify({ type: 'dashboard', url: dashboard.url }) + '\n');
      say(`${bold('Open the dashboard:')} ${dashboard.url}`);
      say(dim('  (input allowed: it watches a stand-in gateway on this machine, for the length of the demo)'));
      say('');
    }
    say(bold('ClawMedic demo') + dim(' · the recovery ladder on this machine, with a stand-in gateway and agent'));
    say('');
    say(`${bold('1.')} A stand-in OpenClaw gateway is running on ${gw.url} (pid ${gw.pid()}).`);

    let approvalTimer: ReturnType<typeof setTimeout> | null = null;
    const approvalWait = watched ? WATCHED_APPROVAL_WAIT_MS : Math.max(1000, 2 * pace * 1000);
    const stopPrinting = eng.on((e) => {
      if (e.type === 'doctor' && e.phase === 'needs-approval') {
        const live = eng.status().doctor;
        const attach = live?.attachCommand ?? '';
        const where = dashboard ? 'in the dashboard (Take over, then 1)' : `in a terminal: ${attach}`;
        const wait = `${approvalWait / 1000} s`;
        say(`   ${bold('The doctor needs your approval.')} Answer it ${where}, or the demo approves it in ${wait}.`);
        if (approvalTimer) clearTimeout(approvalTimer);
        approvalTimer = setTimeout(() => void approveForThePerson(eng, say), approvalWait);
      }
      if (json) {
        if (e.type !== 'check') process.stdout.write(JSON.stringify(e) + '\n');
        return;
      }
      if (e.type === 'doctor' && e.phase === 'agent-started') {
        const live = eng.status().doctor;
        const attach = live?.attachCommand ?? '';
        const where = dashboard ? `${dashboard.url.replace(/\?.*$/, '')}#/live (or in a terminal: ${attach})` : attach;
        if (live) say(`   ${bold('Watch the doctor live:')} ${where}`);
      }
      const line = eventLine(e, said);
      if (line) say('   ' + line);
    });
    await eng.start();
    const every = checkSec === 1 ? 'second' : `${checkSec} s`;
    say(`${bold('2.')} ClawMedic watches it: a check every ${every}, two failures confirm an outage.`);
    const healthy = (e: EngineEvent) => e.type === 'state' && e.state === 'healthy';
    const firstHealthy = waitFor(eng, healthy, 'the first healthy check', 15_000);
    await firstHealthy.catch((err: unknown) => {
      if (eng.status().state === 'healthy') return;
      throw err;
    });
    if (watched && process.stdin.isTTY) {
      say(dim(`   Press Enter when the dashboard is open (the demo goes on by itself in ${START_WAIT_MS / 1000} s).`));
      await enterOr(START_WAIT_MS);
    } else await step();

    say('');
    say(`${bold('3.')} Level 2: the gateway crashes (exit 1). ClawMedic should confirm it and restart it.`);
    const closed1 = waitFor(eng, (e) => e.type === 'incident-closed', 'the restart', 60_000);
    await gw.fault('crash');
    const first = ((await closed1) as { incident: Incident }).incident;

    say('');
    say(
      `${bold('4.')} Level 2½: its config gets a syntax error and it crashes again. Restarts now exit 78 (bad config),`,
    );
    say(`   so ClawMedic takes the outage's fingerprint and tries the known fixes before any agent.`);
    const closed2 = waitFor(eng, (e) => e.type === 'incident-closed', 'the known fix', 120_000);
    await gw.fault('break-config');
    await gw.fault('crash');
    const second = ((await closed2) as { incident: Incident }).incident;

    let third: Incident | null = null;
    if (o.doctor !== false) {
      await step();
      say('');
      say(`${bold('5.')} Level 3: the same fault with the known fixes switched off, so the doctor is called:`);
      say('   an agent in its own tmux session, driven by what the screen says. It will ask for your approval once.');
      const saved = await eng.saveSettings({ ...settings, knownFixes: { enabled: false } });
      if (!saved.ok) throw new Error(`the demo could not switch the known fixes off: ${saved.message}`);
      const closed3 = waitFor(eng, (e) => e.type === 'incident-closed', 'the doctor', 300_000);
      await gw.fault('break-config');
      await gw.fault('crash');
      third = ((await closed3) as { incident: Incident }).incident;
    }
    if (approvalTimer) clearTimeout(approvalTimer);
    await step();

    stopPrinting();
    say('');
    say(bold('Timeline'));
    // A relapse soon after a recovery continues the same incident: its final record tells both outages.
    const byId = new Map<string, Incident>();
    for (const inc of [first, second, third]) if (inc) byId.set(inc.id, inc);
    const told = [...byId.values()];
    for (const inc of told) say(incidentTimeline(inc) + '\n');
    // Each level's outcome as it closed (a relapse reopens the same record, so the final one shows only the last).
    const levels = [first, second, third].filter((x): x is Incident => !!x);
    const ok = levels.every((i) => i.outcome === 'recovered');
    say(ok ? green('The gateway is healthy again.') : red('The demo did not end healthy: see the timeline above.'));
    // The records outlive the demo; what ran (gateway, tmux, agent) does not.
    await eng.stop('demo finished');
    engine = null;
    recordsDir = await keepRecords(path.join(dir, 'data', 'incidents'));
    const records = (inc: Incident | null, what: 'reportPath' | 'transcriptPath') =>
      inc?.[what] ? path.join(recordsDir!, path.relative(path.join(dir, 'data', 'incidents'), inc[what])) : null;
    say(`Everything it started has stopped. Its records are kept in ${bold(recordsDir)}`);
    const report = records(third, 'reportPath');
    const transcript = records(third, 'transcriptPath');
    if (report) say(`  the doctor's report:     ${report}`);
    if (transcript) say(`  the session transcript:  ${transcript}`);
    say(dim('  (delete that folder when you are done with it)'));
    if (json) {
      const result = { type: 'demo-result', ok, incidents: levels, recordsDir, report, transcript };
      process.stdout.write(JSON.stringify(result) + '\n');
    }
    process.exitCode = ok ? EXIT_OK : EXIT_FAIL;
  } finally {
    process.removeListener('SIGINT', onSignal);
    await dashboard?.close();
    await engine?.stop('demo finished');
    await gw?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Approves the agent's pending prompt the way a person would (take over, press Yes), if it is still waiting. */
async function approveForThePerson(engine: Engine, say: (s: string) => void): Promise<void> {
  // A person at the keyboard (taken over) answers for themselves: the demo does not press a key under them.
  if (engine.status().doctor?.takenOver) return;
  const p = await engine.pendingPrompt();
  if (!p) return;
  const r = await engine.answerPrompt(p.id, 'approve');
  const how = 'Nobody answered, so the demo approved it (as you would: take over, then 1).';
  say(`   ${r.ok ? how : `Could not approve it: ${r.message}`}`);
}

/** Copies the incident records out of the demo's folder into one of their own (0700), and names it. */
async function keepRecords(from: string): Promise<string> {
  const to = await mkdtemp(path.join(os.tmpdir(), 'clawmedic-demo-records-'));
  // Files keep their modes (0600 reports and transcripts); the folder is mkdtemp's 0700.
  await cp(from, to, { recursive: true });
  return to;
}
