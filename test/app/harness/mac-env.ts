// A Mac-like world for one run of the app, in one mkdtemp folder:
//   app/            the built app as packaged: package.json, dist/{main,preload,renderer}, assets/, and
//                   node_modules/node-pty copied (so its darwin spawn-helper's mode can be set); the other
//                   production dependencies are symlinks into the checkout.
//   home/           HOME. bin/zsh is the login shell (in /etc/passwd too); like a login zsh whose
//                   .zprofile runs `brew shellenv`, it puts opt/homebrew/bin first on PATH, which holds
//                   tmux, `openclaw` (the stand-in gateway's CLI) and `claude` (the stand-in agent).
//   c/settings.json CLAWMEDIC_CONFIG; the data dir is d/ (short: tmux sockets must fit in ~100 bytes).
//
// The app itself gets launchd's PATH (/usr/bin:/bin:/usr/sbin:/sbin), as a Mac app started from Finder or
// at login does. On Debian tmux is /usr/bin/tmux, on that PATH, so the app runs in a private mount
// namespace (`unshare -m`, root, as CI runs) where /usr/bin is an overlay with tmux whited out and
// /etc/passwd names our login shell. Why a namespace and not private PATH folders that mirror /usr/bin:
// (1) the login shell Node reports (os.userInfo().shell, which shell-env and default-shell use before
// $SHELL) comes from /etc/passwd, which only a private mount can change; (2) a mirror would still leave
// /usr/bin/tmux reachable to anything that puts /usr/bin back on PATH, while the whiteout makes a lookup
// fail with ENOENT exactly as on a Mac without Homebrew on PATH. `probe()` checks the result: tmux,
// openclaw and claude are not found on the app's PATH and are found through the login shell.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { StandinConfig } from '../standin/wire.js';

const run = promisify(execFile);

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DIST_STANDIN = path.join(REPO, 'dist', 'test', 'app', 'standin');
export const FAKE_AGENT_JS = path.join(REPO, 'dist', 'test', 'fixtures', 'fake-agent.js');
const OPENCLAW_BIN = path.join(REPO, 'test', 'fixtures', 'bin', 'openclaw');
const UNSHARE = '/usr/bin/unshare';
const SYSTEM_TMUX = '/usr/bin/tmux';
/** launchd's PATH for GUI apps. */
export const LAUNCHD_PATH = '/usr/bin:/bin:/usr/sbin:/sbin';
/** The tools only the login shell knows. */
export const LOGIN_TOOLS = ['tmux', 'openclaw', 'claude'] as const;

const BUILT = [
  'dist/main/shell/main.js',
  'dist/preload/preload.cjs',
  'dist/renderer/index.html',
  'dist/test/app/standin/register.js',
  'dist/test/fixtures/fake-agent.js',
];

export interface MacEnvOptions {
  /** app.isPackaged (default true: the app as installed from a .dmg). */
  packaged?: boolean;
  /** Mode of node-pty's prebuilds/darwin-<arch>/spawn-helper in the app copy (npm ships 0644). */
  helperMode?: number;
  /**
   * A control, not a Mac started from Finder: Homebrew's bin is on the app's own PATH too (as for an app
   * started from a terminal), so what only needs the tools found can be told apart from the rest.
   */
  loginToolsOnAppPath?: boolean;
  /** Extra environment for the app (the stand-in gateway's OPENCLAW_* variables). */
  appEnv?: Record<string, string>;
  standin?: Partial<StandinConfig>;
}

export interface ProbeResult {
  /** Where each tool resolves on the app's own PATH (null: not found). */
  onAppPath: Record<string, string | null>;
  /** Where each tool resolves through `$SHELL -ilc` (run before the login gate exists, so it does not wait). */
  throughLoginShell: Record<string, string | null>;
  /** os.userInfo().shell inside the namespace. */
  loginShell: string;
}

function preflight(): void {
  const missing = BUILT.filter((f) => !existsSync(path.join(REPO, f)));
  if (missing.length) {
    throw new Error(`the app harness runs the built app; missing ${missing.join(', ')}: run \`npm run build\` first`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error('the app harness needs root: it runs the app in a private mount namespace (unshare -m)');
  }
  for (const f of [UNSHARE, SYSTEM_TMUX]) if (!existsSync(f)) throw new Error(`the app harness needs ${f}`);
}

/** Single-quotes for /bin/sh. */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function writeExecutable(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o755 });
  chmodSync(file, 0o755);
}

export class MacEnv {
  readonly root: string;
  readonly appDir: string;
  readonly home: string;
  readonly brewBin: string;
  readonly shell: string;
  readonly settingsFile: string;
  readonly dataDir: string;
  readonly tmuxSocket: string;
  readonly gateSocket: string;
  readonly helper: string;
  readonly agentLog: string;
  private readonly enterScript: string;
  private readonly standinFile: string;
  readonly env: Record<string, string>;

  constructor(readonly options: MacEnvOptions = {}) {
    preflight();
    // /tmp directly (not os.tmpdir(), which may be long): the tmux socket path must stay short.
    this.root = mkdtempSync('/tmp/cmapp-');
    chmodSync(this.root, 0o700);
    this.appDir = path.join(this.root, 'app');
    this.home = path.join(this.root, 'home');
    this.brewBin = path.join(this.root, 'opt', 'homebrew', 'bin');
    this.shell = path.join(this.root, 'bin', 'zsh');
    this.settingsFile = path.join(this.root, 'c', 'settings.json');
    this.dataDir = path.join(this.root, 'd');
    this.tmuxSocket = path.join(this.dataDir, 'run', 'tmux.sock');
    this.gateSocket = path.join(this.root, 'gate.sock');
    this.helper = path.join(this.appDir, 'node_modules/node-pty/prebuilds', `darwin-${process.arch}/spawn-helper`);
    this.agentLog = path.join(this.root, 'agent.jsonl');
    this.enterScript = path.join(this.root, 'enter.sh');
    this.standinFile = path.join(this.root, 'standin.json');
    try {
      this.build(options);
    } catch (err) {
      this.cleanup();
      throw err;
    }
    const user = os.userInfo().username;
    this.env = {
      HOME: this.home,
      USER: user,
      LOGNAME: user,
      SHELL: this.shell,
      PATH: options.loginToolsOnAppPath ? `${this.brewBin}:${LAUNCHD_PATH}` : LAUNCHD_PATH,
      TMPDIR: `${path.join(this.root, 'tmp')}/`,
      LANG: 'C.UTF-8',
      CLAWMEDIC_CONFIG: this.settingsFile,
      CLAWMEDIC_STANDIN_CONFIG: this.standinFile,
      ...options.appEnv,
    };
  }

  private build(options: MacEnvOptions): void {
    const dirs = [this.home, this.brewBin, path.dirname(this.shell), path.dirname(this.settingsFile)];
    for (const d of [...dirs, ...['tmp', 'etc', 'ns'].map((n) => path.join(this.root, n))]) {
      mkdirSync(d, { recursive: true, mode: 0o700 });
    }
    this.copyApp();
    this.setHelperMode(options.helperMode ?? 0o755);
    this.writeTools();
    this.writeLoginShell();
    this.writePasswd();
    this.writeEnterScript();
    const standin: StandinConfig = {
      appPath: this.appDir,
      isPackaged: options.packaged ?? true,
      platform: 'darwin',
      macPty: true,
      singleInstanceLock: true,
      notificationsSupported: true,
      loginItemStatus: 'not-registered',
      loginItemApproval: 'enabled',
      home: this.home,
      // A 1440×900 MacBook screen; the menu bar takes the top 25 px of the work area.
      displays: [
        { bounds: { x: 0, y: 0, width: 1440, height: 900 }, workArea: { x: 0, y: 25, width: 1440, height: 875 } },
      ],
      ...options.standin,
    };
    writeFileSync(this.standinFile, JSON.stringify(standin, null, 2));
  }

  writeSettings(settings: Record<string, unknown>): void {
    const text = `${JSON.stringify({ dataDir: this.dataDir, ...settings }, null, 2)}\n`;
    writeFileSync(this.settingsFile, text, { mode: 0o600 });
  }

  setHelperMode(mode: number): void {
    chmodSync(this.helper, mode);
  }

  helperMode(): number {
    return statSync(this.helper).mode & 0o777;
  }

  /** Starts the app (or the probe) in its namespace: `unshare -m` execs sh, which execs node: one pid throughout. */
  spawn(mode: 'app' | 'probe'): ChildProcess {
    return spawn(UNSHARE, ['--mount', '--propagation', 'private', '/bin/sh', this.enterScript, mode], {
      env: this.env,
      // Finder starts apps in /.
      cwd: '/',
      // Its own process group: the harness can end the app and whatever it started in one signal.
      detached: true,
      stdio: mode === 'app' ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
      serialization: 'advanced',
    });
  }

  /** Where the tools resolve inside the namespace, for the app and through its login shell. */
  async probe(): Promise<ProbeResult> {
    // The probe's login shell must not wait at the gate: probe before it opens.
    if (existsSync(this.gateSocket)) throw new Error('the login gate is open: probe before opening it');
    const child = this.spawn('probe');
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`the namespace probe failed (exit ${code}): ${err || out}`);
    const result: ProbeResult = { onAppPath: {}, throughLoginShell: {}, loginShell: '' };
    for (const line of out.split('\n')) {
      const [where, tool, ...rest] = line.split(' ');
      const found = rest.join(' ') || null;
      if (where === 'app' && tool) result.onAppPath[tool] = found;
      else if (where === 'login' && tool) result.throughLoginShell[tool] = found;
      else if (where === 'shell') result.loginShell = [tool, ...rest].join(' ');
    }
    return result;
  }

  /** Sessions on the app's private tmux server (none when no server runs). */
  async tmuxSessions(): Promise<string[]> {
    try {
      return (await this.tmux('list-sessions', '-F', '#{session_name}')).split('\n').filter(Boolean);
    } catch {
      // No server on the socket: no sessions.
      return [];
    }
  }

  /** The pane of a session as tmux has it (what `tmux attach` would show), trailing blanks trimmed. */
  async capturePane(session: string): Promise<string[]> {
    const pane = await this.tmux('capture-pane', '-p', '-t', session);
    return pane.split('\n').map((l) => l.replace(/\u00a0/g, ' ').trimEnd());
  }

  /** Last resort after a test: a killed app cannot end its tmux server. */
  async killTmuxServer(): Promise<void> {
    await this.tmux('kill-server').catch(() => {
      // "no server running" is the normal case.
    });
  }

  /** Runs Debian's tmux (outside the namespace) against the app's private socket. */
  private async tmux(...args: string[]): Promise<string> {
    return (await run(SYSTEM_TMUX, ['-S', this.tmuxSocket, '-f', '/dev/null', ...args])).stdout;
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private copyApp(): void {
    mkdirSync(path.join(this.appDir, 'dist'), { recursive: true });
    cpSync(path.join(REPO, 'package.json'), path.join(this.appDir, 'package.json'));
    for (const d of ['common', 'main', 'preload', 'renderer']) {
      cpSync(path.join(REPO, 'dist', d), path.join(this.appDir, 'dist', d), { recursive: true });
    }
    cpSync(path.join(REPO, 'assets'), path.join(this.appDir, 'assets'), { recursive: true });
    const modules = path.join(this.appDir, 'node_modules');
    const pty = path.join(modules, 'node-pty');
    const realPty = path.join(REPO, 'node_modules', 'node-pty');
    // node-pty laid out as npm installs it on a Mac: no build/Release, the darwin prebuilds (helpers 0644 as
    // shipped). node-pty, seeing platform darwin, loads prebuilds/darwin-<arch>/pty.node: the Linux build is put
    // there, so the real native code runs while every path the app and its self-check see is the Mac one.
    for (const p of ['package.json', 'lib', 'prebuilds/darwin-arm64', 'prebuilds/darwin-x64']) {
      if (existsSync(path.join(realPty, p))) cpSync(path.join(realPty, p), path.join(pty, p), { recursive: true });
    }
    cpSync(
      path.join(realPty, 'build/Release/pty.node'),
      path.join(pty, 'prebuilds', `darwin-${process.arch}`, 'pty.node'),
    );
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { dependencies: object };
    for (const dep of Object.keys(pkg.dependencies)) {
      if (dep === 'node-pty') continue;
      // A scoped package (@sinclair/typebox) needs its scope folder first.
      mkdirSync(path.dirname(path.join(modules, dep)), { recursive: true });
      symlinkSync(path.join(REPO, 'node_modules', dep), path.join(modules, dep), 'dir');
    }
  }

  private writeTools(): void {
    cpSync(SYSTEM_TMUX, path.join(this.brewBin, 'tmux'));
    chmodSync(path.join(this.brewBin, 'tmux'), 0o755);
    const wrapper = (what: string, command: string) => `#!/bin/sh\n# ${what}\nexec ${command} "$@"\n`;
    writeExecutable(path.join(this.brewBin, 'openclaw'), wrapper("The stand-in gateway's CLI.", q(OPENCLAW_BIN)));
    const agent = `${q(process.execPath)} ${q(FAKE_AGENT_JS)}`;
    writeExecutable(path.join(this.brewBin, 'claude'), wrapper('The stand-in agent.', agent));
  }

  private writeLoginShell(): void {
    const gateClient = path.join(DIST_STANDIN, 'login-gate-client.js');
    writeExecutable(
      this.shell,
      [
        '#!/bin/sh',
        "# Stand-in for the user's login zsh, written by the app harness. Like a login zsh whose .zprofile runs",
        "# `brew shellenv`, it puts Homebrew's bin first on PATH; then it checks in at the harness's login gate (if",
        '# open), which may hold it; then it runs the -c command (with bash: the commands asked of it are POSIX).',
        `PATH=${q(this.brewBin)}:"$PATH"; export PATH`,
        // The gate's path is written in here, not passed in the environment: an app may run its login shell
        // with a clean environment, and it must still wait at the gate.
        `if [ -S ${q(this.gateSocket)} ]; then`,
        `  ${q(process.execPath)} ${q(gateClient)} ${q(this.gateSocket)} "$@" || exit 1`,
        'fi',
        "cmd=''",
        'while [ $# -gt 0 ]; do',
        '  case "$1" in',
        '    -c|-[!-]*c*) cmd=$2; shift 2; break ;;',
        '    -*) shift ;;',
        '    *) break ;;',
        '  esac',
        'done',
        '[ -n "$cmd" ] || exec /bin/bash',
        'exec /bin/bash -c "$cmd" "$@"',
        '',
      ].join('\n'),
    );
  }

  /** /etc/passwd as the namespace sees it: our user's home and login shell are the stand-ins. */
  private writePasswd(): void {
    const uid = String(process.getuid?.() ?? 0);
    const lines = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => {
        const f = line.split(':');
        if (f.length < 7 || f[2] !== uid) return line;
        f[5] = this.home;
        f[6] = this.shell;
        return f.join(':');
      });
    writeFileSync(path.join(this.root, 'etc', 'passwd'), lines.join('\n'), { mode: 0o644 });
  }

  private writeEnterScript(): void {
    const ns = path.join(this.root, 'ns');
    const node = process.execPath;
    const main = path.join(this.appDir, 'dist/main/shell/main.js');
    const probeCmd = `for t in ${LOGIN_TOOLS.join(' ')}; do printf "login %s %s\\n" "$t" "$(command -v "$t")"; done`;
    writeFileSync(
      this.enterScript,
      [
        '#!/bin/sh',
        '# Run by `unshare -m` (a private mount namespace): hide tmux from /usr/bin with an overlay whiteout and',
        '# make /etc/passwd name the stand-in login shell, then start the app (or probe what it can reach).',
        'set -eu',
        `mount -t tmpfs -o mode=0700,size=1m clawmedic-ns ${q(ns)}`,
        `mkdir ${q(`${ns}/upper`)} ${q(`${ns}/work`)}`,
        `mknod ${q(`${ns}/upper/tmux`)} c 0 0`,
        `mount -t overlay overlay -o ${q(`lowerdir=/usr/bin,upperdir=${ns}/upper,workdir=${ns}/work`)} /usr/bin`,
        `mount --bind ${q(path.join(this.root, 'etc', 'passwd'))} /etc/passwd`,
        'case "$1" in',
        `  app) exec ${q(node)} --import ${q(path.join(DIST_STANDIN, 'register.js'))} ${q(main)} ;;`,
        '  probe)',
        `    for t in ${LOGIN_TOOLS.join(' ')}; do printf 'app %s %s\\n' "$t" "$(command -v "$t" || true)"; done`,
        `    "$SHELL" -ilc ${q(probeCmd)}`,
        `    printf 'shell %s\\n' "$(${q(node)} -e 'process.stdout.write(require("os").userInfo().shell)')" ;;`,
        'esac',
        '',
      ].join('\n'),
    );
  }
}
