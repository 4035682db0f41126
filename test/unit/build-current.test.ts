// `npm run demo` builds only when something the build reads changed since the last build.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OUTPUTS, staleReason } from '../../scripts/build-current.mjs';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A checkout with a build; every file's time is `at` seconds (epoch) unless set otherwise. */
function checkout(at: number): (rel: string, sec?: number) => void {
  root = mkdtempSync(path.join(os.tmpdir(), 'cm-build-current-'));
  const put = (rel: string, sec = at) => {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, rel);
    utimesSync(file, sec, sec);
  };
  for (const rel of ['main/cli/index.ts', 'renderer/src/app.ts', 'common/contract.ts', 'package.json'])
    put(rel, at - 60);
  for (const out of OUTPUTS) put(out, at);
  return put;
}

describe('is the build current?', () => {
  it('yes when nothing changed since the last build; no, naming why, when a source or config did', () => {
    const put = checkout(1_800_000_000);
    expect(staleReason(root)).toBeNull();
    // A generated file is written by the build itself.
    put('common/generated/settings-validator.ts', 1_800_000_100);
    expect(staleReason(root)).toBeNull();
    put('renderer/src/views/overview.ts', 1_800_000_100);
    expect(staleReason(root)).toBe(
      `${path.join('renderer', 'src', 'views', 'overview.ts')} changed since the last build`,
    );
  });

  it('no when an output is missing, or only a part was rebuilt (tsc -b leaves unchanged files alone)', () => {
    const put = checkout(1_800_000_000);
    rmSync(path.join(root, 'dist/renderer/index.html'));
    expect(staleReason(root)).toBe('dist/renderer/index.html is missing');
    put('dist/renderer/index.html');
    put('package.json', 1_800_000_050);
    expect(staleReason(root)).toBe('package.json changed since the last build');
  });
});
