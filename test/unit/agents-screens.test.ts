// Screen recognisers against the real Claude Code texts (both trust layouts, permission prompt,
// first-run screens, quota texts) and the paste check.
import { describe, expect, it } from 'vitest';
import {
  classifyScreen,
  codexComposer,
  codexComposerHoldsBrief,
  parsePermissionPrompt,
  parseTrustPrompt,
  pasteVisible,
} from '../../main/engine/agents/screens.js';

const NBSP = '\u00a0';
const trust197 = `Accessing workspace:

 /home/me/incident/work

 Quick safety check: Is this a project you created or one you trust? (Like your own code, a well-known open \
source project, or work from your team).

 ❯ 1. Yes, I trust this folder
   2. No, exit

 Enter to confirm · Esc to cancel`;

const trust330 = trust197.replace(
  ' ❯ 1. Yes, I trust this folder\n   2. No, exit',
  ' ❯ No, exit\n   Yes, I trust this folder',
);
const trust330Moved = trust197.replace(
  ' ❯ 1. Yes, I trust this folder\n   2. No, exit',
  '   No, exit\n ❯ Yes, I trust this folder',
);

const inputBox = `╭──────────────────╮\n│ ❯${NBSP}\n╰──────────────────╯\n  ? for shortcuts`;
const permission =
  `╭────\n│ Bash command\n│\n│   kill -0 4242\n│   Check the ` +
  `process\n│\n│ Do you want to proceed?\n│ ❯ 1. Yes\n│   2. Yes, and ` +
  `don't ask again for kill commands\n│   3. No, and tell Claude what to ` +
  `do differently (esc)\n╰────`;

describe('trust prompt', () => {
  it('reads the 2.1.197 layout: Yes first and selected', () => {
    expect(parseTrustPrompt(trust197)).toEqual({
      layout: 'numbered',
      yesIndex: 0,
      selectedIndex: 0,
      yesLabel: 'Yes, I trust this folder',
    });
  });
  it('reads the 2.1.330 layout: "No, exit" first and selected, so Enter would quit', () => {
    expect(parseTrustPrompt(trust330)).toEqual({
      layout: 'unnumbered',
      yesIndex: 1,
      selectedIndex: 0,
      yesLabel: 'Yes, I trust this folder',
    });
  });
  it('sees the selection after it moved to Yes', () => {
    expect(parseTrustPrompt(trust330Moved)).toEqual({
      layout: 'unnumbered',
      yesIndex: 1,
      selectedIndex: 1,
      yesLabel: 'Yes, I trust this folder',
    });
  });
  it("reads 2.1.330's --add-dir dialog (measured), also before its ❯ is drawn", () => {
    const addDir =
      ` This session hasn't worked here before. Is this a directory you ` +
      `created or one you trust?\n Claude Code'll be able to read, edit, and ` +
      `execute files here.\n\n Security guide\n\n ❯ No, exit\n   Yes, add ` +
      `it\n\n Esc to exit · To add it, press ↓ to Yes, then Enter (your text is kept)`;
    expect(parseTrustPrompt(addDir)).toEqual({
      layout: 'unnumbered',
      yesIndex: 1,
      selectedIndex: 0,
      yesLabel: 'Yes, add it',
    });
    expect(parseTrustPrompt(addDir.replace(' ❯ No, exit', '   No, exit'))).toMatchObject({ selectedIndex: -1 });
  });
  it('is not a dialog over the input box', () => {
    const f = classifyScreen(trust330);
    expect(f.trust).not.toBeNull();
    expect(f.inputReady).toBe(false);
  });
});

describe('classifyScreen', () => {
  it('recognises the ready input box (❯ + no-break space)', () => {
    expect(classifyScreen(inputBox)).toMatchObject({
      inputReady: true,
      trust: null,
      permission: false,
      busy: false,
      human: null,
      quota: null,
    });
  });
  it('a permission prompt is not a ready input box, and not busy', () => {
    expect(classifyScreen(permission)).toMatchObject({ permission: true, inputReady: false, busy: false });
  });
  it('busy while "esc to interrupt" shows', () => {
    expect(classifyScreen(`✻ Working… (5s · ↓ 4 tokens · esc to interrupt)\n${inputBox}`).busy).toBe(true);
  });
  it.each([
    ['Detected a custom API key in your environment', /API key/],
    ['Unable to connect to Anthropic services\nFailed to connect', /could not reach Anthropic/],
    ['Select login method:\n❯ 1. Claude account', /not logged in/],
    ["Let's get started.\n\nChoose the text style that looks best", /first-run setup/],
  ])('needs a human on %j', (screen, why) => {
    const f = classifyScreen(screen);
    expect(f.human).toMatch(why);
    expect(f.inputReady).toBe(false);
  });
  it.each([
    "  ⎿  You've hit your limit · resets 1am (Europe/Berlin)",
    'Claude AI usage limit reached|1767225600',
    'Credit balance is too low',
    'API Error: Request rejected (429) · rate limited',
    'OAuth token revoked · Please run /login',
    '  ⎿  Invalid API key · Fix external API key',
    '✻ 401 invalid x-api-key · retrying in 10s · attempt 6/10',
    "✻ 429 This request would exceed your organization's rate limit. Please " +
      'try again late… · retrying in 4s · attempt 4/10',
  ])('recognises the quota/auth text %j', (text) => {
    expect(classifyScreen(text).quota).toBeTruthy();
  });
  it("does not treat a gateway log line about 429s as our agent's quota", () => {
    expect(
      classifyScreen('  ⎿  {"level":"warn","msg":"upstream rate_limit_error 429 from provider"}').quota,
    ).toBeNull();
  });
});

describe('pasteVisible', () => {
  const brief = 'You are on call for the OpenClaw gateway on this machine.\nStep two.';
  it('sees the paste box', () => {
    expect(pasteVisible(`│ ❯${NBSP}[Pasted text #1 +40 lines]`, brief)).toBe(true);
  });
  it('sees an inline paste by its first words', () => {
    expect(pasteVisible('> You are on call for the OpenClaw gateway on this machine.', brief)).toBe(true);
  });
  it('an empty box is not a paste', () => {
    expect(pasteVisible(inputBox, brief)).toBe(false);
  });
});

describe('parsePermissionPrompt', () => {
  it('reads the request, the question and which key says "Yes" once or "No"', () => {
    expect(parsePermissionPrompt(permission)).toEqual({
      request: 'Bash command\n  kill -0 4242\n  Check the process',
      question: 'Do you want to proceed?',
      options: [
        { key: '1', label: 'Yes', selected: true },
        { key: '2', label: "Yes, and don't ask again for kill commands", selected: false },
        { key: '3', label: 'No, and tell Claude what to do differently (esc)', selected: false },
      ],
      approveKey: '1',
      denyKey: '3',
    });
  });
  it('reads the 2.1.330 layout (a tip line, four choices, "No" last)', () => {
    const screen = [
      '────────────────',
      ' Bash command',
      '',
      '   openclaw gateway restart',
      '   Restart the gateway',
      ' Tip: auto mode lets Claude run safe commands',
      '',
      ' Do you want to proceed?',
      ' ❯ 1. Yes',
      '   2. Yes, and always allow access to work/ from this project',
      '   3. Yes, and switch to auto mode · shift+tab',
      '   4. No',
      '',
      ' Esc to cancel · Tab to amend',
    ].join('\n');
    const p = parsePermissionPrompt(screen)!;
    expect(p.request).toBe('Bash command\n  openclaw gateway restart\n  Restart the gateway');
    expect(p).toMatchObject({ approveKey: '1', denyKey: '4' });
  });
  it('no plain "Yes": nothing to approve with; no "No": Esc denies; no prompt: null', () => {
    const noPlainYes = permission
      .replace('❯ 1. Yes\n', '❯ 1. Yes, allow once for kill\n')
      .replace('3. No, and', '3. Nope, and');
    expect(parsePermissionPrompt(noPlainYes)).toMatchObject({ approveKey: null, denyKey: '\x1b' });
    expect(parsePermissionPrompt(inputBox)).toBeNull();
  });
});

// Codex CLI 0.171.0 in tmux (120×40), measured; blank lines and the start-up logo left out.
const codexTrust = `  Folder access

  /tmp/cx/g1

  Trust this folder? Codex can read, edit, and run files here, subject to your permission settings. Folder settings
  can run code automatically, even without a model request. Continue only if you trust these files. Your trust
  decision will be saved.

› 1. Trust and continue
  2. Back to Agent Command Center

  enter continue · esc back`;
const codexReady = `  >_ OpenAI Codex (v0.171.0)
     /tmp/cx/g3

› Ask Codex to do anything

  gpt-fake default · /tmp/cx/g3
  ← for agents · ? for shortcuts${' '.repeat(63)}⚠ 1 warning · f2 to view`;
const codexBrief = 'Line one of the brief: please fix it.\nSecond line.\nThird line.';
const codexPasted = codexReady.replace(
  '› Ask Codex to do anything',
  '› Line one of the brief: please fix it.\n  Second line.\n  Third line.',
);
const codexDone = codexReady.replace(
  '› Ask Codex to do anything',
  '› Line one of the brief: please fix it.\n  Second line.\n  Third line.\n\n' +
    '• Ran touch /tmp/cx/marker\n  └ (no output)\n\n' +
    '• Done.\n  CLAWMEDIC_RESULT {"status":"fixed"}\n\n  Worked for <1s • 23:08\n\n› Ask Codex to do anything',
);

describe('Codex CLI screens', () => {
  it('reads its folder-trust prompt: numbered, "Trust and continue" first and selected (Enter accepts)', () => {
    expect(parseTrustPrompt(codexTrust)).toEqual({
      layout: 'numbered',
      yesIndex: 0,
      selectedIndex: 0,
      yesLabel: 'Trust and continue',
    });
    expect(classifyScreen(codexTrust).inputReady).toBe(false);
  });
  it('its composer (›) is a ready input box', () => {
    expect(classifyScreen(codexReady)).toMatchObject({ inputReady: true, trust: null, human: null, quota: null });
  });
  it('the composer holds the paste until Enter takes it; the transcript keeps the brief afterwards', () => {
    expect(codexComposer(codexReady)).toBe('Ask Codex to do anything');
    expect(codexComposerHoldsBrief(codexReady, codexBrief)).toBe(false);
    expect(codexComposerHoldsBrief(codexPasted, codexBrief)).toBe(true);
    expect(
      codexComposerHoldsBrief(
        codexPasted.replace(/› Line one[^]*Third line\./, '› [Pasted Content 5012 chars]'),
        codexBrief,
      ),
    ).toBe(true);
    expect(pasteVisible(codexDone, codexBrief)).toBe(true);
    expect(codexComposerHoldsBrief(codexDone, codexBrief)).toBe(false);
    expect(codexComposer('no composer here')).toBeNull();
  });
  it('its rate-limit and quota errors are reasons to fall back', () => {
    const after = (line: string) =>
      codexReady.replace(
        '› Ask Codex to do anything',
        `› Please fix the gateway.\n\n■ ${line}\n\n› Ask Codex to do anything`,
      );
    expect(classifyScreen(after('exceeded retry limit, last status: 429 Too Many Requests')).quota).toBe(
      'exceeded retry limit, last status: 429 Too Many Requests',
    );
    expect(classifyScreen(after('Quota exceeded. Check your plan and billing details.')).quota).toMatch(
      /^Quota exceeded/,
    );
    const usage = 'You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit …';
    expect(classifyScreen(after(usage)).quota).toMatch(/^You’ve hit your usage limit/);
  });
  it('its sign-in screen needs a person', () => {
    const login = [
      "  Welcome to Codex, OpenAI's command-line coding agent",
      '',
      '  Choose how you want to use Codex.',
      '',
      '> 1. Sign in with ChatGPT',
      '     Usage included with Plus, Pro, Business, and Enterprise plans',
      '  2. Sign in with Device Code',
      '  3. Sign in another way',
      '',
      '  Press enter to continue',
    ].join('\n');
    expect(classifyScreen(login).human).toMatch(/Codex is not logged in/);
  });
});
