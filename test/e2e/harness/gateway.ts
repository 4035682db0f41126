// The REAL OpenClaw gateway, isolated per test: its own HOME/state dir/config in a private temp dir,
// loopback only, token auth, a free port, no updates/respawns/bonjour/channels. Started as the leader
// of its own process group so stop() takes its worker children with it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  freePort,
  isAlive,
  killGroup,
  makeTempDir,
  pidsWithEnv,
  pollUntil,
  runCommand,
  spawnGroup,
  type RunResult,
} from './procs.js';
import { toolchainPath, type Toolchain } from './toolchain.js';

// Measured: /healthz answers 11–21 s after launch on 2 cores, 46 s once under load; 120 s leaves room
// for a loaded CI machine without letting a wedged start hang the suite.
export const GATEWAY_START_TIMEOUT_MS = 120_000;
// SIGTERM exits in 0.3–3 s (measured); after 15 s the group is killed outright.
const STOP_GRACE_MS = 15_000;
// One probe must not outlast a stalled gateway: the real health check answers in milliseconds.
const PROBE_TIMEOUT_MS = 3_000;
// `openclaw config validate` takes ~3 s (it loads the CLI); other CLI commands up to ~20 s.
const CLI_TIMEOUT_MS = 60_000;

export type ConfigBreak = 'syntax' | 'unknown-key' | 'wrong-type' | 'missing';

export interface HealthProbe {
  status: number;
  body: string;
  /** Parsed body when it is JSON. */
  json: unknown;
}

export interface PortHolder {
  pid: number;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  toolchain: Toolchain;
  /** Default: a free port. */
  port?: number;
  /** Extra top-level config merged over the minimal one (shallow). */
  extraConfig?: Record<string, unknown>;
}

export interface Gateway {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  token: string;
  /** Private temp dir holding everything below. */
  dir: string;
  home: string;
  stateDir: string;
  configPath: string;
  logFile: string;
  /** Environment that points openclaw (gateway and CLI) at this isolated instance. */
  env: NodeJS.ProcessEnv;
  /** Pid of the `openclaw gateway run` process (group leader), or null when not running. */
  pid(): number | null;
  /** Launches `openclaw gateway run` in the background (does not wait for health). */
  start(): void;
  /** start() and wait for /healthz 200 with the health JSON. Throws with the gateway's output on failure. */
  startHealthy(timeoutMs?: number): Promise<HealthProbe>;
  waitHealthy(timeoutMs?: number): Promise<HealthProbe>;
  /** One GET of path (default /healthz); rejects when nothing answers. */
  probe(pathName?: string): Promise<HealthProbe>;
  /** Resolves with the exit status once the gateway process has exited (rejects at the deadline). */
  waitExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Runs the openclaw CLI against this instance (e.g. ['config', 'validate']). */
  openclaw(args: string[], timeoutMs?: number): Promise<RunResult>;
  writeConfig(config: unknown): void;
  readConfigText(): string;
  /** Breaks the config file the way real users do. */
  breakConfig(kind: ConfigBreak): void;
  /** Occupies the gateway's port with a stray process (as a zombie or duplicate service would). */
  holdPort(): Promise<PortHolder>;
  /** Everything the gateway printed so far. */
  output(): string;
  /** SIGTERM the group, SIGKILL after a grace period, and reap strays that left the group. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null>;
  /** SIGKILL the gateway process alone, like a crash (its workers die with it). */
  crash(): Promise<void>;
  /** stop() and remove the temp dir. Safe to call twice. */
  dispose(): Promise<void>;
}

function minimalConfig(port: number, token: string, logFile: string, extra: Record<string, unknown> = {}) {
  return {
    gateway: { mode: 'local', port, bind: 'loopback', auth: { mode: 'token', token } },
    logging: { file: logFile },
    ...extra,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not JSON (e.g. the Control UI page): the caller checks json === undefined
  }
}

export function isHealthJson(p: HealthProbe): boolean {
  const j = p.json as { ok?: unknown; status?: unknown } | undefined;
  return p.status === 200 && j?.ok === true && j?.status === 'live';
}

export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const tmp = makeTempDir('gateway');
  const home = path.join(tmp.dir, 'home');
  const stateDir = path.join(home, '.openclaw');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const configPath = path.join(stateDir, 'openclaw.json');
  const logFile = path.join(tmp.dir, 'logs', 'openclaw.log');
  mkdirSync(path.dirname(logFile), { recursive: true, mode: 0o700 });
  const port = opts.port ?? (await freePort());
  const token = randomBytes(24).toString('hex');
  const url = `http://127.0.0.1:${port}`;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: toolchainPath(opts.toolchain),
    HOME: home,
    OPENCLAW_HOME: home,
    OPENCLAW_STATE_DIR: stateDir,
    OPENCLAW_CONFIG_PATH: configPath,
    OPENCLAW_NO_AUTO_UPDATE: '1',
    OPENCLAW_NO_RESPAWN: '1',
    OPENCLAW_DISABLE_BONJOUR: '1',
    OPENCLAW_SKIP_CHANNELS: '1',
    OPENCLAW_EXEC_SHELL_SNAPSHOT: '0',
    NO_COLOR: '1',
  };
  // Vitest and npm variables are noise for the gateway and must not change its behaviour.
  for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k.startsWith('npm_')) delete env[k];

  const writeConfig = (config: unknown) =>
    writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  writeConfig(minimalConfig(port, token, logFile, opts.extraConfig));

  let proc: ReturnType<typeof spawnGroup> | null = null;
  let disposed = false;

  const probe = async (pathName = '/healthz'): Promise<HealthProbe> => {
    const res = await fetch(`${url}${pathName}`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = await res.text();
    return { status: res.status, body, json: parseJson(body) };
  };

  const output = () => proc?.output() ?? '';

  const waitHealthy = async (timeoutMs = GATEWAY_START_TIMEOUT_MS): Promise<HealthProbe> => {
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    void proc?.exited.then((e) => (exited = e));
    try {
      return await pollUntil(
        async () => {
          if (exited) throw new GatewayExited(exited);
          const p = await probe();
          return isHealthJson(p) ? p : undefined;
        },
        // 250 ms: start-up takes seconds; finer polling only costs CPU the gateway needs.
        { timeoutMs, intervalMs: 250, what: `the gateway's /healthz on ${url}` },
      );
    } catch (err) {
      const tail = output().split('\n').slice(-30).join('\n');
      const base =
        err instanceof GatewayExited
          ? `the gateway exited (code ${err.status.code}, signal ${err.status.signal}) before it was healthy`
          : (err as Error).message;
      throw new Error(`${base}\n--- gateway output (last 30 lines) ---\n${tail}`, { cause: err });
    }
  };

  const reapStrays = () => {
    // Workers that left the group still carry our unique state dir in their environment.
    for (const pid of pidsWithEnv('OPENCLAW_STATE_DIR', stateDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Exited meanwhile: nothing left to reap.
      }
    }
  };

  const gw: Gateway = {
    port,
    url,
    token,
    dir: tmp.dir,
    home,
    stateDir,
    configPath,
    logFile,
    env,
    pid: () =>
      proc && proc.child.exitCode === null && proc.child.signalCode === null ? (proc.child.pid ?? null) : null,
    start() {
      if (disposed) throw new Error('gateway harness already disposed');
      if (gw.pid()) throw new Error(`gateway already running (pid ${gw.pid()})`);
      proc = spawnGroup(opts.toolchain.openclaw, ['gateway', 'run', '--port', String(port), '--bind', 'loopback'], {
        env,
        cwd: home,
      });
    },
    async startHealthy(timeoutMs) {
      gw.start();
      return waitHealthy(timeoutMs);
    },
    waitHealthy,
    probe,
    async waitExit(timeoutMs) {
      if (!proc) throw new Error('the gateway was never started');
      const p = proc;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the gateway did not exit within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return await Promise.race([p.exited, deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
    openclaw: (args, timeoutMs = CLI_TIMEOUT_MS) =>
      runCommand(opts.toolchain.openclaw, args, { env, cwd: home, timeoutMs }),
    writeConfig,
    readConfigText: () => readFileSync(configPath, 'utf8'),
    breakConfig(kind) {
      const good = minimalConfig(port, token, logFile, opts.extraConfig);
      switch (kind) {
        case 'syntax': // a half-edited file: unquoted word where a value belongs
          writeFileSync(configPath, `{\n  "gateway": {\n    port: oops\n  }\n`, { mode: 0o600 });
          break;
        case 'unknown-key':
          writeConfig({ ...good, x: true });
          break;
        case 'wrong-type':
          writeConfig({ ...good, gateway: { ...good.gateway, port: String(port) } });
          break;
        case 'missing':
          rmSync(configPath, { force: true });
          break;
      }
    },
    async holdPort() {
      const script =
        "const net=require('net');const port=Number(process.argv[1]);" +
        "net.createServer(s=>s.destroy()).listen(port,'127.0.0.1',()=>process.stdout.write('listening\\n'));" +
        // The stray exits by itself after 10 min so a failed test cannot leave it behind forever.
        'setTimeout(()=>process.exit(0),600000);';
      const holder = spawnGroup(process.execPath, ['-e', script, String(port)], { env: process.env });
      await pollUntil(() => (holder.output().includes('listening') ? true : undefined), {
        timeoutMs: 10_000,
        what: `the stray process to hold port ${port}`,
      });
      const pid = holder.child.pid!;
      return {
        pid,
        async stop() {
          killGroup(pid, 'SIGKILL');
          await holder.exited;
        },
      };
    },
    output,
    async stop() {
      if (!proc) return null;
      const p = proc;
      const pid = p.child.pid;
      if (gw.pid()) {
        killGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
        await p.exited;
        clearTimeout(timer);
      }
      // The leader is gone; make sure no worker of its group or of this state dir survives.
      killGroup(pid, 'SIGKILL');
      reapStrays();
      return p.exited;
    },
    async crash() {
      const pid = gw.pid();
      if (!pid) throw new Error('the gateway is not running');
      process.kill(pid, 'SIGKILL');
      await proc!.exited;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        await gw.stop();
      } finally {
        tmp.remove();
      }
    },
  };
  return gw;
}

class GatewayExited extends Error {
  constructor(readonly status: { code: number | null; signal: NodeJS.Signals | null }) {
    super('gateway exited');
  }
}

/** For assertions that nothing of a disposed gateway survived. */
export function gatewayLeftovers(gw: Pick<Gateway, 'stateDir'>): number[] {
  return pidsWithEnv('OPENCLAW_STATE_DIR', gw.stateDir).filter(isAlive);
}
