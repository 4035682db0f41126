#!/usr/bin/env node
// Installs the real tools the end-to-end suite drives: Node 24 (OpenClaw needs it), the OpenClaw
// gateway, the Claude Code CLI and the Codex CLI, all from the npm registry, into a cache outside the repo.
// Idempotent: a marker file holding the pinned versions makes a re-run instant; a partial install
// (no marker, other versions, or a tool that no longer runs) is removed and redone.
//
//   node scripts/e2e-toolchain.mjs              install if needed, print where things are
//   node scripts/e2e-toolchain.mjs --print-env same, then print {cacheDir, pathPrepend, node, openclaw, claude,
//     codex, versions} as JSON
//   node scripts/e2e-toolchain.mjs --check      do not install; exit 1 when the toolchain is missing
//   node scripts/e2e-toolchain.mjs --force      reinstall everything
//
// Plain Node ESM with no dependencies, so it runs before `npm install` of the project itself.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

// Exact pins: e2e results (dialog text, exit codes, timings) depend on them. Re-measure when bumping.
// Node: OpenClaw 2026.9.6 declares node ">=24.16 <25 || >=26.1"; 24.21.0 is the newest 24.x published.
export const PINS = Object.freeze({
  node: '24.21.0',
  openclaw: '2026.9.6',
  // 2.1.330: the version whose trust prompt pre-selects "No, exit" (what a user meets today) and whose
  // screens /work/shared/reference/claude-code.md measured. Later 2.1.33x are unmeasured.
  claude: '2.1.330',
  // 0.171.0: the version whose screens, notify payload and Responses API requests test/e2e/README.md
  // measured (trust prompt "› 1. Trust and continue", `■ exceeded retry limit, last status: 429 …`).
  codex: '0.171.0',
});
const MARKER_FORMAT = 1;

/** The cache root: $CLAWMEDIC_E2E_CACHE, else ~/.cache/clawmedic-e2e (XDG_CACHE_HOME honoured). */
export function cacheRoot(env = process.env) {
  if (env.CLAWMEDIC_E2E_CACHE) return resolve(env.CLAWMEDIC_E2E_CACHE);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'clawmedic-e2e');
}

/** Where each tool lives inside the cache. Pure: nothing is touched. */
export function layout(root = cacheRoot()) {
  const nodePkg = `node-${process.platform}-${process.arch}`;
  const nodeBinDir = join(root, 'node', 'node_modules', nodePkg, 'bin');
  const openclawDir = join(root, 'openclaw');
  const claudeDir = join(root, 'claude');
  const codexDir = join(root, 'codex');
  return {
    root,
    nodePkg,
    npmCache: join(root, 'npm-cache'),
    marker: join(root, 'toolchain.json'),
    nodeDir: join(root, 'node'),
    nodeBinDir,
    node: join(nodeBinDir, 'node'),
    openclawDir,
    openclawBinDir: join(openclawDir, 'node_modules', '.bin'),
    openclaw: join(openclawDir, 'node_modules', '.bin', 'openclaw'),
    claudeDir,
    claudeBinDir: join(claudeDir, 'node_modules', '.bin'),
    claude: join(claudeDir, 'node_modules', '.bin', 'claude'),
    codexDir,
    codexBinDir: join(codexDir, 'node_modules', '.bin'),
    // A Node launcher (bin/codex.js) that execs the native binary from the platform package.
    codex: join(codexDir, 'node_modules', '.bin', 'codex'),
  };
}

class ToolchainError extends Error {}

function log(msg) {
  process.stderr.write(`[e2e-toolchain] ${msg}\n`);
}

function run(cmd, args, opts) {
  const started = Date.now();
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  return { ...res, secs };
}

// The npm child currently running, so a signal to this script takes it down too instead of
// leaving it writing into a folder the next run deletes.
let currentChild = null;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (currentChild) {
      try {
        process.kill(-currentChild.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    releaseLock();
    process.stderr.write(`e2e-toolchain: interrupted by ${sig}; the partial install will be redone next time\n`);
    process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[sig] ?? 0));
  });
}

/** Like run(), but asynchronous and in its own process group (see currentChild). */
function runAsync(cmd, args, opts) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    currentChild = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const done = (status, signal, error) => {
      currentChild = null;
      resolve({ status, signal, error, stdout, stderr, secs: ((Date.now() - started) / 1000).toFixed(1) });
    };
    child.once('error', (error) => done(null, null, error));
    child.once('close', (status, signal) => done(status, signal, undefined));
  });
}

function describeFailure(what, res) {
  const tail = `${res.stdout ?? ''}\n${res.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
  const why = res.error ? String(res.error.message) : res.signal ? `killed by ${res.signal}` : `exit ${res.status}`;
  return `${what} failed (${why}).\n${tail}`;
}

/** Environment for npm runs: Node 24 first on PATH so engine checks and install scripts use it. */
function npmEnv(L) {
  const env = { ...process.env, PATH: [L.nodeBinDir, process.env.PATH ?? ''].join(delimiter) };
  // Some machines (this one) set `nodedir` in ~/.npmrc to the system Node's headers; native
  // rebuilds for Node 24 must not compile against Node 20 headers, so point it at Node 24's tree.
  env.npm_config_nodedir = join(L.nodeDir, 'node_modules', L.nodePkg);
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  env.ELECTRON_SKIP_BINARY_DOWNLOAD = '1';
  return env;
}

// npm 11 reviews install scripts against an `allowScripts` list in the project's package.json.
// Each tool gets its own tiny project so the list is explicit: these packages' postinstall steps
// are what make the tools work (claude-code links its native binary in postinstall).
function writeProject(dir, name, deps, allowScripts) {
  mkdirSync(dir, { recursive: true });
  const pkg = {
    name,
    private: true,
    description: 'ClawMedic e2e toolchain (generated; safe to delete)',
    dependencies: deps,
    allowScripts,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

async function npmInstall(L, dir, what, extraArgs = []) {
  const args = [
    'install',
    '--no-save',
    '--cache',
    L.npmCache,
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...extraArgs,
  ];
  log(`installing ${what} …`);
  // npm itself is the one on the caller's PATH; run it with Node 24 first on PATH.
  const res = await runAsync('npm', args, { cwd: dir, env: npmEnv(L) });
  if (res.status !== 0) throw new ToolchainError(describeFailure(`npm install of ${what} in ${dir}`, res));
  log(`installed ${what} in ${res.secs}s`);
}

function versionOf(cmd, args, env) {
  const res = run(cmd, args, { env, timeout: 60_000 });
  if (res.status !== 0) return { ok: false, detail: describeFailure(`${cmd} ${args.join(' ')}`, res) };
  return { ok: true, out: `${res.stdout}`.trim() };
}

/** Runs each tool once; returns the problems found (empty = usable). */
function verify(L) {
  const problems = [];
  const env = { ...process.env, PATH: [L.nodeBinDir, process.env.PATH ?? ''].join(delimiter) };
  const n = existsSync(L.node) ? versionOf(L.node, ['--version'], env) : { ok: false, detail: `missing ${L.node}` };
  if (!n.ok) problems.push(`node: ${n.detail}`);
  else if (n.out !== `v${PINS.node}`) problems.push(`node: expected v${PINS.node}, got ${n.out}`);
  const o = existsSync(L.openclaw)
    ? versionOf(L.openclaw, ['--version'], env)
    : { ok: false, detail: `missing ${L.openclaw}` };
  if (!o.ok) problems.push(`openclaw: ${o.detail}`);
  else if (!o.out.includes(PINS.openclaw)) problems.push(`openclaw: expected ${PINS.openclaw}, got ${o.out}`);
  // The claude bin is the native executable (linked by its postinstall); Node is not involved.
  const c = existsSync(L.claude)
    ? versionOf(L.claude, ['--version'], { ...env, DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1' })
    : { ok: false, detail: `missing ${L.claude}` };
  if (!c.ok) problems.push(`claude: ${c.detail}`);
  else if (!c.out.includes(PINS.claude)) problems.push(`claude: expected ${PINS.claude}, got ${c.out}`);
  // `codex --version` prints "codex-cli 0.171.0" without reading a config or touching the network.
  const x = existsSync(L.codex) ? versionOf(L.codex, ['--version'], env) : { ok: false, detail: `missing ${L.codex}` };
  if (!x.ok) problems.push(`codex: ${x.detail}`);
  else if (!x.out.includes(PINS.codex)) problems.push(`codex: expected ${PINS.codex}, got ${x.out}`);
  return problems;
}

function readMarker(L) {
  try {
    return JSON.parse(readFileSync(L.marker, 'utf8'));
  } catch {
    // Missing or unreadable marker simply means "not installed yet": the install path handles it.
    return null;
  }
}

function markerMatches(m) {
  return (
    m &&
    m.format === MARKER_FORMAT &&
    m.platform === `${process.platform}-${process.arch}` &&
    m.versions &&
    m.versions.node === PINS.node &&
    m.versions.openclaw === PINS.openclaw &&
    m.versions.claude === PINS.claude &&
    m.versions.codex === PINS.codex
  );
}

async function install(L, force) {
  if (process.platform !== 'linux' && process.platform !== 'darwin') {
    throw new ToolchainError(`unsupported platform ${process.platform}: the e2e toolchain is for Linux and macOS`);
  }
  const npmCheck = run('npm', ['--version'], {});
  if (npmCheck.status !== 0)
    throw new ToolchainError('npm was not found on PATH; install Node.js with npm (>= 10) first.');

  mkdirSync(L.root, { recursive: true });
  // A tool whose pin is unchanged since a complete install (the marker says so, its binary is there)
  // is kept: adding or bumping one tool then does not delete the others, which another checkout may be
  // running right now. Everything else is removed and redone (the npm cache stays, it is
  // content-addressed). A new Node means everything is redone: native modules are built against it.
  const prev = force ? null : readMarker(L);
  const sameBase = prev && prev.format === MARKER_FORMAT && prev.platform === `${process.platform}-${process.arch}`;
  const keep = (tool, bin) =>
    Boolean(sameBase && prev.versions?.node === PINS.node && prev.versions?.[tool] === PINS[tool] && existsSync(bin));
  const tools = [
    { tool: 'node', dir: L.nodeDir, bin: L.node },
    { tool: 'openclaw', dir: L.openclawDir, bin: L.openclaw },
    { tool: 'claude', dir: L.claudeDir, bin: L.claude },
    { tool: 'codex', dir: L.codexDir, bin: L.codex },
  ].map((t) => ({ ...t, keep: keep(t.tool, t.bin) }));
  rmSync(L.marker, { force: true });
  for (const t of tools) if (!t.keep) rmSync(t.dir, { recursive: true, force: true });
  const todo = new Set(tools.filter((t) => !t.keep).map((t) => t.tool));
  if (todo.size < tools.length)
    log(
      `keeping ${tools
        .filter((t) => t.keep)
        .map((t) => t.tool)
        .join(', ')} (pins unchanged)`,
    );

  const t0 = Date.now();
  if (todo.has('node')) {
    writeProject(L.nodeDir, 'clawmedic-e2e-node', { [L.nodePkg]: PINS.node }, {});
    await npmInstall(L, L.nodeDir, `${L.nodePkg}@${PINS.node}`);
    if (!existsSync(L.node)) throw new ToolchainError(`${L.nodePkg}@${PINS.node} installed but ${L.node} is missing`);
  }

  if (todo.has('openclaw')) {
    writeProject(L.openclawDir, 'clawmedic-e2e-openclaw', { openclaw: PINS.openclaw }, OPENCLAW_ALLOW_SCRIPTS);
    await npmInstall(L, L.openclawDir, `openclaw@${PINS.openclaw}`);
  }

  if (todo.has('claude')) {
    writeProject(
      L.claudeDir,
      'clawmedic-e2e-claude',
      { '@anthropic-ai/claude-code': PINS.claude },
      {
        '@anthropic-ai/claude-code': true,
      },
    );
    await npmInstall(L, L.claudeDir, `@anthropic-ai/claude-code@${PINS.claude}`);
  }

  if (todo.has('codex')) {
    // No install scripts: the native binary arrives as the optional dependency @openai/codex-linux-x64
    // (an alias of @openai/codex@<version>-linux-x64), so the registry is all it needs.
    writeProject(L.codexDir, 'clawmedic-e2e-codex', { '@openai/codex': PINS.codex }, {});
    await npmInstall(L, L.codexDir, `@openai/codex@${PINS.codex}`);
  }

  const problems = verify(L);
  if (problems.length) throw new ToolchainError(`installed, but the tools do not run:\n  ${problems.join('\n  ')}`);
  const marker = {
    format: MARKER_FORMAT,
    platform: `${process.platform}-${process.arch}`,
    versions: { ...PINS },
    installedAt: new Date().toISOString(),
    installSeconds: Math.round((Date.now() - t0) / 100) / 10,
  };
  // Write then rename so an interrupted run never leaves a marker that looks complete.
  writeFileSync(`${L.marker}.tmp`, `${JSON.stringify(marker, null, 2)}\n`);
  renameSync(`${L.marker}.tmp`, L.marker);
  log(`toolchain ready in ${marker.installSeconds}s`);
}

// What `npm install-scripts ls` lists for openclaw@2026.9.6. Without an entry npm 11 still runs a
// script but warns; listing them makes the choice explicit. Re-check the list when bumping the pin.
const OPENCLAW_ALLOW_SCRIPTS = Object.freeze({
  openclaw: true, // postinstall prunes stale dist files and readies bundled plugins
  koffi: true, // native FFI module: installs its prebuilt binary
  protobufjs: true, // postinstall version check
  '@google/genai': true, // no-op preinstall
});

// One install at a time per cache: a second caller (another test file, a developer's shell)
// waits for the first instead of deleting the folders it is writing.
let heldLock = null;
// A cold install takes ~45–95 s here; 15 min covers a slow registry before a waiter gives up.
const LOCK_WAIT_MS = 15 * 60 * 1000;

function lockDir(L) {
  return join(L.root, '.install.lock');
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function acquireLock(L) {
  mkdirSync(L.root, { recursive: true });
  const dir = lockDir(L);
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      heldLock = dir;
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    } catch {
      // The owner is between mkdir and writing its pid: treat as alive and wait a moment.
    }
    if (Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) {
      rmSync(dir, { recursive: true, force: true }); // stale: its owner died mid-install
      continue;
    }
    if (Date.now() > deadline)
      throw new ToolchainError(
        `another install (pid ${owner}) has held ${dir} for ` +
          `${LOCK_WAIT_MS / 60000} min; if no install is running, delete that folder`,
      );
    if (!announced) log(`waiting for another install (pid ${owner}) to finish …`);
    announced = true;
    // 1 s: installs take tens of seconds; polling faster gains nothing.
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function releaseLock() {
  if (!heldLock) return;
  rmSync(heldLock, { recursive: true, force: true });
  heldLock = null;
}

function isFresh(L, force) {
  // The marker is written last, so it proves a complete install; the existence checks catch a
  // cache pruned by hand afterwards without paying for running each tool.
  return !force && markerMatches(readMarker(L)) && [L.node, L.openclaw, L.claude, L.codex].every((p) => existsSync(p));
}

export async function main(argv = process.argv.slice(2)) {
  const flags = new Set(argv);
  for (const f of flags) {
    if (!['--print-env', '--check', '--force', '--help', '-h'].includes(f)) {
      process.stderr.write(`e2e-toolchain: unknown option ${f} (try --help)\n`);
      return 2;
    }
  }
  if (flags.has('--help') || flags.has('-h')) {
    process.stdout.write('usage: node scripts/e2e-toolchain.mjs [--print-env] [--check] [--force]\n');
    return 0;
  }
  const L = layout();
  const started = Date.now();
  try {
    if (!isFresh(L, flags.has('--force'))) {
      if (flags.has('--check')) {
        process.stderr.write(`e2e toolchain missing or outdated in ${L.root}.\nFix: node scripts/e2e-toolchain.mjs\n`);
        return 1;
      }
      await acquireLock(L);
      try {
        // Re-checked under the lock: a concurrent caller may have just finished the same install.
        if (!isFresh(L, flags.has('--force'))) await install(L, flags.has('--force'));
      } finally {
        releaseLock();
      }
    }
  } catch (err) {
    const msg = err instanceof ToolchainError ? err.message : (err && err.stack) || String(err);
    process.stderr.write(
      `e2e-toolchain: ${msg}\nNothing was marked installed; re-run \`node ` +
        `scripts/e2e-toolchain.mjs\` after fixing the cause (only the npm ` +
        `registry must be reachable).\n`,
    );
    return 1;
  }
  const info = {
    cacheDir: L.root,
    pathPrepend: [L.nodeBinDir, L.openclawBinDir, L.claudeBinDir, L.codexBinDir],
    node: L.node,
    openclaw: L.openclaw,
    claude: L.claude,
    codex: L.codex,
    versions: { ...PINS },
  };
  if (flags.has('--print-env')) {
    process.stdout.write(`${JSON.stringify(info)}\n`);
  } else {
    process.stdout.write(
      `e2e toolchain (${((Date.now() - started) / 1000).toFixed(1)}s)\n` +
        `  cache     ${L.root}\n  node      ${L.node} (v${PINS.node})\n  openclaw  ${L.openclaw} (${PINS.openclaw})\n` +
        `  claude    ${L.claude} (${PINS.claude})\n  codex     ${L.codex} (${PINS.codex})\n` +
        `  PATH      ${info.pathPrepend.join(delimiter)}${delimiter}$PATH\n`,
    );
  }
  return 0;
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (invokedDirectly) process.exitCode = await main();
