// The settings form's own check (the compiled schema validator plus the prompt's placeholders) says what the
// engine says, in the same words at the same key paths; editing by key path keeps the document valid and minimal.
import { describe, expect, it } from 'vitest';
import { defaultSettings, validateSettings } from '../../main/engine/settings/index.js';
import { checkDraft } from '../../renderer/src/settings/check.js';
import { getAt, placeProblems, schemaAt, setAt, unsetAt } from '../../renderer/src/settings/paths.js';

describe('the form check', () => {
  it('fills in defaults as the engine does and finds nothing wrong with them', () => {
    expect(checkDraft({})).toEqual({ filled: defaultSettings(), problems: [] });
    const profile = { kind: 'generic', command: 'x', donePattern: 'done' };
    const partial = { doctor: { agents: ['x'], profiles: { x: profile } } };
    expect(checkDraft(partial).filled).toEqual(validateSettings(partial).settings);
    expect(partial.doctor).not.toHaveProperty('enabled');
  });

  it('reports what the engine reports for the schema and the prompt, and leaves cross-field rules to it', () => {
    const draft = {
      gateway: { checkIntervalSec: 0, url: 'ftp://x', bogus: 1 },
      doctor: { agents: ['ghost'], promptTemplate: 'Fix {{nope}} and {{' },
      notify: { channels: [{ type: 'telegram' }] },
    };
    const form = checkDraft(draft).problems;
    expect(form).toEqual([
      { path: 'gateway.bogus', message: 'unknown key (check the spelling; see README "Settings")' },
      { path: 'gateway.url', message: 'must start with http:// or https://' },
      { path: 'gateway.checkIntervalSec', message: 'must be >= 1' },
      {
        path: 'doctor.promptTemplate',
        message: expect.stringMatching(/^uses \{\{nope\}\}, which is not a known/) as unknown,
      },
      { path: 'doctor.promptTemplate', message: 'has an unmatched "{{" or "}}"' },
    ]);
    const engine = validateSettings(draft).problems;
    expect(engine).toEqual(expect.arrayContaining(form));
    // Only the engine knows: the agent names a missing profile; a telegram channel needs a token and chat id.
    const engineOnly = engine.filter((p) => !form.some((f) => f.path === p.path && f.message === p.message));
    expect(engineOnly.map((p) => p.path)).toEqual([
      'doctor.agents.0',
      'notify.channels.0.token',
      'notify.channels.0.chatId',
    ]);
  });

  it('never changes the draft it checks', () => {
    const draft = { gateway: { checkIntervalSec: 10 } };
    checkDraft(draft);
    expect(draft).toEqual({ gateway: { checkIntervalSec: 10 } });
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
    expect(checkDraft(doc).filled).toMatchObject({ gateway: { checkIntervalSec: 30 } });
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
