// Secrets from the gateway's config never land in incident records or what UIs are given.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine.js';

const TOKEN = 'gw-tok-3f9a7c21e8b44d0f9a51c6d2';
let dir = '';
let engine: Engine | null = null;
afterEach(async () => {
  await engine?.stop('test over');
  rmSync(dir, { recursive: true, force: true });
});

it('redacts the gateway token from restart output in the incident record and the UI detail', async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-priv-'));
  const gatewayConfig = path.join(dir, 'openclaw.json');
  writeFileSync(gatewayConfig, `{ gateway: { mode: "local", auth: { mode: "token", token: "${TOKEN}" } } }`);
  const settingsFile = path.join(dir, 'settings.json');
  writeFileSync(
    settingsFile,
    JSON.stringify({
      dataDir: path.join(dir, 'data'),
      gateway: { url: 'http://127.0.0.1:9', configPath: gatewayConfig, timeoutSec: 0.5 },
      restart: { command: `echo "connecting with --token ${TOKEN} failed"; exit 3`, waitHealthySec: 1 },
    }),
  );
  engine = await Engine.create({ settingsFile, doctorFactory: null });
  const r = await engine.restartNow();
  expect(r.ok).toBe(false);
  const [inc] = await engine.listIncidents();
  const step = inc!.events.find((e) => e.type === 'restart-step')!;
  expect(step.detail).toMatch(/exited 3/);
  expect(step.detail).toContain('[REDACTED');
  const incidentsDir = path.join(dir, 'data', 'incidents');
  for (const id of readdirSync(incidentsDir)) {
    expect(readFileSync(path.join(incidentsDir, id, 'incident.json'), 'utf8')).not.toContain(TOKEN);
  }
  const detail = await engine.getIncident(inc!.id);
  expect(JSON.stringify(detail)).not.toContain(TOKEN);
});
