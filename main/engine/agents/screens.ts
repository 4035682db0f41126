// What an agent's screen says, read from plain `capture-pane` text. Pure functions: the screen
// driver acts on these facts instead of on sleeps. Texts come from the real Claude Code and Codex CLI
// screens (see reference, test/e2e/README.md); they change between versions, so each recogniser
// accepts the known variants. Claude Code marks a selection or its input line with ❯, Codex with ›.

export interface TrustPrompt {
  /**
   * 'numbered' = "❯ 1. Yes, I trust this folder" first (2.1.197; Codex 0.171.0: "› 1. Trust and continue");
   * 'unnumbered' = "❯ No, exit" first (2.1.330).
   */
  layout: 'numbered' | 'unnumbered';
  /** Index of the "Yes, I trust" option among the options, and of the option the ❯ is on (-1: none seen). */
  yesIndex: number;
  selectedIndex: number;
  /** The text of the accepting choice ("Yes, I trust this folder", "Yes, add it", …). */
  yesLabel: string;
}

export interface ScreenFacts {
  trust: TrustPrompt | null;
  /** A screen only a human can answer (login, onboarding, API-key question, …): why, in words. */
  human: string | null;
  /** A quota / rate-limit / auth error the agent cannot get past: the text seen. */
  quota: string | null;
  /** A tool-permission question is showing (a static screen, but not idle). */
  permission: boolean;
  /** The agent is working ("esc to interrupt"). */
  busy: boolean;
  /** An input box waiting for text, with no dialog over it. */
  inputReady: boolean;
}

// 2.1.330 also asks about each --add-dir folder ("Is this a directory you created or one you trust?",
// "❯ No, exit / Yes, add it"), sometimes after the input box has appeared.
// Codex 0.171.0, in a git workspace: "Trust this folder? Codex can read, edit, and run files here, …"
// with "› 1. Trust and continue / 2. Back to Agent Command Center" (Enter accepts the pre-selected 1).
const TRUST_MARKERS = [
  /Yes, I trust this folder/,
  /Yes, add it/,
  /Do you trust the files in this folder\?/i,
  /Is this a (?:project|directory|folder) you (?:created|trust)/i,
  /Trust this folder\?/,
];
const YES_CHOICES = 'Yes, I trust this folder|Yes, add it|Yes, proceed|Yes, continue|Trust and continue';
const NO_CHOICES = 'No, exit|No, quit|Back to Agent Command Center';
const CHOICE_RE = new RegExp(`^\\s*(❯|›|>)?\\s*(\\d+\\.\\s*)?(${YES_CHOICES}|${NO_CHOICES})\\b`);

/** Strips box-drawing borders and non-breaking spaces so line tests see the words. */
export function screenLines(screen: string): string[] {
  return screen.split('\n').map((l) =>
    l
      .replace(/\u00a0/g, ' ')
      .replace(/[│┃]/g, ' ')
      .trimEnd(),
  );
}

export function parseTrustPrompt(screen: string): TrustPrompt | null {
  if (!TRUST_MARKERS.some((re) => re.test(screen))) return null;
  const lines = screenLines(screen);
  const options: { yes: boolean; selected: boolean; numbered: boolean; label: string }[] = [];
  for (const line of lines) {
    const m = CHOICE_RE.exec(line);
    if (!m) continue;
    const yes = new RegExp(`^(?:${YES_CHOICES})$`).test(m[3]!);
    options.push({ yes, selected: Boolean(m[1]), numbered: Boolean(m[2]), label: m[3]! });
  }
  const yesIndex = options.findIndex((o) => o.yes);
  if (yesIndex < 0) return null;
  return {
    layout: options[0]?.numbered ? 'numbered' : 'unnumbered',
    yesIndex,
    selectedIndex: options.findIndex((o) => o.selected),
    yesLabel: options[yesIndex]!.label,
  };
}

/** Screens that need a person: we fail fast with what to do instead of pressing keys blindly. */
const HUMAN_SCREENS: [RegExp, string][] = [
  [
    /Detected a custom API key/i,
    'Claude Code asks whether to use the API key from ANTHROPIC_API_KEY ' +
      '(its default answer is No). Run `claude` once in a terminal with the ' +
      'same environment and approve the key, then retry.',
  ],
  [
    /Unable to connect to Anthropic services/i,
    'Claude Code could not reach Anthropic during its first-run checks ' +
      '(offline, or a custom API key not yet approved). Run `claude` once in ' +
      'a terminal and finish its setup, then retry.',
  ],
  [
    /Select login method|Log in with your Claude account|Please run \/login|Not logged in/i,
    'Claude Code is not logged in. Run `claude` in a terminal and log in ' +
      '(or set ANTHROPIC_API_KEY in the profile env), then retry.',
  ],
  [
    /Choose the text style|Let's get started|Security notes:|Welcome to Claude Code.*\n[\s\S]*Press Enter to continue/i,
    'Claude Code shows its first-run setup (theme, security notes). Run ' +
      '`claude` once in a terminal to finish it, then retry.',
  ],
  // Codex 0.171.0 with no usable provider or login: "Welcome to Codex, …" / "> 1. Sign in with ChatGPT".
  [
    /Sign in with ChatGPT|Sign in with Device Code/,
    'Codex is not logged in and has no model provider it can use. ' +
      'Run `codex` once in a terminal and sign in (or configure a model ' +
      'provider with an API key in ~/.codex/config.toml), then retry.',
  ],
  [
    /running in Bypass Permissions mode/i,
    'Claude Code asks to confirm bypass-permissions mode. ClawMedic only ' +
      'skips that question when allowBypass is set; run `claude ' +
      '--dangerously-skip-permissions` once by hand to accept it, or use ' +
      'permissionMode dontAsk.',
  ],
];

/** Agent-specific phrasing only: generic words like "429" also appear in a gateway's own logs. */
const QUOTA_TEXTS: RegExp[] = [
  /You['’]ve hit your (?:usage |session |weekly |daily )?limit[^\n]*/i,
  /Claude AI usage limit reached[^\n]*/i,
  /Credit balance is too low[^\n]*/i,
  /Request rejected \(429\)[^\n]*/i,
  /OAuth token (?:revoked|has expired|expired)[^\n]*/i,
  /Invalid API key[^\n]*(?:Please run \/login|Fix external API key)[^\n]*/i,
  // 2.1.330 retries 429/401 up to 10 times (minutes) showing this line: no reason to wait for the end.
  /✻\s*(?:429|401)\b[^\n]*retrying in[^\n]*/,
  /usage_limit_reached[^\n]*/,
  // Codex 0.171.0 after a 429 once its retries are used up, and its quota error (insufficient_quota).
  /exceeded retry limit, last status: 429[^\n]*/,
  /Quota exceeded\. Check your plan and billing details[^\n]*/,
  /RESOURCE_EXHAUSTED[^\n]*/,
];

const PERMISSION_TEXTS: RegExp[] = [
  /Do you want to proceed\?/,
  /Do you want to make this edit/,
  /Would you like to run the following command\?/i,
  /Allow (?:this )?command\?/i,
  /needs your (?:permission|approval)/i,
];

export function classifyScreen(screen: string): ScreenFacts {
  const trust = parseTrustPrompt(screen);
  let human: string | null = null;
  for (const [re, why] of HUMAN_SCREENS) {
    if (re.test(screen)) {
      human = why;
      break;
    }
  }
  let quota: string | null = null;
  for (const re of QUOTA_TEXTS) {
    const m = re.exec(screen);
    if (m) {
      quota = m[0].trim();
      break;
    }
  }
  // "Not logged in" is a login screen and a reason to fall back alike: report it as quota/auth too.
  if (!quota && /Not logged in/i.test(screen)) quota = 'Not logged in';
  const permission = PERMISSION_TEXTS.some((re) => re.test(screen));
  const busy = /esc to interrupt/i.test(screen);
  const promptLine = screenLines(screen).some((l) => /^\s*(❯|›|>)\s*($|[^\d\s]|\s*$)/.test(l) && !/\d\.\s/.test(l));
  const inputReady = promptLine && !trust && !human && !permission;
  return { trust, human, quota, permission, busy, inputReady };
}

/** True when the screen shows our paste: Claude's "[Pasted text #N …]" box, or the brief's opening words. */
export function pasteVisible(screen: string, brief: string): boolean {
  if (/\[Pasted (?:text|Content)\b[^\]]*\]/i.test(screen)) return true;
  const first = brief
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length >= 8);
  if (!first) return false;
  const probe = first.slice(0, 40);
  return screen.replace(/\u00a0/g, ' ').includes(probe);
}

export interface PermissionPrompt {
  /** What the agent asks to do, as the prompt shows it: "Bash command", the command, its description. */
  request: string;
  /** The question line, e.g. "Do you want to proceed?". */
  question: string;
  options: { key: string; label: string; selected: boolean }[];
  /** The key that answers "Yes" once (not "Yes, and don't ask again"), or null when there is no such choice. */
  approveKey: string | null;
  /** The key that refuses: the "No…" choice's number, or Escape (every Claude Code prompt cancels on Esc). */
  denyKey: string;
}

/** Lines of a prompt's request shown at most: a long heredoc is cut, the start says what it is. */
const PROMPT_REQUEST_MAX_LINES = 15;

/**
 * Reads a tool-permission prompt off the screen: the request above the question, the numbered choices
 * below it. Null when no permission question shows or it has no numbered choices.
 */
export function parsePermissionPrompt(screen: string): PermissionPrompt | null {
  const lines = screenLines(screen);
  const qi = lines.findLastIndex((l) => PERMISSION_TEXTS.some((re) => re.test(l)));
  if (qi < 0) return null;
  const options: PermissionPrompt['options'] = [];
  for (const line of lines.slice(qi + 1)) {
    const m = /^\s*(❯|>)?\s*(\d)\.\s+(.+?)\s*$/.exec(line);
    if (m) options.push({ key: m[2]!, label: m[3]!, selected: Boolean(m[1]) });
    else if (options.length && line.trim()) break;
  }
  if (!options.length) return null;
  // The request: upwards from the question to the prompt's top border (or a run of blank lines).
  const above: string[] = [];
  let blanks = 0;
  for (let i = qi - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (/^\s*[╭┌]/.test(l) || /^\s*[─━]{3,}/.test(l)) break;
    if (!l.trim()) {
      if (++blanks >= 3) break;
      continue;
    }
    blanks = 0;
    if (/^\s*Tip:/.test(l)) continue;
    above.unshift(l);
  }
  const indent = Math.min(...above.map((l) => l.search(/\S/)));
  const request = above
    .map((l) => l.slice(Number.isFinite(indent) ? indent : 0))
    .slice(0, PROMPT_REQUEST_MAX_LINES)
    .join('\n');
  const yes = options.find((o) => /^yes\.?$/i.test(o.label.trim()));
  const no = options.find((o) => /^no\b/i.test(o.label.trim()));
  return {
    request: above.length > PROMPT_REQUEST_MAX_LINES ? `${request}\n…` : request,
    question: lines[qi]!.trim(),
    options,
    approveKey: yes?.key ?? null,
    denyKey: no?.key ?? '\x1b',
  };
}

/**
 * Codex's input box (composer): the last line starting with ›, its text after the glyph. It shows the
 * placeholder ("Ask Codex to do anything") when empty, the text or "[Pasted Content N chars]" once
 * pasted; earlier prompts stay above it in the transcript with the same glyph. Null when no › line shows.
 */
export function codexComposer(screen: string): string | null {
  const line = screenLines(screen).findLast((l) => /^\s*›(\s|$)/.test(l));
  return line === undefined ? null : line.replace(/^\s*›\s?/, '').trim();
}

/** True while Codex's composer still holds the pasted brief (so Enter has not taken it yet). */
export function codexComposerHoldsBrief(screen: string, brief: string): boolean {
  const text = codexComposer(screen);
  if (!text) return false;
  if (/\[Pasted (?:text|Content)\b[^\]]*\]/i.test(text)) return true;
  return brief.replace(/\s+/g, ' ').includes(text.replace(/\s+/g, ' '));
}
