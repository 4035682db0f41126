// The settings file's text → a document. The file is JSON with comments (JSONC, the dialect of VS Code's
// settings.json: `//` and `/* */` comments and trailing commas), so the commented example in the README can be
// pasted as it is. A mistake is reported once, by line and column, in words a person can act on.
//
// jsonc-parser (VS Code's own parser) rather than json5, which the engine already uses for OpenClaw's config:
// JSON5 accepts far more (single quotes, unquoted keys, hex numbers, +Infinity), so a file ClawMedic accepted
// would be rejected by every other JSON tool a person points at it; JSONC stays plain JSON plus comments. It
// also reports every error with its offset rather than stopping at the first, and can edit a file in place
// without losing its comments (`modify`), which a comment-preserving save can use later.
import { parse, ParseErrorCode, type ParseError } from 'jsonc-parser';

export interface TextProblem {
  /** 1-based. */
  line: number;
  /** 1-based, in characters (a tab counts as one). */
  column: number;
  message: string;
}

export type ParsedText = { ok: true; value: unknown } | { ok: false; problem: TextProblem };

const WORDS: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.InvalidSymbol]: 'unexpected character',
  [ParseErrorCode.InvalidNumberFormat]: 'not a valid number',
  [ParseErrorCode.PropertyNameExpected]: 'expected a key in double quotes',
  [ParseErrorCode.ValueExpected]: 'expected a value (a string in double quotes, a number, true, false, null, [ or {)',
  [ParseErrorCode.ColonExpected]: 'expected ":" after the key',
  [ParseErrorCode.CommaExpected]: 'expected "," (or a closing bracket)',
  [ParseErrorCode.CloseBraceExpected]: 'expected "}" to close the object',
  [ParseErrorCode.CloseBracketExpected]: 'expected "]" to close the list',
  [ParseErrorCode.EndOfFileExpected]: 'unexpected text after the end of the settings',
  [ParseErrorCode.InvalidCommentToken]: 'a comment that is not closed',
  [ParseErrorCode.UnexpectedEndOfComment]: 'a /* comment that is not closed',
  [ParseErrorCode.UnexpectedEndOfString]: 'a string that is not closed (a " is missing)',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'a number that ends too early',
  [ParseErrorCode.InvalidUnicode]: 'an invalid \\u escape',
  [ParseErrorCode.InvalidEscapeCharacter]: 'an invalid escape (write a backslash as \\\\)',
  [ParseErrorCode.InvalidCharacter]: 'a line break or control character inside a string',
};

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** What is at an error, as a person would point at it: the word there, cut short; or the end of the file. */
function found(text: string, e: ParseError): string {
  if (e.offset >= text.length) return 'found the end of the file';
  const token = text
    .slice(e.offset, e.offset + Math.max(1, e.length))
    .split('\n')[0]!
    .trim();
  const shown = token.length > 24 ? `${token.slice(0, 23)}…` : token;
  return shown ? `found \`${shown}\`` : '';
}

/**
 * Parses a settings file's text. Empty text (or only comments) is `{}`. Only the first syntax error is
 * reported: the ones after it are usually its echoes.
 */
export function parseSettingsJsonc(text: string): ParsedText {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const { line, column } = lineColumn(text, first.offset);
    const words = WORDS[first.error] ?? 'not valid JSON';
    const where = found(text, first);
    return { ok: false, problem: { line, column, message: `${words}${where ? `, ${where}` : ''}` } };
  }
  return { ok: true, value: value === undefined ? {} : value };
}
