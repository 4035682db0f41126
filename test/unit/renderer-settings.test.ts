// The settings form's client-side check must agree with the engine: same schema, same key paths, same
// words; and editing by key path must keep the document valid and minimal.
import { describe, expect, it } from 'vitest';
import { defaultSettings, validateSettings, type Settings } from '../../main/engine/settings/index.js';
import { semanticProblems } from '../../main/engine/settings/semantics.js';
import { getAt, placeProblems, setAt, unsetAt } from '../../renderer/src/settings/paths.js';
import { checkSettings, schemaAt, withDefaults } from '../../renderer/src/settings/schema-check.js';

const sort = (ps: { path: string; message: string }[]) => [...ps].sort((a, b) => (a.path + a.message).localeCompare(b.path + b.message));

const INVALID: unknown[] = [
  { gateway: { checkIntervalSec: 0 } },
  { gateway: { checkIntervalSec: 'often' } },
  { gateway: { url: 'ftp://host' } },
  { gateway: { url: 'not a url' } },
  { gateway: { timeoutSec: 500, failureThreshold: 1.5 } },
  { gateway: { logPaths: ['a', 3] } },
  { restart: { steps: [{ command: '' }, { command: 'x', timeoutSec: 0 }, { timeoutSec: 5 }] } },
  { doctor: { profiles: { mine: { kind: 'robot', command: 'x' } } } },
  { doctor: { profiles: { mine: { kind: 'generic' } } } },
  { doctor: { timeoutSec: 10, enabled: 'yes' } },
  { notify: { channels: [{ type: 'pager' }] } },
  { notify: { channels: [{ type: 'discord', minIntervalSec: -1, headers: { a: 1 } }] } },
  { gatway: {} },
  { gateway: { urll: 'x' } },
  { app: { launchAtLogin: 1 } },
  { dataDir: '' },
];

describe('checkSettings agrees with the engine', () => {
  it.each(INVALID.map((x) => [JSON.stringify(x), x]))('%s', (_name, input) => {
    const engine = validateSettings(input);
    const client = checkSettings(input);
    expect(engine.ok).toBe(false);
    expect(client.length).toBeGreaterThan(0);
    // Everything the form says, the engine says, in the same words at the same key path…
    expect(engine.problems).toEqual(expect.arrayContaining(client));
    // …and what only the engine says comes from its cross-field rules, which the form leaves to it.
    const crossField = semanticProblems(withDefaults(input) as Settings);
    for (const p of engine.problems.filter((e) => !client.some((c) => c.path === e.path && c.message === e.message))) {
      expect(crossField).toContainEqual(p);
    }
  });

  it('accepts what the engine accepts (defaults, and a realistic file)', () => {
    expect(checkSettings({})).toEqual([]);
    expect(checkSettings(defaultSettings())).toEqual([]);
    const realistic = {
      gateway: { url: 'http://127.0.0.1:18789', logPaths: ['/tmp/x.log'] },
      restart: { steps: [{ command: 'openclaw gateway restart', timeoutSec: 60 }] },
      doctor: { agents: ['claude'], promptTemplate: 'Fix {{gatewayUrl}} ({{incidentId}})' },
      notify: { channels: [{ type: 'telegram', token: 't', chatId: '1' }] },
    };
    expect(validateSettings(realistic).ok).toBe(true);
    expect(checkSettings(realistic)).toEqual([]);
  });

  it('reports template placeholder problems at doctor.promptTemplate, exactly like the engine', () => {
    for (const promptTemplate of ['Fix {{nope}} and {{', 'only {{ stray', 'fine {{gatewayUrl}}']) {
      const input = { doctor: { promptTemplate } };
      expect(sort(checkSettings(input))).toEqual(sort(validateSettings(input).problems));
    }
    expect(checkSettings({ doctor: { promptTemplate: 'only {{ stray' } })).toEqual([{ path: 'doctor.promptTemplate', message: 'has an unmatched "{{" or "}}"' }]);
  });

  it('withDefaults fills exactly what the engine fills', () => {
    expect(withDefaults({})).toEqual(defaultSettings());
    const partial = { doctor: { agents: ['x'], profiles: { x: { kind: 'generic', command: 'x', donePattern: 'done' } } } };
    expect(withDefaults(partial)).toEqual(validateSettings(partial).settings);
  });
});

describe('editing by key path', () => {
  it('creates containers from non-empty schema defaults, so editing a default profile keeps it whole', () => {
    const doc: Record<string, unknown> = {};
    setAt(doc, 'doctor.profiles.claude.permissionMode', 'plan');
    expect(getAt(doc, 'doctor.profiles.claude.command')).toBe('claude');
    expect(getAt(doc, 'doctor.profiles.codex.kind')).toBe('codex');
    expect(validateSettings(doc).ok).toBe(true);
    expect(Object.keys(doc.doctor as object)).toEqual(['profiles']);
  });

  it('unset brings back the default; arrays get created for numeric segments', () => {
    const doc: Record<string, unknown> = { gateway: { checkIntervalSec: 10 } };
    unsetAt(doc, 'gateway.checkIntervalSec');
    expect(withDefaults(doc)).toMatchObject({ gateway: { checkIntervalSec: 30 } });
    setAt(doc, 'restart.steps.0.command', 'x');
    expect(doc.restart).toEqual({ steps: [{ command: 'x' }] });
  });

  it('schemaAt walks properties, items and maps', () => {
    expect(schemaAt('gateway.checkIntervalSec')).toMatchObject({ minimum: 1, maximum: 3600 });
    expect(schemaAt('restart.steps.3.timeoutSec')).toMatchObject({ type: 'integer' });
    expect(schemaAt('doctor.profiles.any.idleSec')).toMatchObject({ minimum: 5 });
    expect(schemaAt('nope.nothing')).toBeNull();
  });

  it('places each problem at its field, else the closest enclosing field, else in the summary', () => {
    const fields = ['gateway.logPaths', 'gateway.url', 'notify.channels.0.token'];
    const { byField, unplaced } = placeProblems(fields, [
      { path: 'gateway.url', message: 'must start with http:// or https://' },
      { path: 'gateway.logPaths.2', message: 'must be string' },
      { path: 'notify.channels.0.token', message: 'is required for telegram' },
      { path: 'gatway', message: 'unknown key' },
    ]);
    expect(byField.get('gateway.url')).toEqual(['must start with http:// or https://']);
    expect(byField.get('gateway.logPaths')).toEqual(['2: must be string']);
    expect(byField.get('notify.channels.0.token')).toEqual(['is required for telegram']);
    expect(unplaced).toEqual([{ path: 'gatway', message: 'unknown key' }]);
  });
});
