// Loading, validating and saving the settings file shared by the app and the CLI.
// A missing file means defaults; a broken file is reported key by key and never overwritten.
import { promises as fsp, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandHome, ensurePrivateDir, writeFileAtomic } from '../fsutil.js';
import type { Problem } from '../../../common/contract.js';
import type { Settings } from '../../../common/settings-schema.js';
import { checkSettingsShape } from '../../../common/settings-validation.js';
import { semanticProblems } from './semantics.js';
import { parseSettingsJsonc } from './text.js';

// Types only from the schema module (it loads TypeBox); the constants come from their own light module.
export type * from '../../../common/settings-schema.js';
export * from '../../../common/settings-constants.js';

/** `path`: the dotted key path, e.g. `gateway.checkIntervalSec`; `(file)` for the file as a whole. */
export type SettingsProblem = Problem;

export class SettingsError extends Error {
  constructor(
    readonly file: string,
    readonly problems: SettingsProblem[],
  ) {
    super(
      `Settings file ${file} is invalid:\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n') +
        '\nFix the file (or run `clawmedic config validate` to re-check it); ' +
        'ClawMedic keeps using the last valid settings until then.',
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

export interface ValidationResult {
  ok: boolean;
  /** When ok: the input with every default filled in. Otherwise the defaults (what the app runs on meanwhile). */
  settings: Settings;
  problems: SettingsProblem[];
}

/**
 * Validates a parsed settings object: the schema (the validator compiled at build time), then the cross-field
 * rules. Every problem is listed, with its key path. Never mutates the input.
 */
export function validateSettings(input: unknown): ValidationResult {
  // Checked before anything recurses into it: a 5000-deep document would overflow the validator's stack.
  const depth = nestingDepth(input, MAX_SETTINGS_DEPTH);
  if (depth > MAX_SETTINGS_DEPTH) {
    return {
      ok: false,
      settings: defaultSettings(),
      problems: [
        { path: '(root)', message: `is nested more than ${MAX_SETTINGS_DEPTH} levels deep; real settings need 5` },
      ],
    };
  }
  const copy: unknown = input === undefined ? {} : structuredClone(input);
  const shape = checkSettingsShape(copy);
  if (shape.ok) {
    const problems = semanticProblems(shape.settings);
    if (problems.length === 0) return { ok: true, settings: shape.settings, problems };
    return { ok: false, settings: defaultSettings(), problems };
  }
  // Cross-field checks run even when the shape is wrong, so one run lists every problem; a key the schema
  // already refused is not reported twice.
  const refused = new Set(shape.problems.map((p) => p.path));
  const problems = [...shape.problems, ...semanticProblems(copy).filter((p) => !refused.has(p.path))];
  return { ok: false, settings: defaultSettings(), problems };
}

/** Every default: the settings of an empty (or missing) file. */
export function defaultSettings(): Settings {
  const r = checkSettingsShape({});
  if (!r.ok) throw new Error(`internal: the schema's own defaults are invalid: ${JSON.stringify(r.problems)}`);
  return r.settings;
}

export interface LoadResult {
  file: string;
  exists: boolean;
  settings: Settings;
}

/**
 * The document in a settings file's text: JSON with comments and trailing commas (settings/text.ts); empty
 * text is `{}`. Throws SettingsError naming the line and column when it does not parse.
 */
export function parseSettingsText(file: string, text: string): unknown {
  const r = parseSettingsJsonc(text);
  if (r.ok) return r.value;
  const { line, column, message } = r.problem;
  const problem = { path: '(file)', message: `is not valid JSON at line ${line}, column ${column}: ${message}` };
  throw new SettingsError(file, [problem]);
}

/** The layout every writer uses (2 spaces, final newline), so the file does not churn between tools. */
export function formatSettings(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Reads and validates; throws SettingsError (with every problem) when the file is unusable. */
export async function loadSettings(file: string): Promise<LoadResult> {
  let text: string;
  try {
    const size = (await fsp.stat(file)).size;
    if (size > MAX_SETTINGS_BYTES) {
      throw new SettingsError(file, [
        {
          path: '(file)',
          message: `is ${Math.round(size / 1024)} KiB; settings files are at most ${MAX_SETTINGS_BYTES / 1024} KiB`,
        },
      ]);
    }
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof SettingsError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file, exists: false, settings: defaultSettings() };
    throw new SettingsError(file, [{ path: '(file)', message: `cannot be read: ${(err as Error).message}` }]);
  }
  const r = validateSettings(parseSettingsText(file, text));
  if (!r.ok) throw new SettingsError(file, r.problems);
  return { file, exists: true, settings: r.settings };
}

/** Renames a broken settings file to `<file>.broken-<time>`, so that saving never overwrites it. */
export function moveAside(file: string, now: Date): string {
  const aside = `${file}.broken-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, aside);
  return aside;
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
    if (err instanceof SettingsError) moveAside(file, now);
    else throw err;
  }
  await writeFileAtomic(file, formatSettings(next));
  return r.settings;
}

/**
 * Where the engine reads and writes its settings: the file itself (the CLI's `clawmedic watch`, the tests),
 * or, in the menu-bar app, electron-store over the same file (main/shell/settings-store.ts). Either way the
 * settings are validated here, a broken file is moved aside before anything is written over it, and problems
 * come as a SettingsError naming each key.
 */
export interface SettingsSource {
  /** The settings file (absolute). */
  readonly file: string;
  /** Reads and validates; throws SettingsError (with every problem) when the file is unusable. */
  load(): Promise<LoadResult>;
  /** Validates `next` and writes it as given (defaults stay out of the file); throws SettingsError if invalid. */
  save(next: unknown, now?: Date): Promise<Settings>;
}

/** The settings file read and written directly (the engine's own code, as `clawmedic` uses it). */
export function fileSettingsSource(file: string): SettingsSource {
  return { file, load: () => loadSettings(file), save: (next, now) => saveSettings(file, next, now) };
}

/** A copy with `~` expanded in every path-valued key; the engine works on this, files keep `~`. */
export function resolvePaths(s: Settings, home: string = os.homedir()): Settings {
  const x = structuredClone(s);
  x.dataDir = path.resolve(expandHome(x.dataDir, home));
  x.gateway.configPath = x.gateway.configPath && path.resolve(expandHome(x.gateway.configPath, home));
  x.gateway.logPaths = x.gateway.logPaths.map((p) => expandHome(p, home));
  x.doctor.workDir = x.doctor.workDir
    ? path.resolve(expandHome(x.doctor.workDir, home))
    : path.join(x.dataDir, 'doctor');
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
