// The few OpenClaw CLI calls the known fixes rely on, each with its output parsed: `config validate
// --json`, `--version`, `doctor --fix`. The environment points the CLI at the same config file the
// gateway uses (OPENCLAW_CONFIG_PATH when the settings name a non-default one).
import os from 'node:os';
import path from 'node:path';
import type { ConfigIssue } from '../../../common/knownfix.js';
import { runCapture, type RunResult } from '../doctor/context.js';
import { expandHome } from '../fsutil.js';
import { locateKeyLine } from './json5-locate.js';

/** `openclaw config validate` loads the whole CLI on Node 24: 3 s idle, 7-19 s measured under load. */
export const VALIDATE_TIMEOUT_MS = 60_000;
/** `openclaw --version` answers in ~0.2 s without loading the CLI; 20 s covers a cold, loaded disk. */
const VERSION_TIMEOUT_MS = 20_000;

export interface ValidateResult {
  valid: boolean | null;
  issues: ConfigIssue[];
  /** Set when validation could not be run at all (valid is then null). */
  error: string | null;
}

/** The environment for CLI calls about this config file. */
export function cliEnv(env: NodeJS.ProcessEnv, configPath: string): NodeJS.ProcessEnv {
  const out = { ...env };
  const home = env.HOME || os.homedir();
  if (
    !out.OPENCLAW_CONFIG_PATH &&
    configPath &&
    path.resolve(expandHome('~/.openclaw/openclaw.json', home)) !== path.resolve(configPath)
  ) {
    out.OPENCLAW_CONFIG_PATH = configPath;
  }
  return out;
}

/** A parse error's position: "… at 3:11" (JSON5) → line 3. */
function parseErrorLine(message: string): number | null {
  const m = /\bat (\d+):(\d+)/.exec(message);
  return m ? Number(m[1]) : null;
}

/**
 * Reads `config validate --json` output. The real CLI prints `{valid, path, issues: [{path, message}]}`
 * (plus `error` when invalid, and only `{valid:false, error:{message:"file not found"}}` for a missing file).
 */
export function parseValidateOutput(r: RunResult, configText: string | null): ValidateResult {
  if (r.error) return { valid: null, issues: [], error: r.error };
  const text = r.stdout.trim();
  const start = text.indexOf('{');
  let j: Record<string, unknown> | null = null;
  if (start >= 0) {
    try {
      j = JSON.parse(text.slice(start)) as Record<string, unknown>;
    } catch {
      // Not JSON (an older CLI without --json): fall back on the exit code below.
    }
  }
  if (!j || typeof j.valid !== 'boolean') {
    if (r.code === 0) return { valid: true, issues: [], error: null };
    const first =
      `${r.stdout}\n${r.stderr}`
        .split('\n')
        .map((l) => l.trim())
        .find(Boolean) ?? `exit ${r.code}`;
    return {
      valid: false,
      issues: [{ path: '<root>', message: first.slice(0, 300), line: parseErrorLine(first) }],
      error: null,
    };
  }
  if (j.valid) return { valid: true, issues: [], error: null };
  const issues: ConfigIssue[] = [];
  const raw = Array.isArray(j.issues) ? j.issues : [];
  for (const it of raw) {
    if (it && typeof it === 'object') {
      const o = it as { path?: unknown; message?: unknown };
      const p = typeof o.path === 'string' && o.path ? o.path : '<root>';
      const message = typeof o.message === 'string' ? o.message : JSON.stringify(it);
      issues.push({ path: p, message, line: null });
    } else if (typeof it === 'string') {
      // The test stand-in reports "gateway.port: expected number" strings.
      const m = /^([\w.[\]<>-]+):\s*(.*)$/.exec(it);
      issues.push(m ? { path: m[1]!, message: m[2]!, line: null } : { path: '<root>', message: it, line: null });
    }
  }
  if (issues.length === 0) {
    const e = j.error;
    const message =
      typeof e === 'string'
        ? e
        : e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string'
          ? (e as { message: string }).message
          : 'invalid';
    issues.push({ path: '<root>', message, line: null });
  }
  for (const i of issues)
    i.line =
      i.path === '<root>' ? parseErrorLine(i.message) : configText === null ? null : locateKeyLine(configText, i.path);
  return { valid: false, issues, error: null };
}

export async function validateConfig(
  openclaw: string,
  configPath: string,
  env: NodeJS.ProcessEnv,
  configText: string | null,
): Promise<ValidateResult> {
  const r = await runCapture(openclaw, ['config', 'validate', '--json'], {
    timeoutMs: VALIDATE_TIMEOUT_MS,
    env: cliEnv(env, configPath),
  });
  return parseValidateOutput(r, configText);
}

/** "OpenClaw 2026.9.6 (eb377ac)" → "2026.9.6"; any other output → its first word that looks like a version. */
export function parseVersion(output: string): string | null {
  const m = /\b(\d+\.\d+\.\d+(?:[-+][\w.-]+)?)\b/.exec(output);
  return m ? m[1]! : null;
}

export async function openclawVersion(openclaw: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await runCapture(openclaw, ['--version'], { timeoutMs: VERSION_TIMEOUT_MS, env });
  if (r.error || r.code !== 0) return null;
  return parseVersion(r.stdout);
}

/**
 * One issue for people: "gateway.port: expected number, received string (line 4)". The real CLI's parse error,
 * "JSON5 parse failed: SyntaxError: JSON5: invalid character 'o' at 3:11", becomes "syntax error: JSON5: …".
 */
export function describeIssue(i: ConfigIssue): string {
  const msg = i.message
    .replace(/^Invalid input:\s*/, '')
    .replace(/^JSON5 parse failed:\s*(?:SyntaxError:\s*)?/, 'syntax error: ');
  const where = i.path === '<root>' ? '' : `${i.path}: `;
  return `${where}${msg}${i.line !== null && !/\bat \d+:\d+/.test(msg) ? ` (line ${i.line})` : ''}`;
}
