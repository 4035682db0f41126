import { defineConfig } from 'vitest/config';

// Five projects, run one after the other (groupOrder): fast tests in parallel, then real electron-builder
// runs (packaging, one file at a time: each run keeps a core busy), then browser tests, then the built app
// under the stand-in Electron (test/app), then end-to-end tests one file at a time (the real gateway needs
// ~1 GB and ~15 s to start; two cores cannot host several at once, nor one next to a busy integration suite).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'fast',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/faults/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'packaging',
          sequence: { groupOrder: 1 },
          include: ['test/packaging/**/*.test.ts'],
          fileParallelism: false,
          // A packaging run takes seconds; the hook timeouts in the files cover a cold toolchain install.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'browser',
          sequence: { groupOrder: 2 },
          include: ['test/browser/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'app',
          sequence: { groupOrder: 3 },
          include: ['test/app/**/*.test.ts'],
          // One app at a time: each runs a gateway, tmux, an agent and Chromium on a 2-core machine.
          fileParallelism: false,
          // A scenario starts a gateway, the app and Chromium and may walk the whole ladder to the doctor.
          testTimeout: 120_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 4 },
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 240_000,
          pool: 'forks',
        },
      },
    ],
  },
});
