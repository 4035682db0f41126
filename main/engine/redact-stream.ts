// Redaction for a stream of terminal output (the dashboard's live view). redact() works on whole text;
// a secret the agent prints in two writes 1.5 s apart arrives in two chunks, and each chunk alone holds
// only half of it. The stream redactor therefore holds back the tail of what it has seen for as long as
// that tail could still become a secret — an unfinished word, the beginning of one of the secrets it
// knows, the start of a known token shape, a `password:` key waiting for its value — and releases the
// rest, redacted, at once. A short timer releases an unfinished ordinary word, so the view stays live;
// a tail that looks like the start of a secret waits longer, and then goes out redacted.
import { redact } from './redact.js';

/**
 * Terminal escape sequences (CSI, OSC, two-byte ESC sequences). A TUI writes them between the characters
 * of one line (colours, cursor moves, cursor show/hide), so a secret on screen may be interrupted by them
 * in the byte stream; matching therefore also runs on the text with them left out.
 */
const ESCAPE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[()][0-9A-Za-z]|[@-Z\\-_])/y;

/** The visible text of `raw` (escape sequences left out) and, for each visible character, its index in raw. */
export function visibleText(raw: string): { text: string; at: number[] } {
  let text = '';
  const at: number[] = [];
  for (let i = 0; i < raw.length; ) {
    if (raw.charCodeAt(i) === 0x1b) {
      ESCAPE.lastIndex = i;
      const m = ESCAPE.exec(raw);
      if (m) {
        i += m[0].length;
        continue;
      }
    }
    text += raw[i];
    at.push(i);
    i++;
  }
  return { text, at };
}


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
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY[\s\S]*$/,
  /\b(?:Bearer|Basic|Digest|Token|Bot)\s+\S*$/,
];

/**
 * A key whose value is secret, waiting for that value (`"apiKey": "`, `password=`, `TOKEN: `), at the end.
 * Kept broad on purpose: holding an innocent `key:` for a moment costs nothing.
 */
const KEY_WAITING =
  /(?:\\?["']?)(?:[A-Za-z_][A-Za-z0-9_.-]{0,63})?(?:token|secret|passw(?:or)?d|pwd|key|auth|credential|cookie|webhook|dsn)[A-Za-z0-9_.-]{0,16}(?:\\?["']?)\s{0,4}[:=]\s{0,4}(?:\\?["']?)[^\s"',;&<>{}[\]\\)]*$/i;

/** The characters of an unfinished word: anything but whitespace, controls and quote/bracket separators. */
const TRAILING_WORD = /[^\s\u0000-\u001f\u007f"'<>`()[\]{}]*$/;


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
    const out = redact(segment, secrets);
    if (!segment.includes('\u001b')) return out;
    const visible = visibleText(segment).text;
    const fromVisible = redact(visible, secrets);
    // Nothing secret on screen, or the bytes were redacted exactly as the screen would be: keep the bytes.
    if (fromVisible === visible || visibleText(out).text === fromVisible) return out;
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
    const raw = text.slice(windowStart);
    // Decisions are made on the visible text and mapped back to the raw stream (escapes between the
    // characters of a secret must not hide its beginning).
    const { text: tail, at } = visibleText(raw);
    const rawAt = (i: number) => windowStart + (i < at.length ? at[i]! : raw.length);
    let cut = end;
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
