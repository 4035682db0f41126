// `clawmedic doctor`: one session now, exit 0 only when OUR probe says healthy at the end.
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, Incident } from '../../preload/contract.js';
import { FAKE_AGENT_JS } from '../fixtures/fake-agent-harness.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, fastSettings } from '../helpers/cli.js';

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
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as EngineEvent | { type: 'result'; ok: boolean; outcome: { outcome: string } });
  return { events: lines, result: lines.find((l) => l.type === 'result') as { type: 'result'; ok: boolean; outcome: { outcome: string; agent: string } } };
}

describe('clawmedic doctor', () => {
  it('repairs a broken config with the agent and exits 0; the incident records it', async () => {
    gw = await startFakeGateway();
    await gw.fault('break-config');
    await gw.fault('crash');
    box = new CliSandbox(withAgent(gw.url, gw, [{ run: 'openclaw doctor --fix --non-interactive --yes' }, { run: 'openclaw gateway restart' }, { result: { status: 'fixed', summary: 'restored last-good' } }]), gw.env);
    const r = await box.run(['doctor', '--json'], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    const { result } = parse(r.stdout);
    expect(result.outcome).toMatchObject({ outcome: 'recovered', agent: 'standin' });
    const [inc] = JSON.parse((await box.run(['incidents', '--json'])).stdout) as Incident[];
    expect(inc).toMatchObject({ trigger: 'manual', outcome: 'recovered', resolvedBy: 'doctor', agent: 'standin' });
    expect(inc!.transcriptPath).toBeTruthy();
    expect(inc!.doctor?.configDiff).toBeTruthy();
  });

  it('exits 1 with a clear message when the agent cannot start, and the gateway stays down', async () => {
    gw = await startFakeGateway();
    await gw.fault('crash');
    const settings = withAgent(gw.url, gw, []) as { doctor: { profiles: { standin: { command: string; args: string[] } } } };
    settings.doctor.profiles.standin.command = '/nonexistent/claude';
    settings.doctor.profiles.standin.args = [];
    box = new CliSandbox(settings as unknown as Record<string, unknown>, gw.env);
    const r = await box.run(['doctor', '--json'], { timeoutMs: 90_000 });
    expect(r.code).toBe(1);
    const { result } = parse(r.stdout);
    expect(result.outcome.outcome).toBe('failed');
    const [inc] = JSON.parse((await box.run(['incidents', '--json'])).stdout) as Incident[];
    expect(inc).toMatchObject({ outcome: 'failed', resolvedBy: null });
    expect(inc!.events.map((e) => e.detail).join('\n')).toMatch(/\/nonexistent\/claude/);
  });
});
