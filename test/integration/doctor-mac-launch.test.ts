// The doctor as a Mac app starts it: launchd's PATH has no tmux (Homebrew's folder is known only to the
// login shell, whose PATH the engine gets), and node-pty's spawn helper may be unusable ("posix_spawnp
// failed."). Neither may stop the doctor: tmux is run by its absolute path, and the live view reports
// what is wrong (with the attach command) while the agent works in tmux.
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TerminalChunk } from '../../common/contract.js';
import { Doctor } from '../../main/engine/doctor/doctor.js';
import type { PtyModule } from '../../main/engine/doctor/terminal.js';
import { resolveCommand } from '../../main/engine/tools.js';
import { createHarness, TEST_TIMING, type Harness } from '../fixtures/fake-agent-harness.js';

let h: Harness;
let d: Doctor | null = null;
const realPath = process.env.PATH;

/** A copy of the system's bin folders as symlinks, minus tmux: what launchd's PATH offers on a Mac. */
function systemBinsWithoutTmux(root: string): string {
  const out = path.join(root, 'sysbin');
  mkdirSync(out, { recursive: true });
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      // A folder this system lacks (merged /usr): nothing to mirror.
      continue;
    }
    for (const n of names) {
      if (n === 'tmux') continue;
      try {
        symlinkSync(path.join(dir, n), path.join(out, n));
      } catch {
        // Already linked from an earlier folder (/bin and /usr/bin overlap): the first one wins.
      }
    }
  }
  return out;
}

beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  process.env.PATH = realPath;
  await d?.cleanupOrphans().catch(() => undefined);
  d = null;
  await h.close();
});

describe('the doctor started from a Mac app', () => {
  it("runs tmux found only on the login shell's PATH, even where this process cannot find it", async () => {
    const tmux = resolveCommand('tmux', realPath)!;
    const sysbin = systemBinsWithoutTmux(h.dir);
    const brew = path.join(h.dir, 'homebrew', 'bin');
    mkdirSync(brew, { recursive: true });
    symlinkSync(tmux, path.join(brew, 'tmux'));
    // The app process itself: launchd's PATH. The engine's env: the login shell's PATH.
    process.env.PATH = sysbin;
    expect(resolveCommand('tmux', process.env.PATH)).toBeNull();
    d = new Doctor({ dataDir: h.dataDir, timing: TEST_TIMING, env: { ...process.env, PATH: `${brew}:${sysbin}` } });
    expect(d.tmux.binary).toBe(path.join(brew, 'tmux'));
    const s = h.settings({ claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ run: `touch ${h.marker}` }]) }) });
    const { req } = await h.request(s);
    const out = await d.run(req);
    expect(out).toMatchObject({ outcome: 'recovered', resolvedBy: 'doctor' });
  });

  it('names tools.tmux and the folders searched when tmux is nowhere', async () => {
    const sysbin = systemBinsWithoutTmux(h.dir);
    d = new Doctor({ dataDir: h.dataDir, timing: TEST_TIMING, env: { ...process.env, PATH: sysbin } });
    const s = h.settings({ claude: h.profile({}) });
    const { req } = await h.request(s);
    const out = await d.run(req);
    expect(out.outcome).toBe('failed');
    expect(out.detail).toMatch(/tmux is not installed or not on PATH \(looked in .*sysbin\).*tools\.tmux/);
  });

  it('keeps working when the terminal cannot be spawned, and tells the viewer why and how to attach', async () => {
    const failingPty: PtyModule = {
      spawn: () => {
        throw new Error('posix_spawnp failed.');
      },
    };
    d = new Doctor({ dataDir: h.dataDir, timing: TEST_TIMING, loadPty: () => Promise.resolve(failingPty) });
    const chunks: TerminalChunk[] = [];
    const sub = d.terminal.subscribe((c) => chunks.push(c));
    const s = h.settings({ claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ run: `touch ${h.marker}` }]) }) });
    const { req } = await h.request(s);
    const out = await d.run(req);
    sub.close();
    expect(out).toMatchObject({ outcome: 'recovered', resolvedBy: 'doctor' });
    const text = chunks.map((c) => c.data).join('');
    expect(text).toMatch(/live view is unavailable: the terminal could not be started \(posix_spawnp failed\.\)/);
    expect(text).toContain(`attach -t '${req.incident.record.doctor?.sessionName}'`);
    const notes = req.incident.record.events.filter((e) => e.type === 'note').map((e) => e.detail);
    expect(notes.join('\n')).toMatch(/posix_spawnp failed/);
  });

  it('keeps working when node-pty cannot be loaded at all', async () => {
    d = new Doctor({
      dataDir: h.dataDir,
      timing: TEST_TIMING,
      loadPty: () => Promise.reject(new Error("node-pty's spawn-helper is not executable")),
    });
    const s = h.settings({ claude: h.profile({ FAKE_AGENT_SCRIPT: JSON.stringify([{ run: `touch ${h.marker}` }]) }) });
    const { req } = await h.request(s);
    expect((await d.run(req)).outcome).toBe('recovered');
  });
});
