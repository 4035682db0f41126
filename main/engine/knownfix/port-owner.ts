// Who listens on the gateway's port, as a pid with its command line and age: lsof (macOS, most
// Linux), then ss (Linux without lsof), then /proc (Linux with neither). The command line says
// whether it is an OpenClaw gateway (process title `openclaw-gateway`, or `openclaw … gateway run`).
import { promises as fsp } from 'node:fs';
import { runCapture } from '../doctor/context.js';

/** lsof/ss/ps answer in milliseconds; more means a wedged system, and the diagnosis must not wait on it. */
const TOOL_TIMEOUT_MS = 5_000;
/** A command line is cut here: enough to recognise the program, bounded for the incident record. */
const COMMAND_MAX_CHARS = 300;

export interface PortOwner {
  pid: number;
  command: string;
  /** Seconds since the process started, when known. */
  ageSec: number | null;
}

/** Only a gateway on this machine has a port whose holder ClawMedic can see (and stop). */
export function isLocalUrl(url: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]', '::1', '0.0.0.0'].includes(new URL(url).hostname);
  } catch {
    // The settings schema validates the URL; anything unparsable is treated as remote.
    return false;
  }
}

/** The real gateway sets its process title to `openclaw-gateway`; older ones show `openclaw gateway run`. */
export function isOpenClawGatewayCommand(command: string): boolean {
  return (
    /(^|[\s/])openclaw-gateway\b/.test(command) || /\bopenclaw(?:\.m?js)?\b.*\sgateway\s+(?:run|start)\b/.test(command)
  );
}

async function pidFromLsof(port: string, env: NodeJS.ProcessEnv): Promise<number | null | undefined> {
  const r = await runCapture('lsof', ['-nP', '-t', `-iTCP:${port}`, '-sTCP:LISTEN'], {
    timeoutMs: TOOL_TIMEOUT_MS,
    env,
  });
  if (r.error) return undefined;
  const pid = Number(
    r.stdout
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean),
  );
  // lsof exits 1 with no output when nothing listens.
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

async function pidFromSs(port: string, env: NodeJS.ProcessEnv): Promise<number | null | undefined> {
  const r = await runCapture('ss', ['-ltnpH', `sport = :${port}`], { timeoutMs: TOOL_TIMEOUT_MS, env });
  if (r.error || r.code !== 0) return undefined;
  if (!r.stdout.trim()) return null;
  const m = /pid=(\d+)/.exec(r.stdout);
  // A listener without pid= belongs to another user (ss shows pids only for our own processes).
  return m ? Number(m[1]) : undefined;
}

/** Linux without lsof or ss: the listening socket's inode from /proc/net/tcp{,6}, then the fd that holds it. */
async function pidFromProc(port: string): Promise<number | null | undefined> {
  if (process.platform !== 'linux') return undefined;
  const hexPort = Number(port).toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await fsp.readFile(f, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is "IP:PORT" in hex; state 0A is LISTEN; the inode is column 10.
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return null;
  for (const name of await fsp.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const fds = await fsp.readdir(`/proc/${name}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await fsp.readlink(`/proc/${name}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1]!)) return Number(name);
    }
  }
  return undefined;
}

/** The process's command line: /proc on Linux (exact), `ps` elsewhere. */
export async function commandLine(pid: number, env: NodeJS.ProcessEnv): Promise<string | null> {
  if (process.platform === 'linux') {
    const raw = await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
    if (raw !== null) return raw.replace(/\0/g, ' ').trim().slice(0, COMMAND_MAX_CHARS) || null;
  }
  const r = await runCapture('ps', ['-o', 'command=', '-p', String(pid)], { timeoutMs: TOOL_TIMEOUT_MS, env });
  return r.error || r.code !== 0 ? null : r.stdout.trim().slice(0, COMMAND_MAX_CHARS) || null;
}

/** `ps -o etime=` ("[[dd-]hh:]mm:ss", the one format both macOS and procps print) → seconds. */
export function parseElapsed(etime: string): number | null {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(etime.trim());
  if (!m) return null;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

export async function processAgeSec(pid: number, env: NodeJS.ProcessEnv): Promise<number | null> {
  const r = await runCapture('ps', ['-o', 'etime=', '-p', String(pid)], { timeoutMs: TOOL_TIMEOUT_MS, env });
  return r.error || r.code !== 0 ? null : parseElapsed(r.stdout);
}

/** The process listening on 127.0.0.1/::1/any at `port`, or null when nothing listens (or it cannot be told). */
export async function portOwner(port: string, env: NodeJS.ProcessEnv): Promise<PortOwner | null> {
  let pid: number | null | undefined = await pidFromLsof(port, env);
  if (pid === undefined) pid = await pidFromSs(port, env);
  if (pid === undefined) pid = await pidFromProc(port);
  if (!pid) return null;
  const [command, ageSec] = await Promise.all([commandLine(pid, env), processAgeSec(pid, env)]);
  return { pid, command: command ?? `pid ${pid}`, ageSec };
}
