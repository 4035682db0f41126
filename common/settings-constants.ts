// The settings' plain constants (patterns, allowed values, the default tool list), apart from the TypeBox
// schema in settings-schema.ts: the engine and the CLI import these at start-up, and TypeBox (about 200
// modules) is then loaded only by what needs the schema itself (the app's settings store, the renderer).

/** The patterns the schema uses, each with the words for a value that does not match it. */
export const PATTERNS = {
  nonBlank: { pattern: '\\S', words: 'must not be empty' },
  httpUrl: { pattern: '^https?://', words: 'must start with http:// or https://' },
  telegramId: {
    pattern: '^-?\\d{1,20}$',
    words: 'must be a numeric Telegram id (123456789; a group: -100123…), not a @name',
  },
} as const;

export const AGENT_KINDS = ['claude', 'codex', 'generic'] as const;
export const PERMISSION_MODES = ['dontAsk', 'acceptEdits', 'default', 'plan', 'bypassPermissions'] as const;
export const CHANNEL_TYPES = ['discord', 'slack', 'telegram', 'ntfy', 'webhook'] as const;
export const RUNG_MODE_VALUES = ['auto', 'ask', 'off'] as const;
/** auto = do it; ask = propose it and wait for a person; off = never. */
export type RungMode = (typeof RUNG_MODE_VALUES)[number];

export const DEFAULT_CLAUDE_ALLOWED_TOOLS = [
  'Read',
  'Grep',
  'Glob',
  'Edit',
  'Write',
  'Bash(openclaw status:*)',
  'Bash(openclaw health:*)',
  'Bash(openclaw logs:*)',
  'Bash(openclaw config validate:*)',
  'Bash(openclaw doctor:*)',
  'Bash(openclaw gateway:*)',
  'Bash(lsof:*)',
  'Bash(ps:*)',
  'Bash(npm list:*)',
  'Bash(node --version)',
  'Bash(curl:*)',
  'Bash(tail:*)',
  'Bash(cat:*)',
  'Bash(ls:*)',
];
