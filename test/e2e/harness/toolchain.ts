// Finds (or installs) the pinned Node 24 + OpenClaw + Claude Code + Codex toolchain that
// scripts/e2e-toolchain.mjs keeps in a cache outside the repo.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Toolchain {
  cacheDir: string;
  /** Directories to put first on PATH: Node 24's bin, openclaw's, claude's and codex's .bin. */
  pathPrepend: string[];
  node: string;
  openclaw: string;
  claude: string;
  /** The Codex CLI's Node launcher (it execs the native binary of its platform package). */
  codex: string;
  versions: { node: string; openclaw: string; claude: string; codex: string };
}

/** The folder with package.json above this file: the same from test/e2e/harness and, compiled for the bench, dist/. */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export const REPO_ROOT = repoRoot();
export const TOOLCHAIN_SCRIPT = path.join(REPO_ROOT, 'scripts/e2e-toolchain.mjs');
export const FIX_COMMAND = 'node scripts/e2e-toolchain.mjs';

/** Set to "1" to skip the e2e suite on purpose (the only accepted reason to skip). */
export const SKIP_ENV = 'CLAWMEDIC_SKIP_E2E';

// A cold install measured 45 s here (registry reachable, 2 cores); 10 min covers a slow mirror.
const INSTALL_TIMEOUT_MS = 10 * 60 * 1000;

function callScript(args: string[], timeoutMs: number) {
  return spawnSync(process.execPath, [TOOLCHAIN_SCRIPT, ...args], { encoding: 'utf8', timeout: timeoutMs });
}

function parse(stdout: string): Toolchain {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Toolchain;
}

/** The installed toolchain, or null when it is missing or outdated (does not install). */
export function locateToolchain(): Toolchain | null {
  const res = callScript(['--check', '--print-env'], 30_000);
  if (res.status !== 0) return null;
  return parse(res.stdout);
}

/** Installs if needed (idempotent; instant once installed). Throws with the fix command on failure. */
export function ensureToolchain(): Toolchain {
  const res = callScript(['--print-env'], INSTALL_TIMEOUT_MS);
  if (res.status !== 0) {
    const why = res.error ? res.error.message : `${res.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(
      `the e2e toolchain could not be installed:\n${why}\nFix: run \`${FIX_COMMAND}\` and read its message.`,
    );
  }
  return parse(res.stdout);
}

/** Reason to skip, only when the user asked for it explicitly. */
export function e2eSkipReason(env: NodeJS.ProcessEnv = process.env): string | null {
  return env[SKIP_ENV] === '1'
    ? `${SKIP_ENV}=1 is set: end-to-end tests with the real OpenClaw gateway and Claude Code are skipped`
    : null;
}

/** PATH for a child that must find the pinned node/openclaw/claude before anything else. */
export function toolchainPath(tc: Toolchain, basePath = process.env.PATH ?? ''): string {
  return [...tc.pathPrepend, basePath].join(path.delimiter);
}
