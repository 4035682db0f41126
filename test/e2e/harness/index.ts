// The end-to-end harness in one import: toolchain, real gateway, isolated Claude Code home,
// hook recorder, private tmux driver. See test/e2e/README.md.
export * from './toolchain.js';
export * from './procs.js';
export * from './gateway.js';
export * from './claude.js';
export * from './hooks.js';
export * from './tmux.js';
export * from './codex.js';
export * from './service.js';
