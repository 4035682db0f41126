// The preflight on a real file system and real child processes: stand-in `openclaw`, `claude` and `tmux`
// programs on a PATH of our own, so each finding (found with its version, missing with its fix and the key that
// fixes it, not applicable, a warning) is checked against what is really there.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PreflightItem } from '../../common/contract.js';
import {
  firstProgram,
  preflightLine,
  preflightProblems,
  runPreflight,
  type PreflightInput,
} from '../../main/engine/preflight.js';
import { OPERATIONS, readOnlyRefusal } from '../../common/operations.js';
import { resolvePaths, validateSettings } from '../../main/engine/settings/index.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** A temp folder with a bin/ of stand-in programs that print `output` and exit `code`. */
function world(programs: Record<string, { output: string; code?: number }>) {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-preflight-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  for (const [name, p] of Object.entries(programs)) {
    const file = path.join(bin, name);
    writeFileSync(file, `#!/bin/sh\necho '${p.output}'\nexit ${p.code ?? 0}\n`);
    chmodSync(file, 0o755);
  }
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  const configPath = path.join(dir, 'openclaw.json');
  writeFileSync(configPath, '{ gateway: { port: 18789 }, // JSON5, like OpenClaw\n}\n');
  return { bin, dataDir, configPath, env: { PATH: bin } as NodeJS.ProcessEnv };
}

function input(
  doc: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  over: Partial<PreflightInput> = {},
): PreflightInput {
  const r = validateSettings(doc);
  expect(r.problems).toEqual([]);
  return {
    settings: resolvePaths(r.settings),
    settingsFile: path.join(dir, 'settings.json'),
    settingsProblems: [],
    env,
    native: null,
    ptyCheck: () => ({ status: 'not-needed', helper: null, message: '' }),
    ...over,
  };
}

const byId = (items: PreflightItem[]) => Object.fromEntries(items.map((x) => [x.id, x]));

describe('preflight', () => {
  it('finds every tool with its version, and has nothing to fix', async () => {
    const w = world({
      openclaw: { output: 'OpenClaw 2026.9.6' },
      claude: { output: '2.1.330 (Claude Code)' },
      tmux: { output: 'tmux 3.3a' },
    });
    const doc = {
      dataDir: w.dataDir,
      gateway: { configPath: w.configPath },
      notify: { channels: [{ type: 'ntfy', name: 'phone', url: 'https://ntfy.sh/x' }] },
    };
    const r = await runPreflight(input(doc, w.env));
    const items = byId(r.items);
    expect(Object.keys(items)).toEqual([
      'settings',
      'gateway-url',
      'gateway-config',
      'restart',
      'agent:claude',
      'tmux',
      'pty',
      'data-dir',
      'notify',
    ]);
    expect(r.items.filter((x) => x.status !== 'ok')).toEqual([]);
    expect(items.restart!.detail).toBe(`openclaw gateway restart → ${path.join(w.bin, 'openclaw')}`);
    expect(items['agent:claude']!.detail).toBe(`2.1.330 (Claude Code) · ${path.join(w.bin, 'claude')}`);
    expect(items.tmux!.detail).toBe(`tmux 3.3a · ${path.join(w.bin, 'tmux')}`);
    expect(items.notify!.detail).toBe('phone');
    expect(preflightProblems(r)).toEqual([]);
  });

  it('says what is missing, how to fix it, and which setting does', async () => {
    const w = world({});
    const r = await runPreflight(
      input({ dataDir: w.dataDir, gateway: { configPath: path.join(dir, 'none.json') } }, w.env),
    );
    const items = byId(r.items);
    expect(items.restart).toMatchObject({
      status: 'fail',
      detail: '`openclaw` (in `openclaw gateway restart`) is not on PATH',
      setting: 'restart.command',
    });
    expect(items.restart!.fix).toContain('npm install -g openclaw');
    expect(items['agent:claude']).toMatchObject({
      status: 'fail',
      detail: 'command "claude" was not found on PATH',
      fix: 'Install it, or set doctor.profiles.claude.command to its full path.',
      setting: 'doctor.profiles.claude.command',
    });
    expect(items.tmux).toMatchObject({ status: 'fail', setting: 'tools.tmux' });
    expect(items.tmux!.fix).toContain('apt install tmux');
    expect(items['gateway-config']).toMatchObject({ status: 'warn', setting: 'gateway.configPath' });
    expect(items.notify).toMatchObject({ status: 'warn', setting: 'notify.channels' });
    // Failures first, then warnings; each a line with its fix.
    expect(preflightProblems(r).map((x) => x.status)).toEqual(['fail', 'fail', 'fail', 'warn', 'warn']);
    expect(preflightLine(items['agent:claude']!)).toBe(
      '✗ Agent “claude”: command "claude" was not found on PATH. ' +
        'Install it, or set doctor.profiles.claude.command to its full path.',
    );
  });

  it('with the doctor off, its agents and tmux do not count', async () => {
    const w = world({ openclaw: { output: 'x' } });
    const r = await runPreflight(input({ dataDir: w.dataDir, doctor: { enabled: false } }, w.env));
    const items = byId(r.items);
    expect(items.doctor).toMatchObject({ status: 'off', setting: 'doctor.enabled' });
    expect(items['agent:claude']).toBeUndefined();
    expect(items.tmux!.status).toBe('off');
  });

  it('warns about an agent that does not answer --version, a remote gateway, a broken config', async () => {
    const w = world({
      openclaw: { output: 'x' },
      claude: { output: 'please log in', code: 1 },
      tmux: { output: 'tmux 3.4' },
    });
    writeFileSync(w.configPath, '{ "gateway": { "port": 18789, }\n');
    const r = await runPreflight(
      input({ dataDir: w.dataDir, gateway: { url: 'http://gateway.lan:18789', configPath: w.configPath } }, w.env),
    );
    const items = byId(r.items);
    expect(items['agent:claude']).toMatchObject({ status: 'warn' });
    expect(items['agent:claude']!.detail).toContain('please log in');
    expect(items['gateway-url']).toMatchObject({ status: 'warn', setting: 'gateway.url' });
    expect(items['gateway-config']!.status).toBe('warn');
    expect(items['gateway-config']!.detail).toContain('does not parse');
  });

  it('refuses a data folder others can read, and a node-pty that cannot start a terminal', async () => {
    const w = world({});
    chmodSync(w.dataDir, 0o755);
    const broken = {
      status: 'broken' as const,
      helper: '/x/spawn-helper',
      message: "node-pty's spawn-helper is not executable",
    };
    const r = await runPreflight(input({ dataDir: w.dataDir }, w.env, { ptyCheck: () => broken }));
    const items = byId(r.items);
    expect(items['data-dir']).toMatchObject({ status: 'fail', setting: 'dataDir' });
    expect(items['data-dir']!.detail).toContain('chmod 700');
    expect(items.pty).toMatchObject({ status: 'fail', detail: broken.message });
  });

  it('names the first settings problem and the key to fix', async () => {
    const w = world({});
    const problems = [
      { path: 'gateway.url', message: 'must start with http:// or https://' },
      { path: 'restart.attempts', message: 'must be >= 0' },
    ];
    const r = await runPreflight(input({ dataDir: w.dataDir }, w.env, { settingsProblems: problems }));
    expect(byId(r.items).settings).toMatchObject({ status: 'fail', setting: 'gateway.url' });
    expect(byId(r.items).settings!.detail).toContain('(and 1 more)');
  });

  it('tells the program a restart command runs, when it can without a shell', () => {
    expect(firstProgram('openclaw gateway restart')).toBe('openclaw');
    expect(firstProgram('FOO=1 exec /usr/bin/launchctl kickstart gui/501/ai.openclaw')).toBe('/usr/bin/launchctl');
    expect(firstProgram('nohup env openclaw gateway start')).toBe('openclaw');
    expect(firstProgram('$HOME/bin/restart.sh')).toBeNull();
    expect(firstProgram('cd /srv && ./start')).toBe('cd');
  });

  it('is an operation every transport offers, read-only viewers included', () => {
    expect(OPERATIONS.preflight.transports).toEqual(['ipc', 'ws', 'control']);
    expect(readOnlyRefusal('preflight')).toBeNull();
    expect(OPERATIONS.preflight.args([])).toEqual({ ok: true, args: [] });
    expect(OPERATIONS.preflight.args([{ fresh: true }])).toEqual({ ok: true, args: [{ fresh: true }] });
    expect(OPERATIONS.preflight.args(['now']).ok).toBe(false);
  });
});
