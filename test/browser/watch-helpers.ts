// The real `clawmedic watch --dashboard` for browser tests: a settings file whose doctor runs the
// stand-in agent, the watcher process with the dashboard URL it printed, the agent's event log, and
// the doctor's own tmux server (reached through the socket in the attach command, as a user would).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { FAKE_AGENT_JS } from '../fixtures/fake-agent-harness.js';
import type { FakeGateway } from '../fixtures/gateway-harness.js';
import { fastSettings, type CliSandbox, type WatchProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);

/** One step of the stand-in agent's script (see test/fixtures/fake-agent.ts, FAKE_AGENT_SCRIPT). */
export type AgentStep = Record<string, unknown>;

/** Fast ladder settings whose doctor runs the stand-in agent with `script`, logging to `agentLog`. */
export function doctorSettings(gw: FakeGateway, script: AgentStep[], agentLog: string): Record<string, unknown> {
  return fastSettings(gw.url, {
    gateway: { configPath: gw.configPath, logPaths: [gw.logFile] },
    // One attempt with no backoff: a broken config fails it at once (exit 78), so the doctor comes next.
    restart: { attempts: 1, backoffSec: 0 },
    // The stand-in's `openclaw doctor --fix` would repair a broken config as a known fix, before any doctor:
    // these tests are about the doctor's session, so the known fixes stay out of the way.
    knownFixes: { enabled: false },
    doctor: {
      enabled: true,
      agents: ['standin'],
      // 5 min: never reached; the tests end every session themselves.
      timeoutSec: 300,
      profiles: {
        standin: {
          kind: 'claude',
          command: process.execPath,
          args: [FAKE_AGENT_JS],
          env: {
            FAKE_AGENT_TRUST: 'numbered',
            FAKE_AGENT_SCRIPT: JSON.stringify(script),
            FAKE_AGENT_LOG: agentLog,
            FAKE_AGENT_TRANSCRIPT: '1',
          },
          permissionMode: 'dontAsk',
          allowedTools: ['Bash(openclaw:*)'],
        },
      },
    },
  });
}

export interface DashboardWatch {
  watcher: WatchProcess;
  /** The URL with the token, exactly as printed. */
  url: string;
  port: number;
  token: string;
}

/** Starts `clawmedic watch --json --dashboard [extra]` and waits for its dashboard line and a healthy gateway. */
export async function startDashboardWatch(box: CliSandbox, extra: string[] = []): Promise<DashboardWatch> {
  const watcher = box.watch(['--dashboard', ...extra]);
  const line = (await waitFor(
    `the dashboard line (stderr: ${watcher.stderr})`,
    () => watcher.events.find((e) => (e as { type: string }).type === 'dashboard'),
    { timeoutMs: 20_000 },
  )) as unknown as { url: string; urlFile: string };
  // The JSON line leaves the token out (it goes to log shippers); the full URL is in a 0600 file.
  const url = readFileSync(line.urlFile, 'utf8').trim();
  const u = new URL(url);
  await watcher.waitState('healthy');
  return { watcher, url, port: Number(u.port), token: u.searchParams.get('token') ?? '' };
}

export interface AgentLogEntry {
  at: number;
  ev: string;
  pid: number;
  [k: string]: unknown;
}

export function readAgentLog(file: string): AgentLogEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AgentLogEntry);
}

/** The doctor's tmux socket and session, parsed from the attach command ClawMedic prints. */
export interface TmuxTarget {
  socket: string;
  session: string;
}

export function parseAttach(cmd: string): TmuxTarget {
  const unq = (s: string) => (s.startsWith("'") ? s.slice(1, -1).replace(/'\\''/g, "'") : s);
  const m = /^tmux -S ('(?:[^']|'\\'')*'|\S+) attach -t ('(?:[^']|'\\'')*'|\S+)$/.exec(cmd.trim());
  if (!m) throw new Error(`not an attach command: ${cmd}`);
  return { socket: unq(m[1]!), session: unq(m[2]!) };
}

/** The pane as tmux has it (what `tmux attach` would show), trailing blanks trimmed per line. */
export async function capturePane(t: TmuxTarget): Promise<string[]> {
  const { stdout } = await run('tmux', ['-S', t.socket, '-f', '/dev/null', 'capture-pane', '-p', '-t', t.session]);
  return stdout.split('\n').map((l) => l.replace(/\u00a0/g, ' ').trimEnd());
}

/** The session window's size in tmux: [cols, rows]. */
export async function paneSize(t: TmuxTarget): Promise<[number, number]> {
  const { stdout } = await run('tmux', [
    '-S',
    t.socket,
    '-f',
    '/dev/null',
    'display-message',
    '-p',
    '-t',
    t.session,
    '#{window_width} #{window_height}',
  ]);
  const [cols, rows] = stdout.trim().split(' ').map(Number);
  return [cols!, rows!];
}

/**
 * Ends a watcher the way a user would (SIGTERM: it stops its doctor and that session's tmux), and
 * SIGKILLs it if it has not exited within `graceMs`.
 */
export async function stopWatch(w: WatchProcess, graceMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), graceMs)));
  const how = await Promise.race([w.stop('SIGTERM'), late]);
  clearTimeout(timer);
  if (how === 'late') await w.stop('SIGKILL');
}

/** Last resort after a failed test: a killed watcher cannot end its tmux server, so end it here. */
export async function killTmuxServer(socket: string): Promise<void> {
  await run('tmux', ['-S', socket, '-f', '/dev/null', 'kill-server']).catch(() => {
    // "no server running" is the normal case: the watcher already ended its sessions.
  });
}

/** Drops trailing empty lines (xterm and tmux pad the screen differently). */
export function trimBlankTail(lines: string[]): string[] {
  const out = [...lines];
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

export function incidentDir(box: CliSandbox, id: string): string {
  return path.join(box.dataDir, 'incidents', id);
}
