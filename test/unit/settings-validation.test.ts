// The validator compiled from the schema at build time: what it says about each kind of mistake (key path and
// reason, every problem at once), that it fills in defaults, and that the module the build wrote is current and
// safe for the renderer's CSP (no eval, no new Function, nothing to `require`).
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { validateSettingsDocument } from '../../common/generated/settings-validator.js';
import type { Settings } from '../../common/settings-schema.js';
import {
  checkSettingsShape,
  describeSchemaError,
  UNKNOWN_KEY,
  unknownKeyMessage,
  type CompiledValidator,
} from '../../common/settings-validation.js';
import { validateSettings } from '../../main/engine/settings/index.js';
import { buildValidators, VALIDATOR_FILE } from '../../scripts/build-validators.mjs';

function problemsOf(doc: unknown) {
  const r = checkSettingsShape(structuredClone(doc));
  return r.ok ? [] : r.problems;
}

describe('compiled settings validator', () => {
  it('is typed from the schema (a type guard for Settings), not `any`', () => {
    expectTypeOf(validateSettingsDocument).toEqualTypeOf<CompiledValidator<Settings>>();
  });

  it('words each kind of mistake as a key path and a reason', () => {
    const cases: [unknown, { path: string; message: string }][] = [
      [{ gateway: { checkIntervalSec: 'often' } }, { path: 'gateway.checkIntervalSec', message: 'must be number' }],
      [{ gateway: { failureThreshold: 1.5 } }, { path: 'gateway.failureThreshold', message: 'must be integer' }],
      [{ gateway: { checkIntervalSec: 0 } }, { path: 'gateway.checkIntervalSec', message: 'must be >= 1' }],
      [{ gateway: { timeoutSec: 500 } }, { path: 'gateway.timeoutSec', message: 'must be <= 120' }],
      [{ gateway: { url: 'ftp://host' } }, { path: 'gateway.url', message: 'must start with http:// or https://' }],
      [{ gateway: { url: 'http://a b' } }, { path: 'gateway.url', message: 'must be a valid uri' }],
      [{ gateway: { logPaths: ['a', 3] } }, { path: 'gateway.logPaths.1', message: 'must be string' }],
      [{ gatway: {} }, { path: 'gatway', message: unknownKeyMessage('gateway') }],
      [{ gateway: { urll: 'x' } }, { path: 'gateway.urll', message: unknownKeyMessage('url') }],
      [
        { gateway: { FailureThreshold: 3 } },
        { path: 'gateway.FailureThreshold', message: unknownKeyMessage('failureThreshold') },
      ],
      [
        { restart: { steps: [{ command: 'true', comand: 'x' }] } },
        { path: 'restart.steps.0.comand', message: unknownKeyMessage('command') },
      ],
      [{ gateway: { bogus: 1 } }, { path: 'gateway.bogus', message: UNKNOWN_KEY }],
      // One mistake, two broken rules (pattern and format): said once.
      [{ gateway: { url: 'not a url' } }, { path: 'gateway.url', message: 'must start with http:// or https://' }],
      [{ dataDir: '' }, { path: 'dataDir', message: 'must not be empty' }],
      [{ restart: { steps: [{ command: ' ' }] } }, { path: 'restart.steps.0.command', message: 'must not be empty' }],
      [{ restart: { steps: [{ timeoutSec: 5 }] } }, { path: 'restart.steps.0.command', message: 'is required' }],
      [
        { doctor: { profiles: { mine: { kind: 'robot', command: 'x' } } } },
        { path: 'doctor.profiles.mine.kind', message: 'must be one of "claude", "codex", "generic"' },
      ],
      // A map key with a slash: the JSON Pointer escape (~1) is undone in the key path.
      [
        { doctor: { profiles: { 'a/b': { command: 'x' } } } },
        { path: 'doctor.profiles.a/b.kind', message: 'is required' },
      ],
      [
        { notify: { channels: [{ type: 'discord', headers: { a: 1 } }] } },
        { path: 'notify.channels.0.headers.a', message: 'must be string' },
      ],
      [{ app: { launchAtLogin: 1 } }, { path: 'app.launchAtLogin', message: 'must be boolean' }],
      [{ tools: { tmux: false } }, { path: 'tools.tmux', message: 'must be string' }],
      [{ notify: [] }, { path: 'notify', message: 'must be object' }],
      [[], { path: '(root)', message: 'must be a JSON object' }],
    ];
    for (const [doc, problem] of cases) expect(problemsOf(doc), JSON.stringify(doc)).toEqual([problem]);
  });

  it('lists every problem in one run, each once', () => {
    const problems = problemsOf({
      gateway: { url: 5, checkIntervalSec: 0, surprise: true },
      restart: { steps: [{ command: '' }, { command: 'x', timeoutSec: 0 }] },
      notify: { channels: [{ type: 'pager', minIntervalSec: -1 }] },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'gateway.surprise',
      'gateway.url',
      'gateway.checkIntervalSec',
      'restart.steps.0.command',
      'restart.steps.1.timeoutSec',
      'notify.channels.0.type',
      'notify.channels.0.minIntervalSec',
    ]);
    expect(new Set(problems.map((p) => `${p.path} ${p.message}`)).size).toBe(problems.length);
  });

  it('words a pattern the schema does not know about by the pattern itself', () => {
    const err = { keyword: 'pattern', instancePath: '/x/y', params: { pattern: '^a+$' } };
    expect(describeSchemaError(err)).toEqual({ path: 'x.y', message: 'must match the regular expression ^a+$' });
  });

  it('fills in defaults in place, deep inside maps and lists too', () => {
    const doc = {
      doctor: { profiles: { mine: { kind: 'generic', command: 'aider' } } },
      restart: { steps: [{ command: 'x' }] },
    };
    const r = checkSettingsShape(doc);
    expect(r.ok).toBe(true);
    expect(doc.doctor.profiles.mine).toMatchObject({ args: [], permissionMode: 'dontAsk', idleSec: 120 });
    expect(doc.restart.steps[0]).toEqual({ command: 'x', timeoutSec: 120 });
  });

  it('the engine lists every problem of the prompt template, not only the first', () => {
    const r = validateSettings({ doctor: { promptTemplate: 'Fix {{nope}} and {{' } });
    expect(r.problems.filter((p) => p.path === 'doctor.promptTemplate')).toHaveLength(2);
  });
});

describe('the generated module', () => {
  it('is what the build script makes of the schema now (run `npm run build` if not)', async () => {
    const { changed } = (await buildValidators({ check: true })) as { changed: boolean };
    expect(changed, `${VALIDATOR_FILE} is stale: run \`npm run build\``).toBe(false);
  });

  it("evaluates no strings as code and loads nothing with require, so it runs under script-src 'self'", () => {
    const code = readFileSync(VALIDATOR_FILE, 'utf8');
    expect(code).not.toMatch(/new Function|\beval\(|require\(/);
  });
});
