// Builds the renderer to dist/renderer with relative URLs, so the same files load from file:// in
// Electron and from the loopback dashboard over HTTP.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The whole UI is one small app: a single chunk loads fastest from disk and from loopback.
    chunkSizeWarningLimit: 900,
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1' },
});
