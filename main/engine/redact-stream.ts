// Redaction for a stream of terminal output (the dashboard's live view). redact() works on whole text;
// a secret the agent prints in two writes 1.5 s apart arrives in two chunks, and each chunk alone holds
// only half of it. The stream redactor therefore holds back the tail of what it has seen for as long as
// that tail could still become a secret — an unfinished word, the beginning of one of the secrets it
// knows, the start of a known token shape, a `password:` key waiting for its value — and releases the
// rest, redacted, at once. A short timer releases an unfinished ordinary word, so the view stays live;
// a tail that looks like the start of a secret waits longer, and then goes out redacted.
import { redact } from './redact.js';

/**
 * Length of the terminal escape sequence (CSI, OSC, two-byte ESC sequences) starting at `i` (an ESC), or
 * 0 when none starts there (a lone ESC is shown as it is). A TUI writes them between the characters of
 * one line (colours, cursor moves, cursor show/hide), so a secret on screen may be interrupted by them
 * in the byte stream; matching therefore also runs on the text with them left out. Hand-written (the
 * grammar of /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[()][0-9A-Za-z]|[@-Z\\-_])/): a
 * TUI's output is dense with escapes, and this runs on every one of them.
 */
export function escapeLength(raw: string, i: number): number {
  const c = raw.charCodeAt(i + 1);
  if (c === 0x5b) {
    // CSI: parameters 0x30–0x3F, intermediates 0x20–0x2F, a final byte 0x40–0x7E.
    let j = i + 2;
    while (j < raw.length && raw.charCodeAt(j) >= 0x30 && raw.charCodeAt(j) <= 0x3f) j++;
    while (j < raw.length && raw.charCodeAt(j) >= 0x20 && raw.charCodeAt(j) <= 0x2f) j++;
    const f = raw.charCodeAt(j);
    return f >= 0x40 && f <= 0x7e ? j + 1 - i : 0;
  }
  if (c === 0x5d) {
    // OSC: up to BEL or ESC \; unterminated it is the two-byte "ESC ]" below.
    for (let j = i + 2; j < raw.length; j++) {
      const k = raw.charCodeAt(j);
      if (k === 0x07) return j + 1 - i;
      if (k === 0x1b) return raw.charCodeAt(j + 1) === 0x5c ? j + 2 - i : 2;
    }
    return 2;
  }
  if (c === 0x28 || c === 0x29) {
    const k = raw.charCodeAt(i + 2);
    return (k >= 0x30 && k <= 0x39) || (k >= 0x41 && k <= 0x5a) || (k >= 0x61 && k <= 0x7a) ? 3 : 0;
  }
  return (c >= 0x40 && c <= 0x5a) || (c >= 0x5c && c <= 0x5f) ? 2 : 0;
}

/** CSI sequences (colours, cursor moves): nearly all of a TUI's escapes, removed by one native replace. */
const ESC = String.fromCharCode(0x1b);
const CSI_G = new RegExp(`${ESC}\\[[0-?]*[ -/]*[@-~]`, 'g');

/** `raw` with its escape sequences left out: CSIs by a native replace, the rest (rare) by escapeLength. */
export function stripEscapes(raw: string): string {
  if (!raw.includes('\u001b')) return raw;
  const noCsi = raw.replace(CSI_G, '');
  return noCsi.includes('\u001b') ? stripOther(noCsi) : noCsi;
}

/** The escapes that are not CSIs (OSC, charset, two-byte), and lone ESCs, which stay. */
function stripOther(raw: string): string {
  let i = raw.indexOf('\u001b');
  if (i < 0) return raw;
  const parts: string[] = [];
  let from = 0;
  for (; i >= 0; i = raw.indexOf('\u001b', i)) {
    const n = escapeLength(raw, i);
    if (n === 0) {
      i++;
      continue;
    }
    if (i > from) parts.push(raw.slice(from, i));
    i += n;
    from = i;
  }
  parts.push(raw.slice(from));
  return parts.join('');
}

/** The visible text of `raw` (escape sequences left out) and, for each visible character, its index in raw. */
export function visibleText(raw: string): { text: string; at: number[] } {
  let text = '';
  const at: number[] = [];
  for (let i = 0; i < raw.length;) {
    if (raw.charCodeAt(i) === 0x1b) {
      const n = escapeLength(raw, i);
      if (n > 0) {
        i += n;
        continue;
      }
    }
    text += raw[i];
    at.push(i);
    i++;
  }
  return { text, at };
}

/** Whitespace as `\s` sees it, for walking back over the last few words of the stream. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));
}

/**
 * 4 words: the most a suspicious tail spans (`"apiKey" : "value` is three, `Bearer value` two); the
 * tail examined at each push starts that many words back, not a whole window back.
 */
const TAIL_WORDS = 4;

/**
 * Beginnings of the token shapes redact() knows (its TOKEN_SHAPES and rules), matched at the very end of
 * the text: while one of these is the last thing seen, it may be a secret that is still arriving.
 */
const SHAPE_STARTS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]*$/,
  /\b[rp]k_(?:live|test)_[A-Za-z0-9]*$/,
  /\bgh[pousr]_[A-Za-z0-9]*$/,
  /\bgithub_pat_[A-Za-z0-9_]*$/,
  /\bglpat-[A-Za-z0-9_-]*$/,
  /\bxox[abposre]-[A-Za-z0-9-]*$/,
  /\bxapp-[0-9A-Za-z-]*$/,
  /\bnpm_[A-Za-z0-9]*$/,
  /\bAIza[0-9A-Za-z_-]*$/,
  /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]*$/,
  /\beyJ[A-Za-z0-9_.-]*$/,
  /(?<![0-9])[0-9]{6,12}:[A-Za-z0-9_-]*$/,
  // A Telegram bot id waiting for its colon and secret.
  /(?<![0-9])[0-9]{6,12}$/,
  /\bhttps?:\/\/\S*$/i,
  /\b(?:Bearer|Basic|Digest|Token|Bot)\s+\S*$/,
];

/** The start of a PEM private key block, or of a BEGIN line that may still become one. */
const PEM_START = /^-----BEGIN (?:[A-Z0-9 ]*PRIVATE KEY|[A-Z0-9 ]*$)/;
/** Its END line: the block is complete and redact() replaces it whole. */
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY/;
/** 200 characters: longer than any BEGIN line ("-----BEGIN ENCRYPTED PRIVATE KEY-----" is 37). */
const PEM_LINE_MAX = 200;

/**
 * A key whose value is secret, waiting for that value (`"apiKey": "`, `password=`, `TOKEN: `), at the end.
 * Kept broad on purpose: holding an innocent `key:` for a moment costs nothing.
 */
const OPTIONAL_QUOTE = String.raw`(?:\\?["']?)`;
const SECRET_WORD = '(?:token|secret|passw(?:or)?d|pwd|key|auth|credential|cookie|webhook|dsn)';
const KEY_WAITING = new RegExp(
  [
    OPTIONAL_QUOTE,
    '(?:[A-Za-z_][A-Za-z0-9_.-]{0,63})?',
    SECRET_WORD,
    '[A-Za-z0-9_.-]{0,16}',
    OPTIONAL_QUOTE,
    String.raw`\s{0,4}[:=]\s{0,4}`,
    OPTIONAL_QUOTE,
    String.raw`[^\s"',;&<>{}[\]\\)]*$`,
  ].join(''),
  'i',
);

/** The characters of an unfinished word: anything but whitespace, controls and quote/bracket separators. */
const TRAILING_WORD_SOURCE = '[^\\s\\u0000-\\u001f\\u007f"\'<>`()[\\]{}]*$';
const TRAILING_WORD = new RegExp(TRAILING_WORD_SOURCE);

export interface StreamRedactorOptions {
  /** Literal secrets (the gateway's token, channel credentials), read at each use. */
  secrets: () => readonly string[];
  /**
   * The most a suspicious tail may hold back, in characters: a "word" longer than this is not still
   * arriving as one token (the longest real tokens are a few hundred characters; PEM keys are the
   * exception, and they end with their END line).
   */
  maxHold?: number;
}

/** 8 Ki characters: longer than any single token or PEM key a terminal shows on one screen. */
export const DEFAULT_MAX_HOLD = 8 * 1024;

export class StreamRedactor {
  private held = '';
  private readonly maxHold: number;

  constructor(private readonly opts: StreamRedactorOptions) {
    this.maxHold = opts.maxHold ?? DEFAULT_MAX_HOLD;
  }

  /** Characters held back right now (not yet released). */
  get holding(): number {
    return this.held.length;
  }

  /** Takes the next chunk; returns what can be shown now, redacted. */
  push(chunk: string): string {
    const text = this.held + chunk;
    const cut = this.cutBefore(text, true);
    this.held = text.slice(cut);
    return this.redacted(text.slice(0, cut));
  }

  /**
   * Redacts a released segment. When its visible text holds more to redact than its bytes do (a secret
   * interrupted by escape sequences), the visible text is sent instead: the screen may lose a colour or
   * a cursor move there, which is better than a secret in the browser.
   */
  private redacted(segment: string): string {
    if (!segment) return '';
    const secrets = { secrets: this.opts.secrets() };
    if (!segment.includes('\u001b')) return redact(segment, secrets);
    const visible = stripEscapes(segment);
    const fromVisible = redact(visible, secrets);
    // Nothing secret on screen, and no OSC string (the one escape that carries free text: titles, link
    // targets) that could hide one: the bytes go as they are, with one pass instead of two. The other
    // escapes are a few digits and a letter, which no secret pattern can be made of.
    if (fromVisible === visible && !segment.includes('\u001b]')) return segment;
    const out = redact(segment, secrets);
    // Nothing secret on screen, or the bytes were redacted exactly as the screen would be: keep the bytes.
    if (fromVisible === visible || stripEscapes(out) === fromVisible) return out;
    return fromVisible;
  }

  /**
   * Nothing new came for a while: release an unfinished ordinary word (a TUI's last word on an idle screen,
   * "? for shortcuts", must not wait), but keep holding what could still be a secret (releaseAll ends that
   * wait). Not covered: a key name cut mid-word by a pause (`pass` … `word: hunter2`) — its value then
   * goes out alone; a pause inside a key name is not how programs print.
   */
  releaseIdle(): string {
    if (!this.held) return '';
    const cut = this.cutBefore(this.held, false);
    const out = this.held.slice(0, cut);
    this.held = this.held.slice(cut);
    return this.redacted(out);
  }

  /** The stream ended (or a suspicious tail waited long enough): everything, redacted. */
  releaseAll(): string {
    const out = this.held;
    this.held = '';
    return this.redacted(out);
  }

  /**
   * Where the text may be cut: everything before the returned index is final. With `words`, an
   * unfinished word is held too; the suspicious tails always are.
   */
  private cutBefore(text: string, words: boolean): number {
    const end = text.length;
    // Only the last few KiB can still be part of something arriving; no need to look further back.
    const windowStart = Math.max(0, end - this.maxHold);
    // A PEM key block holds everything from its BEGIN line (it may still be arriving). Found by a native
    // search of the raw window: `cat` prints a key without escapes inside its BEGIN line.
    let cut = end;
    for (let b = text.indexOf('-----BEGIN ', windowStart); b >= 0; b = text.indexOf('-----BEGIN ', b + 1)) {
      const head = stripEscapes(text.slice(b, Math.min(end, b + PEM_LINE_MAX)));
      // A key header (or what may still become one), whose END line has not come yet.
      if (PEM_START.test(head) && !PEM_END.test(stripEscapes(text.slice(b)))) {
        cut = b;
        break;
      }
    }
    // The other suspicious tails span a few words at most: only those are decoded and matched.
    let tailStart = end;
    for (let n = 0; n < TAIL_WORDS && tailStart > windowStart; n++) {
      while (tailStart > windowStart && !isSpace(text.charCodeAt(tailStart - 1))) tailStart--;
      while (tailStart > windowStart && isSpace(text.charCodeAt(tailStart - 1))) tailStart--;
    }
    // A literal secret may hold spaces: the tail is at least as long as the longest one.
    tailStart = Math.max(windowStart, Math.min(tailStart, end - this.longestSecret() - 1));
    const raw = text.slice(tailStart);
    // Decisions are made on the visible text and mapped back to the raw stream (escapes between the
    // characters of a secret must not hide its beginning).
    const { text: tail, at } = visibleText(raw);
    const rawAt = (i: number) => tailStart + (i < at.length ? at[i]! : raw.length);
    if (words) {
      const w = TRAILING_WORD.exec(tail);
      if (w && w[0].length > 0) cut = Math.min(cut, rawAt(w.index));
    }
    for (const re of SHAPE_STARTS) {
      const m = re.exec(tail);
      if (m) cut = Math.min(cut, rawAt(m.index));
    }
    const k = KEY_WAITING.exec(tail);
    if (k) cut = Math.min(cut, rawAt(k.index));
    const p = this.secretPrefixAtEnd(tail);
    if (p > 0) cut = Math.min(cut, rawAt(tail.length - p));
    return Math.max(cut, windowStart);
  }

  private longestSecret(): number {
    let n = 0;
    for (const s of this.opts.secrets()) n = Math.max(n, s.length);
    return n;
  }

  /** Length of the longest end of `text` that is a proper beginning of a known literal secret. */
  private secretPrefixAtEnd(text: string): number {
    let best = 0;
    for (const s of this.opts.secrets()) {
      for (let k = Math.min(s.length - 1, text.length); k > best; k--) {
        if (text.endsWith(s.slice(0, k))) {
          best = k;
          break;
        }
      }
    }
    return best;
  }
}
