// The one settings schema: the CLI validates with it (ajv), electron-store gets it as `schema`,
// the renderer's settings form shows its errors. Keep every key documented here; README mirrors it.
export type AgentKind = 'claude' | 'codex' | 'generic';
export type PermissionMode = 'dontAsk' | 'acceptEdits' | 'default' | 'plan' | 'bypassPermissions';

export interface AgentProfile {
  kind: AgentKind;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Claude Code `--permission-mode`. bypassPermissions needs `allowBypass: true` too. */
  permissionMode: PermissionMode;
  /** Tool patterns the agent may use without asking (Claude `--allowedTools`). */
  allowedTools: string[];
  /** Explicit opt-in for bypass mode; without it a bypass profile is refused. */
  allowBypass: boolean;
  /** Regex (generic agents): a line that means "finished"; it must not occur in the brief. */
  donePattern: string;
  /** Generic agents: seconds of unchanged screen (no permission prompt showing) that count as finished. */
  idleSec: number;
}

export interface RestartStep {
  command: string;
  timeoutSec: number;
}

export type ChannelType = 'discord' | 'slack' | 'telegram' | 'ntfy' | 'webhook';
export interface NotifyChannel {
  name: string;
  type: ChannelType;
  enabled: boolean;
  /** Webhook URL (discord, slack, webhook) or topic URL (ntfy). */
  url: string;
  /** Telegram bot token. */
  token: string;
  /** Telegram chat id. */
  chatId: string;
  /** Extra HTTP headers (webhook, ntfy auth). */
  headers: Record<string, string>;
  /** Minimum seconds between two messages on this channel (flood guard). */
  minIntervalSec: number;
}

export interface Settings {
  dataDir: string;
  gateway: {
    url: string;
    checkIntervalSec: number;
    retryIntervalSec: number;
    timeoutSec: number;
    failureThreshold: number;
    startupGraceSec: number;
    configPath: string;
    logPaths: string[];
  };
  restart: {
    command: string;
    steps: RestartStep[];
    attempts: number;
    waitHealthySec: number;
    backoffSec: number;
    maxPerHour: number;
  };
  doctor: {
    enabled: boolean;
    agents: string[];
    profiles: Record<string, AgentProfile>;
    timeoutSec: number;
    promptTemplate: string;
    maxPerDay: number;
    workDir: string;
  };
  notify: {
    native: boolean;
    channels: NotifyChannel[];
  };
  app: {
    launchAtLogin: boolean;
  };
  /** Full paths of the programs ClawMedic runs itself; empty = found on the login shell's PATH. */
  tools: {
    tmux: string;
    openclaw: string;
  };
  /** Known fixes: deterministic repair rungs between the restart and the doctor (README "Known fixes"). */
  knownFixes: {
    enabled: boolean;
    /** Stop an OpenClaw gateway that holds the port but does not answer, then start the gateway. */
    staleGateway: RungMode;
    /** Another program holds the port: never stopped without asking. */
    portForeign: 'ask' | 'off';
    /** `openclaw doctor --fix --non-interactive --yes` for a config that no longer validates. */
    configDoctorFix: RungMode;
    /** Restore ClawMedic's last-known-good config copy (the broken file is kept beside it). */
    configRestore: RungMode;
    askTimeoutSec: number;
    stopGraceSec: number;
    lastGoodAfterSec: number;
    lastGoodKeep: number;
  };
}

export type RungMode = 'auto' | 'ask' | 'off';

const str = { type: 'string' } as const;
const strArray = { type: 'array', items: { type: 'string' } } as const;
const strMap = { type: 'object', additionalProperties: { type: 'string' }, required: [] } as const;

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

const profileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'command'],
  properties: {
    kind: { type: 'string', enum: ['claude', 'codex', 'generic'] },
    command: { type: 'string', pattern: '\\S' },
    args: { ...strArray, default: [] },
    env: { ...strMap, default: {} },
    permissionMode: {
      type: 'string',
      enum: ['dontAsk', 'acceptEdits', 'default', 'plan', 'bypassPermissions'],
      default: 'dontAsk',
    },
    allowedTools: { ...strArray, default: [] },
    allowBypass: { type: 'boolean', default: false },
    donePattern: { type: 'string', default: '' },
    idleSec: { type: 'integer', minimum: 5, maximum: 3600, default: 120 },
  },
} as const;

const stepSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['command'],
  properties: {
    command: { type: 'string', pattern: '\\S' },
    timeoutSec: { type: 'integer', minimum: 1, maximum: 3600, default: 120 },
  },
} as const;

const channelSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    name: { type: 'string', default: '' },
    type: { type: 'string', enum: ['discord', 'slack', 'telegram', 'ntfy', 'webhook'] },
    enabled: { type: 'boolean', default: true },
    url: { type: 'string', default: '' },
    token: { type: 'string', default: '' },
    chatId: { type: 'string', default: '' },
    headers: { ...strMap, default: {} },
    minIntervalSec: { type: 'integer', minimum: 0, maximum: 86400, default: 30 },
  },
} as const;

/** JSON Schema (draft-07, what ajv and conf use). Every object refuses unknown keys. */
export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    dataDir: { type: 'string', minLength: 1, default: '~/.clawmedic' },
    gateway: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        url: { type: 'string', format: 'uri', pattern: '^https?://', default: 'http://127.0.0.1:18789' },
        // 30 s: the seed's cadence; a probe costs ~1 ms of CPU, so idle cost stays near zero.
        checkIntervalSec: { type: 'number', minimum: 1, maximum: 3600, default: 30 },
        // 5 s: once one probe failed, confirm quickly instead of waiting whole intervals.
        retryIntervalSec: { type: 'number', minimum: 1, maximum: 3600, default: 5 },
        // 5 s: the real gateway answers /healthz in milliseconds; 5 s means hung, not slow.
        timeoutSec: { type: 'number', minimum: 0.1, maximum: 120, default: 5 },
        failureThreshold: { type: 'integer', minimum: 1, maximum: 100, default: 3 },
        // 90 s: the real gateway needs 11-21 s to answer (46 s seen under load), doubled for slow Macs.
        startupGraceSec: { type: 'number', minimum: 0, maximum: 3600, default: 90 },
        configPath: { type: 'string', default: '~/.openclaw/openclaw.json' },
        logPaths: {
          ...strArray,
          default: [
            '/tmp/openclaw/openclaw-*.log',
            '~/Library/Logs/openclaw/gateway.log',
            '~/.openclaw/logs/gateway.log',
            '~/.openclaw/logs/gateway.err.log',
          ],
        },
      },
    },
    restart: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        command: { type: 'string', default: 'openclaw gateway restart' },
        steps: { type: 'array', items: stepSchema, default: [] },
        attempts: { type: 'integer', minimum: 0, maximum: 20, default: 2 },
        // 60 s: the real gateway is healthy 11-21 s after a start; give it three times that.
        waitHealthySec: { type: 'number', minimum: 1, maximum: 3600, default: 60 },
        // 10 s, doubled per attempt: long enough for a port to be released, short enough to matter.
        backoffSec: { type: 'number', minimum: 0, maximum: 3600, default: 10 },
        maxPerHour: { type: 'integer', minimum: 1, maximum: 1000, default: 6 },
      },
    },
    doctor: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        agents: { ...strArray, default: ['claude'] },
        profiles: {
          type: 'object',
          additionalProperties: profileSchema,
          required: [],
          default: {
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
          },
        },
        // 1800 s: the seed's 30-minute limit; typical recoveries take 5-10 minutes.
        timeoutSec: { type: 'integer', minimum: 30, maximum: 86400, default: 1800 },
        promptTemplate: { type: 'string', default: '' },
        maxPerDay: { type: 'integer', minimum: 1, maximum: 100, default: 6 },
        workDir: { type: 'string', default: '' },
      },
    },
    notify: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        native: { type: 'boolean', default: true },
        channels: { type: 'array', items: channelSchema, default: [] },
      },
    },
    app: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        launchAtLogin: { type: 'boolean', default: false },
      },
    },
    tools: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        tmux: { type: 'string', default: '' },
        openclaw: { type: 'string', default: '' },
      },
    },
    knownFixes: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        // auto: the holder is an OpenClaw gateway that does not answer its health check; nothing else is stopped.
        staleGateway: { type: 'string', enum: ['auto', 'ask', 'off'], default: 'auto' },
        portForeign: { type: 'string', enum: ['ask', 'off'], default: 'ask' },
        // auto: it only runs when OpenClaw's own .last-good exists, changes nothing when it cannot repair,
        // and keeps the broken file as .clobbered.*; ClawMedic snapshots the config first for the undo.
        configDoctorFix: { type: 'string', enum: ['auto', 'ask', 'off'], default: 'auto' },
        // ask: restoring discards the user's edit (kept beside the config, and one click undoes it).
        configRestore: { type: 'string', enum: ['auto', 'ask', 'off'], default: 'ask' },
        // 300 s: long enough to read a notification and answer from a phone, shorter than the
        // doctor's typical 5-10 minutes, which is what waiting longer would cost.
        askTimeoutSec: { type: 'integer', minimum: 10, maximum: 86400, default: 300 },
        // 10 s: the real gateway exits on SIGTERM in 0.3-3 s; a stuck one gets SIGKILL after this.
        stopGraceSec: { type: 'number', minimum: 1, maximum: 300, default: 10 },
        // 300 s healthy on a config before it counts as good: an edit that breaks a hot reload or a
        // channel shows up within minutes.
        lastGoodAfterSec: { type: 'integer', minimum: 0, maximum: 86400, default: 300 },
        lastGoodKeep: { type: 'integer', minimum: 1, maximum: 100, default: 5 },
      },
    },
  },
} as const;

