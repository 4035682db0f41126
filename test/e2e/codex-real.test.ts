// The doctor with the REAL Codex CLI (pinned 0.171.0) answering to a scripted OpenAI Responses API
// (test/fixtures/fake-openai.ts), and the REAL OpenClaw gateway. The scripted model makes real shell
// calls through Codex's own sandbox; ClawMedic's probe decides. The second test is the real fallback:
// the real Claude Code gets a 429 from the scripted Messages API, and Codex takes over.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Doctor } from '../../main/engine/doctor/doctor.js';
import { checkGateway } from '../../main/engine/probe.js';
import type { AgentProfile } from '../../main/engine/settings/index.js';
import { startFakeAnthropic, type FakeAnthropic } from '../fixtures/fake-anthropic.js';
import { startFakeOpenAI, type FakeOpenAI, type Step } from '../fixtures/fake-openai.js';
import { createHarness, TEST_TIMING, type Harness } from '../fixtures/fake-agent-harness.js';
import {
  createGateway,
  e2eSkipReason,
  ensureToolchain,
  prepareClaudeHome,
  prepareCodexHome,
  type ClaudeHome,
  type CodexHome,
  type Gateway,
  type Toolchain,
} from './harness/index.js';
import { processesWithEnv } from '../helpers/marked-processes.js';

const skip = e2eSkipReason();
let tc: Toolchain;
let h: Harness;
const cleanups: (() => unknown)[] = [];

beforeAll(() => {
  if (!skip) tc = ensureToolchain();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
});

/**
 * Real timings: the real gateway needs 11-21 s to come up (46 s under load); the real CLIs get the
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

function codexProfile(): AgentProfile {
  return {
    kind: 'codex',
    command: tc.codex,
    args: [],
    env: {},
    permissionMode: 'dontAsk',
    allowedTools: [],
    allowBypass: false,
    donePattern: '',
    idleSec: 120,
  };
}

function claudeProfile(allowedTools: string[]): AgentProfile {
  return { ...codexProfile(), kind: 'claude', command: tc.claude, allowedTools };
}

/** Restarts the gateway whenever it is not running, like launchd's KeepAlive (a 2 s throttle). */
function keepAlive(gw: Gateway): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      if (gw.pid() === null) gw.start();
      else await gw.waitExit(2000).catch(() => undefined);
      // 2 s: launchd's KeepAlive throttle, so a gateway that exits at once is not restarted in a tight loop.
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

/** A real gateway, healthy once, then its config broken (JSON5 syntax) and the process gone. */
async function brokenGateway(): Promise<{ gw: Gateway; good: string }> {
  const gw = await createGateway({ toolchain: tc });
  cleanups.push(() => gw.dispose());
  await gw.startHealthy();
  const good = gw.readConfigText();
  gw.breakConfig('syntax');
  await gw.crash();
  cleanups.push(keepAlive(gw));
  return { gw, good };
}

/**
 * The scripted repair, as Codex's shell calls: validate (the JSON5 error), write the good config back
 * (base64, so no shell quoting of JSON5 is involved), report.
 */
function repairSteps(gw: Gateway, good: string): Step[] {
  const b64 = Buffer.from(good, 'utf8').toString('base64');
  return [
    { bash: 'openclaw config validate', text: 'Checking the gateway config first.' },
    {
      bash: `printf %s '${b64}' | base64 -d > '${gw.configPath}'`,
      text: 'The config has a syntax error; restoring it.',
    },
    { text: 'Rewrote the config.\nCLAWMEDIC_RESULT {"status":"fixed","summary":"repaired a JSON5 syntax error"}' },
  ];
}

async function startApi(steps: Step[]): Promise<FakeOpenAI> {
  const api = await startFakeOpenAI(steps);
  cleanups.push(() => api.stop());
  return api;
}

function gatewaySettings(profiles: Record<string, AgentProfile>, gw: Gateway) {
  const s = h.settings(profiles, { timeoutSec: 300 });
  s.gateway.url = gw.url;
  s.gateway.configPath = gw.configPath;
  s.gateway.logPaths = [gw.logFile];
  return s;
}

function timeline(events: { at: string; type: string; detail?: string }[]): string {
  return events.map((e) => `${e.at.slice(11, 23)} ${e.type} ${(e.detail ?? '').slice(0, 140)}`).join('\n');
}

/** This run's Codex processes (its daemon too, unless told not to start one): they inherit our CODEX_HOME. */
function codexProcesses(home: CodexHome): string[] {
  return processesWithEnv('CODEX_HOME', home.codexHome);
}

describe.skipIf(Boolean(skip))('doctor with the real Codex CLI', () => {
  it(
    'Codex alone: trust prompt in a git workspace, the brief pasted, real shell calls in its sandbox ' +
      'repair the real gateway config; its notify program ends the turn; the probe decides',
    async () => {
      h = await createHarness();
      cleanups.push(() => h.close());
      const { gw, good } = await brokenGateway();
      const api = await startApi(repairSteps(gw, good));
      const home = prepareCodexHome({ toolchain: tc, apiUrl: api.url, env: { ...process.env, ...gw.env } });
      cleanups.push(() => home.dispose());
      const d = new Doctor({ dataDir: h.dataDir, env: home.env, timing: E2E_TIMING });
      cleanups.push(() => d.cleanupOrphans());
      // A git work folder: Codex 0.171.0 asks "Trust this folder?" there, as in a user's own repo.
      const work = path.join(h.dir, 'work');
      mkdirSync(work, { mode: 0o700 });
      execFileSync('git', ['init', '-q', work]);
      const s = gatewaySettings({ codex: codexProfile() }, gw);
      s.doctor.workDir = work;
      const { req, phases } = await h.request(s);
      req.check = () => checkGateway(gw.url, 3000);
      req.recentFailures = [await req.check()];
      const t0 = Date.now();
      const out = await d.run(req);
      const took = Date.now() - t0;
      const events = req.incident.record.events;
      expect(out, timeline(events)).toMatchObject({ outcome: 'recovered', resolvedBy: 'doctor', agent: 'codex' });
      expect(events.map((e) => e.type)).toContain('doctor-trust-answered');
      expect(phases.map((p) => p.phase)).toEqual(expect.arrayContaining(['agent-started', 'prompt-sent']));
      // The scripted model saw the whole brief as one user message, and both shell calls came back.
      const brief = readFileSync(req.incident.file('brief.md'), 'utf8');
      const main = api.mainRequests();
      expect(main[0]!.userText).toContain(brief.trim().split('\n')[0]);
      expect(main.map((r) => r.answer)).toEqual(['function_call:exec_command', 'function_call:exec_command', 'text']);
      // The shell calls really ran in Codex's sandbox: the model got `openclaw config validate`'s JSON5 error.
      expect(JSON.stringify(main[1]!.body?.input)).toMatch(/function_call_output[^]*JSON5/);
      expect(gw.readConfigText()).toBe(good);
      expect((await checkGateway(gw.url, 3000)).condition).not.toBe('down');
      expect(h.sessions(d.tmux.socket)).toEqual([]);
      expect(codexProcesses(home)).toEqual([]);
      console.log(`real codex + real gateway, config syntax error: ${took} ms\n${timeline(events)}`);
    },
    400_000,
  );

  it(
    'the real fallback: Claude Code gets a 429 (its StopFailure hook), Codex takes over and repairs the ' +
      'real gateway',
    async () => {
      h = await createHarness();
      cleanups.push(() => h.close());
      const { gw, good } = await brokenGateway();
      const anthropic: FakeAnthropic = await startFakeAnthropic([{ error: 'rate_limit', shouldRetry: false }]);
      cleanups.push(() => anthropic.stop());
      const openai = await startApi(repairSteps(gw, good));
      const claudeHome: ClaudeHome = prepareClaudeHome({
        toolchain: tc,
        apiUrl: anthropic.url,
        env: { ...process.env, ...gw.env },
      });
      cleanups.push(() => claudeHome.dispose());
      // One environment for both CLIs: Claude Code's HOME and base URL, Codex's CODEX_HOME beside it.
      const home = prepareCodexHome({ toolchain: tc, apiUrl: openai.url, env: claudeHome.env });
      cleanups.push(() => home.dispose());
      const d = new Doctor({ dataDir: h.dataDir, env: home.env, timing: E2E_TIMING });
      cleanups.push(() => d.cleanupOrphans());
      const s = gatewaySettings(
        { claude: claudeProfile(['Read', 'Bash(openclaw config validate:*)']), codex: codexProfile() },
        gw,
      );
      const { req, phases } = await h.request(s);
      req.check = () => checkGateway(gw.url, 3000);
      req.recentFailures = [await req.check()];
      const t0 = Date.now();
      const out = await d.run(req);
      const took = Date.now() - t0;
      const events = req.incident.record.events;
      expect(out, timeline(events)).toMatchObject({ outcome: 'recovered', resolvedBy: 'doctor', agent: 'codex' });
      expect(phases.find((p) => p.phase === 'fallback')?.detail).toMatch(/rate_limit|429/);
      expect(anthropic.mainRequests().map((r) => r.answer)).toContain('error:429');
      expect(openai.mainRequests().at(-1)?.answer).toBe('text');
      expect(JSON.stringify(openai.mainRequests()[1]?.body?.input)).toMatch(/function_call_output[^]*JSON5/);
      expect(gw.readConfigText()).toBe(good);
      expect(h.sessions(d.tmux.socket)).toEqual([]);
      expect(codexProcesses(home)).toEqual([]);
      console.log(`real claude (429) → real codex + real gateway: ${took} ms\n${timeline(events)}`);
    },
    400_000,
  );
  it('Codex hitting a rate limit itself (429, retries used up) makes the next profile take over', async () => {
    h = await createHarness();
    cleanups.push(() => h.close());
    const api = await startApi([
      { error: 'rate_limit', times: 1 },
      { bash: `touch ${h.marker}`, text: 'Marking the gateway as repaired.' },
      { text: 'CLAWMEDIC_RESULT {"status":"fixed","summary":"second codex"}' },
    ]);
    const home = prepareCodexHome({ toolchain: tc, apiUrl: api.url });
    cleanups.push(() => home.dispose());
    const d = new Doctor({ dataDir: h.dataDir, env: home.env, timing: E2E_TIMING });
    cleanups.push(() => d.cleanupOrphans());
    // The stand-in gateway is healthy once the marker exists; it lives in h.dir, writable in the sandbox.
    const s = h.settings({ first: codexProfile(), second: codexProfile() }, { timeoutSec: 180 });
    s.doctor.workDir = h.dir;
    const { req, phases } = await h.request(s);
    const out = await d.run(req);
    expect(out, timeline(req.incident.record.events)).toMatchObject({ outcome: 'recovered', agent: 'second' });
    expect(phases.find((p) => p.phase === 'fallback')?.detail).toMatch(/last status: 429/);
    expect(api.mainRequests().map((r) => r.answer)).toEqual(['error:429', 'function_call:exec_command', 'text']);
  }, 240_000);
});
