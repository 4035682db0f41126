// An isolated CODEX_HOME for the REAL Codex CLI, pointed at the scripted Responses API
// (test/fixtures/fake-openai.ts). Its config.toml declares that API as the model provider, with no
// retries (a 429 ends the turn at once, as Claude Code's `x-should-retry: false` does) and no update
// check or analytics. Nothing else is pre-answered: the folder-trust prompt appears in a git workspace.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAlive, makeTempDir, pidsWithEnv } from './procs.js';
import { toolchainPath, type Toolchain } from './toolchain.js';

export interface CodexHomeOptions {
  toolchain: Toolchain;
  /** Base URL of the scripted API, ending in /v1 (startFakeOpenAI(...).url). */
  apiUrl: string;
  /**
   * The environment to extend, e.g. a Claude home's env for a fallback run: only CODEX_HOME, the key
   * variable and PATH are set, so HOME (and what another CLI keeps there) stays as it was.
   */
  env?: NodeJS.ProcessEnv;
}

export interface CodexHome {
  /** The private temp dir; CODEX_HOME is `${dir}/codex-home`. */
  dir: string;
  codexHome: string;
  configPath: string;
  /** The variable the model provider reads its key from (env_key). */
  keyEnv: string;
  env: NodeJS.ProcessEnv;
  /** The config.toml as the CLI left it (it records trusted projects and TUI notices there). */
  readConfig(): string;
  dispose(): void;
}

export const CODEX_KEY_ENV = 'CLAWMEDIC_FAKE_OPENAI_KEY';
/** The provider id in config.toml; also what the Codex status line shows next to the model. */
export const CODEX_PROVIDER = 'clawmedic-scripted';
export const CODEX_MODEL = 'gpt-clawmedic-scripted';

function toml(s: string): string {
  return JSON.stringify(s);
}

export function codexConfigToml(apiUrl: string): string {
  return [
    '# Written by the ClawMedic e2e harness: the scripted Responses API on 127.0.0.1 is the only model.',
    `model = ${toml(CODEX_MODEL)}`,
    `model_provider = ${toml(CODEX_PROVIDER)}`,
    'check_for_update_on_startup = false',
    '',
    `[model_providers.${CODEX_PROVIDER}]`,
    'name = "ClawMedic scripted model"',
    `base_url = ${toml(apiUrl)}`,
    'wire_api = "responses"',
    `env_key = ${toml(CODEX_KEY_ENV)}`,
    // No retries: a 429 ends the turn with "exceeded retry limit, last status: 429 Too Many Requests"
    // straight away instead of after Codex's backoff (seconds per retry).
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
    '[analytics]',
    'enabled = false',
    '',
  ].join('\n');
}

export function prepareCodexHome(opts: CodexHomeOptions): CodexHome {
  const tmp = makeTempDir('codex');
  const codexHome = path.join(tmp.dir, 'codex-home');
  mkdirSync(codexHome, { recursive: true, mode: 0o700 });
  const configPath = path.join(codexHome, 'config.toml');
  writeFileSync(configPath, codexConfigToml(opts.apiUrl), { mode: 0o600 });
  const base = opts.env ?? process.env;
  const env: NodeJS.ProcessEnv = {
    ...base,
    PATH: toolchainPath(opts.toolchain, base.PATH ?? process.env.PATH ?? ''),
    CODEX_HOME: codexHome,
    // Useless anywhere else; the scripted API does not check it.
    [CODEX_KEY_ENV]: `sk-clawmedic-e2e-${randomBytes(16).toString('hex')}`,
  };
  // A real key or another provider from the developer's shell must never reach the CLI under test.
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CODEX_API_KEY', 'TMUX', 'TMUX_PANE']) delete env[k];
  for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k.startsWith('npm_')) delete env[k];
  return {
    dir: tmp.dir,
    codexHome,
    configPath,
    keyEnv: CODEX_KEY_ENV,
    env,
    readConfig: () => (existsSync(configPath) ? readFileSync(configPath, 'utf8') : ''),
    dispose() {
      // Whatever still runs with this CODEX_HOME (a CLI a driver did not wait for) would write into it.
      const pids = pidsWithEnv('CODEX_HOME', codexHome);
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
}
