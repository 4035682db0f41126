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
import {
  AGENT_KINDS,
  CHANNEL_TYPES,
  DEFAULT_CLAUDE_ALLOWED_TOOLS,
  PATTERNS,
  PERMISSION_MODES,
  RUNG_MODE_VALUES,
} from './settings-constants.js';
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
  /** Known fixes: deterministic repair rungs between the restart and the doctor (README "Known fixes"). */
  knownFixes: Section(
    {
      enabled: Type.Boolean({ default: true }),
      /** Stop an OpenClaw gateway that holds the port but does not answer, then start the gateway. */
      // auto: the holder is an OpenClaw gateway that does not answer its health check; nothing else is stopped.
      staleGateway: StringEnum(RUNG_MODE_VALUES, { default: 'auto' }),
      /** Another program holds the port: never stopped without asking. */
      portForeign: StringEnum(['ask', 'off'] as const, { default: 'ask' }),
      /** `openclaw doctor --fix --non-interactive --yes` for a config that no longer validates. */
      // auto: it only runs when OpenClaw's own .last-good exists, changes nothing when it cannot repair,
      // and keeps the broken file as .clobbered.*; ClawMedic snapshots the config first for the undo.
      configDoctorFix: StringEnum(RUNG_MODE_VALUES, { default: 'auto' }),
      /** Restore ClawMedic's last-known-good config copy (the broken file is kept beside it). */
      // ask: restoring discards the user's edit (kept beside the config, and one click undoes it).
      configRestore: StringEnum(RUNG_MODE_VALUES, { default: 'ask' }),
      /** Reinstall the version last seen healthy after an update that does not start. */
      // ask: a reinstall changes the installation, which a person may have updated on purpose.
      updateRollback: StringEnum(RUNG_MODE_VALUES, { default: 'ask' }),
      /** The rollback command, `{{version}}` filled in; empty = from the detected install method. */
      rollbackCommand: Type.String({ default: '' }),
      /** Enabled playbooks run (auto) or never (off); each one is enabled by a person first. */
      playbooks: StringEnum(['auto', 'off'] as const, { default: 'auto' }),
      // 300 s: long enough to read a notification and answer from a phone, shorter than the
      // doctor's typical 5-10 minutes, which is what waiting longer would cost.
      askTimeoutSec: Type.Integer({ minimum: 10, maximum: 86400, default: 300 }),
      // 10 s: the real gateway exits on SIGTERM in 0.3-3 s; a stuck one gets SIGKILL after this.
      stopGraceSec: Type.Number({ minimum: 1, maximum: 300, default: 10 }),
      // 300 s healthy on a config before it counts as good: an edit that breaks a hot reload or a
      // channel shows up within minutes.
      lastGoodAfterSec: Type.Integer({ minimum: 0, maximum: 86400, default: 300 }),
      lastGoodKeep: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
    },
    { default: {} },
  ),
  /** Prevention: warnings before an outage (README "Known fixes"). */
  guard: Section(
    {
      /** Validate every edit of the gateway config and warn when it would not start. */
      config: Type.Boolean({ default: true }),
      /** Watch the gateway's memory and the free disk space where it writes. */
      resources: Type.Boolean({ default: true }),
      // 2048 MB: the real gateway runs at ~0.9-1.0 GB; twice that is a leak, not a workload.
      memoryWarnMb: Type.Integer({ minimum: 64, maximum: 1048576, default: 2048 }),
      // 100 MB/h sustained over at least an hour: a leak that reaches the limit within hours, not noise.
      memoryGrowthMbPerHour: Type.Integer({ minimum: 1, maximum: 1048576, default: 100 }),
      // 1024 MB: the state database and the logs need room to write; below this a full disk is near.
      diskFreeWarnMb: Type.Integer({ minimum: 1, maximum: 1048576, default: 1024 }),
      // 300 s: memory and disk change over hours; a sample costs one `ps` and one statfs.
      sampleIntervalSec: Type.Integer({ minimum: 10, maximum: 86400, default: 300 }),
    },
    { default: {} },
  ),
});

/** The settings after validation: every key present, defaults filled in. */
export type Settings = Static<typeof settingsSchema>;
