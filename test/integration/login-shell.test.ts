// The login-shell environment with real shells: a macOS-like app PATH that lacks tmux, a login shell whose
// rc file adds the folder tmux lives in, rc-file chatter, a shell that hangs (killed with its whole group),
// and a shell that is not there.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginEnv, mergeLoginEnv, parseMarkedEnv, readLoginShellEnv } from '../../main/engine/login-shell.js';
import { isProcessAlive } from '../../main/engine/process-util.js';
import { findTool, resolveCommand } from '../../main/engine/tools.js';
import { waitFor } from '../helpers/wait.js';

const MAC_PATH = '/usr/bin:/bin:/usr/sbin:/sbin';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-login-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A login shell: bash reading an rc file of our own (like zsh reading ~/.zprofile and ~/.zshrc). */
function fakeShell(rc: string): string {
  const rcFile = path.join(dir, 'rc.sh');
  writeFileSync(rcFile, rc);
  const shell = path.join(dir, 'login-shell');
  writeFileSync(
    shell,
    `#!/bin/bash\n# -ilc <script>, like zsh: read the rc file, then run the script\n. '${rcFile}'\neval "$2"\n`,
  );
  chmodSync(shell, 0o755);
  return shell;
}

describe('reading the login shell environment', () => {
  it("finds tmux through the login shell's PATH when the app's PATH is launchd's", async () => {
    const brew = path.join(dir, 'opt', 'homebrew', 'bin');
    mkdirSync(brew, { recursive: true });
    symlinkSync(resolveCommand('tmux', process.env.PATH)!, path.join(brew, 'tmux'));
    const shell = fakeShell(
      `export PATH="${brew}:$PATH"\nexport ANTHROPIC_API_KEY=from-zshrc\necho "welcome to zsh"\n`,
    );
    const appEnv = { PATH: '/nonexistent-launchd-path', HOME: dir, SHELL: shell };
    expect(findTool('tmux', '', appEnv.PATH).ok).toBe(false);
    const warnings: string[] = [];
    const env = await loginEnv(appEnv, (m) => warnings.push(m));
    expect(warnings).toEqual([]);
    expect(env.ANTHROPIC_API_KEY).toBe('from-zshrc');
    expect(env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    const tmux = findTool('tmux', '', env.PATH);
    expect(tmux).toEqual({ ok: true, path: path.join(brew, 'tmux') });
  });

  it('keeps multi-line values intact and ignores what rc files print', async () => {
    const shell = fakeShell(`printf 'banner {"PATH":"/evil"}\\n'\nexport MULTI="line one\nline two=x"\n`);
    const r = await readLoginShellEnv({ shell, env: { PATH: MAC_PATH, HOME: dir } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.env.MULTI).toBe('line one\nline two=x');
    expect(r.env.PATH).not.toBe('/evil');
  });

  it('kills a login shell that hangs, with whatever it started, and says so', async () => {
    const pidFile = path.join(dir, 'child.pid');
    const shell = fakeShell(`sleep 300 & echo $! > '${pidFile}'\nwait\n`);
    const r = await readLoginShellEnv({ shell, env: { PATH: MAC_PATH, HOME: dir }, timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, shell });
    if (r.ok) return;
    expect(r.reason).toMatch(/did not answer within 0.3 s/);
    const { readFileSync } = await import('node:fs');
    const child = Number(readFileSync(pidFile, 'utf8'));
    await waitFor("the rc file's background job to be killed", () => !isProcessAlive(child));
  });

  it('falls back to well-known folders, with one actionable warning, when the shell is missing', async () => {
    const warnings: string[] = [];
    const env = await loginEnv({ PATH: MAC_PATH, HOME: '/Users/u', SHELL: path.join(dir, 'no-such-shell') }, (m) =>
      warnings.push(m),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not read your login shell's environment .*no-such-shell/);
    expect(warnings[0]).toMatch(/set their full paths in the settings/);
    expect(env.PATH!.split(':')).toEqual([
      ...MAC_PATH.split(':'),
      '/opt/homebrew/bin',
      '/usr/local/bin',
      '/opt/local/bin',
      '/Users/u/.local/bin',
      '/Users/u/.npm-global/bin',
      '/Users/u/.volta/bin',
      '/Users/u/.bun/bin',
    ]);
  });
});

describe('merging and parsing', () => {
  it("puts the login shell's PATH first, keeps the app's, adds Homebrew, without duplicates", () => {
    const env = mergeLoginEnv(
      { PATH: '/usr/bin:/bin', HOME: '/Users/u', LANG: 'en_US.UTF-8' },
      { PATH: '/Users/u/.npm/bin:/opt/homebrew/bin:/usr/bin', SHLVL: '2', EDITOR: 'vim' },
    );
    expect(env.PATH!.split(':').slice(0, 5)).toEqual([
      '/Users/u/.npm/bin',
      '/opt/homebrew/bin',
      '/usr/bin',
      '/bin',
      '/usr/local/bin',
    ]);
    expect(env.LANG).toBe('en_US.UTF-8');
    expect(env.EDITOR).toBe('vim');
    expect(env.SHLVL).toBeUndefined();
  });

  it('refuses output without both markers or with a non-object between them', () => {
    expect(parseMarkedEnv('xx{"A":"1"}', 'xx')).toBeNull();
    expect(parseMarkedEnv('xx[1]xx', 'xx')).toBeNull();
    expect(parseMarkedEnv('noise xx{"A":"1","B":2}xx more', 'xx')).toEqual({ A: '1' });
  });
});

describe('finding tools', () => {
  it('names the folders searched and the setting when a tool is missing', () => {
    const r = findTool('tmux', '', '/a:/b');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/looked in \/a, \/b.*brew install tmux.*tools\.tmux/);
  });

  it('takes an explicit path and refuses one that is not an executable file', () => {
    const tool = path.join(dir, 'tmux');
    writeFileSync(tool, '#!/bin/sh\n');
    expect(findTool('tmux', tool, MAC_PATH).ok).toBe(false);
    chmodSync(tool, 0o755);
    expect(findTool('tmux', tool, MAC_PATH)).toEqual({ ok: true, path: tool });
    expect(findTool('tmux', dir, MAC_PATH).ok).toBe(false);
  });

  it('skips relative PATH entries (a PATH of "." must not run a planted binary)', () => {
    const tool = path.join(dir, 'tmux');
    writeFileSync(tool, '#!/bin/sh\n', { mode: 0o755 });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(resolveCommand('tmux', '.')).toBeNull();
    } finally {
      process.chdir(cwd);
    }
  });
});
