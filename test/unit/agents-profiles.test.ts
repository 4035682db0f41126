// How each agent kind is launched, and how hook payloads become signals. The recorder script is
// run for real (it is a few lines of sh) to prove the JSON arrives intact and privately.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecorder, HookInbox, type HookEvent } from '../../main/engine/agents/hooks.js';
import { LaunchError, prepareLaunch, signalFromHook, type LaunchContext } from '../../main/engine/agents/profiles.js';
import type { AgentProfile } from '../../common/settings-schema.js';
import { until } from '../fixtures/fake-agent-harness.js';

let dir: string;
let bin: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-prof-'));
  bin = path.join(dir, 'bin');
  mkdirSync(bin);
  for (const name of ['claude', 'codex', 'myagent']) {
    writeFileSync(path.join(bin, name), '#!/bin/sh\n');
    chmodSync(path.join(bin, name), 0o755);
  }
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function profile(over: Partial<AgentProfile>): AgentProfile {
  return {
    kind: 'claude',
    command: 'claude',
    args: [],
    env: {},
    permissionMode: 'dontAsk',
    allowedTools: ['Read', 'Bash(lsof:*)'],
    allowBypass: false,
    donePattern: '',
    idleSec: 120,
    ...over,
  };
}
function ctx(p: AgentProfile, extra: Partial<LaunchContext> = {}): LaunchContext {
  return {
    profileName: 'x',
    profile: p,
    workDir: dir,
    incidentDir: dir,
    attempt: 1,
    env: { PATH: bin },
    isRoot: false,
    addDirs: ['/inc', '/cfg'],
    ...extra,
  };
}

describe('claude profile', () => {
  it(
    'always passes --permission-mode, hooks through --settings in the ' + 'incident folder, and the allowlist last',
    async () => {
      const l = await prepareLaunch(ctx(profile({ args: ['--model', 'sonnet'] })));
      expect(l.argv[0]).toBe(path.join(bin, 'claude'));
      expect(l.argv.slice(1)).toEqual([
        '--model',
        'sonnet',
        '--permission-mode',
        'dontAsk',
        '--settings',
        l.settingsFile,
        '--allowedTools',
        'Read',
        'Bash(lsof:*)',
      ]);
      // The extra folders are approved in the settings file (no per-folder dialog), never through --add-dir.
      const written = JSON.parse(readFileSync(l.settingsFile!, 'utf8')) as {
        permissions?: { additionalDirectories?: string[] };
      };
      expect(written.permissions?.additionalDirectories).toEqual(['/inc', '/cfg']);
      expect(l.settingsFile!.startsWith(dir)).toBe(true);
      expect(statSync(l.settingsFile!).mode & 0o777).toBe(0o600);
      const settings = JSON.parse(readFileSync(l.settingsFile!, 'utf8')) as Record<string, unknown>;
      expect(Object.keys(settings.hooks as object)).toEqual(
        expect.arrayContaining([
          'Stop',
          'Notification',
          'UserPromptSubmit',
          'SessionStart',
          'StopFailure',
          'SessionEnd',
        ]),
      );
      expect(settings.skipDangerousModePermissionPrompt).toBeUndefined();
      expect(l.env).toEqual({ PATH: bin });
      expect(l.hooks).toBe(true);
    },
  );

  it('refuses bypass without the opt-in, and with it warns and handles root', async () => {
    await expect(prepareLaunch(ctx(profile({ permissionMode: 'bypassPermissions' })))).rejects.toThrow(/allowBypass/);
    const l = await prepareLaunch(
      ctx(profile({ permissionMode: 'bypassPermissions', allowBypass: true }), { isRoot: true }),
    );
    expect(l.warnings.join()).toMatch(/permission checks OFF/);
    expect(l.env.IS_SANDBOX).toBe('1');
    expect(JSON.parse(readFileSync(l.settingsFile!, 'utf8'))).toMatchObject({
      skipDangerousModePermissionPrompt: true,
    });
  });

  it('says clearly when the command is not installed', async () => {
    await expect(prepareLaunch(ctx(profile({ command: 'nope' })))).rejects.toThrow(LaunchError);
    await expect(prepareLaunch(ctx(profile({ command: 'nope' })))).rejects.toThrow(
      /"nope" was not found on PATH.*doctor\.profiles\.x\.command/,
    );
  });
});

describe('codex and generic profiles', () => {
  it('codex: no daemon, never asks, sandboxed with loopback network, only existing extra folders', async () => {
    const cfg = path.join(dir, 'cfg');
    mkdirSync(cfg);
    const l = await prepareLaunch(
      ctx(profile({ kind: 'codex', command: 'codex', args: ['-c', 'model="o9"'] }), { addDirs: [cfg, '/no/such/dir'] }),
    );
    const [cmd, ...args] = l.argv;
    expect(cmd).toBe(path.join(bin, 'codex'));
    const notify = args.find((a) => a.startsWith('notify='))!;
    expect(notify).toBe(`notify=["/bin/sh",${JSON.stringify(l.recorder!.script)},"codex-notify"]`);
    expect(args).toEqual([
      '--no-daemon',
      '--ask-for-approval',
      'never',
      '--sandbox',
      'workspace-write',
      '-c',
      'sandbox_workspace_write.network_access=true',
      // bubblewrap cannot start a command when a writable folder is missing: only the existing one.
      '--add-dir',
      cfg,
      '-c',
      notify,
      '-c',
      'check_for_update_on_startup=false',
      '-c',
      'allow_login_shell=false',
      // The user's own arguments last, so their -c overrides win.
      '-c',
      'model="o9"',
    ]);
    expect(l.hooks).toBe(true);
    expect(l.warnings.join()).toMatch(/workspace-write sandbox/);
    // The allowlist is Claude's; Codex says it does not apply.
    expect(l.warnings.join()).toMatch(/allowedTools is ignored for Codex/);
  });
  it('codex: the other permission modes map to flags 0.171.0 accepts; bypass needs the opt-in', async () => {
    const flags = async (permissionMode: AgentProfile['permissionMode']) => {
      const l = await prepareLaunch(
        ctx(profile({ kind: 'codex', command: 'codex', permissionMode, allowBypass: true, allowedTools: [] })),
      );
      return l.argv.slice(2, l.argv.indexOf('-c', 2) < 0 ? undefined : l.argv.indexOf('-c', 2));
    };
    expect(await flags('acceptEdits')).toEqual(['--ask-for-approval', 'on-request', '--sandbox', 'workspace-write']);
    expect(await flags('default')).toEqual(['--ask-for-approval', 'on-request']);
    expect(await flags('plan')).toEqual(['--ask-for-approval', 'on-request', '--sandbox', 'read-only']);
    expect(await flags('bypassPermissions')).toEqual(['--dangerously-bypass-approvals-and-sandbox']);
    const p = profile({ kind: 'codex', command: 'codex', permissionMode: 'bypassPermissions' });
    await expect(prepareLaunch(ctx(p))).rejects.toThrow(/allowBypass/);
  });
  it('generic runs the command as given, without hooks', async () => {
    const l = await prepareLaunch(
      ctx(profile({ kind: 'generic', command: 'myagent', args: ['--x'], env: { A: 'b' } })),
    );
    expect(l.argv).toEqual([path.join(bin, 'myagent'), '--x']);
    expect(l.hooks).toBe(false);
    expect(l.env).toEqual({ PATH: bin, A: 'b' });
  });
});

describe('hook recorder and inbox', () => {
  it('records stdin JSON (Claude) and argv JSON (Codex) as private files and delivers each once', async () => {
    const rec = await createRecorder(dir, 1);
    const got: HookEvent[] = [];
    const inbox = new HookInbox(rec.dir, (e) => got.push(e));
    inbox.start();
    try {
      const payload = JSON.stringify({ hook_event_name: 'Stop', last_assistant_message: 'it\'s "done"\nline2' });
      const r = spawnSync('/bin/sh', ['-c', rec.command('Stop')], { input: payload, encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('');
      spawnSync('/bin/sh', ['-c', `${rec.command('codex-notify')} '{"type":"agent-turn-complete"}'`]);
      await until(() => got.length === 2);
      expect(got[0]).toMatchObject({ event: 'Stop', payload: { last_assistant_message: 'it\'s "done"\nline2' } });
      expect(got[1]).toMatchObject({ event: 'codex-notify', payload: { type: 'agent-turn-complete' } });
      expect(statSync(got[0]!.file).mode & 0o777).toBe(0o600);
      await inbox.scan();
      expect(got).toHaveLength(2);
    } finally {
      inbox.close();
    }
  });
});

describe('signalFromHook', () => {
  it('maps the events the doctor acts on', () => {
    expect(signalFromHook('Stop', { last_assistant_message: 'ok', transcript_path: '/t.jsonl' })).toEqual({
      type: 'stop',
      lastMessage: 'ok',
      transcriptPath: '/t.jsonl',
    });
    expect(
      signalFromHook('Notification', {
        notification_type: 'permission_prompt',
        message: 'Claude needs your permission to use Bash',
      }),
    ).toMatchObject({ type: 'permission' });
    expect(signalFromHook('Notification', { notification_type: 'idle_prompt' })).toEqual({ type: 'idle' });
    expect(
      signalFromHook('StopFailure', {
        error: 'rate_limit',
        last_assistant_message: 'API Error: Request rejected (429)',
      }),
    ).toEqual({ type: 'failure', reason: 'rate_limit: API Error: Request rejected (429)' });
    expect(signalFromHook('StopFailure', { error: 'authentication_failed' })).toEqual({
      type: 'failure',
      reason: 'authentication_failed',
    });
    expect(signalFromHook('UserPromptSubmit', { prompt: 'x' })).toEqual({ type: 'prompt-submitted' });
    expect(
      signalFromHook('codex-notify', { type: 'agent-turn-complete', 'last-assistant-message': 'hi' }),
    ).toMatchObject({ type: 'stop', lastMessage: 'hi' });
  });

  it("tells Codex's own turn from its title thread (measured 0.171.0 payloads)", () => {
    const brief = '# The OpenClaw gateway is down\n\nRead context.md.';
    const turn = (input: string) => ({
      type: 'agent-turn-complete',
      'thread-id': 't',
      client: 'codex-tui',
      'input-messages': [input],
      'last-assistant-message': 'CLAWMEDIC_RESULT {"status":"fixed","summary":"s"}',
    });
    const title = `Generate a concise, single-line task title of at most 36 characters.\n\nUser prompt:\n${brief}`;
    expect(signalFromHook('codex-notify', turn(title), brief)).toEqual({ type: 'other', name: 'codex:side-thread' });
    expect(signalFromHook('codex-notify', turn(brief), brief)).toMatchObject({ type: 'stop' });
    // A prompt a person typed after taking over is the agent's turn too.
    expect(signalFromHook('codex-notify', turn('also restart it please'), brief)).toMatchObject({ type: 'stop' });
    // Another quote of the brief that does not start with it is a side thread.
    expect(signalFromHook('codex-notify', turn(`Summarise:\n${brief}`), brief)).toMatchObject({ type: 'other' });
  });
});
