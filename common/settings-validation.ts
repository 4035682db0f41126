// Checking a settings document against the schema, with the validator compiled from it at build time
// (common/generated/, written by scripts/build-validators.mjs), and wording each problem as a key path and a
// reason. The engine adds the cross-field rules (main/engine/settings/semantics.ts); the settings form uses
// this as it is, while typing. Runs unchanged in Node and in the browser: no `new Function` anywhere.
import type { Problem } from './contract.js';
import { SETTINGS_KEYS, validateSettingsDocument } from './generated/settings-validator.js';
import { PATTERNS } from './settings-constants.js';
import type { Settings } from './settings-schema.js';

/** The part of one of ajv's errors the wording needs. */
export interface SchemaError {
  keyword: string;
  /** JSON Pointer to the value, e.g. `/gateway/checkIntervalSec`; '' for the document itself. */
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A validator compiled by ajv: true means `data` is T now (defaults filled in); false leaves `errors`. */
export interface CompiledValidator<T> {
  (data: unknown): data is T;
  errors?: SchemaError[] | null;
}

export const UNKNOWN_KEY = 'unknown key (check the spelling; see README "Settings")';

/** The unknown-key message, naming the known key it most likely meant when there is one. */
export function unknownKeyMessage(suggestion: string | null): string {
  return suggestion ? `unknown key: did you mean "${suggestion}"? (see README "Settings")` : UNKNOWN_KEY;
}

/** The keys of the settings by object, written at build time from the schema (scripts/build-validators.mjs). */
export interface SettingsKeyTree {
  keys?: string[];
  /** By key; `*` for every entry of a map (doctor.profiles) or a list (notify.channels). */
  children?: Record<string, SettingsKeyTree>;
}

/** The keys the schema defines for the object at a dotted key path ('' = the top level); [] for maps and lists. */
export function knownKeysAt(keyPath: string): string[] {
  let node: SettingsKeyTree | undefined = SETTINGS_KEYS;
  for (const seg of keyPath ? keyPath.split('.') : []) {
    const children: Record<string, SettingsKeyTree> = node?.children ?? {};
    node = Object.prototype.hasOwnProperty.call(children, seg) ? children[seg] : children['*'];
    if (!node) return [];
  }
  return node?.keys ?? [];
}

/** Edit distance (insert, delete, replace, swap two neighbours): "failureTreshold" is 1 from "failureThreshold". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known key a mistyped one most likely meant: the same letters in another case, else the nearest by edit
 * distance when it is close (at most one edit per three letters, so "x" never suggests "url").
 */
export function closestKey(key: string, known: readonly string[]): string | null {
  const lower = key.toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const n = distance(lower, k.toLowerCase());
    if (n < bestDistance) [best, bestDistance] = [k, n];
  }
  return best !== null && bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : null;
}

/** `/doctor/profiles/a~1b` → `doctor.profiles.a/b` */
function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function patternWords(pattern: string): string {
  const known = Object.values(PATTERNS).find((p) => p.pattern === pattern);
  return known ? known.words : `must match the regular expression ${pattern}`;
}

/** One error as the key path it concerns and what is wrong there. */
export function describeSchemaError(err: SchemaError): Problem {
  const base = pointerToPath(err.instancePath);
  const at = (key: unknown) => (base ? `${base}.${String(key)}` : String(key));
  const p = err.params;
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      return { path: at(key), message: unknownKeyMessage(closestKey(key, knownKeysAt(base))) };
    }
    case 'required':
      return { path: at(p.missingProperty), message: 'is required' };
    case 'type':
      return { path: base || '(root)', message: `must be ${String(p.type)}` };
    case 'enum': {
      const allowed = Array.isArray(p.allowedValues) ? p.allowedValues : [];
      return { path: base, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
    }
    case 'pattern':
      return { path: base, message: patternWords(String(p.pattern)) };
    case 'minLength':
    case 'minItems': {
      const what = err.keyword === 'minLength' ? 'characters' : 'items';
      const message = p.limit === 1 ? 'must not be empty' : `must have at least ${String(p.limit)} ${what}`;
      return { path: base, message };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: base, message: `must be ${String(p.comparison)} ${String(p.limit)}` };
    case 'format':
      return { path: base, message: `must be a valid ${String(p.format)}` };
    default:
      return { path: base || '(root)', message: err.message ?? err.keyword };
  }
}

/**
 * Every error worded, in the validator's order, one per key path: one mistake can break several rules (a
 * gateway.url of "not a url" fails both its pattern and its format), and a person should read it once.
 */
export function schemaProblems(errors: readonly SchemaError[] | null | undefined): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const err of errors ?? []) {
    const p = describeSchemaError(err);
    if (seen.has(p.path)) continue;
    seen.add(p.path);
    out.push(p);
  }
  return out;
}

export type ShapeCheck = { ok: true; settings: Settings } | { ok: false; problems: Problem[] };

/**
 * Checks a parsed settings document against the schema and fills in its defaults IN PLACE, so pass a copy.
 * When it fails, `doc` still has the defaults wherever its shape let them be filled in.
 */
export function checkSettingsShape(doc: unknown): ShapeCheck {
  if (validateSettingsDocument(doc)) return { ok: true, settings: doc };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, problems: [{ path: '(root)', message: 'must be a JSON object' }] };
  }
  return { ok: false, problems: schemaProblems(validateSettingsDocument.errors) };
}
