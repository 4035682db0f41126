// The architecture's dependency rule is an ESLint rule (eslint.boundaries.js, part of `npm run lint`). These
// tests run it alone: it holds for the repository, and it reports each kind of violation planted in each folder,
// so a configuration that silently stopped checking (a resolver that cannot map `.js` to `.ts`, a folder pattern
// that matches nothing) fails here.
import { ESLint, type Linter } from 'eslint';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RULE = 'boundaries/dependencies';

let eslint: ESLint;

beforeAll(async () => {
  // Plain JavaScript, so ESLint loads it without a TypeScript loader; its one export is typed here.
  const { boundaryConfig } = (await import(pathToFileURL(path.join(repo, 'eslint.boundaries.js')).href)) as {
    boundaryConfig: Linter.Config[];
  };
  eslint = new ESLint({ cwd: repo, overrideConfigFile: true, overrideConfig: boundaryConfig });
});

/** The rule's findings for `code` as if it were the file `file` (a path from the repository's root). */
async function findings(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repo, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}:${m.line}: ${m.message}`);
}

describe('dependency rule', () => {
  it('holds for the repository', async () => {
    const results = await eslint.lintFiles(['common', 'main', 'preload', 'renderer/src']);
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${path.relative(repo, r.filePath)}:${m.line}: ${m.ruleId ?? 'fatal'}: ${m.message}`),
    );
    expect(problems).toEqual([]);
    // It did look at the sources (a wrong pattern would lint nothing and find nothing).
    expect(results.length).toBeGreaterThan(80);
    expect(results.map((r) => path.relative(repo, r.filePath))).toEqual(
      expect.arrayContaining([
        'common/contract.ts',
        'main/engine/engine.ts',
        'preload/preload.ts',
        'renderer/src/app.ts',
      ]),
    );
  });

  // Each planted file imports one thing its folder must not. The targets are real files, so each specifier
  // resolves (`.js` to the `.ts` source) the way TypeScript resolves it.
  const violations: [string, string, string][] = [
    ['engine → electron', 'main/engine/planted.ts', "import { app } from 'electron';"],
    ['engine → electron-store', 'main/engine/planted.ts', "import Store from 'electron-store';"],
    ['engine → main/shell', 'main/engine/planted.ts', "import { x } from '../shell/app.js';"],
    ['engine → main/shell (type only)', 'main/engine/planted.ts', "import type { X } from '../shell/app.js';"],
    ['engine → preload', 'main/engine/planted.ts', "import '../../preload/preload.js';"],
    ['engine → main/cli (dynamic import)', 'main/engine/doctor/planted.ts', "await import('../../cli/index.js');"],
    ['engine → main/dashboard (re-export)', 'main/engine/planted.ts', "export * from '../dashboard/index.js';"],
    ['engine → test', 'main/engine/planted.ts', "import '../../test/helpers/wait.js';"],
    ['common → node:fs', 'common/planted.ts', "import fs from 'node:fs';"],
    ['common → fs', 'common/planted.ts', "import { readFileSync } from 'fs';"],
    ['common → main/engine', 'common/planted.ts', "import { probe } from '../main/engine/probe.js';"],
    ['common → an npm package', 'common/planted.ts', "import Ajv from 'ajv';"],
    ['renderer → node:fs', 'renderer/src/views/planted.ts', "import fs from 'node:fs';"],
    ['renderer → electron', 'renderer/src/planted.ts', "import { ipcRenderer } from 'electron';"],
    ['renderer → preload', 'renderer/src/planted.ts', "import '../../preload/preload.js';"],
    [
      'renderer → main/engine',
      'renderer/src/planted.ts',
      "import type { EngineApi } from '../../main/engine/engine-api.js';",
    ],
    ['renderer → a Node npm package', 'renderer/src/planted.ts', "import WebSocket from 'ws';"],
    ['preload → node:path', 'preload/planted.ts', "import path from 'node:path';"],
    ['preload → main/engine', 'preload/planted.ts', "import '../main/engine/probe.js';"],
    ['preload → electron-store', 'preload/planted.ts', "import Store from 'electron-store';"],
    ['cli → main/shell', 'main/cli/planted.ts', "import '../shell/app.js';"],
    ['cli → electron', 'main/cli/planted.ts', "import { app } from 'electron';"],
    ['dashboard → main/cli', 'main/dashboard/planted.ts', "import { main } from '../cli/index.js';"],
    ['dashboard → main/shell', 'main/dashboard/planted.ts', "import '../shell/app.js';"],
    ['shell → main/cli', 'main/shell/planted.ts', "import '../cli/index.js';"],
    ['shell → main/dashboard', 'main/shell/planted.ts', "import '../dashboard/index.js';"],
  ];

  it.each(violations)('reports %s', async (_name, file, code) => {
    const found = await findings(file, `${code}\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${RULE}:1: `));
  });

  // And what each folder may import passes, so the rule is not simply rejecting everything.
  const allowed: [string, string, string[]][] = [
    [
      'common → common, universal packages',
      'common/planted.ts',
      [
        "import type { Incident } from './contract.js';",
        "import { Type } from '@sinclair/typebox';",
        "import { fullFormats } from 'ajv-formats/dist/formats.js';",
      ],
    ],
    [
      'engine → common, Node, npm',
      'main/engine/planted.ts',
      ["import '../../common/contract.js';", "import 'node:fs';"],
    ],
    [
      'cli → engine, dashboard, fixtures',
      'main/cli/planted.ts',
      ["import '../engine/engine.js';", "import '../dashboard/index.js';", "import '../../test/fixtures/launcher.js';"],
    ],
    ['dashboard → engine', 'main/dashboard/planted.ts', ["import '../engine/engine.js';", "import 'node:http';"]],
    [
      'shell → electron, engine',
      'main/shell/planted.ts',
      ["import { app } from 'electron';", "import Store from 'electron-store';", "import '../engine/engine.js';"],
    ],
    [
      'preload → electron, common',
      'preload/planted.ts',
      ["import { ipcRenderer } from 'electron';", "import '../common/channels.js';"],
    ],
    [
      'renderer → common, browser packages',
      'renderer/src/planted.ts',
      ["import '../../common/contract.js';", "import { Terminal } from '@xterm/xterm';", "import './app.js';"],
    ],
  ];

  it.each(allowed)('allows %s', async (_name, file, lines) => {
    expect(await findings(file, `${lines.join('\n')}\n`)).toEqual([]);
  });
});
