import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SettingsError,
  defaultSettings,
  loadSettings,
  resolvePaths,
  restartSteps,
  saveSettings,
  settingsFilePath,
  validateSettings,
} from '../../main/engine/settings/index.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'cm-set-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('settings schema', () => {
  it('fills every default from an empty object', () => {
    const s = defaultSettings();
    expect(s.gateway).toMatchObject({
      url: 'http://127.0.0.1:18789',
      checkIntervalSec: 30,
      failureThreshold: 3,
      timeoutSec: 5,
    });
    expect(s.restart).toMatchObject({ command: 'openclaw gateway restart', attempts: 2, maxPerHour: 6 });
    expect(s.doctor).toMatchObject({ enabled: true, agents: ['claude'], timeoutSec: 1800 });
    expect(s.doctor.profiles.claude).toMatchObject({ kind: 'claude', permissionMode: 'dontAsk', allowBypass: false });
    expect(s.doctor.profiles.claude!.allowedTools.length).toBeGreaterThan(3);
    expect(s.notify.channels).toEqual([]);
  });

  it('accepts its own defaults, and hands out the defaults (not a half-checked copy) when refusing', () => {
    expect(validateSettings({})).toEqual({ ok: true, settings: defaultSettings(), problems: [] });
    const refused = validateSettings({ gateway: { checkIntervalSec: 'often', timeoutSec: 2 } });
    expect(refused.ok).toBe(false);
    expect(refused.settings).toEqual(defaultSettings());
  });

  it('fills defaults inside a partially given profile', () => {
    const r = validateSettings({ doctor: { profiles: { claude: { kind: 'claude', command: '/opt/claude' } } } });
    expect(r.ok).toBe(true);
    expect(r.settings.doctor.profiles.claude).toMatchObject({
      command: '/opt/claude',
      args: [],
      permissionMode: 'dontAsk',
    });
  });

  it('names the key path and the reason for each problem, all at once', () => {
    const r = validateSettings({
      gateway: { url: 'ftp://x', checkIntervalSec: 'often', failureThreshold: 0, surprise: true },
      restart: { steps: [{ command: ' ' }] },
      doctor: {
        agents: ['claude', 'ghost', 'claude'],
        profiles: { claude: { kind: 'robot', command: 'x' } },
        promptTemplate: 'Hi {{who}}',
      },
      notify: { channels: [{ type: 'telegram' }, { type: 'slack', url: 'nope' }] },
    });
    expect(r.ok).toBe(false);
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.message]));
    expect(byPath['gateway.url']).toMatch(/http/);
    expect(byPath['gateway.checkIntervalSec']).toBe('must be number');
    expect(byPath['gateway.failureThreshold']).toBe('must be >= 1');
    expect(byPath['gateway.surprise']).toMatch(/unknown key/);
    expect(byPath['restart.steps.0.command']).toBe('must not be empty');
    expect(byPath['doctor.profiles.claude.kind']).toMatch(/"claude", "codex", "generic"/);
    expect(byPath['doctor.agents.1']).toMatch(/"ghost"/);
    expect(byPath['doctor.agents']).toMatch(/twice/);
    expect(byPath['doctor.promptTemplate']).toMatch(/\{\{who\}\}/);
    expect(byPath['notify.channels.0.token']).toMatch(/required for telegram/);
    expect(byPath['notify.channels.0.chatId']).toMatch(/required/);
    expect(byPath['notify.channels.1.url']).toMatch(/http/);
  });

  it(
    'refuses a profile that cannot work: empty command, bypass without ' +
      'opt-in, generic without a done pattern, bad regex',
    () => {
      const r = validateSettings({
        doctor: {
          agents: ['a'],
          profiles: {
            a: { kind: 'claude', command: '' },
            b: { kind: 'claude', command: 'claude', permissionMode: 'bypassPermissions' },
            c: { kind: 'generic', command: 'aider' },
            d: { kind: 'generic', command: 'aider', donePattern: '([' },
          },
        },
      });
      const paths = r.problems.map((p) => p.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'doctor.profiles.a.command',
          'doctor.profiles.b.permissionMode',
          'doctor.profiles.c.donePattern',
          'doctor.profiles.d.donePattern',
        ]),
      );
      expect(
        validateSettings({
          doctor: {
            profiles: {
              claude: { kind: 'claude', command: 'claude', permissionMode: 'bypassPermissions', allowBypass: true },
            },
          },
        }).ok,
      ).toBe(true);
    },
  );

  it('never mutates its input', () => {
    const input = { gateway: { checkIntervalSec: 10 } };
    validateSettings(input);
    expect(input).toEqual({ gateway: { checkIntervalSec: 10 } });
  });

  it('turns restart.command into a one-step ladder unless steps are given', () => {
    expect(restartSteps(defaultSettings())).toEqual([{ command: 'openclaw gateway restart', timeoutSec: 120 }]);
    const s = validateSettings({
      restart: { steps: [{ command: 'launchctl kickstart -k gui/501/ai.openclaw.gateway', timeoutSec: 30 }] },
    }).settings;
    expect(restartSteps(s)).toEqual([
      { command: 'launchctl kickstart -k gui/501/ai.openclaw.gateway', timeoutSec: 30 },
    ]);
  });

  it('expands ~ in every path-valued key', () => {
    const s = resolvePaths(
      validateSettings({ dataDir: '~/cm', gateway: { configPath: '~/oc.json', logPaths: ['~/a.log', '/b.log'] } })
        .settings,
      '/home/u',
    );
    expect(s.dataDir).toBe('/home/u/cm');
    expect(s.gateway.configPath).toBe('/home/u/oc.json');
    expect(s.gateway.logPaths).toEqual(['/home/u/a.log', '/b.log']);
    expect(s.doctor.workDir).toBe('/home/u/cm/doctor');
  });

  it('chooses the file from --config, then CLAWMEDIC_CONFIG, then the default', () => {
    expect(settingsFilePath('/x/a.json', { CLAWMEDIC_CONFIG: '/y/b.json' })).toBe('/x/a.json');
    expect(settingsFilePath(undefined, { CLAWMEDIC_CONFIG: '/y/b.json' })).toBe('/y/b.json');
    expect(settingsFilePath(undefined, {})).toBe(path.join(os.homedir(), '.clawmedic', 'settings.json'));
  });
});

describe('interactive Telegram settings', () => {
  const tg = { type: 'telegram', token: '1:abc', chatId: '42' };
  it('are off by default: no buttons, no actions, nobody allowed', () => {
    const r = validateSettings({ notify: { channels: [tg] } });
    expect(r.ok).toBe(true);
    expect(r.settings.notify.channels[0]).toMatchObject({ interactive: false, allowActions: false, allowChatIds: [] });
  });
  it('need an allow-list, numeric ids, interactive before actions, and a telegram channel', () => {
    const problems = (channel: Record<string, unknown>) => {
      const r = validateSettings({ notify: { channels: [channel] } });
      return Object.fromEntries(r.problems.map((p) => [p.path.replace('notify.channels.0.', ''), p.message]));
    };
    expect(problems({ ...tg, interactive: true }).allowChatIds).toMatch(/must list who may press/);
    const byName = { ...tg, interactive: true, allowChatIds: ['@alice'] };
    expect(problems(byName)['allowChatIds.0']).toMatch(/numeric Telegram id/);
    expect(problems({ ...tg, allowActions: true, allowChatIds: ['42'] }).allowActions).toMatch(/interactive: true/);
    const slack = { type: 'slack', url: 'https://hooks.slack.com/x', interactive: true };
    expect(problems(slack).interactive).toMatch(/only for telegram/);
    const good = { ...tg, interactive: true, allowActions: true, allowChatIds: ['42', '-1001234567890'] };
    expect(validateSettings({ notify: { channels: [good] } }).ok).toBe(true);
  });
});

describe('settings file', () => {
  it('a missing file means defaults', async () => {
    const r = await loadSettings(path.join(tmp(), 'none.json'));
    expect(r.exists).toBe(false);
    expect(r.settings).toEqual(defaultSettings());
  });

  it('reports a JSON syntax error as a problem with the file', async () => {
    const f = path.join(tmp(), 's.json');
    writeFileSync(f, '{ "gateway": { ');
    await expect(loadSettings(f)).rejects.toThrow(SettingsError);
    await expect(loadSettings(f)).rejects.toMatchObject({
      problems: [{ path: '(file)', message: expect.stringMatching(/not valid JSON/) as unknown }],
    });
  });

  it('saves atomically as 0600 in a 0700 folder, keeping only what the user wrote', async () => {
    const f = path.join(tmp(), 'conf', 'settings.json');
    await saveSettings(f, { gateway: { checkIntervalSec: 10 } });
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({ gateway: { checkIntervalSec: 10 } });
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(f)).mode & 0o777).toBe(0o700);
    expect((await loadSettings(f)).settings.gateway.checkIntervalSec).toBe(10);
  });

  it('refuses to save invalid settings and leaves the file as it was', async () => {
    const f = path.join(tmp(), 'settings.json');
    writeFileSync(f, '{"gateway":{"checkIntervalSec":10}}');
    await expect(saveSettings(f, { gateway: { checkIntervalSec: -1 } })).rejects.toThrow(/gateway.checkIntervalSec/);
    expect(readFileSync(f, 'utf8')).toBe('{"gateway":{"checkIntervalSec":10}}');
  });

  it('moves a broken file aside before saving over it, never losing it', async () => {
    const d = tmp();
    const f = path.join(d, 'settings.json');
    writeFileSync(f, '{ half-edited');
    await saveSettings(f, {}, new Date('2026-11-25T12:00:00Z'));
    const aside = readdirSync(d).find((n) => n.startsWith('settings.json.broken-'));
    expect(aside).toBe('settings.json.broken-2026-11-25T12-00-00-000Z');
    expect(readFileSync(path.join(d, aside!), 'utf8')).toBe('{ half-edited');
  });
});

describe('hostile settings documents', () => {
  it('a deeply nested document is refused with a key path, not a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    const r = validateSettings({ gateway: deep });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      { path: '(root)', message: expect.stringMatching(/nested more than 32 levels/) as unknown },
    ]);
  });

  it('inherited names are not template variables or profiles', () => {
    const r = validateSettings({
      doctor: { agents: ['constructor'], promptTemplate: 'Fix {{constructor}} and {{toString}}' },
    });
    expect(r.ok).toBe(false);
    const paths = r.problems.map((p) => p.path);
    expect(paths).toContain('doctor.agents.0');
    expect(paths).toContain('doctor.promptTemplate');
  });

  it('a file over the size cap is refused before it is read', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cm-big-'));
    try {
      const file = path.join(dir, 'settings.json');
      writeFileSync(file, JSON.stringify({ doctor: { promptTemplate: 'x'.repeat(2 * 1024 * 1024) } }));
      await expect(loadSettings(file)).rejects.toThrow(/settings files are at most 1024 KiB/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
