import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findViolations } from '../helpers/layering.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('dependency rule', () => {
  it('holds for the repository', () => {
    expect(findViolations(repo)).toEqual([]);
  });

  it('catches each kind of violation (the check can fail)', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cm-layer-'));
    try {
      const put = (p: string, text: string) => {
        mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
        writeFileSync(path.join(root, p), text);
      };
      put('main/engine/a.ts', "import { app } from 'electron';\nimport { x } from '../shell/tray.js';\nimport { T } from '../../preload/preload.js';\n");
      put('main/engine/b.ts', "const s = await import('../cli/index.js');\n");
      put('main/shell/tray.ts', "import { app } from 'electron';\n");
      put('main/cli/index.ts', "import '../shell/tray.js';\n");
      put('renderer/src/a.ts', "import fs from 'node:fs';\nimport { readFile } from 'fs';\nimport { ipcRenderer } from 'electron';\n");
      put('renderer/src/b.ts', "import { x } from '../../preload/preload.js';\nimport type { Y } from '../../common/contract.js';\nimport { e } from '../../main/engine/probe.js';\n");
      const v = findViolations(root).map((x) => `${x.file} ${x.specifier}`);
      expect(v).toEqual(
        expect.arrayContaining([
          'main/engine/a.ts electron',
          'main/engine/a.ts ../shell/tray.js',
          'main/engine/a.ts ../../preload/preload.js',
          'main/engine/b.ts ../cli/index.js',
          'main/cli/index.ts ../shell/tray.js',
          'renderer/src/a.ts node:fs',
          'renderer/src/a.ts fs',
          'renderer/src/a.ts electron',
          'renderer/src/b.ts ../../preload/preload.js',
          'renderer/src/b.ts ../../main/engine/probe.js',
        ]),
      );
      expect(v).not.toContain('main/shell/tray.ts electron');
      expect(v).toHaveLength(10);
      // common/ runs in every runtime and imports nothing outside itself.
      put('common/contract.ts', "import os from 'node:os';\nimport { x } from '../main/engine/probe.js';\n");
      const v2 = findViolations(root).map((x) => `${x.file} ${x.specifier}`);
      expect(v2).toContain('common/contract.ts node:os');
      expect(v2).toContain('common/contract.ts ../main/engine/probe.js');
      expect(v2).not.toContain('renderer/src/b.ts ../../common/contract.js');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
