// Loading, validating and saving the settings file shared by the app and the CLI.
// A missing file means defaults; a broken file is reported key by key and never overwritten.
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandHome, ensurePrivateDir, writeFileAtomic } from '../fsutil.js';
import { settingsSchema, type Settings } from '../../../common/settings-schema.js';
import { semanticProblems } from './semantics.js';

export * from '../../../common/settings-schema.js';

export interface SettingsProblem {
  /** Dotted key path, e.g. `gateway.checkIntervalSec`; `(file)` for problems with the file as a whole. */
  path: string;
  message: string;
}

export class SettingsError extends Error {
  constructor(
    readonly file: string,
    readonly problems: SettingsProblem[],
  ) {
    super(
      `Settings file ${file} is invalid:\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n') +
        `\nFix the file (or run \`clawmedic config validate\` to re-check it); ClawMedic keeps using the last valid settings until then.`,
    );
    this.name = 'SettingsError';
  }
}

export const DEFAULT_SETTINGS_FILE = '~/.clawmedic/settings.json';

/** Where the settings live: `--config`, then `CLAWMEDIC_CONFIG`, then the default. */
export function settingsFilePath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit || env.CLAWMEDIC_CONFIG || DEFAULT_SETTINGS_FILE;
  return path.resolve(expandHome(chosen));
}

const ajv = new Ajv.default({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });
addFormats.default(ajv);
const validateShape = ajv.compile(settingsSchema);

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function describe(err: ErrorObject): SettingsProblem {
  const base = pointerToPath(err.instancePath);
  const join = (key: string) => (base ? `${base}.${key}` : key);
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = (err.params as { additionalProperty: string }).additionalProperty;
      return { path: join(key), message: 'unknown key (check the spelling; see README "Settings")' };
    }
    case 'required': {
      const key = (err.params as { missingProperty: string }).missingProperty;
      return { path: join(key), message: 'is required' };
    }
    case 'type':
      return { path: base || '(root)', message: `must be ${(err.params as { type: string }).type}` };
    case 'enum':
      return {
        path: base,
        message: `must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'pattern':
      if (err.instancePath.endsWith('/url')) return { path: base, message: 'must start with http:// or https://' };
      return { path: base, message: 'must not be empty' };
    case 'minLength':
    case 'minItems':
      return { path: base, message: 'must not be empty' };
    case 'minimum':
    case 'maximum': {
      const p = err.params as { comparison: string; limit: number };
      return { path: base, message: `must be ${p.comparison} ${p.limit}` };
    }
    case 'format':
      return { path: base, message: `must be a valid ${(err.params as { format: string }).format}` };
    default:
      return { path: base || '(root)', message: err.message ?? err.keyword };
  }
}

export interface ValidationResult {
  ok: boolean;
  /** The input with every default filled in (only meaningful when ok). */
  settings: Settings;
  problems: SettingsProblem[];
}

/** Validates a parsed settings object. Never mutates the input. */
export function validateSettings(input: unknown): ValidationResult {
  // Checked before anything recurses into it: a 5000-deep document would overflow the validator's stack.
  const depth = nestingDepth(input, MAX_SETTINGS_DEPTH);
  if (depth > MAX_SETTINGS_DEPTH) {
    return {
      ok: false,
      settings: defaultSettings(),
      problems: [{ path: '(root)', message: `is nested more than ${MAX_SETTINGS_DEPTH} levels deep; real settings need 5` }],
    };
  }
  const copy: unknown = input === undefined ? {} : structuredClone(input);
  const problems: SettingsProblem[] = [];
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) {
    return { ok: false, settings: defaultSettings(), problems: [{ path: '(root)', message: 'must be a JSON object' }] };
  }
  if (!validateShape(copy)) {
    const seen = new Set<string>();
    for (const err of validateShape.errors ?? []) {
      const p = describe(err);
      const key = `${p.path}\u0000${p.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(p);
      }
    }
  }
  // Cross-field checks run even when the shape is wrong, so one run lists every problem.
  for (const p of semanticProblems(copy as unknown as Settings)) {
    if (!problems.some((q) => q.path === p.path)) problems.push(p);
  }
  return { ok: problems.length === 0, settings: copy as unknown as Settings, problems };
}

export function defaultSettings(): Settings {
  const r = validateSettings({});
  if (!r.ok) throw new Error(`internal: default settings are invalid: ${JSON.stringify(r.problems)}`);
  return r.settings;
}

export interface LoadResult {
  file: string;
  exists: boolean;
  settings: Settings;
}

/** Settings nest 5 levels (doctor.profiles.<name>.env.<key>); 32 leaves room and stops a hostile document. */
export const MAX_SETTINGS_DEPTH = 32;
/** 1 MiB: a settings file with a long prompt template is a few KiB; a 50 MB file took ~325 MB to validate. */
export const MAX_SETTINGS_BYTES = 1024 * 1024;

/** Depth of nested objects/arrays, counted without recursion and given up on past `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    max = Math.max(max, d);
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** Reads and validates; throws SettingsError (with every problem) when the file is unusable. */
export async function loadSettings(file: string): Promise<LoadResult> {
  let text: string;
  try {
    const size = (await fsp.stat(file)).size;
    if (size > MAX_SETTINGS_BYTES) {
      throw new SettingsError(file, [
        { path: '(file)', message: `is ${Math.round(size / 1024)} KiB; settings files are at most ${MAX_SETTINGS_BYTES / 1024} KiB` },
      ]);
    }
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof SettingsError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file, exists: false, settings: defaultSettings() };
    throw new SettingsError(file, [{ path: '(file)', message: `cannot be read: ${(err as Error).message}` }]);
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw new SettingsError(file, [{ path: '(file)', message: `is not valid JSON: ${(err as Error).message}` }]);
  }
  const r = validateSettings(parsed);
  if (!r.ok) throw new SettingsError(file, r.problems);
  return { file, exists: true, settings: r.settings };
}

/**
 * Validates and writes atomically (0600). If the file on disk is itself broken, it is moved aside
 * (`<file>.broken-<time>`) first, so a user's half-edited file is never silently lost.
 */
export async function saveSettings(file: string, next: unknown, now: Date = new Date()): Promise<Settings> {
  const r = validateSettings(next);
  if (!r.ok) throw new SettingsError(file, r.problems);
  await ensurePrivateDir(path.dirname(file));
  try {
    await loadSettings(file);
  } catch (err) {
    if (err instanceof SettingsError) {
      const aside = `${file}.broken-${now.toISOString().replace(/[:.]/g, '-')}`;
      await fsp.rename(file, aside);
    } else throw err;
  }
  await writeFileAtomic(file, JSON.stringify(next, null, 2) + '\n');
  return r.settings;
}

/** A copy with `~` expanded in every path-valued key; the engine works on this, files keep `~`. */
export function resolvePaths(s: Settings, home: string = os.homedir()): Settings {
  const x = structuredClone(s);
  x.dataDir = path.resolve(expandHome(x.dataDir, home));
  x.gateway.configPath = x.gateway.configPath && path.resolve(expandHome(x.gateway.configPath, home));
  x.gateway.logPaths = x.gateway.logPaths.map((p) => expandHome(p, home));
  x.doctor.workDir = x.doctor.workDir ? path.resolve(expandHome(x.doctor.workDir, home)) : path.join(x.dataDir, 'doctor');
  x.tools.tmux = x.tools.tmux && expandHome(x.tools.tmux, home);
  x.tools.openclaw = x.tools.openclaw && expandHome(x.tools.openclaw, home);
  return x;
}

/** The restart ladder's steps: `restart.steps` when given, else the one-step shorthand `restart.command`. */
export function restartSteps(s: Settings): { command: string; timeoutSec: number }[] {
  if (s.restart.steps.length > 0) return s.restart.steps;
  // 120 s: `openclaw gateway restart` took 16-20 s here; six times that before we call it stuck.
  return s.restart.command.trim() ? [{ command: s.restart.command, timeoutSec: 120 }] : [];
}
