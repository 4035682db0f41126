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
  it('codex gets its notify program and a warning that it is best effort', async () => {
    const l = await prepareLaunch(ctx(profile({ kind: 'codex', command: 'codex' })));
    expect(l.argv).toContain('-c');
    expect(l.argv.find((a) => a.startsWith('notify='))).toContain('codex-notify');
    expect(l.warnings.join()).toMatch(/best effort/);
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
});
