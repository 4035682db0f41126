// What the dashboard sends is redacted: text through the engine's redact() (with the secrets found in
// our own settings and in the gateway's config as literals), and settings field by field, so a token never reaches the
// browser.
// Saving from the browser puts the real values back where the placeholder came back unchanged.
import type { Problem, SettingsView } from '../../common/contract.js';
import { collectSecrets, isSecretKey, redact, redactDeep, REDACTED } from '../engine/redact.js';

const MASK = `${REDACTED}]`;

export class Redactor {
  private secrets: string[] = [];

  /** `extra`: more literal secrets, read at each use (the gateway config's, which change with it). */
  constructor(private readonly extra: () => string[] = () => []) {}

  /** The literal secrets in use now (our settings' and the gateway config's). */
  literals(): string[] {
    return this.all();
  }

  private all(): string[] {
    const more = this.extra();
    return more.length ? [...this.secrets, ...more] : this.secrets;
  }

  /** Literal values (from the settings) to scrub from every text we send. */
  learn(settings: unknown): void {
    this.secrets = collectSecrets(settings);
  }

  text(s: string): string {
    return redact(s, { secrets: this.all() });
  }

  deep<T>(value: T): T {
    return redactDeep(value, { secrets: this.all() });
  }

  /** A copy of the settings fit for the browser. */
  settingsView(view: SettingsView): SettingsView {
    this.learn(view.settings);
    return {
      ...view,
      settings: maskSettings(view.settings, [], (s) => this.text(s)),
      problems: this.deep(view.problems),
    };
  }
}

/** Key paths whose every non-empty value is secret whatever it looks like (env maps and HTTP headers). */
function secretByPlace(path: string[]): boolean {
  const parent = path[path.length - 2];
  return parent === 'env' || parent === 'headers';
}

function maskString(path: string[], value: string, text: (s: string) => string): string {
  if (value === '') return value;
  const key = path[path.length - 1] ?? '';
  if (secretByPlace(path) || isSecretKey(key)) return MASK;
  const redacted = text(value);
  if (redacted === value) return value;
  // A URL with a secret in it (webhooks): keep scheme and host, so the form still sees a valid URL
  // and the user still sees which service it is.
  if (/^https?:\/\//i.test(value)) {
    try {
      return `${new URL(value).origin}/${MASK}`;
    } catch {
      // Not parseable after all: fall back to the text redaction.
    }
  }
  return redacted;
}

/** Deterministic: the same settings always mask to the same value (restore relies on that). */
export function maskSettings(value: unknown, path: string[], text: (s: string) => string): unknown {
  if (typeof value === 'string') return maskString(path, value, text);
  if (Array.isArray(value)) return value.map((v, i) => maskSettings(v, [...path, String(i)], text));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskSettings(v, [...path, k], text);
    return out;
  }
  return value;
}

/** The current element an incoming array element stands for: same `name` (channels) or else same index. */
function counterpart(current: unknown, item: unknown, index: number): unknown {
  if (!Array.isArray(current)) return undefined;
  const name = item && typeof item === 'object' ? (item as { name?: unknown }).name : undefined;
  if (typeof name === 'string' && name !== '') {
    const byName = (current as unknown[]).find(
      (c) => c && typeof c === 'object' && (c as { name?: unknown }).name === name,
    );
    if (byName !== undefined) return byName;
  }
  return current[index];
}

/**
 * Puts real values back where the browser returned a masked string unchanged. A masked string that was
 * edited (or has no original to come from) cannot be restored and is reported as a problem for that field.
 */
export function restoreMasked(
  incoming: unknown,
  current: unknown,
  text: (s: string) => string,
): { value: unknown; problems: Problem[] } {
  const problems: Problem[] = [];
  const walk = (v: unknown, cur: unknown, path: string[]): unknown => {
    if (typeof v === 'string') {
      if (!v.includes(REDACTED)) return v;
      if (typeof cur === 'string' && maskString(path, cur, text) === v) return cur;
      problems.push({
        path: path.join('.') || '(root)',
        message: 'still contains a hidden value placeholder ([REDACTED…]); type the real value again',
      });
      return v;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, counterpart(cur, x, i), [...path, String(i)]));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      const curObj = cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>) : {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = walk(x, curObj[k], [...path, k]);
      return out;
    }
    return v;
  };
  return { value: walk(incoming, current, []), problems };
}
