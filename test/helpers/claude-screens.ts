// Claude Code's start-up screens as plain text, as measured on the real CLI (2.1.197 and 2.1.330):
// for tests of the start-up step function and its driver.

export const NBSP = '\u00a0';
export const BRIEF = [
  "You are ClawMedic's doctor: the OpenClaw gateway on this machine is down.",
  'Read the context file /tmp/inc/context.md first.',
  'Fix the cause, then write your report to /tmp/inc/report.md.',
  'End with a CLAWMEDIC_RESULT line.',
].join('\n');

const TRUST_HEAD = `Accessing workspace:

 /tmp/inc

 Quick safety check: Is this a project you created or one you trust? (Like your own code, a well-known
 open source project, or work from your team). If not, take a moment to review what's in this folder first.
`;

export type Sel = 'yes' | 'no' | null;
const option = (label: string, selected: boolean) => `${selected ? ' ❯ ' : '   '}${label}`;

/** 2.1.197: numbered, "Yes" first (and selected by default). */
export const trust197 = (sel: Sel = 'yes') =>
  `${TRUST_HEAD}\n${option('1. Yes, I trust this folder', sel === 'yes')}\n${option('2. No, exit', sel === 'no')}\n\n` +
  ' Enter to confirm · Esc to cancel';
/** 2.1.330: unnumbered, "No, exit" first (and selected by default). */
export const trust330 = (sel: Sel = 'no') =>
  `${TRUST_HEAD}\n${option('No, exit', sel === 'no')}\n${option('Yes, I trust this folder', sel === 'yes')}\n\n` +
  ' Enter to confirm · Esc to cancel';
/** 2.1.330's dialog for an --add-dir folder; `over` is what it is drawn over (e.g. the input box). */
export const addDir = (sel: Sel = 'no', over = '') =>
  `${over}\n /tmp/gateway\n\n This session hasn't worked here before.` +
  ' Is this a directory you created or one you trust?\n' +
  ` Claude Code'll be able to read, edit, and execute files here.\n\n${option('No, exit', sel === 'no')}\n` +
  `${option('Yes, add it', sel === 'yes')}\n\n` +
  ' Esc to exit · To add it, press ↓ to Yes, then Enter (your text is kept)';
export const box = (content = '') =>
  `╭──────────────────╮\n│ ❯${NBSP}${content}\n╰──────────────────╯\n  ? for shortcuts`;
export const PASTED = box('[Pasted text #1 +3 lines]');
export const BUSY = `> ${BRIEF.split('\n')[0]}\n✳ Working… (1s · ↓ 7 tokens · esc to interrupt)\n${box()}`;
export const API_KEY =
  'Detected a custom API key in your environment\n\nDo you want to use this API key?\n  1. Yes\n❯ 2. No (recommended)';
export const LOGIN = 'Select login method:\n❯ 1. Claude account with subscription\n  2. Anthropic Console account';
export const ONBOARDING =
  "Let's get started.\n\nChoose the text style that looks best with your terminal\n❯ 1. Dark mode";
export const QUOTA = `${box()}\n  ⎿  You've hit your limit · resets 1am (UTC)`;
