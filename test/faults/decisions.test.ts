// The "decide and document" items of the hardening pass, each as its decision says: a report path that is a
// symbolic link out of the incident folder is not served; watch --json keeps the dashboard token out of its
// lines; a password in gateway.url is never printed; a non-loopback gateway is accepted with a warning;
// demo refuses a --config it would ignore.
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../common/clock.js';
import { readIncidentDetail } from '../../main/engine/incidents/detail.js';
import { IncidentStore } from '../../main/engine/incidents/store.js';
import { startFakeGateway, type FakeGateway } from '../fixtures/gateway-harness.js';
import { CliSandbox, fastSettings, type WatchProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

let gw: FakeGateway | null = null;
let box: CliSandbox | null = null;
let w: WatchProcess | null = null;
afterEach(async () => {
  await w?.stop();
  await gw?.stop();
  box?.cleanup();
  gw = box = w = null;
});

describe('decisions', { timeout: 60_000 }, () => {
  it('a report or transcript that is a link out of the incident folder is not served', async () => {
    box = new CliSandbox({});
    mkdirSync(box.dataDir, { mode: 0o700 });
    const store = new IncidentStore(box.dataDir, systemClock);
    const inc = await store.open({ trigger: 'manual', summary: 'links' });
    const secret = path.join(box.dir, 'id_ed25519');
    writeFileSync(secret, 'PRIVATE KEY MATERIAL');
    symlinkSync(secret, inc.file('report.md'));
    writeFileSync(inc.file('transcript.log'), 'the real transcript');
    await inc.update({ reportPath: inc.file('report.md'), transcriptPath: inc.file('transcript.log') });
    const d = await readIncidentDetail(store, inc.id);
    expect(d?.report).toBeNull();
    expect(d?.transcript).toBe('the real transcript');
    // A path outside the folder is not read either, even when it is a plain file.
    await inc.update({ reportPath: secret });
    expect((await readIncidentDetail(store, inc.id))?.report).toBeNull();
  });

  it('watch --json keeps the dashboard token out of its lines; the full URL is in a 0600 file', async () => {
    gw = await startFakeGateway();
    box = new CliSandbox(fastSettings(gw.url), gw.env);
    w = box.watch(['--dashboard']);
    const line = await waitFor('the dashboard line', () =>
      (w!.events as unknown as { type: string; url?: string; urlFile?: string }[]).find((e) => e.type === 'dashboard'),
    );
    expect(line.url).not.toMatch(/token/);
    expect(readFileSync(line.urlFile!, 'utf8')).toMatch(/\?token=[A-Za-z0-9_-]{20,}/);
    expect(statSync(line.urlFile!).mode & 0o777).toBe(0o600);
  });

  it('a password in gateway.url is never printed; a gateway on another host gets a warning', async () => {
    box = new CliSandbox(fastSettings('http://admin:hunter2hunter2@192.0.2.10:18789'));
    const r = await box.run(['check']);
    expect(r.stdout + r.stderr).not.toContain('hunter2hunter2');
    expect(r.stdout).toContain('admin:***@192.0.2.10');
    const status = await box.run(['status']);
    expect(status.stdout + status.stderr).not.toContain('hunter2hunter2');
    w = box.watch();
    const warning = await waitFor('the warning', () =>
      (w!.events as unknown as { type: string; message?: string }[]).find((e) => e.type === 'warning'),
    );
    expect(warning.message).toMatch(/is not on this machine: probes cross the network/);
    expect(warning.message).not.toContain('hunter2hunter2');
  });

  it('demo refuses a --config it would ignore (exit 2)', async () => {
    box = new CliSandbox({});
    const r = await box.run(['demo', '--no-doctor']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--config does not apply/);
  });
});
