// An isolated HOME for the REAL Claude Code CLI, pointed at the scripted Messages API.
// Onboarding and the custom-API-key question are pre-answered; the workspace is NOT pre-trusted,
// so whoever drives the CLI must answer the trust prompt, as with a real user's fresh folder.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAlive, makeTempDir, pidsWithEnv } from './procs.js';
import { toolchainPath, type Toolchain } from './toolchain.js';

export interface ClaudeHomeOptions {
  toolchain: Toolchain;
  /** Base URL of the fake API, e.g. startFakeAnthropic(...).url */
  apiUrl: string;
  /** Default true: the key's last 20 chars are recorded as approved (no "Detected a custom API key" dialog). */
  approveApiKey?: boolean;
  /** messageIdleNotifThresholdMs (default 60000 in the CLI); lower it to see idle_prompt quickly. */
  idleNotifMs?: number;
  /** Folders to pre-trust (default none). */
  trustedDirs?: string[];
  /** Extra env for the CLI (e.g. the PATH of an isolated gateway's tools). */
  env?: NodeJS.ProcessEnv;
}

export interface ClaudeLaunch {
  /** Executable and arguments (argv[0] is the claude binary). */
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** A 0700 shell script that sets env, cds to cwd and execs claude with argv: hand it to tmux. */
  launcher: string;
}

export interface ClaudeHome {
  /** The private temp dir; HOME is `${dir}/home`. */
  dir: string;
  home: string;
  apiKey: string;
  claudeJsonPath: string;
  env: NodeJS.ProcessEnv;
  /** Env + argv to run `claude ...args` in cwd. */
  launch(cwd: string, args: string[]): ClaudeLaunch;
  /** A fresh, empty workspace folder inside the temp dir (not trusted). */
  makeWorkspace(name?: string): string;
  /** The ~/.claude.json as the CLI left it (it records trust and other state there). */
  readClaudeJson(): Record<string, unknown>;
  dispose(): void;
}

/** The env that keeps the CLI offline-quiet and off the vendor's hosts. */
export const CLAUDE_QUIET_ENV = Object.freeze({
  DISABLE_TELEMETRY: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_ERROR_REPORTING: '1',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
});

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function prepareClaudeHome(opts: ClaudeHomeOptions): ClaudeHome {
  const tmp = makeTempDir('claude');
  const home = path.join(tmp.dir, 'home');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  // Shaped like a real key so the CLI's own checks treat it as one; it is useless anywhere else.
  const apiKey = `sk-ant-api03-clawmedic-e2e-${randomBytes(24).toString('hex')}`;
  const claudeJsonPath = path.join(home, '.claude.json');
  const claudeJson: Record<string, unknown> = { hasCompletedOnboarding: true };
  if (opts.approveApiKey !== false) claudeJson.customApiKeyResponses = { approved: [apiKey.slice(-20)], rejected: [] };
  if (opts.idleNotifMs !== undefined) claudeJson.messageIdleNotifThresholdMs = opts.idleNotifMs;
  if (opts.trustedDirs?.length) {
    claudeJson.projects = Object.fromEntries(opts.trustedDirs.map((d) => [d, { hasTrustDialogAccepted: true }]));
  }
  writeFileSync(claudeJsonPath, `${JSON.stringify(claudeJson, null, 2)}\n`, { mode: 0o600 });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    PATH: toolchainPath(opts.toolchain, opts.env?.PATH ?? process.env.PATH ?? ''),
    HOME: home,
    ANTHROPIC_BASE_URL: opts.apiUrl,
    ANTHROPIC_API_KEY: apiKey,
    ...CLAUDE_QUIET_ENV,
    TERM: 'xterm-256color',
  };
  // A token or a real key from the developer's shell must never reach the CLI under test.
  for (const k of [
    'ANTHROPIC_AUTH_TOKEN',
    'CLAUDE_CODE_OAUTH_TOKEN',
    'CLAUDECODE',
    'CLAUDE_CODE_ENTRYPOINT',
    'TMUX',
    'TMUX_PANE',
  ])
    delete env[k];
  for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k.startsWith('npm_')) delete env[k];

  let launchers = 0;
  const claudeHome: ClaudeHome = {
    dir: tmp.dir,
    home,
    apiKey,
    claudeJsonPath,
    env,
    launch(cwd, args) {
      const argv = [opts.toolchain.claude, ...args];
      const launcher = path.join(tmp.dir, `launch-${++launchers}.sh`);
      const exports = Object.entries(env)
        .filter(([k, v]) => v !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        .map(([k, v]) => `export ${k}=${shQuote(v!)}`)
        .join('\n');
      // exec: the pane's process is claude itself, so its exit status is the pane's.
      writeFileSync(
        launcher,
        `#!/bin/sh\n${exports}\ncd ${shQuote(cwd)} || exit 97\nexec ${argv.map(shQuote).join(' ')}\n`,
        { mode: 0o700 },
      );
      chmodSync(launcher, 0o700);
      return { argv, env, cwd, launcher };
    },
    makeWorkspace(name = 'workspace') {
      const dir = path.join(tmp.dir, name);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return dir;
    },
    readClaudeJson() {
      return existsSync(claudeJsonPath)
        ? (JSON.parse(readFileSync(claudeJsonPath, 'utf8')) as Record<string, unknown>)
        : {};
    },
    dispose() {
      // A CLI still running (a driver that did not wait for it) would write ~/.claude.json on exit
      // and re-create the removed HOME; kill whatever still runs with this HOME first.
      const pids = pidsWithEnv('HOME', home);
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
      // SIGKILL lands within milliseconds; 2 s only bounds a process stuck in the kernel.
      const deadline = Date.now() + 2_000;
      const pause = new Int32Array(new SharedArrayBuffer(4));
      while (pids.some(isAlive) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 20);
      tmp.remove();
    },
  };
  return claudeHome;
}
