// `clawmedic doctor`: one session now, exit 0 only when OUR probe says healthy at the end.
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, Incident } from '../../common/contract.js';
import { FAKE_AGENT_JS } from '../fixtures/fake-agent-harness.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, cliPath, fastSettings } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

let gw: FakeGateway | null = null;
let box: CliSandbox | null = null;
afterEach(async () => {
  await gw?.stop();
  box?.cleanup();
  gw = box = null;
});

function withAgent(url: string, g: FakeGateway, script: unknown[]) {
  return fastSettings(url, {
    gateway: { configPath: g.configPath, logPaths: [g.logFile] },
    doctor: {
      enabled: true,
      agents: ['standin'],
      timeoutSec: 60,
      profiles: {
        standin: {
          kind: 'claude',
          command: process.execPath,
          args: [FAKE_AGENT_JS],
          env: { FAKE_AGENT_TRUST: 'numbered', FAKE_AGENT_SCRIPT: JSON.stringify(script) },
          permissionMode: 'dontAsk',
          allowedTools: ['Bash(openclaw:*)'],
        },
      },
    },
  });
}

function parse(stdout: string) {
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as EngineEvent | { type: 'result'; ok: boolean; outcome: { outcome: string } });
  return {
    events: lines,
    result: lines.find((l) => l.type === 'result') as {
      type: 'result';
      ok: boolean;
      outcome: { outcome: string; agent: string };
    },
  };
}

describe('clawmedic doctor', () => {
  it('repairs a broken config with the agent and exits 0; the incident records it', async () => {
    gw = await startFakeGateway();
    await gw.fault('break-config');
    await gw.fault('crash');
    box = new CliSandbox(
      withAgent(gw.url, gw, [
        { run: 'openclaw doctor --fix --non-interactive --yes' },
        { run: 'openclaw gateway restart' },
        { result: { status: 'fixed', summary: 'restored last-good' } },
      ]),
      gw.env,
    );
    const r = await box.run(['doctor', '--json'], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    const { result } = parse(r.stdout);
    expect(result.outcome).toMatchObject({ outcome: 'recovered', agent: 'standin' });
    const [inc] = JSON.parse((await box.run(['incidents', '--json'])).stdout) as Incident[];
    expect(inc).toMatchObject({ trigger: 'manual', outcome: 'recovered', resolvedBy: 'doctor', agent: 'standin' });
    expect(inc!.transcriptPath).toBeTruthy();
    expect(inc!.doctor?.configDiff).toBeTruthy();
  });

  it('healthy gateway: no agent, no incident, no learning written (exit 0); --force is a check-up', async () => {
    gw = await startFakeGateway();
    box = new CliSandbox(withAgent(gw.url, gw, [{ result: { status: 'fixed', summary: 'nothing to do' } }]), gw.env);
    const r = await box.run(['doctor'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/not needed: the gateway answers healthy/);
    expect(r.stdout).toMatch(/--force/);
    expect(JSON.parse((await box.run(['incidents', '--json'])).stdout)).toEqual([]);

    const forced = await box.run(['doctor', '--json', '--force'], { timeoutMs: 90_000 });
    expect(forced.code, forced.stderr).toBe(0);
    const [inc] = JSON.parse((await box.run(['incidents', '--json'])).stdout) as Incident[];
    // Healthy before and after: a check-up, not a recovery by the doctor.
    expect(inc).toMatchObject({ trigger: 'manual', outcome: 'recovered', resolvedBy: 'self', agent: 'standin' });
    expect(inc!.summary).toMatch(/check-up/);
    expect(inc!.events.map((e) => e.type)).toContain('checkup');
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(box.dataDir, 'learnings.md'))).toBe(false);
  });

  it('exits 1 with a clear message when the agent cannot start, and the gateway stays down', async () => {
    gw = await startFakeGateway();
    await gw.fault('crash');
    const settings = withAgent(gw.url, gw, []) as {
      doctor: { profiles: { standin: { command: string; args: string[] } } };
    };
    settings.doctor.profiles.standin.command = '/nonexistent/claude';
    settings.doctor.profiles.standin.args = [];
    box = new CliSandbox(settings, gw.env);
    const r = await box.run(['doctor', '--json'], { timeoutMs: 90_000 });
    expect(r.code).toBe(1);
    const { result } = parse(r.stdout);
    expect(result.outcome.outcome).toBe('failed');
    const [inc] = JSON.parse((await box.run(['incidents', '--json'])).stdout) as Incident[];
    expect(inc).toMatchObject({ outcome: 'failed', resolvedBy: null });
    expect(inc!.events.map((e) => e.detail).join('\n')).toMatch(/\/nonexistent\/claude/);
  });

  it('a closed terminal (SIGHUP) stops the session: no agent left working unsupervised in tmux', async () => {
    gw = await startFakeGateway();
    await gw.fault('crash');
    box = new CliSandbox(withAgent(gw.url, gw, [{ say: 'thinking for a long time' }, { busy: 60_000 }]), gw.env);
    const child = spawn(process.execPath, [cliPath, '--config', box.settingsFile, 'doctor', '--json'], {
      env: { ...gw.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    await waitFor('the brief to be sent', () => out.includes('doctor-prompt-sent'), { timeoutMs: 30_000 });
    child.kill('SIGHUP');
    expect(await exited).toBe(1);
    const socket = path.join(box.dataDir, 'run', 'tmux.sock');
    const sessions = (() => {
      try {
        return execFileSync('tmux', ['-S', socket, 'list-sessions'], { stdio: ['ignore', 'pipe', 'ignore'] })
          .toString()
          .trim();
      } catch {
        // No server on the socket any more: no sessions.
        return '';
      }
    })();
    expect(sessions).toBe('');
    const [inc] = JSON.parse((await box.run(['incidents', '--json'])).stdout) as Incident[];
    expect(inc!.outcome).toBe('cancelled');
  });
});
