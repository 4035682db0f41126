// Is the build current? The newest source file against the end of the last build. `npm run build` writes
// the preload bundle last (package.json "build"), so its time is when the whole build finished; a source
// newer than it (or a missing output) means the build is stale.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** What the build reads: the sources of every part, and the files that configure it. */
export const SOURCES = ['main', 'common', 'renderer', 'preload', 'test/fixtures', 'scripts', 'types'];
export const CONFIG = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.base.json',
  'tsconfig.node.json',
];
/** What the build writes; the first is written last, at the end of every build. */
export const OUTPUTS = ['dist/preload/preload.cjs', 'dist/main/cli/index.js', 'dist/renderer/index.html'];
// Written by the build itself (scripts/build-validators.mjs): never a reason to build again.
const GENERATED = [path.join('common', 'generated')];

/** @param {string} file @returns {number | null} */
function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    // Missing: the caller says what that means.
    return null;
  }
}

/**
 * The newest file under `dir` (recursively), skipping generated folders.
 * @param {string} root @param {string} rel @returns {{ file: string, ms: number } | null}
 */
function newest(root, rel) {
  /** @type {{ file: string, ms: number } | null} */
  let best = null;
  const walk = (/** @type {string} */ r) => {
    if (GENERATED.includes(r)) return;
    let entries;
    try {
      entries = readdirSync(path.join(root, r), { withFileTypes: true });
    } catch {
      // Not a folder (or not there): a file, or nothing to read.
      const ms = mtime(path.join(root, r));
      if (ms !== null && (!best || ms > best.ms)) best = { file: r, ms };
      return;
    }
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      walk(path.join(r, e.name));
    }
  };
  walk(rel);
  return best;
}

/**
 * Why the build in `root` must run again, or null when it is current.
 * @param {string} root
 * @returns {string | null}
 */
export function staleReason(root) {
  for (const out of OUTPUTS) if (mtime(path.join(root, out)) === null) return `${out} is missing`;
  // tsc -b rewrites only what changed, so only the last step's output tells when the build ended.
  const built = /** @type {number} */ (mtime(path.join(root, OUTPUTS[0])));
  for (const rel of [...SOURCES, ...CONFIG]) {
    const n = newest(root, rel);
    if (n && n.ms > built) return `${n.file} changed since the last build`;
  }
  return null;
}
