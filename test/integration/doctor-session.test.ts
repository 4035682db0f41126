// The doctor end to end against real tmux, real node-pty and the fake agent TUI: each scenario of
// the "Done means", plus the seed's defects (echoed brief, blind Enter, idle ≠ done).
import { statSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doctor } from '../../main/engine/doctor/doctor.js';
import { isProcessAlive } from '../../main/engine/process-util.js';
import { createHarness, readAgentLog, TEST_TIMING, type Harness } from '../fixtures/fake-agent-harness.js';

let h: Harness;
let doctors: Doctor[] = [];

beforeEach(async () => {
  h = await createHarness();
  doctors = [];
});

afterEach(async () => {
  for (const d of doctors) await d.cleanupOrphans().catch(() => undefined);
  await h.close();
});

function doctor(timing = {}): Doctor {
  const d = new Doctor({ dataDir: h.dataDir, timing: { ...TEST_TIMING, ...timing } });
  doctors.push(d);
  return d;
}

const mode = (f: string) => statSync(f).mode & 0o777;

describe('doctor session with the fake agent', () => {
  it('recovers when the agent fixes the gateway: trust prompt (2.1.330 layout), paste, hooks, records', async () => {
    const d = doctor();
    const fix = [
      { run: `touch ${'MARKER'}` },
      { report: 'Cause: config typo. Fixed it.' },
      { result: { status: 'fixed', summary: 'repaired the config' } },
    ];
    const s = h.settings({
      claude: h.profile({
        FAKE_AGENT_TRUST: 'unnumbered',
        // As measured on the real 2.1.330: the selection snaps back to "No, exit" shortly after the
        // first draw, and each --add-dir folder gets its own "Yes, add it" dialog.
        FAKE_AGENT_TRUST_RESET_MS: '60',
        FAKE_AGENT_ADD_DIR_DIALOGS: '1',
        FAKE_AGENT_TRANSCRIPT: '1',
        FAKE_AGENT_SCRIPT: JSON.stringify(fix).replace('MARKER', h.marker),
      }),
    });
    const { req, phases } = await h.request(s);
    const t0 = Date.now();
    const out = await d.run(req);
    const endedAt = Date.now();
    expect(out).toMatchObject({ outcome: 'recovered', resolvedBy: 'doctor', agent: 'claude' });
    expect(endedAt - t0).toBeLessThan(15_000);
    // The fix is noticed within a couple of probe periods, not the seed's 30 s polls / 3 min idle window.
    const fixedAt = readAgentLog(h.agentLog).find((e) => e.ev === 'ran')!.at as number;
    expect(endedAt - fixedAt).toBeLessThan(3000);
    const names = phases.map((p) => p.phase);
    expect(names).toEqual(
      expect.arrayContaining(['started', 'agent-started', 'prompt-sent', 'agent-stopped', 'finished']),
    );
    expect(names).not.toContain('fallback');

    // The 2.1.330 layout: the selection was moved to "Yes" before Enter; "No, exit" was never chosen.
    const log = readAgentLog(h.agentLog);
    expect(log.filter((e) => e.ev === 'trust').map((e) => e.choice)).toEqual(['yes']);
    // The gateway config's folder is outside the workspace: approved in the --settings file
    // (permissions.additionalDirectories), so no --add-dir and no "Yes, add it" dialog.
    expect(log.filter((e) => e.ev === 'add-dir')).toEqual([]);
    expect(log.filter((e) => e.ev === 'selection-reset')).toEqual([]);
    // The brief arrived as one message, whole.
    const prompts = log.filter((e) => e.ev === 'prompt');
    expect(prompts).toHaveLength(1);
    expect(String(prompts[0]!.prompt)).toContain(req.incident.file('report.md'));
    expect(String(prompts[0]!.prompt)).not.toContain('\r');
    // Hooks came through --settings, and the permission mode was always passed.
    const start = log.find((e) => e.ev === 'start')!;
    expect(start.argv).toEqual(expect.arrayContaining(['--permission-mode', 'dontAsk', '--settings']));

    const inc = req.incident.record;
    expect(inc.doctor?.resultLine).toBe('CLAWMEDIC_RESULT {"status":"fixed","summary":"repaired the config"}');
    expect(inc.doctor?.sessionName).toMatch(/^clawmedic-\d{8}-\d{9}-[0-9a-f]{6}$/);
    expect(inc.doctor?.attachCommand).toContain(`attach -t '${inc.doctor?.sessionName}'`);
    expect(inc.doctor?.tokens).toEqual({ input: 4200, output: 150 });
    expect(inc.doctor?.costUsd).toBeGreaterThan(0);
    expect(inc.reportPath).toBe(req.incident.file('report.md'));
    expect(mode(inc.reportPath!)).toBe(0o600);
    expect(mode(inc.transcriptPath!)).toBe(0o600);
    expect(readFileSync(inc.transcriptPath!, 'utf8')).toContain('Pasted text #1');
    expect(mode(req.incident.file('context.md'))).toBe(0o600);
    expect(inc.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['doctor-started', 'doctor-trust-answered', 'doctor-prompt-sent', 'doctor-finished']),
    );

    // Cleaned up: no session, no lock, nobody left on the socket; the fix became a learning.
    expect(h.sessions(d.tmux.socket)).toEqual([]);
    expect(existsSync(d.lockFile)).toBe(false);
    expect(d.current()).toBeNull();
    expect(readFileSync(`${h.dataDir}/learnings.md`, 'utf8')).toContain('repaired the config');
  });

  it('answers the 2.1.197 trust layout and waits for the input box before pasting', async () => {
    const d = doctor();
    const s = h.settings({
      claude: h.profile({
        FAKE_AGENT_TRUST: 'numbered',
        // Keys sent between the trust answer and a ready box are lost, as on the real 2.1.197.
        FAKE_AGENT_READY_MS: '700',
        FAKE_AGENT_SCRIPT: JSON.stringify([{ run: `touch ${h.marker}` }]),
      }),
    });
    const { req } = await h.request(s);
    const out = await d.run(req);
    expect(out.outcome).toBe('recovered');
    const log = readAgentLog(h.agentLog);
    expect(log.filter((e) => e.ev === 'trust').map((e) => e.choice)).toEqual(['yes']);
    expect(log.filter((e) => e.ev === 'key-lost')).toEqual([]);
    expect(log.filter((e) => e.ev === 'prompt')).toHaveLength(1);
  });

  it('presses Enter again when the first one is lost', async () => {
    const d = doctor();
    const s = h.settings({
      claude: h.profile({
        FAKE_AGENT_DROP_ENTERS: '1',
        FAKE_AGENT_SCRIPT: JSON.stringify([{ run: `touch ${h.marker}` }]),
      }),
    });
    const { req } = await h.request(s);
    const out = await d.run(req);
    expect(out.outcome).toBe('recovered');
    expect(readAgentLog(h.agentLog).filter((e) => e.ev === 'enter-dropped')).toHaveLength(1);
    expect(req.incident.record.events.map((e) => e.type)).toContain('doctor-submit-retry');
  });

  it(
    'fails when the agent claims success but the gateway is still down (and ' + 'the echoed brief never counts)',
    async () => {
      const d = doctor();
      const template =
        'Fix the gateway until it answers HTTP 200, then say recovery completed. Report to {{reportPath}}.';
      const s = h.settings(
        {
          claude: h.profile({
            FAKE_AGENT_SCRIPT: JSON.stringify([
              { say: 'Recovery completed, the gateway answers HTTP 200.' },
              { result: { status: 'fixed', summary: 'all good' } },
            ]),
          }),
        },
        { promptTemplate: template },
      );
      const { req, phases } = await h.request(s);
      const out = await d.run(req);
      expect(out.outcome).toBe('failed');
      expect(out.detail).toMatch(/still down/);
      expect(out.detail).toMatch(/"fixed": all good/);
      expect(phases.map((p) => p.phase)).toContain('agent-stopped');
      expect(h.sessions(d.tmux.socket)).toEqual([]);
      // It waits out the report grace and a probe streak: seconds alone, more on a loaded machine.
    },
    90_000,
  );

  it('raises needs-approval on a permission prompt, never calls it done, and a human can take over', async () => {
    const d = doctor();
    const s = h.settings({ claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ ask: `touch ${h.marker}` }]) }) });
    const { req, phases } = await h.request(s);
    const running = d.run(req);
    const { until } = await import('../fixtures/fake-agent-harness.js');
    await until(() => phases.some((p) => p.phase === 'needs-approval'));
    expect(d.current()?.needsApproval).toBe(true);
    expect(phases.map((p) => p.phase)).not.toContain('agent-stopped');
    // Input is refused until a person takes over.
    expect(d.input('1')).toBe(false);
    const live: string[] = [];
    const sub = d.terminal.subscribe((c) => live.push(c.data));
    expect((await d.takeOver()).ok).toBe(true);
    expect(d.current()?.takenOver).toBe(true);
    // Pressed twice before the screen shows the prompt gone: one prompt, one answer.
    expect(d.input('1')).toBe(true);
    expect(d.input('1')).toBe(true);
    const out = await running;
    sub.close();
    // The person only answered the agent's prompt: the fix is the doctor's, approved by them.
    expect(out).toMatchObject({ outcome: 'recovered', resolvedBy: 'doctor' });
    expect(req.incident.record.doctor?.promptsAnswered).toBe(1);
    expect(phases.map((p) => p.phase)).toEqual(
      expect.arrayContaining(['needs-approval', 'taken-over', 'approval-resolved']),
    );
    expect(live.join('')).toContain('Do you want to proceed?');
    expect(readAgentLog(h.agentLog).find((e) => e.ev === 'permission-answer')).toMatchObject({ choice: 0 });
  });

  it('a person who types more than an answer at the keyboard gets the credit', async () => {
    const d = doctor();
    const s = h.settings({ claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ ask: `touch ${h.marker}` }]) }) });
    const { req, phases } = await h.request(s);
    const running = d.run(req);
    const { until } = await import('../fixtures/fake-agent-harness.js');
    await until(() => phases.some((p) => p.phase === 'needs-approval'));
    expect((await d.takeOver()).ok).toBe(true);
    // A word typed at the prompt is not an answer to it; the "1" after it is.
    expect(d.input('ok, go ahead')).toBe(true);
    expect(d.input('1')).toBe(true);
    const out = await running;
    expect(out).toMatchObject({ outcome: 'recovered', resolvedBy: 'human' });
  });

  it('falls back to the next agent on a quota error', async () => {
    const d = doctor();
    const s = h.settings({
      first: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ quota: true }]) }),
      second: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ run: `touch ${h.marker}` }]) }),
    });
    const { req, phases } = await h.request(s);
    const out = await d.run(req);
    expect(out).toMatchObject({ outcome: 'recovered', agent: 'second' });
    const fb = phases.find((p) => p.phase === 'fallback');
    expect(fb?.detail).toMatch(/rate_limit|hit your limit/);
    expect(fb?.detail).toContain('"second"');
    expect(req.incident.record.doctor?.attempts.map((a) => a.agent)).toEqual(['first', 'second']);
  });

  it('fails fast on a screen that needs a human', async () => {
    const d = doctor();
    const s = h.settings({ claude: h.profile({ FAKE_AGENT_SCREEN: 'apikey' }) });
    const { req } = await h.request(s);
    const t0 = Date.now();
    const out = await d.run(req);
    expect(out.outcome).toBe('failed');
    expect(out.detail).toMatch(/API key/);
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(readAgentLog(h.agentLog).filter((e) => e.ev === 'key-on-human-screen')).toEqual([]);
  });

  it('times out a hanging agent and cleans up', async () => {
    const d = doctor();
    const s = h.settings(
      { claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ hang: true }]) }) },
      { timeoutSec: 4 },
    );
    const { req } = await h.request(s);
    const out = await d.run(req);
    expect(out.outcome).toBe('timeout');
    expect(out.detail).toMatch(/timeoutSec = 4 s/);
    expect(h.sessions(d.tmux.socket)).toEqual([]);
    expect(existsSync(d.lockFile)).toBe(false);
    // The agent is gone: it exited on the hang-up, or (on a loaded machine, after the grace) was killed.
    const pid = readAgentLog(h.agentLog).find((e) => e.ev === 'start')!.pid as number;
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('is cancelled by its abort signal and cleans up', async () => {
    const d = doctor();
    const ctl = new AbortController();
    const s = h.settings({ claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ hang: true }]) }) });
    const { req, phases } = await h.request(s, { signal: ctl.signal });
    const running = d.run(req);
    const { until } = await import('../fixtures/fake-agent-harness.js');
    await until(() => phases.some((p) => p.phase === 'prompt-sent'));
    ctl.abort();
    const out = await running;
    expect(out.outcome).toBe('cancelled');
    expect(h.sessions(d.tmux.socket)).toEqual([]);
    expect(existsSync(d.lockFile)).toBe(false);
  });
});

describe('agents that cannot start', () => {
  it('explains "Unable to connect to Anthropic services" (the agent then exits 1)', async () => {
    const d = doctor();
    const s = h.settings({ claude: h.profile({ FAKE_AGENT_SCREEN: 'unable-to-connect' }) });
    const { req } = await h.request(s);
    const out = await d.run(req);
    expect(out.outcome).toBe('failed');
    // Seen on screen before or after it exits: either way the message says what to do.
    expect(out.detail).toMatch(/Claude Code could not reach Anthropic.*Run `claude` once in a terminal/);
  });

  it('reports a missing agent command and tries the next profile', async () => {
    const d = doctor();
    const s = h.settings({
      missing: h.profile({}, { command: 'no-such-agent-cli' }),
      claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ run: `touch ${h.marker}` }]) }),
    });
    const { req, phases } = await h.request(s);
    const out = await d.run(req);
    expect(out).toMatchObject({ outcome: 'recovered', agent: 'claude' });
    expect(phases.find((p) => p.phase === 'fallback')?.detail).toMatch(/"no-such-agent-cli" was not found on PATH/);
  });

  it('reports an agent that exits at once, with its exit code and last words', async () => {
    const d = doctor();
    const s = h.settings({
      g: h.profile(
        {},
        {
          kind: 'generic',
          command: '/bin/sh',
          args: ['-c', 'echo boom: no credentials configured; exit 2'],
          donePattern: 'NEVER_42',
        },
      ),
    });
    const { req } = await h.request(s);
    const out = await d.run(req);
    expect(out.outcome).toBe('failed');
    expect(out.detail).toMatch(/exited during start-up \(exit 2\).*boom: no credentials configured/);
  });

  it(
    'an exception inside the doctor still ends in a clear outcome, with the ' + 'lock released and no session left',
    async () => {
      const d = doctor();
      const s = h.settings({ claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ hang: true }]) }) });
      // A work folder that is a file: creating it throws.
      s.doctor.workDir = h.marker + '-file';
      writeFileSync(s.doctor.workDir, 'not a folder');
      const { req, phases } = await h.request(s);
      const out = await d.run(req);
      expect(out.outcome).toBe('failed');
      expect(out.detail).toMatch(/^the doctor failed: .*EEXIST/);
      expect(phases.at(-1)?.phase).toBe('finished');
      expect(existsSync(d.lockFile)).toBe(false);
      expect(h.sessions(d.tmux.socket)).toEqual([]);
      expect(d.current()).toBeNull();
    },
  );
});
