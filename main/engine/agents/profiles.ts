// How each agent kind is started: argv, environment, and the signals it can give us.
// Never touches the user's own agent settings: Claude Code gets its hooks through `--settings`
// pointing at a file in the incident folder.
import { resolveCommand } from '../tools.js';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { AgentProfile, PermissionMode } from '../../../common/settings-schema.js';
import { PRIVATE_FILE_MODE } from '../fsutil.js';
import { claudeHookSettings, createRecorder, type HookRecorder } from './hooks.js';

export interface LaunchContext {
  profileName: string;
  profile: AgentProfile;
  /** The agent's working folder (per incident). */
  workDir: string;
  incidentDir: string;
  /** 1-based attempt number inside the incident (files are kept per attempt). */
  attempt: number;
  /** The environment ClawMedic runs with (PATH is used to find the command). */
  env: NodeJS.ProcessEnv;
  isRoot: boolean;
  /** Folders outside workDir the agent must read and write (incident folder, gateway config folder). */
  addDirs?: string[];
}

export interface AgentLaunch {
  argv: string[];
  /** Passed to the session with `tmux new-session -e` (never through argv, so not visible in ps). */
  env: Record<string, string>;
  recorder: HookRecorder | null;
  /** True when the agent reports Stop/Notification/… through hooks. */
  hooks: boolean;
  /** Things the user should know (logged as incident events). */
  warnings: string[];
  settingsFile: string | null;
}

export class LaunchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchError';
  }
}

function baseEnv(ctx: LaunchContext): Record<string, string> {
  // PATH goes in explicitly: a tmux server started earlier (or an app started from Finder) may have another.
  const env: Record<string, string> = {};
  if (ctx.env.PATH) env.PATH = ctx.env.PATH;
  Object.assign(env, ctx.profile.env);
  return env;
}

/** What is wrong and what to do when an agent's command is not there (the preflight says the same, word for word). */
export function agentNotFound(profileName: string, command: string): { detail: string; fix: string } {
  return {
    detail: `command "${command}" was not found on PATH`,
    fix: `Install it, or set doctor.profiles.${profileName}.command to its full path.`,
  };
}

function resolveOrThrow(ctx: LaunchContext): string {
  const p = ctx.profile;
  const found = resolveCommand(p.command, ctx.profile.env.PATH ?? ctx.env.PATH);
  if (!found) {
    const { detail, fix } = agentNotFound(ctx.profileName, p.command);
    throw new LaunchError(`agent "${ctx.profileName}": ${detail}. ${fix}`);
  }
  return found;
}

async function launchClaude(ctx: LaunchContext): Promise<AgentLaunch> {
  const p = ctx.profile;
  const cmd = resolveOrThrow(ctx);
  const warnings: string[] = [];
  const env = baseEnv(ctx);
  const recorder = await createRecorder(ctx.incidentDir, ctx.attempt);
  const settings: Record<string, unknown> = { ...claudeHookSettings(recorder) };
  // The folders beyond the workspace go in as permissions.additionalDirectories of the --settings file,
  // not as --add-dir: Claude Code 2.1.330 asks "Is this a directory you created or one you trust?"
  // (default "No, exit") for every --add-dir folder at each start, and not for these (measured with the
  // real CLI: no dialog, the input box comes up directly). The user's own settings are not touched.
  if (ctx.addDirs?.length) settings.permissions = { additionalDirectories: ctx.addDirs };
  if (p.permissionMode === 'bypassPermissions') {
    if (!p.allowBypass) {
      throw new LaunchError(
        `agent "${ctx.profileName}": permissionMode bypassPermissions needs ` +
          `allowBypass: true (an explicit opt-in); use dontAsk with allowedTools instead.`,
      );
    }
    warnings.push(
      `agent "${ctx.profileName}" runs with permission checks OFF (bypassPermissions, opted in with allowBypass)`,
    );
    // Claude Code refuses bypass mode as root unless told it runs in a sandbox, then asks again in a
    // dialog whose default is "No, exit"; the opt-in already answered both.
    settings.skipDangerousModePermissionPrompt = true;
    if (ctx.isRoot) env.IS_SANDBOX = '1';
  }
  const settingsFile = path.join(ctx.incidentDir, `claude-settings-${ctx.attempt}.json`);
  await fsp.writeFile(settingsFile, JSON.stringify(settings, null, 2), { mode: PRIVATE_FILE_MODE });
  // --permission-mode always: 2.1.330 defaults to "auto", which blocks every Bash call behind a custom base URL.
  const argv = [cmd, ...p.args, '--permission-mode', p.permissionMode];
  argv.push('--settings', settingsFile);
  // Last, because the flag takes a list: every following argument is a pattern.
  if (p.allowedTools.length) argv.push('--allowedTools', ...p.allowedTools);
  return { argv, env, recorder, hooks: true, warnings, settingsFile };
}

function tomlString(s: string): string {
  return JSON.stringify(s);
}

/**
 * Codex CLI 0.171.0 flags per permission mode. Its `--ask-for-approval` takes only on-request and never
 * (on-failure and untrusted are gone). Its workspace-write sandbox (bubblewrap on Linux) makes everything
 * outside the workspace and the --add-dir folders read-only, cuts the network unless
 * sandbox_workspace_write.network_access is on, and gives commands their own process namespace.
 */
const CODEX_MODES: Record<PermissionMode, string[]> = {
  // Never ask; commands run sandboxed. Network on: the doctor must reach the gateway on loopback
  // (measured: without it `curl http://127.0.0.1:…` inside the sandbox fails).
  dontAsk: [
    '--ask-for-approval',
    'never',
    '--sandbox',
    'workspace-write',
    '-c',
    'sandbox_workspace_write.network_access=true',
  ],
  acceptEdits: ['--ask-for-approval', 'on-request', '--sandbox', 'workspace-write'],
  default: ['--ask-for-approval', 'on-request'],
  plan: ['--ask-for-approval', 'on-request', '--sandbox', 'read-only'],
  bypassPermissions: ['--dangerously-bypass-approvals-and-sandbox'],
};

async function launchCodex(ctx: LaunchContext): Promise<AgentLaunch> {
  const p = ctx.profile;
  const cmd = resolveOrThrow(ctx);
  const warnings: string[] = [];
  if (p.permissionMode === 'bypassPermissions') {
    if (!p.allowBypass) {
      throw new LaunchError(
        `agent "${ctx.profileName}": permissionMode bypassPermissions needs allowBypass: true (an explicit ` +
          'opt-in); use dontAsk, which runs Codex without questions inside its workspace-write sandbox.',
      );
    }
    warnings.push(
      `agent "${ctx.profileName}" runs Codex with approvals and its sandbox OFF (opted in with allowBypass)`,
    );
  } else if (p.permissionMode === 'dontAsk' || p.permissionMode === 'acceptEdits') {
    warnings.push(
      `agent "${ctx.profileName}" runs Codex in its workspace-write sandbox: it can write only the work folder, ` +
        'the incident folder and the gateway config folder, and cannot signal processes it did not start; ' +
        'use bypassPermissions with allowBypass when the doctor must stop a stray process.',
    );
  }
  if (p.allowedTools.length) {
    warnings.push(
      `agent "${ctx.profileName}": allowedTools is ignored for Codex (it has no such list); its sandbox bounds it`,
    );
  }
  const recorder = await createRecorder(ctx.incidentDir, ctx.attempt);
  // Codex runs its notify program after every turn with the JSON as the last argument
  // ({"type":"agent-turn-complete","thread-id",…,"input-messages":[…],"last-assistant-message":…}).
  const notify = `notify=[${['/bin/sh', recorder.script, 'codex-notify'].map(tomlString).join(',')}]`;
  const sandboxed = CODEX_MODES[p.permissionMode].includes('workspace-write');
  // bubblewrap refuses to start any command when a writable folder does not exist: pass only existing ones.
  const addDirs = sandboxed ? (ctx.addDirs ?? []).filter((d) => existsSync(d)).flatMap((d) => ['--add-dir', d]) : [];
  const argv = [
    cmd,
    // The TUI otherwise starts a shared app-server daemon in its own process group, which would outlive
    // the tmux session ClawMedic ends.
    '--no-daemon',
    ...CODEX_MODES[p.permissionMode],
    ...addDirs,
    '-c',
    notify,
    '-c',
    'check_for_update_on_startup=false',
    // Codex runs commands in a login shell by default, whose profile resets PATH (measured: /etc/profile's
    // PATH, so `openclaw` was "command not found"); ClawMedic passes the PATH its commands must see.
    '-c',
    'allow_login_shell=false',
    // Last, so a user's own `-c` overrides win.
    ...p.args,
  ];
  return { argv, env: baseEnv(ctx), recorder, hooks: true, warnings, settingsFile: null };
}

function launchGeneric(ctx: LaunchContext): Promise<AgentLaunch> {
  // As from the other launchers, a command that cannot be found is a rejection (a throw in the executor), not a throw.
  return new Promise((resolve) => {
    const cmd = resolveOrThrow(ctx);
    resolve({
      argv: [cmd, ...ctx.profile.args],
      env: baseEnv(ctx),
      recorder: null,
      hooks: false,
      warnings: [],
      settingsFile: null,
    });
  });
}

export function prepareLaunch(ctx: LaunchContext): Promise<AgentLaunch> {
  switch (ctx.profile.kind) {
    case 'claude':
      return launchClaude(ctx);
    case 'codex':
      return launchCodex(ctx);
    case 'generic':
      return launchGeneric(ctx);
    default:
      throw new LaunchError(
        `agent "${ctx.profileName}": unknown kind "${String(ctx.profile.kind)}" (use claude, codex or generic)`,
      );
  }
}

/** Normalises a hook payload into what the doctor cares about. */
export type AgentSignal =
  | { type: 'session-start' }
  | { type: 'prompt-submitted' }
  | { type: 'stop'; lastMessage: string | null; transcriptPath: string | null }
  | { type: 'permission'; message: string }
  | { type: 'idle' }
  | { type: 'failure'; reason: string }
  | { type: 'session-end'; reason: string }
  | { type: 'other'; name: string };

/**
 * Codex 0.171.0 asks the model for a thread title in a side thread next to the first prompt, and runs
 * the notify program for that thread's turn too; its input message is an instruction that starts with
 * this text and quotes the prompt after it.
 */
export const CODEX_TITLE_PROMPT = 'Generate a concise, single-line task title';

/**
 * Normalises a hook payload. `prompt` (the brief) tells the agent's own turn from Codex's title thread:
 * a Codex notification counts only when one of its input messages starts like the brief.
 */
export function signalFromHook(event: string, payload: Record<string, unknown>, prompt?: string): AgentSignal {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  switch (event) {
    case 'SessionStart':
      return { type: 'session-start' };
    case 'UserPromptSubmit':
      return { type: 'prompt-submitted' };
    case 'Stop':
      return {
        type: 'stop',
        lastMessage: str(payload.last_assistant_message),
        transcriptPath: str(payload.transcript_path),
      };
    case 'Notification': {
      const kind = str(payload.notification_type) ?? '';
      const message = str(payload.message) ?? '';
      if (kind === 'permission_prompt' || (!kind && /permission/i.test(message)))
        return { type: 'permission', message: message || 'permission requested' };
      if (kind === 'idle_prompt') return { type: 'idle' };
      return { type: 'other', name: `Notification:${kind || message}` };
    }
    case 'StopFailure': {
      // Measured on 2.1.330: {error: "rate_limit" | "authentication_failed" | "server_error", last_assistant_message}.
      const err = str(payload.error) ?? str(payload.error_type) ?? str(payload.reason) ?? 'unknown error';
      const msg = str(payload.error_message) ?? str(payload.message) ?? str(payload.last_assistant_message);
      return { type: 'failure', reason: msg ? `${err}: ${msg}` : err };
    }
    case 'SessionEnd':
      return { type: 'session-end', reason: str(payload.reason) ?? 'unknown' };
    case 'codex-notify': {
      const t = str(payload.type);
      if (t === 'agent-turn-complete' && !isPromptTurn(payload['input-messages'], prompt))
        return { type: 'other', name: 'codex:side-thread' };
      if (t === 'agent-turn-complete') {
        return {
          type: 'stop',
          lastMessage: str(payload['last-assistant-message']) ?? str(payload.last_assistant_message),
          transcriptPath: null,
        };
      }
      return { type: 'other', name: `codex:${t ?? '?'}` };
    }
    default:
      return { type: 'other', name: event };
  }
}

/**
 * False for Codex's title thread: its input is the title instruction, which quotes the prompt after its
 * own text. A message that starts with the brief, or one a person typed after taking over (which does
 * not quote the brief), is a turn of the agent itself.
 */
function isPromptTurn(inputs: unknown, prompt: string | undefined): boolean {
  if (!Array.isArray(inputs) || !inputs.length) return true;
  const texts = inputs.filter((m): m is string => typeof m === 'string').map((m) => m.trimStart());
  if (texts.some((m) => m.startsWith(CODEX_TITLE_PROMPT))) return false;
  const first = prompt?.trimStart().split('\n')[0]?.trim();
  if (!first) return true;
  return texts.some((m) => m.startsWith(first)) || !texts.some((m) => m.includes(first));
}
