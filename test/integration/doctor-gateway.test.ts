// The doctor against the stand-in OpenClaw gateway and its `openclaw` CLI: the fake agent repairs a
// broken config with the same commands a real agent would run, and ClawMedic's own probe judges.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doctor } from '../../main/engine/doctor/doctor.js';
import { checkGateway } from '../../main/engine/probe.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { createHarness, readAgentLog, TEST_TIMING, type Harness } from '../fixtures/fake-agent-harness.js';

let h: Harness;
let gw: FakeGateway;
beforeEach(async () => {
  h = await createHarness();
  gw = await startFakeGateway();
});
afterEach(async () => {
  await gw.stop();
  await h.close();
});

function gatewayEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(gw.env))
    if (v !== undefined && (k.startsWith('OPENCLAW_') || k.startsWith('FAKE_GATEWAY_') || k === 'PATH')) out[k] = v;
  return out;
}

describe('doctor with the stand-in gateway', () => {
  it(
    'a broken config: context shows the validation error and exit code 78; ' +
      'the agent restores last-good and restarts',
    async () => {
      await gw.fault('break-config');
      await gw.fault('crash');
      await gw.waitDown();
      const restart = await gw.run(['gateway', 'restart']);
      expect(restart.code).not.toBe(0);

      const d = new Doctor({ dataDir: h.dataDir, env: { ...process.env, ...gatewayEnv() }, timing: TEST_TIMING });
      const script = [
        { run: 'openclaw config validate' },
        { run: 'openclaw doctor --fix --non-interactive --yes' },
        { run: 'openclaw gateway restart' },
        { report: 'The config had a syntax error; restored the last-good copy and restarted the gateway.' },
        { result: { status: 'fixed', summary: 'restored last-good config and restarted' } },
      ];
      const s = h.settings({
        claude: h.profile({
          ...gatewayEnv(),
          FAKE_AGENT_TRUST: 'unnumbered',
          FAKE_AGENT_SCRIPT: JSON.stringify(script),
        }),
      });
      s.gateway.url = gw.url;
      s.gateway.configPath = gw.configPath;
      s.gateway.logPaths = [gw.logFile];
      const { req, phases } = await h.request(s);
      req.check = () => checkGateway(gw.url, 2000);
      req.recentFailures = [await req.check()];

      const out = await d.run(req);
      expect(out).toMatchObject({ outcome: 'recovered', resolvedBy: 'doctor' });
      expect((await checkGateway(gw.url, 2000)).condition).toBe('healthy');
      expect(phases.map((p) => p.phase)).toContain('agent-stopped');

      const context = readFileSync(req.incident.file('context.md'), 'utf8');
      expect(context).toMatch(/## `openclaw config validate`\nExit code 1/);
      expect(context).toMatch(/code: 78/);
      expect(context).toContain(gw.logFile);
      // The gateway token from its config never reaches the context file.
      const token = /"token"\s*:\s*"([^"]+)"/.exec(
        readFileSync(req.incident.file('snapshot/openclaw.json'), 'utf8'),
      )?.[1];
      if (token) expect(context).not.toContain(token);

      const ran = readAgentLog(h.agentLog).filter((e) => e.ev === 'ran');
      expect(ran.map((e) => [e.cmd, e.code])).toEqual([
        ['openclaw config validate', 1],
        ['openclaw doctor --fix --non-interactive --yes', 0],
        ['openclaw gateway restart', 0],
      ]);
      expect(req.incident.record.doctor?.configDiff).toMatch(/^---/m);
    },
  );
});
