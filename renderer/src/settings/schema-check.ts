// Client-side checks against the engine's own settings schema (common/settings-schema.ts, the
// single source), so the form can show errors while typing. It interprets the handful of JSON Schema
// keywords that schema uses and words problems like the engine does (key path + reason), without ajv:
// ajv compiles validators with `new Function`, which the renderer's CSP forbids. The engine still
// validates everything on save (including the cross-field rules this file does not know).
import { settingsSchema } from '../../../common/settings-schema.js';
import { templateProblems } from '../../../common/template.js';
import type { Problem } from '../../../common/contract.js';

export interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: readonly string[];
  items?: SchemaNode;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
}

export const SCHEMA = settingsSchema as unknown as SchemaNode;

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    default:
      return true;
  }
}

/** Close to ajv-formats' "uri": a scheme, then no whitespace, and parseable. */
function isUri(s: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    // Not parseable means not a URI; the caller reports it.
    return false;
  }
}

/** Fills schema defaults into a copy, the way the engine's validator does before it checks. */
export function withDefaults<T>(value: T, schema: SchemaNode = SCHEMA): T {
  const copy = structuredClone(value);
  applyDefaults(copy, schema);
  return copy;
}

function applyDefaults(v: unknown, schema: SchemaNode): void {
  if (Array.isArray(v)) {
    if (schema.items) for (const item of v) applyDefaults(item, schema.items);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  const obj = v as Record<string, unknown>;
  for (const [k, sub] of Object.entries(schema.properties ?? {})) {
    if (obj[k] === undefined && sub.default !== undefined) obj[k] = structuredClone(sub.default);
    if (obj[k] !== undefined) applyDefaults(obj[k], sub);
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    for (const [k, item] of Object.entries(obj)) {
      if (!(schema.properties && k in schema.properties)) applyDefaults(item, schema.additionalProperties);
    }
  }
}

function check(v: unknown, schema: SchemaNode, path: string[], out: Problem[]): void {
  const p = path.join('.');
  const where = p || '(root)';
  if (schema.type && !typeOk(schema.type, v)) {
    out.push({ path: where, message: `must be ${schema.type}` });
    return;
  }
  if (schema.enum && !schema.enum.includes(v)) {
    out.push({ path: p, message: `must be one of ${schema.enum.map((x) => JSON.stringify(x)).join(', ')}` });
  }
  if (typeof v === 'number') {
    if (schema.minimum !== undefined && v < schema.minimum) out.push({ path: p, message: `must be >= ${schema.minimum}` });
    if (schema.maximum !== undefined && v > schema.maximum) out.push({ path: p, message: `must be <= ${schema.maximum}` });
  }
  if (typeof v === 'string') {
    if (schema.minLength !== undefined && v.length < schema.minLength) out.push({ path: p, message: 'must not be empty' });
    if (schema.format === 'uri' && !isUri(v)) out.push({ path: p, message: 'must be a valid uri' });
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(v)) {
      out.push({ path: p, message: path[path.length - 1] === 'url' ? 'must start with http:// or https://' : 'must not be empty' });
    }
  }
  if (Array.isArray(v) && schema.items) v.forEach((item, i) => check(item, schema.items!, [...path, String(i)], out));
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (obj[key] === undefined) out.push({ path: [...path, key].join('.'), message: 'is required' });
    }
    for (const [k, item] of Object.entries(obj)) {
      const sub = schema.properties?.[k];
      if (sub) check(item, sub, [...path, k], out);
      else if (schema.additionalProperties === false) {
        out.push({ path: [...path, k].join('.'), message: 'unknown key (check the spelling; see README "Settings")' });
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        check(item, schema.additionalProperties, [...path, k], out);
      }
    }
  }
}

/**
 * Problems the form can know about without the engine: the schema's, and the prompt's placeholders.
 * A subset of what the engine reports (it also checks cross-references such as agents ↔ profiles).
 */
export function checkSettings(input: unknown): Problem[] {
  const value = withDefaults(input ?? {});
  const out: Problem[] = [];
  check(value, SCHEMA, [], out);
  // Like the engine: cross-field findings are added only where the schema found nothing at that path.
  const template = (value as { doctor?: { promptTemplate?: unknown } }).doctor?.promptTemplate;
  if (typeof template === 'string') {
    for (const message of templateProblems(template)) {
      if (!out.some((q) => q.path === 'doctor.promptTemplate')) out.push({ path: 'doctor.promptTemplate', message });
    }
  }
  const seen = new Set<string>();
  return out.filter((x) => {
    const key = `${x.path}\u0000${x.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The schema node for a dotted path (array indexes and map keys walk into items / additionalProperties). */
export function schemaAt(path: string, schema: SchemaNode = SCHEMA): SchemaNode | null {
  let node: SchemaNode | undefined = schema;
  for (const seg of path.split('.').filter(Boolean)) {
    if (!node) return null;
    if (node.properties?.[seg]) node = node.properties[seg];
    else if (node.items && /^\d+$/.test(seg)) node = node.items;
    else if (node.additionalProperties && typeof node.additionalProperties === 'object') node = node.additionalProperties;
    else return null;
  }
  return node ?? null;
}
