// `clawmedic demo` is the product's first impression: it must walk the whole ladder on a bare machine
// (stand-in gateway, stand-in agent in real tmux, one command approved), leave nothing running behind, and
// keep its records (report, transcript) in a folder it names.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent, Incident } from '../../common/contract.js';
import { cliPath } from '../helpers/cli.js';
import { processesWithEnv } from '../helpers/marked-processes.js';

/** The demo's temp folder lives in a TMPDIR of this test's own: what it leaves there is the demo's alone. */
const TMP = mkdtempSync(path.join(os.tmpdir(), 'cm-demo-test-'));
function demoDirs(): string[] {
  return readdirSync(TMP).filter((n) => n.startsWith('clawmedic-demo-'));
}

type DemoResult = {
  ok: boolean;
  incidents: Incident[];
  recordsDir: string;
  report: string | null;
  transcript: string | null;
};

describe('clawmedic demo', () => {
  it('detects, restarts, fixes a known fault without an agent, calls the doctor, recovers, and cleans up', async () => {
    const child = spawn(process.execPath, [cliPath, 'demo', '--json', '--agent-pace', '0.2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', TMPDIR: TMP },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code, err).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EngineEvent | { type: 'demo-result'; ok: boolean; incidents: Incident[] });
    const result = lines.find((l) => l.type === 'demo-result') as unknown as DemoResult;
    expect(result.ok).toBe(true);
    expect(result.incidents.map((i) => [i.outcome, i.resolvedBy])).toEqual([
      ['recovered', 'restart'],
      ['recovered', 'known-fix:config-doctor-fix'],
      ['recovered', 'doctor'],
    ]);
    const known = result.incidents[1]!;
    expect(known.fingerprint).toMatchObject({ kind: 'config-syntax', key: 'config-syntax' });
    expect(known.rungs?.map((r) => [r.rung, r.status])).toEqual([['config-doctor-fix', 'recovered']]);
    expect(known.agent).toBeNull();
    expect(known.events.map((e) => e.type)).not.toContain('doctor-started');
    const doctorTypes = result.incidents[2]!.events.map((e) => e.type);
    expect(doctorTypes).toEqual(
      expect.arrayContaining([
        'restart-step',
        'doctor-started',
        'doctor-agent-started',
        'doctor-prompt-sent',
        'doctor-finished',
      ]),
    );
    expect(result.incidents[2]!.agent).toBe('standin');
    // The agent asked once; nobody was watching, so the demo answered for the person: the doctor's fix, approved.
    expect(doctorTypes).toContain('doctor-needs-approval');
    expect(result.incidents[2]!.doctor?.promptsAnswered).toBe(1);
    const states = lines.flatMap((l) => (l.type === 'state' ? [l.state] : []));
    expect(states).toEqual(expect.arrayContaining(['healthy', 'failing', 'restarting', 'recovering']));
    // The records stay, in the folder the demo named: the report and the transcript of the doctor's session.
    expect(path.dirname(result.recordsDir)).toBe(TMP);
    expect(statSync(result.recordsDir).mode & 0o777).toBe(0o700);
    expect(result.report?.startsWith(result.recordsDir)).toBe(true);
    expect(readFileSync(result.report!, 'utf8')).toContain('# Recovery report');
    expect(existsSync(result.transcript!)).toBe(true);
    expect(statSync(result.transcript!).mode & 0o777).toBe(0o600);
    // Nothing else left behind: no work dir, nothing under it (tmux server, agent), nothing on the gateway's port.
    expect(demoDirs()).toEqual([path.basename(result.recordsDir)]);
    const attach = result.incidents[2]!.doctor?.attachCommand ?? '';
    expect(attach).toContain(TMP);
    // Every process the demo started inherited TMPDIR=TMP (tmux's server too, which leaves the group).
    expect(processesWithEnv('TMPDIR', TMP)).toEqual([]);
    rmSync(TMP, { recursive: true, force: true });
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(result.incidents[0]!.summary)?.[1]);
    expect(port).toBeGreaterThan(0);
    const refused = await new Promise<boolean>((r) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.on('connect', () => (sock.destroy(), r(false)));
      sock.on('error', () => r(true));
    });
    expect(refused).toBe(true);
  }, 180_000);
});
