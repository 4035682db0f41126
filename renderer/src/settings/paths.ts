// Reading and editing a settings document by dotted key path (`doctor.profiles.claude.args`), keeping
// the file minimal: unset keys fall back to schema defaults, containers are created only when needed.
import { settingsSchema } from '../../../common/settings-schema.js';

export type Doc = Record<string, unknown>;

/** What the form reads from a schema node: hints (range, default), never rules (the validator has those). */
export interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

const SCHEMA: SchemaNode = settingsSchema;

/** The schema node for a dotted path (array indexes and map keys walk into items / additionalProperties). */
export function schemaAt(path: string, schema: SchemaNode = SCHEMA): SchemaNode | null {
  let node: SchemaNode | undefined = schema;
  for (const seg of path.split('.').filter(Boolean)) {
    if (!node) return null;
    if (node.properties?.[seg]) node = node.properties[seg];
    else if (node.items && /^\d+$/.test(seg)) node = node.items;
    else if (typeof node.additionalProperties === 'object') node = node.additionalProperties;
    else return null;
  }
  return node ?? null;
}

function segs(path: string): string[] {
  return path.split('.').filter(Boolean);
}

export function getAt(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const s of segs(path)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

/**
 * Sets a value, creating missing containers. A container created where the schema has a non-empty
 * default (e.g. doctor.profiles) starts as that default, so editing one field of a default profile
 * keeps the profile's other (required) fields.
 */
export function setAt(doc: Doc, path: string, value: unknown, schema: SchemaNode = SCHEMA): void {
  const parts = segs(path);
  let cur: Record<string, unknown> = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i]!;
    let next = cur[key];
    if (next === null || typeof next !== 'object') {
      const nodePath = parts.slice(0, i + 1).join('.');
      const node = schemaAt(nodePath, schema);
      const dflt = node?.default;
      const nonEmpty =
        dflt !== undefined &&
        ((Array.isArray(dflt) && dflt.length > 0) ||
          (!Array.isArray(dflt) && typeof dflt === 'object' && dflt !== null && Object.keys(dflt).length > 0));
      next = nonEmpty ? structuredClone(dflt) : /^\d+$/.test(parts[i + 1]!) ? [] : {};
      cur[key] = next;
    }
    cur = next as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

/** Removes a key so its default applies again. Leaves empty parents in place (they are harmless). */
export function unsetAt(doc: Doc, path: string): void {
  const parts = segs(path);
  const parent = getAt(doc, parts.slice(0, -1).join('.'));
  if (parent && typeof parent === 'object' && !Array.isArray(parent))
    delete (parent as Record<string, unknown>)[parts[parts.length - 1]!];
}

/**
 * Which field shows a problem: the field whose path equals the problem's, else the longest field path
 * that is a prefix of it (`gateway.logPaths.2` shows at `gateway.logPaths`). Unplaced problems go to a
 * summary at the top of the form.
 */
export function placeProblems(
  fieldPaths: readonly string[],
  problems: readonly { path: string; message: string }[],
): { byField: Map<string, string[]>; unplaced: { path: string; message: string }[] } {
  const byField = new Map<string, string[]>();
  const unplaced: { path: string; message: string }[] = [];
  const sorted = [...fieldPaths].sort((a, b) => b.length - a.length);
  for (const p of problems) {
    const target = sorted.find((f) => p.path === f || p.path.startsWith(f + '.'));
    if (!target) {
      unplaced.push(p);
      continue;
    }
    const list = byField.get(target) ?? [];
    const detail = p.path === target ? p.message : `${p.path.slice(target.length + 1)}: ${p.message}`;
    if (!list.includes(detail)) list.push(detail);
    byField.set(target, list);
  }
  return { byField, unplaced };
}
