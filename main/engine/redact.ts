// Secret scrubbing for everything that leaves the engine as text: notifications, incident records,
// doctor context files, the dashboard. Pure and synchronous; every pattern is compiled once at load.
// A redaction marker never contains any character of the secret it replaced (not even a prefix):
// a hint like "sk-a…" narrows a brute force and proves nothing to the reader.

export interface RedactOptions {
  /** Literal values to remove wherever they occur (e.g. from collectSecrets() on the gateway config). */
  secrets?: readonly string[];
}

/** Every marker starts with this, so callers and tests can tell redacted text apart. */
export const REDACTED = '[REDACTED';
const mark = (kind?: string) => (kind ? `${REDACTED} ${kind}]` : `${REDACTED}]`);

/**
 * Literal secrets shorter than this are ignored: replacing every "abc" or "1234" in a log would shred
 * ordinary text, and a value that short protects nothing anyway. Context patterns (password=…) still catch them.
 */
export const MIN_SECRET_LENGTH = 6;

// ---- key names that hold secrets -------------------------------------------------------------

/** Last word of a key that marks its value secret (`botToken`, `GITHUB_TOKEN`, `x-api-key`, `webhookUrl`…). */
const SECRET_LAST_WORDS = new Set([
  'token',
  'secret',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'apikey',
  'credential',
  'credentials',
  'authorization',
  'auth',
  'cookie',
  'signature',
  'sig',
  'webhook',
  'dsn',
]);
/**
 * `<word> key` pairs that are secret (`privateKey`, `AWS_SECRET_ACCESS_KEY`); a bare `key`, `sortKey` or `dedupeKey` is
 * not.
 */
const SECRET_KEY_PREFIXES = new Set([
  'api',
  'access',
  'secret',
  'private',
  'signing',
  'encryption',
  'master',
  'client',
  'auth',
  'app',
  'service',
  'account',
  'session',
]);

function keyWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * True when a key's value should be treated as a secret. `plural` also accepts `tokens`/`secrets`
 * (lists of them in a config); text scanning leaves it off so `max_tokens: 4096` survives.
 */
export function isSecretKey(name: string, opts: { plural?: boolean } = {}): boolean {
  const words = keyWords(name);
  if (words.length === 0) return false;
  let last = words[words.length - 1]!;
  const prev = words.length > 1 ? words[words.length - 2]! : '';
  if (opts.plural && /^(tokens|secrets|passwords|credentials|apikeys|webhooks)$/.test(last)) last = last.slice(0, -1);
  if (SECRET_LAST_WORDS.has(last)) return true;
  if (last === 'url' && (prev === 'webhook' || prev === 'hook')) return true;
  if ((last === 'key' || last === 'keys') && SECRET_KEY_PREFIXES.has(prev)) return true;
  return false;
}

// ---- patterns ------------------------------------------------------------------------------

interface Rule {
  re: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const PRIVATE_KEY_BLOCK =
  /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$(?![\s\S]))/g;

// Known token shapes. Each is anchored on a distinctive prefix so ordinary words never match.
const TOKEN_SHAPES: [RegExp, string][] = [
  [/\bsk-ant-[A-Za-z0-9_-]{8,}/g, 'anthropic-key'],
  [/\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g, 'openai-key'],
  [/\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}/g, 'stripe-key'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/g, 'github-token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}/g, 'github-token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, 'gitlab-token'],
  [/\bxox[abposre]-[A-Za-z0-9-]{10,}/g, 'slack-token'],
  [/\bxapp-\d-[A-Za-z0-9-]{10,}/g, 'slack-token'],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, 'npm-token'],
  [/\bAIza[0-9A-Za-z_-]{35}/g, 'google-key'],
  [/\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, 'aws-key'],
  // JWT: three base64url segments, the first two being JSON objects ("eyJ" = '{"').
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, 'jwt'],
  // Telegram bot token: bot id, colon, 35-ish chars. Not preceded by a digit, so "bot123:" in a URL still matches.
  [/(?<![0-9])[0-9]{6,12}:AA[A-Za-z0-9_-]{30,}/g, 'telegram-token'],
  [/(?<![0-9])[0-9]{6,12}:[A-Za-z0-9_-]{34,}(?![A-Za-z0-9_-])/g, 'telegram-token'],
];

/** The rest of a URL, not already redacted, without trailing sentence punctuation. */
const URL_REST = `(?!\\[REDACTED)[^\\s"'<>)\\]]*[^\\s"'<>)\\].,;:!?]`;

const RULES: Rule[] = [
  { re: PRIVATE_KEY_BLOCK, replace: () => mark('private-key') },
  // URLs whose path is the credential: keep the host so the reader knows which service it was.
  {
    re: new RegExp(`\\b(https?://(?:[a-z0-9-]+\\.)*discord(?:app)?\\.com/api(?:/v\\d+)?/webhooks/)${URL_REST}`, 'gi'),
    replace: (_m, head) => `${head}${mark('webhook')}`,
  },
  {
    re: new RegExp(`\\b(https?://hooks\\.slack(?:-gov)?\\.com/(?:services|workflows|triggers)/)${URL_REST}`, 'gi'),
    replace: (_m, head) => `${head}${mark('webhook')}`,
  },
  {
    re: /\b(https?:\/\/api\.telegram\.org\/(?:file\/)?bot)(?!\[REDACTED)[^\s/"'<>)\]]+/gi,
    replace: (_m, head) => `${head}${mark('telegram-token')}`,
  },
  // user:password@ in any URL (database DSNs, git remotes, proxies).
  {
    re: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:"'<>]+:[^\s/@"'<>]+@/gi,
    replace: (_m, scheme) => `${scheme}${mark('credentials')}@`,
  },
  ...TOKEN_SHAPES.map(([re, kind]): Rule => ({ re, replace: () => mark(kind) })),
  // Authorization schemes, with or without a header name in front.
  {
    re: /\b(Bearer|Basic|Digest|Token|Bot)(\s+)([A-Za-z0-9._~+/=-]{8,})/g,
    replace: (whole, scheme, space, value) =>
      scheme === 'Bearer' || looksLikeToken(value) ? `${scheme}${space}${mark('token')}` : whole,
  },
];

/** Tells "Token dXNlcjpwYXNz" from prose like "Token validation failed" or "Basic authentication". */
function looksLikeToken(v: string): boolean {
  return /[0-9=+/._~-]/.test(v) || /[A-Z]/.test(v.slice(1));
}

// `key=value`, `key: value`, `"key": "value"`, and the same inside a JSON string (`\"key\":\"value\"`).
// The key is tested with isSecretKey() in the replacer, so the regex only finds the shape.
const KV_QUOTE = String.raw`(\\?["']?)`;
const KV_VALUE = [
  String.raw`\\"(?:(?!\\")[^\n])*\\"`, // "…" escaped inside a JSON string
  String.raw`"(?:[^"\\\n]|\\.)*"`, // "…"
  String.raw`'[^'\n]*'`, // '…'
  String.raw`(?:Bearer|Basic|Digest|Token|Bot)\s+[^\s"',;&]+`, // an Authorization scheme and its value
  String.raw`[^\s"',;&<>{}[\]\\)]+`, // a bare word
].join('|');
const KEY_VALUE = new RegExp(
  [KV_QUOTE, '([A-Za-z_][A-Za-z0-9_.-]{0,63})', KV_QUOTE, String.raw`(\s{0,4}[:=]\s{0,4})`, `(${KV_VALUE})`].join(''),
  'g',
);

function redactKeyValues(text: string): string {
  // A manual scan: when the key is not secret only the key is skipped, so a value that is itself a
  // JSON document (`"req":"{\"token\":…}"`) is still scanned for pairs inside it.
  const re = new RegExp(KEY_VALUE.source, 'g');
  let out = '';
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [whole, q1 = '', key = '', q2 = '', sep = '', value = ''] = m;
    const prefixEnd = m.index + q1.length + key.length + q2.length + sep.length;
    // In prose ("the credentials: check them"), a bare word after a colon is not a secret; a token-like one is.
    const prose =
      sep.trim() === ':' &&
      /\s/.test(sep) &&
      !/^(\\?["']|Bearer|Basic|Digest|Token|Bot)/.test(value) &&
      !looksLikeToken(value);
    if (!isSecretKey(key) || value.includes(REDACTED) || prose) {
      re.lastIndex = prefixEnd;
      continue;
    }
    let quote = '';
    if (value.startsWith('\\"')) quote = '\\"';
    else if (value.startsWith('"') || value.startsWith("'")) quote = value[0]!;
    const inner = value.slice(quote.length, value.length - quote.length);
    // Empty values and placeholders that reference an env var are not secrets; keep them readable.
    if (inner === '' || /^\$\{?[A-Z_][A-Z0-9_]*\}?$/.test(inner)) {
      re.lastIndex = m.index + whole.length;
      continue;
    }
    out += text.slice(last, prefixEnd) + quote + mark() + quote;
    last = m.index + whole.length;
  }
  return out + text.slice(last);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The literal-secret regex is rebuilt only when the secret list changes (callers pass the same list
// for every line of a log tail).
let cachedKey = '';
let cachedRe: RegExp | null = null;

function literalSecretsRe(secrets: readonly string[]): RegExp | null {
  const key = secrets.join('\u0000');
  if (key === cachedKey) return cachedRe;
  const variants = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
    variants.add(s);
    // The same value as it appears inside JSON strings and URLs.
    variants.add(JSON.stringify(s).slice(1, -1));
    variants.add(encodeURIComponent(s));
  }
  // Longest first, so a secret that contains another is removed whole.
  const sorted = [...variants].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  cachedKey = key;
  cachedRe = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : null;
  return cachedRe;
}

// ---- fast gates ------------------------------------------------------------------------------
// redact() runs on every chunk of the dashboard's live terminal (megabytes a second in a flood), where
// almost nothing is secret. Each rule group is run only when the text has what that group needs, found
// in one pass over the characters (scanText); a skipped group could not have matched, so the output is
// exactly what running every rule gives (test/unit/redact.test.ts compares both on many texts).

/** Character classes of the scan: a token character [A-Za-z0-9_-], a letter, an ASCII digit. */
const TOKEN_CHAR = 1;
const LETTER = 2;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9_-]/.test(ch)) CLASS[c] = CLASS[c]! | TOKEN_CHAR;
  if (/[A-Za-z]/.test(ch)) CLASS[c] = CLASS[c]! | LETTER;
}
/**
 * 11: the shortest run of token characters any TOKEN_SHAPES pattern needs ("eyJ" + 8, a JWT's first
 * part); ordinary words are shorter, so most text never runs the shape rules.
 */
const SHAPE_MIN_RUN = 11;

export const GATE_SHAPES = 1;
export const GATE_AUTH = 2;
export const GATE_URL = 4;
export const GATE_PEM = 8;
export const GATE_KEY_VALUE = 16;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));
}

/**
 * The key KEY_VALUE would take for a separator at `sep`: back over up to 4 spaces, an optional quote
 * and backslash, then the identifier that ends there (its last 64 characters, starting with a letter
 * or `_`, as the pattern allows). Empty when there is none.
 */
function keyBefore(text: string, sep: number): string {
  let i = sep - 1;
  for (let n = 0; n < 4 && i >= 0 && isSpace(text.charCodeAt(i)); n++) i--;
  let c = text.charCodeAt(i);
  if (c === 34 || c === 39) c = text.charCodeAt(--i);
  if (c === 92) --i;
  const end = i + 1;
  while (i >= 0 && end - i <= 64) {
    const k = text.charCodeAt(i);
    if (k < 128 && ((CLASS[k]! & TOKEN_CHAR) !== 0 || k === 46)) i--;
    else break;
  }
  let start = i + 1;
  while (start < end) {
    const k = text.charCodeAt(start);
    if ((CLASS[k]! & LETTER) !== 0 || k === 95) break;
    start++;
  }
  return text.slice(start, end);
}

function isTokenChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 && (CLASS[c]! & TOKEN_CHAR) !== 0;
}

/**
 * True when `text` has a run of SHAPE_MIN_RUN token characters. It looks at the last character a run
 * could end on and counts back from there, so ordinary words are mostly skipped, not read one by one
 * (the gate's main cost).
 */
function hasLongRun(text: string): boolean {
  const need = SHAPE_MIN_RUN;
  let i = need - 1;
  while (i < text.length) {
    if (!isTokenChar(text, i)) {
      i += need;
      continue;
    }
    let j = i - 1;
    let run = 1;
    while (run < need && isTokenChar(text, j)) {
      j--;
      run++;
    }
    if (run >= need) return true;
    // text[j] ends every run before it: the next one that fits ends at j + need at the earliest.
    i = j + need;
  }
  return false;
}

/**
 * Every key isSecretKey() accepts contains one of these (its last word, or "hook"/"key" for the two-word
 * forms): a key without any is not split into words at all.
 */
const SECRET_KEY_HINT = /token|secret|pass|pwd|key|credential|auth|cookie|sig|hook|dsn/i;

/** True when a `:` or `=` in `text` follows a key that isSecretKey() accepts (KEY_VALUE could redact). */
function hasSecretKeySeparator(text: string): boolean {
  for (const sep of [':', '=']) {
    for (let i = text.indexOf(sep); i >= 0; i = text.indexOf(sep, i + 1)) {
      const key = keyBefore(text, i);
      if (SECRET_KEY_HINT.test(key) && isSecretKey(key)) return true;
    }
  }
  return false;
}

/**
 * Which rule groups could match `text` (GATE_* bits). A superset: a bit may be set for text the rules
 * then leave alone, never missing for text they would change.
 */
export function scanText(text: string): number {
  // The scheme and PEM rules start with a literal word, which the regex engine finds faster than any
  // gate could: they always run.
  let gates = GATE_AUTH | GATE_PEM;
  if (hasLongRun(text)) gates |= GATE_SHAPES;
  if (text.includes('://')) gates |= GATE_URL;
  if (hasSecretKeySeparator(text)) gates |= GATE_KEY_VALUE;
  return gates;
}

/** The rules of one gate group, in RULES order. */
const URL_RULES = RULES.slice(1, 5);
const SHAPE_RULES = RULES.slice(5, 5 + TOKEN_SHAPES.length);
const AUTH_RULE = RULES[5 + TOKEN_SHAPES.length]!;

function applyRule(text: string, rule: Rule): string {
  rule.re.lastIndex = 0;
  return text.replace(rule.re, rule.replace);
}

/** Removes credentials from text. Idempotent: redact(redact(x)) === redact(x). */
export function redact(text: string, opts: RedactOptions = {}): string {
  if (!text) return text;
  let gates = scanText(text);
  let out = text;
  // Shape rules first: a literal pass first would put a marker inside a URL, and the URL rule would
  // then stop at the marker's space and leave "secret]" behind.
  if (gates & GATE_PEM) out = applyRule(out, RULES[0]!);
  if (gates & GATE_URL) for (const rule of URL_RULES) out = applyRule(out, rule);
  // A replacement may join what was apart: the gates are read again from the text as it is now.
  if (out !== text) gates = scanText(out);
  if (gates & GATE_SHAPES) for (const rule of SHAPE_RULES) out = applyRule(out, rule);
  if (gates & GATE_AUTH) out = applyRule(out, AUTH_RULE);
  if (opts.secrets && opts.secrets.length) {
    const re = literalSecretsRe(opts.secrets);
    if (re) out = out.replace(re, mark('secret'));
  }
  if (out !== text) gates = scanText(out);
  return gates & GATE_KEY_VALUE ? redactKeyValues(out) : out;
}

/** Every rule, ungated: the reference the gated redact() must equal (tests). */
export function redactUngated(text: string, opts: RedactOptions = {}): string {
  if (!text) return text;
  let out = text;
  for (const rule of RULES) out = applyRule(out, rule);
  if (opts.secrets && opts.secrets.length) {
    const re = literalSecretsRe(opts.secrets);
    if (re) out = out.replace(re, mark('secret'));
  }
  return redactKeyValues(out);
}

/** Redacts every string inside a JSON-like value (objects, arrays); returns a copy. */
export function redactDeep<T>(value: T, opts: RedactOptions = {}): T {
  if (typeof value === 'string') return redact(value, opts) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => redactDeep(v, opts)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v, opts);
    return out as T;
  }
  return value;
}

// ---- collecting secrets from the gateway config --------------------------------------------

/** Values under secret-looking keys that are settings, not secrets (e.g. `auth: {mode: "token"}` style enums). */
const NOT_SECRET_VALUES = new Set([
  'none',
  'token',
  'password',
  'true',
  'false',
  'on',
  'off',
  'env',
  'required',
  'optional',
  'disabled',
  'enabled',
]);

/** Fields of a credential object that describe it rather than hold it. */
const DESCRIPTIVE_KEYS = new Set([
  'mode',
  'type',
  'kind',
  'provider',
  'name',
  'enabled',
  'strategy',
  'method',
  'scheme',
  'username',
  'user',
  'region',
  'scope',
  'scopes',
  'host',
  'port',
  'header',
  'description',
]);

function isPlaceholder(v: string): boolean {
  return /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v) || NOT_SECRET_VALUES.has(v.toLowerCase());
}

/** The secret parts of a URL: user:password, query values under secret-looking names. */
function urlSecrets(value: string): string[] {
  const out: string[] = [];
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    // Not a URL: nothing URL-shaped to collect.
    return out;
  }
  if (u.password) out.push(decodeURIComponent(u.password));
  if (u.username && u.password) out.push(decodeURIComponent(u.username));
  for (const [k, v] of u.searchParams) if (v && isSecretKey(k)) out.push(v);
  if (/(^|\.)discord(app)?\.com$/i.test(u.hostname) && /\/webhooks\//.test(u.pathname)) {
    const token = u.pathname.split('/').filter(Boolean).pop();
    if (token) out.push(token);
  }
  if (/^hooks\.slack(-gov)?\.com$/i.test(u.hostname)) {
    const parts = u.pathname.split('/').filter(Boolean).slice(1);
    if (parts.length) out.push(parts.join('/'));
  }
  return out;
}

/**
 * Walks a parsed OpenClaw config (or any JSON-like value) and returns the values that must never
 * appear in output: strings under secret-looking keys (token, apiKey, password, botToken, …, also
 * inside env maps), the secret parts of URLs anywhere, and anything matching a known credential shape.
 */
export function collectSecrets(config: unknown): string[] {
  const found = new Set<string>();
  const add = (v: string) => {
    const t = v.trim();
    if (t.length >= MIN_SECRET_LENGTH && !isPlaceholder(t)) found.add(t);
  };
  const seen = new Set<unknown>();
  const walk = (value: unknown, secretContext: boolean, depth: number) => {
    // 64 levels: far deeper than any real config; stops a pathological document from recursing forever.
    if (depth > 64) return;
    if (typeof value === 'string') {
      if (secretContext) add(value);
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) urlSecrets(value).forEach(add);
      for (const [re] of TOKEN_SHAPES) {
        re.lastIndex = 0;
        for (const m of value.matchAll(re)) add(m[0]);
      }
      return;
    }
    if (!value || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const v of value) walk(v, secretContext, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // Inside a secret-named object (`passwords: {alice: …}`) everything counts, except the obviously
      // descriptive fields of a credential object (`auth: {mode: "token", token: …}`).
      const inherited = secretContext && !DESCRIPTIVE_KEYS.has(k.toLowerCase());
      walk(v, inherited || isSecretKey(k, { plural: true }), depth + 1);
    }
  };
  walk(config, false, 0);
  return [...found];
}
