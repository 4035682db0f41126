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
}
export declare const DEFAULT_CLAUDE_ALLOWED_TOOLS: string[];
/** JSON Schema (draft-07, what ajv and conf use). Every object refuses unknown keys. */
export declare const settingsSchema: {
    readonly type: "object";
    readonly additionalProperties: false;
    readonly properties: {
        readonly $schema: {
            readonly type: "string";
        };
        readonly dataDir: {
            readonly type: "string";
            readonly minLength: 1;
            readonly default: "~/.clawmedic";
        };
        readonly gateway: {
            readonly type: "object";
            readonly additionalProperties: false;
            readonly default: {};
            readonly properties: {
                readonly url: {
                    readonly type: "string";
                    readonly format: "uri";
                    readonly pattern: "^https?://";
                    readonly default: "http://127.0.0.1:18789";
                };
                readonly checkIntervalSec: {
                    readonly type: "number";
                    readonly minimum: 1;
                    readonly maximum: 3600;
                    readonly default: 30;
                };
                readonly retryIntervalSec: {
                    readonly type: "number";
                    readonly minimum: 1;
                    readonly maximum: 3600;
                    readonly default: 5;
                };
                readonly timeoutSec: {
                    readonly type: "number";
                    readonly minimum: 0.1;
                    readonly maximum: 120;
                    readonly default: 5;
                };
                readonly failureThreshold: {
                    readonly type: "integer";
                    readonly minimum: 1;
                    readonly maximum: 100;
                    readonly default: 3;
                };
                readonly startupGraceSec: {
                    readonly type: "number";
                    readonly minimum: 0;
                    readonly maximum: 3600;
                    readonly default: 90;
                };
                readonly configPath: {
                    readonly type: "string";
                    readonly default: "~/.openclaw/openclaw.json";
                };
                readonly logPaths: {
                    readonly default: readonly ["/tmp/openclaw/openclaw-*.log", "~/Library/Logs/openclaw/gateway.log", "~/.openclaw/logs/gateway.log", "~/.openclaw/logs/gateway.err.log"];
                    readonly type: "array";
                    readonly items: {
                        readonly type: "string";
                    };
                };
            };
        };
        readonly restart: {
            readonly type: "object";
            readonly additionalProperties: false;
            readonly default: {};
            readonly properties: {
                readonly command: {
                    readonly type: "string";
                    readonly default: "openclaw gateway restart";
                };
                readonly steps: {
                    readonly type: "array";
                    readonly items: {
                        readonly type: "object";
                        readonly additionalProperties: false;
                        readonly required: readonly ["command"];
                        readonly properties: {
                            readonly command: {
                                readonly type: "string";
                                readonly pattern: "\\S";
                            };
                            readonly timeoutSec: {
                                readonly type: "integer";
                                readonly minimum: 1;
                                readonly maximum: 3600;
                                readonly default: 120;
                            };
                        };
                    };
                    readonly default: readonly [];
                };
                readonly attempts: {
                    readonly type: "integer";
                    readonly minimum: 0;
                    readonly maximum: 20;
                    readonly default: 2;
                };
                readonly waitHealthySec: {
                    readonly type: "number";
                    readonly minimum: 1;
                    readonly maximum: 3600;
                    readonly default: 60;
                };
                readonly backoffSec: {
                    readonly type: "number";
                    readonly minimum: 0;
                    readonly maximum: 3600;
                    readonly default: 10;
                };
                readonly maxPerHour: {
                    readonly type: "integer";
                    readonly minimum: 1;
                    readonly maximum: 1000;
                    readonly default: 6;
                };
            };
        };
        readonly doctor: {
            readonly type: "object";
            readonly additionalProperties: false;
            readonly default: {};
            readonly properties: {
                readonly enabled: {
                    readonly type: "boolean";
                    readonly default: true;
                };
                readonly agents: {
                    readonly default: readonly ["claude"];
                    readonly type: "array";
                    readonly items: {
                        readonly type: "string";
                    };
                };
                readonly profiles: {
                    readonly type: "object";
                    readonly additionalProperties: {
                        readonly type: "object";
                        readonly additionalProperties: false;
                        readonly required: readonly ["kind", "command"];
                        readonly properties: {
                            readonly kind: {
                                readonly type: "string";
                                readonly enum: readonly ["claude", "codex", "generic"];
                            };
                            readonly command: {
                                readonly type: "string";
                                readonly pattern: "\\S";
                            };
                            readonly args: {
                                readonly default: readonly [];
                                readonly type: "array";
                                readonly items: {
                                    readonly type: "string";
                                };
                            };
                            readonly env: {
                                readonly default: {};
                                readonly type: "object";
                                readonly additionalProperties: {
                                    readonly type: "string";
                                };
                                readonly required: readonly [];
                            };
                            readonly permissionMode: {
                                readonly type: "string";
                                readonly enum: readonly ["dontAsk", "acceptEdits", "default", "plan", "bypassPermissions"];
                                readonly default: "dontAsk";
                            };
                            readonly allowedTools: {
                                readonly default: readonly [];
                                readonly type: "array";
                                readonly items: {
                                    readonly type: "string";
                                };
                            };
                            readonly allowBypass: {
                                readonly type: "boolean";
                                readonly default: false;
                            };
                            readonly donePattern: {
                                readonly type: "string";
                                readonly default: "";
                            };
                            readonly idleSec: {
                                readonly type: "integer";
                                readonly minimum: 5;
                                readonly maximum: 3600;
                                readonly default: 120;
                            };
                        };
                    };
                    readonly required: readonly [];
                    readonly default: {
                        readonly claude: {
                            readonly kind: "claude";
                            readonly command: "claude";
                            readonly args: readonly [];
                            readonly env: {};
                            readonly permissionMode: "dontAsk";
                            readonly allowedTools: string[];
                            readonly allowBypass: false;
                            readonly donePattern: "";
                            readonly idleSec: 120;
                        };
                        readonly codex: {
                            readonly kind: "codex";
                            readonly command: "codex";
                            readonly args: readonly [];
                            readonly env: {};
                            readonly permissionMode: "dontAsk";
                            readonly allowedTools: readonly [];
                            readonly allowBypass: false;
                            readonly donePattern: "";
                            readonly idleSec: 120;
                        };
                    };
                };
                readonly timeoutSec: {
                    readonly type: "integer";
                    readonly minimum: 30;
                    readonly maximum: 86400;
                    readonly default: 1800;
                };
                readonly promptTemplate: {
                    readonly type: "string";
                    readonly default: "";
                };
                readonly maxPerDay: {
                    readonly type: "integer";
                    readonly minimum: 1;
                    readonly maximum: 100;
                    readonly default: 6;
                };
                readonly workDir: {
                    readonly type: "string";
                    readonly default: "";
                };
            };
        };
        readonly notify: {
            readonly type: "object";
            readonly additionalProperties: false;
            readonly default: {};
            readonly properties: {
                readonly native: {
                    readonly type: "boolean";
                    readonly default: true;
                };
                readonly channels: {
                    readonly type: "array";
                    readonly items: {
                        readonly type: "object";
                        readonly additionalProperties: false;
                        readonly required: readonly ["type"];
                        readonly properties: {
                            readonly name: {
                                readonly type: "string";
                                readonly default: "";
                            };
                            readonly type: {
                                readonly type: "string";
                                readonly enum: readonly ["discord", "slack", "telegram", "ntfy", "webhook"];
                            };
                            readonly enabled: {
                                readonly type: "boolean";
                                readonly default: true;
                            };
                            readonly url: {
                                readonly type: "string";
                                readonly default: "";
                            };
                            readonly token: {
                                readonly type: "string";
                                readonly default: "";
                            };
                            readonly chatId: {
                                readonly type: "string";
                                readonly default: "";
                            };
                            readonly headers: {
                                readonly default: {};
                                readonly type: "object";
                                readonly additionalProperties: {
                                    readonly type: "string";
                                };
                                readonly required: readonly [];
                            };
                            readonly minIntervalSec: {
                                readonly type: "integer";
                                readonly minimum: 0;
                                readonly maximum: 86400;
                                readonly default: 30;
                            };
                        };
                    };
                    readonly default: readonly [];
                };
            };
        };
        readonly app: {
            readonly type: "object";
            readonly additionalProperties: false;
            readonly default: {};
            readonly properties: {
                readonly launchAtLogin: {
                    readonly type: "boolean";
                    readonly default: false;
                };
            };
        };
    };
};
