// The doctor with the REAL Claude Code CLI (pinned, untrusted workspace: the 2.1.330 trust prompt with
// "No, exit" pre-selected) answering to a scripted Messages API, and the REAL OpenClaw gateway.
// The scripted model makes real tool calls; ClawMedic's own probe decides.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Doctor } from '../../main/engine/doctor/doctor.js';
import { checkGateway } from '../../main/engine/probe.js';
import { startFakeAnthropic, type FakeAnthropic, type Step } from '../fixtures/fake-anthropic.js';
import { createHarness, TEST_TIMING, type Harness } from '../fixtures/fake-agent-harness.js';
import {
  createGateway,
  e2eSkipReason,
  ensureToolchain,
  prepareClaudeHome,
  type ClaudeHome,
  type Gateway,
  type Toolchain,
} from './harness/index.js';

const skip = e2eSkipReason();
let tc: Toolchain;
let h: Harness;
let api: FakeAnthropic | null = null;
let home: ClaudeHome | null = null;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(() => {
  if (!skip) tc = ensureToolchain();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  home?.dispose();
  home = null;
  await api?.stop();
  api = null;
});

/**
 * Real timings: the real gateway needs 11-21 s to come up (46 s under load); the real CLI gets the
 * production submit and dialog-repeat gates.
 */
const E2E_TIMING = {
  ...TEST_TIMING,
  launchTimeoutMs: 60_000,
  stopGraceMs: 90_000,
  reportGraceMs: 5_000,
  submitConfirmMs: 3000,
  dialogRepeatMs: 3000,
};

async function setup(steps: Step[], extraEnv: Record<string, string> = {}): Promise<Doctor> {
  h = await createHarness();
  cleanups.push(() => h.close());
  api = await startFakeAnthropic(steps);
  home = prepareClaudeHome({ toolchain: tc, apiUrl: api.url, env: { ...process.env, ...extraEnv } });
  const d = new Doctor({ dataDir: h.dataDir, env: home.env, timing: E2E_TIMING });
  cleanups.push(() => d.cleanupOrphans());
  return d;
}

function claudeProfile(allowedTools: string[]) {
  return {
    kind: 'claude' as const,
    command: tc.claude,
    args: [],
    env: {},
    permissionMode: 'dontAsk' as const,
    allowedTools,
    allowBypass: false,
    donePattern: '',
    idleSec: 120,
  };
}

/** Restarts the gateway whenever it is not running, like launchd's KeepAlive (a 2 s throttle). */
function keepAlive(gw: Gateway): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      if (gw.pid() === null) gw.start();
      else await gw.waitExit(2000).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

describe.skipIf(Boolean(skip))('doctor with the real Claude Code', () => {
  it(
    'drives the real CLI: trust prompt (No, exit pre-selected), bracketed ' + 'paste, hooks; the probe decides',
    async () => {
      const d = await setup([]);
      api!.setScenario([
        { bash: `touch ${h.marker}`, description: 'Mark the gateway as repaired' },
        { text: 'Done.\nCLAWMEDIC_RESULT {"status":"fixed","summary":"touched the marker"}' },
      ]);
      const s = h.settings({ claude: claudeProfile(['Bash(touch:*)', 'Read']) }, { timeoutSec: 180 });
      const { req, phases } = await h.request(s);
      const t0 = Date.now();
      const out = await d.run(req);
      const took = Date.now() - t0;
      expect(out, JSON.stringify(req.incident.record.events, null, 1)).toMatchObject({
        outcome: 'recovered',
        resolvedBy: 'doctor',
        agent: 'claude',
      });
      expect(phases.map((p) => p.phase)).toEqual(
        expect.arrayContaining(['agent-started', 'prompt-sent', 'agent-stopped']),
      );
      expect(req.incident.record.events.map((e) => e.type)).toContain('doctor-trust-answered');
      expect(req.incident.record.doctor?.resultLine).toBe(
        'CLAWMEDIC_RESULT {"status":"fixed","summary":"touched the marker"}',
      );
      // The brief reached the model whole, as one user message.
      const brief = readFileSync(req.incident.file('brief.md'), 'utf8');
      // Claude Code wraps a paste in <pasted_content …>; every line of the brief arrived, in one message.
      expect(api!.mainRequests()[0]!.userText).toContain(brief.trim());
      expect(existsSync(h.marker)).toBe(true);
      expect(h.sessions(d.tmux.socket)).toEqual([]);
      // Token usage comes from the transcript the Stop hook pointed at.
      expect(req.incident.record.doctor?.tokens?.output).toBeGreaterThan(0);
      console.log(
        `real claude, marker scenario: ${took} ` +
          `ms\n${req.incident.record.events.map((e) => `${e.at.slice(14)} ${e.type}`).join('\n')}`,
      );
    },
    240_000,
  );

  it(
    'a permission prompt (default mode) raises needs-approval, is never ' +
      '"done", and a person who takes over answers it',
    async () => {
      const d = await setup([]);
      api!.setScenario([
        { bash: `touch ${h.marker}`, description: 'Mark the gateway as repaired' },
        { text: 'CLAWMEDIC_RESULT {"status":"fixed","summary":"approved by a person"}' },
      ]);
      const s = h.settings(
        { claude: { ...claudeProfile([]), permissionMode: 'default' as const } },
        { timeoutSec: 180 },
      );
      const { req, phases } = await h.request(s);
      const running = d.run(req);
      const { until } = await import('../fixtures/fake-agent-harness.js');
      await until(() => phases.some((p) => p.phase === 'needs-approval'), 60_000);
      expect(d.current()?.needsApproval).toBe(true);
      expect(phases.map((p) => p.phase)).not.toContain('agent-stopped');
      const screen: string[] = [];
      const sub = d.terminal.subscribe((c) => screen.push(c.data));
      expect((await d.takeOver()).ok).toBe(true);
      // "1" chooses "Yes" on the real prompt. Like a person, press it again if the prompt is still up a
      // few seconds later: a key that lands while Claude Code is still mounting the prompt is dropped.
      const session = d.current()!.sessionName;
      let out: Awaited<typeof running> | null = null;
      for (let press = 0; press < 4 && !out; press++) {
        const screenNow = await d.tmux.capture(session).catch(() => '');
        if (press === 0 || screenNow.includes('proceed?')) expect(d.input('1')).toBe(true);
        out = await Promise.race([running, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
      }
      out ??= await running;
      sub.close();
      // Answering the prompt approves the agent's fix; it stays the doctor's.
      const events = JSON.stringify(req.incident.record.events, null, 1);
      expect(out, events).toMatchObject({ outcome: 'recovered', resolvedBy: 'doctor' });
      expect(req.incident.record.doctor?.promptsAnswered).toBeGreaterThanOrEqual(1);
      // tmux draws words with cursor moves between them: look for a word of the prompt in the live stream.
      expect(screen.join('')).toContain('proceed?');
    },
    240_000,
  );

  it('a rate-limit error ends the turn (StopFailure hook) and the next profile takes over', async () => {
    const d = await setup([]);
    api!.setScenario([
      { error: 'rate_limit', shouldRetry: false, times: 1 },
      { bash: `touch ${h.marker}`, description: 'Mark the gateway as repaired' },
      { text: 'CLAWMEDIC_RESULT {"status":"fixed","summary":"second agent"}' },
    ]);
    const s = h.settings(
      { first: claudeProfile(['Bash(touch:*)']), second: claudeProfile(['Bash(touch:*)']) },
      { timeoutSec: 180 },
    );
    const { req, phases } = await h.request(s);
    const out = await d.run(req);
    expect(out, JSON.stringify(req.incident.record.events, null, 1)).toMatchObject({
      outcome: 'recovered',
      agent: 'second',
    });
    expect(phases.find((p) => p.phase === 'fallback')?.detail).toMatch(/rate_limit|429/);
  }, 240_000);

  it(
    'a config syntax error on the real gateway: the scripted model ' +
      'validates, rewrites the file with a real Write call, the gateway comes back',
    async () => {
      await setup([]);
      const gw = await createGateway({ toolchain: tc });
      cleanups.push(() => gw.dispose());
      await gw.startHealthy();
      const good = gw.readConfigText();
      gw.breakConfig('syntax');
      await gw.crash();
      const stopKeepAlive = keepAlive(gw);
      cleanups.push(stopKeepAlive);

      // The doctor and the agent must see this isolated OpenClaw.
      home!.dispose();
      home = prepareClaudeHome({ toolchain: tc, apiUrl: api!.url, env: { ...gw.env } });
      const d = new Doctor({ dataDir: h.dataDir, env: home.env, timing: E2E_TIMING });
      cleanups.push(() => d.cleanupOrphans());
      api!.setScenario([
        { bash: 'openclaw config validate', description: 'Validate the gateway config' },
        {
          tool: { name: 'Write', input: { file_path: gw.configPath, content: good } },
          text: 'The config has a syntax error; rewriting it.',
        },
        {
          text:
            'Fixed the config.\nCLAWMEDIC_RESULT ' +
            '{"status":"fixed","summary":"repaired a JSON5 syntax error in the config"}',
        },
      ]);
      const s = h.settings(
        { claude: claudeProfile(['Read', 'Write', 'Edit', 'Bash(openclaw config validate:*)']) },
        { timeoutSec: 300 },
      );
      s.gateway.url = gw.url;
      s.gateway.configPath = gw.configPath;
      s.gateway.logPaths = [gw.logFile];
      const { req } = await h.request(s);
      req.check = () => checkGateway(gw.url, 3000);
      req.recentFailures = [await req.check()];
      const t0 = Date.now();
      const out = await d.run(req);
      expect(out, JSON.stringify(req.incident.record.events, null, 1)).toMatchObject({
        outcome: 'recovered',
        agent: 'claude',
      });
      console.log(`real claude + real gateway, config syntax error: ${Date.now() - t0} ms`);
      const context = readFileSync(req.incident.file('context.md'), 'utf8');
      expect(context).toMatch(/JSON5/);
      expect(context).not.toContain(gw.token);
      expect(req.incident.record.doctor?.configDiff).toBeTruthy();
      expect(readFileSync(path.join(req.incident.file('snapshot'), path.basename(gw.configPath)), 'utf8')).not.toBe(
        good,
      );
    },
    400_000,
  );

  it(
    'the port held by a stray process: the scripted model finds it with ' + 'lsof and stops it; the gateway comes back',
    async () => {
      await setup([]);
      const gw = await createGateway({ toolchain: tc });
      cleanups.push(() => gw.dispose());
      const holder = await gw.holdPort();
      cleanups.push(() => holder.stop());
      const stopKeepAlive = keepAlive(gw);
      cleanups.push(stopKeepAlive);

      home!.dispose();
      home = prepareClaudeHome({ toolchain: tc, apiUrl: api!.url, env: { ...gw.env } });
      const d = new Doctor({ dataDir: h.dataDir, env: home.env, timing: E2E_TIMING });
      cleanups.push(() => d.cleanupOrphans());
      api!.setScenario([
        { bash: `lsof -nP -iTCP:${gw.port} -sTCP:LISTEN`, description: 'Who holds the gateway port' },
        {
          bash: `kill ${holder.pid}`,
          description: 'Stop the stray process holding the port',
          text: 'A stray process holds the port; stopping it.',
        },
        {
          text:
            'Stopped the stray process.\nCLAWMEDIC_RESULT ' +
            '{"status":"fixed","summary":"killed a stray process holding the gateway port"}',
        },
      ]);
      const s = h.settings({ claude: claudeProfile(['Read', 'Bash(lsof:*)', 'Bash(kill:*)']) }, { timeoutSec: 300 });
      s.gateway.url = gw.url;
      s.gateway.configPath = gw.configPath;
      s.gateway.logPaths = [gw.logFile];
      const { req } = await h.request(s);
      req.check = () => checkGateway(gw.url, 3000);
      req.recentFailures = [await req.check()];
      const t0 = Date.now();
      const out = await d.run(req);
      expect(out, JSON.stringify(req.incident.record.events, null, 1)).toMatchObject({
        outcome: 'recovered',
        agent: 'claude',
      });
      const context = readFileSync(req.incident.file('context.md'), 'utf8');
      expect(context).toContain(`## Who holds port ${gw.port}`);
      // lsof's line (`node <pid> …`), or ss's (`"node",pid=<pid>`) when lsof saw nothing on a loaded machine.
      expect(context).toMatch(new RegExp(`node\\s+${holder.pid}\\b|"node",pid=${holder.pid}\\b`));
      console.log(`real claude + real gateway, port held: ${Date.now() - t0} ms`);
    },
    400_000,
  );
});
