// Checking a settings document against the schema, with the validator compiled from it at build time
// (common/generated/, written by scripts/build-validators.mjs), and wording each problem as a key path and a
// reason. The engine adds the cross-field rules (main/engine/settings/semantics.ts); the settings form uses
// this as it is, while typing. Runs unchanged in Node and in the browser: no `new Function` anywhere.
import type { Problem } from './contract.js';
import { validateSettingsDocument } from './generated/settings-validator.js';
import { PATTERNS, type Settings } from './settings-schema.js';

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
    case 'additionalProperties':
      return { path: at(p.additionalProperty), message: UNKNOWN_KEY };
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

/** Every error worded, each (key path, reason) once, in the validator's order. */
export function schemaProblems(errors: readonly SchemaError[] | null | undefined): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const err of errors ?? []) {
    const p = describeSchemaError(err);
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
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
