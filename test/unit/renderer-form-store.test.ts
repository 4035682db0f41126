// The settings form's store (no DOM): what it shows, what it would save, what it tells its subscribers, and how
// the engine's problems come and go; and the preview scheduler's one-request-per-pause rule.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result, SettingsView } from '../../common/contract.js';
import { defaultSettings, validateSettings } from '../../main/engine/settings/index.js';
import { FILE_HAS_PROBLEMS, SettingsFormStore, type FormChange } from '../../renderer/src/settings/form-store.js';
import { PREVIEW_DEBOUNCE_MS, previewScheduler } from '../../renderer/src/settings/preview.js';

function view(settings: unknown, problems: SettingsView['problems'] = []): SettingsView {
  return { file: '/tmp/settings.json', settings, problems, templateVariables: {}, defaultPromptTemplate: '' };
}

function loaded(settings: unknown = {}, problems: SettingsView['problems'] = []) {
  const store = new SettingsFormStore();
  const changes: FormChange[] = [];
  store.load(view(settings, problems));
  store.subscribe((c) => changes.push(c));
  return { store, changes };
}

describe('settings form store', () => {
  it('shows defaults for what the file leaves out, and saves only what the user set', () => {
    const { store } = loaded({ gateway: { checkIntervalSec: 10 } });
    expect(store.value('gateway.checkIntervalSec')).toBe(10);
    expect(store.value('gateway.retryIntervalSec')).toBe(5);
    expect(store.value('doctor.profiles.claude.command')).toBe('claude');
    expect(store.isDirty()).toBe(false);
    store.set('gateway.retryIntervalSec', 7);
    expect(store.document()).toEqual({ gateway: { checkIntervalSec: 10, retryIntervalSec: 7 } });
    expect(store.isDirty()).toBe(true);
    store.set('gateway.retryIntervalSec', undefined);
    expect(store.document()).toEqual({ gateway: { checkIntervalSec: 10 } });
    expect(store.isDirty()).toBe(false);
  });

  it("checks after every change with the compiled validator, in the engine's words", () => {
    const { store } = loaded();
    expect(store.snapshot().problems).toEqual([]);
    store.set('gateway.checkIntervalSec', 0);
    store.set('gateway.url', 'ftp://x');
    expect(store.snapshot().problems).toEqual([
      { path: 'gateway.url', message: 'must start with http:// or https://' },
      { path: 'gateway.checkIntervalSec', message: 'must be >= 1' },
    ]);
    expect(validateSettings(store.document()).problems).toEqual(expect.arrayContaining([...store.snapshot().problems]));
    store.set('gateway.checkIntervalSec', 'often');
    expect(store.snapshot().problems).toContainEqual({ path: 'gateway.checkIntervalSec', message: 'must be number' });
  });

  it('tells subscribers a typed value (nothing to rebuild) apart from a structural change', () => {
    const { store, changes } = loaded();
    store.set('gateway.url', 'http://localhost:1');
    store.set('doctor.profiles.claude.kind', 'generic', { restructures: true });
    store.changeList('restart.steps', (steps) => steps.push({ command: 'x' }));
    store.revert();
    expect(changes).toEqual([
      { kind: 'edited', path: 'gateway.url' },
      { kind: 'restructured', path: 'doctor.profiles.claude.kind' },
      { kind: 'restructured', path: 'restart.steps' },
      { kind: 'loaded' },
    ]);
  });

  it('writes a default list or map out whole before changing it, so nothing else of it is lost', () => {
    const { store } = loaded();
    store.changeList('doctor.agents', (agents) => agents.push('codex'));
    expect(store.document()).toEqual({ doctor: { agents: ['claude', 'codex'] } });
    store.changeMap('doctor.profiles', (profiles) => delete profiles.codex);
    const profiles = store.document().doctor as { profiles: Record<string, unknown> };
    expect(Object.keys(profiles.profiles)).toEqual(['claude']);
    expect(profiles.profiles.claude).toEqual(defaultSettings().doctor.profiles.claude);
    // Editing one field of a default profile keeps its other (required) fields.
    const { store: other } = loaded();
    other.set('doctor.profiles.codex.permissionMode', 'plan');
    expect(other.snapshot().problems).toEqual([]);
    expect(other.value('doctor.profiles.codex.command')).toBe('codex');
  });

  it("keeps the engine's problems until their field is edited, and reports them once", () => {
    const engineSays = [
      { path: 'notify.channels.0.token', message: 'is required for telegram' },
      { path: 'doctor.agents.0', message: 'names profile "x"' },
    ];
    const { store, changes } = loaded({ notify: { channels: [{ type: 'telegram' }] } }, engineSays);
    expect(store.snapshot().serverMessage).toBe(FILE_HAS_PROBLEMS);
    expect(store.allProblems()).toEqual(engineSays);
    store.set('notify.channels.0.token', 't');
    expect(store.allProblems()).toEqual([engineSays[1]]);
    store.refused('Some settings are invalid; nothing was saved.', [engineSays[1]!, { path: 'x', message: 'y' }]);
    expect(store.snapshot()).toMatchObject({
      serverMessage: 'Some settings are invalid; nothing was saved.',
      saving: false,
    });
    expect(store.allProblems()).toEqual([engineSays[1], { path: 'x', message: 'y' }]);
    expect(changes.at(-1)).toEqual({ kind: 'status' });
    // A problem the form finds itself is not listed twice when the engine says it too.
    store.set('gateway.checkIntervalSec', 0);
    store.refused('no', [{ path: 'gateway.checkIntervalSec', message: 'must be >= 1' }]);
    expect(store.allProblems()).toEqual([{ path: 'gateway.checkIntervalSec', message: 'must be >= 1' }]);
  });

  it('takes a document that is not an object as empty, and never changes what it was given', () => {
    const given = { gateway: { checkIntervalSec: 10 } };
    const { store } = loaded(given);
    store.set('gateway.checkIntervalSec', 20);
    expect(given).toEqual({ gateway: { checkIntervalSec: 10 } });
    store.load(view(['not', 'an', 'object']));
    expect(store.document()).toEqual({});
    expect(store.snapshot().problems).toEqual([]);
  });
});

describe('preview scheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks once per pause in typing, with the latest template', async () => {
    const asked: string[] = [];
    const shown: Result<string>[] = [];
    const p = previewScheduler(
      (t) => (asked.push(t), Promise.resolve({ ok: true, value: t.toUpperCase() })),
      (r) => shown.push(r),
    );
    for (const t of ['a', 'ab', 'abc']) {
      p.soon(t);
      await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS - 100);
    }
    expect(asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(asked).toEqual(['abc']);
    expect(shown).toEqual([{ ok: true, value: 'ABC' }]);
  });

  it('shows only the answer to the latest request, and a failure as one', async () => {
    const pending: ((r: Result<string>) => void)[] = [];
    const shown: Result<string>[] = [];
    const p = previewScheduler(
      (t) =>
        t === 'boom' ? Promise.reject(new Error('socket closed')) : new Promise((resolve) => pending.push(resolve)),
      (r) => shown.push(r),
    );
    p.now('first');
    p.now('second');
    pending[1]!({ ok: true, value: 'second' });
    pending[0]!({ ok: true, value: 'first' });
    await vi.runAllTimersAsync();
    expect(shown).toEqual([{ ok: true, value: 'second' }]);
    p.now('boom');
    await vi.runAllTimersAsync();
    expect(shown.at(-1)).toEqual({ ok: false, message: 'socket closed' });
  });
});
