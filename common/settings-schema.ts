// The one settings schema, written with TypeBox: each builder below is plain JSON Schema (draft-07, what ajv
// and electron-store's conf take) and the TypeScript types are derived from it, so the two cannot drift.
// The validator the engine and the renderer run is compiled from it at build time (scripts/build-validators.mjs,
// used through common/settings-validation.ts).
// Keep every key documented here; README "Settings" mirrors it.
import {
  KindGuard,
  Type,
  type ObjectOptions,
  type SchemaOptions,
  type Static,
  type TObject,
  type TProperties,
  type TSchema,
} from '@sinclair/typebox';

/**
 * An object that refuses unknown keys. A key with a `default` may be left out of the file: the validator fills
 * it in (ajv's useDefaults) before anything reads the settings, so it is not `required` in the schema, but the
 * derived type has it. Keys without a default are required unless wrapped in Type.Optional.
 */
function Section<P extends TProperties>(properties: P, options: ObjectOptions = {}): TObject<P> {
  const required = Object.keys(properties).filter((key) => {
    const property = properties[key];
    return property !== undefined && !KindGuard.IsOptional(property) && property.default === undefined;
  });
  return Object.assign(Type.Object(properties, { additionalProperties: false, ...options }), { required });
}

/** A string from a fixed list, as JSON Schema `enum` (its errors name every allowed value). */
function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: values, ...options });
}

/** Free-form keys with values of one schema, as `additionalProperties` (typed as a Record). */
function MapOf<V extends TSchema>(value: V, options: SchemaOptions = {}) {
  const schema = { type: 'object', additionalProperties: value, required: [], ...options };
  return Type.Unsafe<Record<string, Static<V>>>(schema);
}

const StringList = (options: SchemaOptions = {}) => Type.Array(Type.String(), options);

// Plain constants live in settings-constants.ts: the engine needs them at run time without loading TypeBox
// (hundreds of modules) on every start; this file is only for the schema and its types.
import { AGENT_KINDS, CHANNEL_TYPES, DEFAULT_CLAUDE_ALLOWED_TOOLS, PERMISSION_MODES, PATTERNS } from './settings-constants.js';
export * from './settings-constants.js';

const profileSchema = Section({
  kind: StringEnum(AGENT_KINDS),
  command: Type.String({ pattern: PATTERNS.nonBlank.pattern }),
  args: StringList({ default: [] }),
  env: MapOf(Type.String(), { default: {} }),
  /** Claude Code `--permission-mode`. bypassPermissions needs `allowBypass: true` too. */
  permissionMode: StringEnum(PERMISSION_MODES, { default: 'dontAsk' }),
  /** Tool patterns the agent may use without asking (Claude `--allowedTools`). */
  allowedTools: StringList({ default: [] }),
  /** Explicit opt-in for bypass mode; without it a bypass profile is refused. */
  allowBypass: Type.Boolean({ default: false }),
  /** Regex (generic agents): a line that means "finished"; it must not occur in the brief. */
  donePattern: Type.String({ default: '' }),
  /** Generic agents: seconds of unchanged screen (no permission prompt showing) that count as finished. */
  idleSec: Type.Integer({ minimum: 5, maximum: 3600, default: 120 }),
});

const stepSchema = Section({
  command: Type.String({ pattern: PATTERNS.nonBlank.pattern }),
  timeoutSec: Type.Integer({ minimum: 1, maximum: 3600, default: 120 }),
});

const channelSchema = Section({
  name: Type.String({ default: '' }),
  type: StringEnum(CHANNEL_TYPES),
  enabled: Type.Boolean({ default: true }),
  /** Webhook URL (discord, slack, webhook) or topic URL (ntfy). */
  url: Type.String({ default: '' }),
  /** Telegram bot token. */
  token: Type.String({ default: '' }),
  /** Telegram chat id. */
  chatId: Type.String({ default: '' }),
  /** Extra HTTP headers (webhook, ntfy auth). */
  headers: MapOf(Type.String(), { default: {} }),
  /** Minimum seconds between two messages on this channel (flood guard). */
  minIntervalSec: Type.Integer({ minimum: 0, maximum: 86400, default: 30 }),
  /** Telegram: buttons on the messages, read by long polling (the bot must be ClawMedic's own). */
  interactive: Type.Boolean({ default: false }),
  /** Telegram: buttons may act (approve, deny, restart, start/stop the doctor, pause); off = read-only. */
  allowActions: Type.Boolean({ default: false }),
  /** Telegram: who may press buttons: user ids, or a group's chat id (everyone in it). */
  allowChatIds: Type.Array(Type.String({ pattern: PATTERNS.telegramId.pattern }), { default: [] }),
});

export type AgentProfile = Static<typeof profileSchema>;
export type AgentKind = AgentProfile['kind'];
export type PermissionMode = AgentProfile['permissionMode'];
export type RestartStep = Static<typeof stepSchema>;
export type NotifyChannel = Static<typeof channelSchema>;
export type ChannelType = NotifyChannel['type'];

const DEFAULT_PROFILES: Record<string, AgentProfile> = {
  claude: {
    kind: 'claude',
    command: 'claude',
    args: [],
    env: {},
    permissionMode: 'dontAsk',
    allowedTools: DEFAULT_CLAUDE_ALLOWED_TOOLS,
    allowBypass: false,
    donePattern: '',
    idleSec: 120,
  },
  codex: {
    kind: 'codex',
    command: 'codex',
    args: [],
    env: {},
    permissionMode: 'dontAsk',
    allowedTools: [],
    allowBypass: false,
    donePattern: '',
    idleSec: 120,
  },
};

/** JSON Schema (draft-07, what ajv and conf use). Every object refuses unknown keys. */
export const settingsSchema = Section({
  $schema: Type.Optional(Type.String()),
  dataDir: Type.String({ minLength: 1, default: '~/.clawmedic' }),
  gateway: Section(
    {
      url: Type.String({ format: 'uri', pattern: PATTERNS.httpUrl.pattern, default: 'http://127.0.0.1:18789' }),
      // 30 s: the seed's cadence; a probe costs ~1 ms of CPU, so idle cost stays near zero.
      checkIntervalSec: Type.Number({ minimum: 1, maximum: 3600, default: 30 }),
      // 5 s: once one probe failed, confirm quickly instead of waiting whole intervals.
      retryIntervalSec: Type.Number({ minimum: 1, maximum: 3600, default: 5 }),
      // 5 s: the real gateway answers /healthz in milliseconds; 5 s means hung, not slow.
      timeoutSec: Type.Number({ minimum: 0.1, maximum: 120, default: 5 }),
      failureThreshold: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
      // 90 s: the real gateway needs 11-21 s to answer (46 s seen under load), doubled for slow Macs.
      startupGraceSec: Type.Number({ minimum: 0, maximum: 3600, default: 90 }),
      configPath: Type.String({ default: '~/.openclaw/openclaw.json' }),
      logPaths: StringList({
        default: [
          '/tmp/openclaw/openclaw-*.log',
          '~/Library/Logs/openclaw/gateway.log',
          '~/.openclaw/logs/gateway.log',
          '~/.openclaw/logs/gateway.err.log',
        ],
      }),
    },
    { default: {} },
  ),
  restart: Section(
    {
      command: Type.String({ default: 'openclaw gateway restart' }),
      steps: Type.Array(stepSchema, { default: [] }),
      attempts: Type.Integer({ minimum: 0, maximum: 20, default: 2 }),
      // 60 s: the real gateway is healthy 11-21 s after a start; give it three times that.
      waitHealthySec: Type.Number({ minimum: 1, maximum: 3600, default: 60 }),
      // 10 s, doubled per attempt: long enough for a port to be released, short enough to matter.
      backoffSec: Type.Number({ minimum: 0, maximum: 3600, default: 10 }),
      maxPerHour: Type.Integer({ minimum: 1, maximum: 1000, default: 6 }),
    },
    { default: {} },
  ),
  doctor: Section(
    {
      enabled: Type.Boolean({ default: true }),
      agents: StringList({ default: ['claude'] }),
      profiles: MapOf(profileSchema, { default: DEFAULT_PROFILES }),
      // 1800 s: the seed's 30-minute limit; typical recoveries take 5-10 minutes.
      timeoutSec: Type.Integer({ minimum: 30, maximum: 86400, default: 1800 }),
      promptTemplate: Type.String({ default: '' }),
      maxPerDay: Type.Integer({ minimum: 1, maximum: 100, default: 6 }),
      workDir: Type.String({ default: '' }),
    },
    { default: {} },
  ),
  notify: Section(
    {
      native: Type.Boolean({ default: true }),
      channels: Type.Array(channelSchema, { default: [] }),
    },
    { default: {} },
  ),
  app: Section({ launchAtLogin: Type.Boolean({ default: false }) }, { default: {} }),
  /** Full paths of the programs ClawMedic runs itself; empty = found on the login shell's PATH. */
  tools: Section({ tmux: Type.String({ default: '' }), openclaw: Type.String({ default: '' }) }, { default: {} }),
});

/** The settings after validation: every key present, defaults filled in. */
export type Settings = Static<typeof settingsSchema>;
