// `clawmedic demo` is the product's first impression: it must walk the whole ladder on a bare machine
// (stand-in gateway, stand-in agent in real tmux) and leave nothing behind.
import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent, Incident } from '../../common/contract.js';
import { cliPath } from '../helpers/cli.js';

/** The demo's temp folder lives in a TMPDIR of this test's own: what it leaves there is the demo's alone. */
const TMP = mkdtempSync(path.join(os.tmpdir(), 'cm-demo-test-'));
function demoDirs(): string[] {
  return readdirSync(TMP).filter((n) => n.startsWith('clawmedic-demo-'));
}

/** Processes (not zombies) whose command line mentions one of the demo's own temp dirs. */
function processesUnder(dirs: string[]): string[] {
  return execFileSync('ps', ['-eo', 'stat=,args='])
    .toString()
    .split('\n')
    .filter((l) => dirs.some((d) => l.includes(d)) && !l.trim().startsWith('Z'));
}

describe('clawmedic demo', () => {
  it('detects, restarts, calls the doctor, recovers, and cleans up', async () => {
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
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as EngineEvent | { type: 'demo-result'; ok: boolean; incidents: Incident[] });
    const result = lines.find((l) => l.type === 'demo-result') as { ok: boolean; incidents: Incident[] };
    expect(result.ok).toBe(true);
    expect(result.incidents.map((i) => [i.outcome, i.resolvedBy])).toEqual([
      ['recovered', 'restart'],
      ['recovered', 'doctor'],
    ]);
    const doctorTypes = result.incidents[1]!.events.map((e) => e.type);
    expect(doctorTypes).toEqual(expect.arrayContaining(['restart-step', 'doctor-started', 'doctor-agent-started', 'doctor-prompt-sent', 'doctor-finished']));
    expect(result.incidents[1]!.agent).toBe('standin');
    const states = lines.flatMap((l) => (l.type === 'state' ? [l.state] : []));
    expect(states).toEqual(expect.arrayContaining(['healthy', 'failing', 'restarting', 'recovering']));
    // Nothing left behind: no temp dir, nothing under it (tmux server, agent), nothing on the gateway's port.
    expect(demoDirs()).toEqual([]);
    const attach = result.incidents[1]!.doctor?.attachCommand ?? '';
    expect(attach).toContain(TMP);
    expect(processesUnder([TMP])).toEqual([]);
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
