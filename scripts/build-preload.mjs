#!/usr/bin/env node
// Bundles preload/preload.ts (and the channel names it imports) into one CommonJS file,
// dist/preload/preload.cjs: Electron's sandboxed preloads can `require('electron')` and nothing else,
// and cannot load ES modules. tsc's own dist/preload/preload.js (ESM) is not used by the app.
import { build } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PRELOAD_OUT = path.join(ROOT, 'dist', 'preload', 'preload.cjs');

export async function buildPreload({ quiet = false } = {}) {
  await build({
    configFile: false,
    root: ROOT,
    logLevel: quiet ? 'silent' : 'warn',
    build: {
      outDir: path.dirname(PRELOAD_OUT),
      // dist/preload also holds tsc's output for the other preload files: keep it.
      emptyOutDir: false,
      // Chromium of Electron 45; no down-levelling needed.
      target: 'chrome140',
      minify: false,
      sourcemap: 'inline',
      copyPublicDir: false,
      lib: {
        entry: path.join(ROOT, 'preload', 'preload.ts'),
        formats: ['cjs'],
        fileName: () => path.basename(PRELOAD_OUT),
      },
      rollupOptions: { external: ['electron'] },
    },
  });
  return PRELOAD_OUT;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildPreload().then(
    (out) => console.log(`preload bundle: ${path.relative(ROOT, out)}`),
    (err) => {
      console.error(`Could not bundle the preload: ${err.message}`);
      process.exit(1);
    },
  );
}
