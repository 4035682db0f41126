// One scenario's world, started and torn down in one place: the stand-in gateway, the Mac-like environment
// with its login gate, Chromium for the windows, and the app; plus what scenarios ask of it in their own
// words (the tray's icons, its menu, the window's page, the doctor's tmux session and agent).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startFakeGateway, type FakeGateway, type StartFakeGatewayOptions } from '../../fixtures/gateway-harness.js';
import { fastSettings } from '../../helpers/cli.js';
import type { AppRecord, MenuItemSnapshot } from '../standin/wire.js';
import { AppProcess } from './app-process.js';
import { LoginGate } from './login-gate.js';
import { LOGIN_TOOLS, MacEnv, REPO, type MacEnvOptions } from './mac-env.js';
import { RECORD_WAIT_MS } from './records.js';
import { WindowHost, type HostedWindow } from './window-host.js';

/** Screenshots land here (test-results/ is ignored by git). */
export const OUTPUT_DIR = path.join(REPO, 'test-results', 'app');

/** One step of the stand-in agent's script (test/fixtures/fake-agent.ts, FAKE_AGENT_SCRIPT). */
export type AgentStep = Record<string, unknown>;

export interface ScenarioOptions extends MacEnvOptions {
  /** The doctor runs the stand-in agent with this script; without one the doctor is off. */
  agentScript?: AgentStep[];
  /** Restart attempts before the doctor (default 2; 1 makes a broken config reach the doctor fast). */
  restartAttempts?: number;
  /** Hold the app's login shell at the gate from the start. */
  holdLoginShell?: boolean;
  gateway?: StartFakeGatewayOptions;
  /** Changes the app copy or its world before the app starts (e.g. removes a file to see it noticed). */
  prepare?: (env: MacEnv) => void;
}

/**
 * 5 min: the agent's session never reaches it; each scenario ends its sessions itself.
 */
const DOCTOR_TIME_LIMIT_SEC = 300;

export function appSettings(gw: FakeGateway, env: MacEnv, o: ScenarioOptions): Record<string, unknown> {
  return fastSettings(gw.url, {
    gateway: { configPath: gw.configPath, logPaths: [gw.logFile] },
    // No backoff: a broken config fails its restart at once (exit 78), so the doctor comes next.
    restart: { attempts: o.restartAttempts ?? 2, backoffSec: 0 },
    // The stand-in's `openclaw doctor --fix` would repair the broken config as a known fix before any doctor:
    // the scenarios are about the app around the doctor, so the known fixes stay out of the way.
    knownFixes: { enabled: false },
    doctor: o.agentScript
      ? {
          enabled: true,
          agents: ['standin'],
          timeoutSec: DOCTOR_TIME_LIMIT_SEC,
          profiles: {
            standin: {
              kind: 'claude',
              // A bare name: only the login shell's PATH finds it (opt/homebrew/bin/claude).
              command: 'claude',
              args: [],
              env: {
                FAKE_AGENT_TRUST: 'numbered',
                FAKE_AGENT_SCRIPT: JSON.stringify(o.agentScript),
                FAKE_AGENT_LOG: env.agentLog,
              },
              permissionMode: 'dontAsk',
              allowedTools: ['Bash(openclaw:*)'],
            },
          },
        }
      : { enabled: false },
  });
}

/** The stand-in gateway's own variables (its state dir, config, node), which the app and its tools need. */
function gatewayEnv(gw: FakeGateway): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(gw.env)) {
    if (v !== undefined && /^(OPENCLAW_|FAKE_GATEWAY_|FAKE_OPENCLAW_)/.test(k)) out[k] = v;
  }
  return out;
}

/**
 * Asserted before every run: tmux, openclaw and claude are found only through the login shell (unless the
 * control puts Homebrew's bin on the app's PATH), and the login shell Node reports is the stand-in's.
 */
async function checkMacLike(env: MacEnv): Promise<void> {
  const probe = await env.probe();
  for (const tool of LOGIN_TOOLS) {
    const onAppPath = probe.onAppPath[tool];
    if (!env.options.loginToolsOnAppPath && onAppPath) {
      throw new Error(`${tool} is reachable on the app's own PATH (${onAppPath}): not a Mac-like environment`);
    }
    const viaLogin = probe.throughLoginShell[tool];
    if (!viaLogin?.startsWith(env.brewBin)) {
      throw new Error(`${tool} is not found through the login shell (got ${viaLogin}): the stand-in shell is broken`);
    }
  }
  if (probe.loginShell !== env.shell) {
    throw new Error(`the namespace reports login shell ${probe.loginShell}, not ${env.shell}`);
  }
}

/** tray/healthyTemplate.png → healthy; tray/restarting-2Template.png → restarting. */
export function iconName(image: string): string {
  return path
    .basename(image)
    .replace(/Template\.png$/, '')
    .replace(/-\d+$/, '');
}

export interface AgentLogEntry {
  at: number;
  ev: string;
  pid: number;
  [k: string]: unknown;
}

/** 20 ms: the agent log is a file the agent appends to; waitAgent reads it within a frame of each line. */
const AGENT_LOG_POLL_MS = 20;

export class Scenario {
  private stopped = false;
  /** Problems a test provoked on purpose (see fixture.ts): not failures. */
  readonly expectedProblems: RegExp[] = [];

  private constructor(
    readonly env: MacEnv,
    readonly gw: FakeGateway,
    readonly gate: LoginGate,
    readonly host: WindowHost,
    readonly app: AppProcess,
  ) {}

  static async start(o: ScenarioOptions = {}): Promise<Scenario> {
    const gw = await startFakeGateway(o.gateway);
    let env: MacEnv | null = null;
    let gate: LoginGate | null = null;
    let host: WindowHost | null = null;
    try {
      env = new MacEnv({ ...o, appEnv: { ...gatewayEnv(gw), ...o.appEnv } });
      env.writeSettings(appSettings(gw, env, o));
      await checkMacLike(env);
      o.prepare?.(env);
      gate = await LoginGate.listen(env.gateSocket);
      if (o.holdLoginShell) gate.hold();
      host = await WindowHost.launch(OUTPUT_DIR);
      const app = AppProcess.start(env, host);
      return new Scenario(env, gw, gate, host, app);
    } catch (err) {
      await host?.close();
      await gate?.close();
      env?.cleanup();
      await gw.stop();
      throw err;
    }
  }

  get records() {
    return this.app.records;
  }

  // ---- tray -------------------------------------------------------------------------------------

  /** The tray's icon over time, by name: animation frames and repeats collapsed. */
  trayIcons(): string[] {
    return this.trayIconsAfter(0);
  }

  /** The icons set after record `after` (the one showing then first), collapsed as trayIcons(). */
  trayIconsAfter(after: number): string[] {
    const all = [...this.records.of('tray.created'), ...this.records.of('tray.image')].sort((a, b) => a.seq - b.seq);
    const before = all.filter((r) => r.seq <= after).at(-1);
    const names = [...(before ? [before] : []), ...all.filter((r) => r.seq > after)].map((r) => iconName(r.image));
    return names.filter((n, i) => i === 0 || names[i - 1] !== n);
  }

  /** The current icon's name. */
  trayIcon(): string | undefined {
    return this.trayIcons().at(-1);
  }

  /** Until the tray shows `name`. */
  waitTrayIcon(name: string, timeoutMs = RECORD_WAIT_MS): Promise<string> {
    const what = () => `the tray icon "${name}" (icons so far: ${this.trayIcons().join(' → ')})`;
    return this.records.until(what, () => (this.trayIcon() === name ? name : null), timeoutMs);
  }

  /** Right-clicks the tray: the menu that opens. */
  openTrayMenu(): Promise<MenuItemSnapshot[]> {
    return this.app.control.call('openTrayMenu');
  }

  /** Opens the tray menu and clicks an item by its labels (submenu first). */
  async clickTrayMenu(...labels: string[]): Promise<void> {
    await this.openTrayMenu();
    await this.app.control.call('clickMenuItem', labels);
  }

  // ---- windows ----------------------------------------------------------------------------------

  /** Until a window is on screen (shown after seq `after`); its hosted page once it has loaded. */
  async shownWindow(after = 0): Promise<HostedWindow> {
    const shown = await this.records.next('window.shown', () => true, { after, what: 'a window to be shown' });
    const w = this.host.hosted(shown.window);
    await this.records.next('window.loaded', (r) => r.window === shown.window, { what: `window ${w.id} to load` });
    return w;
  }

  /** The page's route (its hash), as the user sees it in the app. */
  async route(page: Page): Promise<string> {
    return page.evaluate(() => location.hash);
  }

  /** The text the live view's terminal shows, row by row (xterm's DOM renderer). */
  async terminalRows(page: Page): Promise<string[]> {
    return page.evaluate(() =>
      [...document.querySelectorAll('.view-live .xterm-rows > div')].map((row) =>
        (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd(),
      ),
    );
  }

  /** Whether some row of the live terminal contains `text`. */
  async terminalShows(page: Page, text: string): Promise<boolean> {
    return (await this.terminalRows(page)).some((r) => r.includes(text));
  }

  // ---- the doctor's session ---------------------------------------------------------------------

  agentLog(): AgentLogEntry[] {
    if (!existsSync(this.env.agentLog)) return [];
    return readFileSync(this.env.agentLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AgentLogEntry);
  }

  agentEvents(ev: string): AgentLogEntry[] {
    return this.agentLog().filter((e) => e.ev === ev);
  }

  /** Pids of every stand-in agent that started. */
  agentPids(): number[] {
    return this.agentEvents('start').map((e) => e.pid);
  }

  /**
   * Whether the agent with this pid still runs: the pid alone could be reused by anyone on a shared
   * machine, so the process must also carry this scenario's agent log in its environment.
   */
  agentAlive(pid: number): boolean {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`FAKE_AGENT_LOG=${this.env.agentLog}`);
    } catch {
      // No such process (or it is gone while we read): not alive.
      return false;
    }
  }

  /**
   * Until the stand-in agent has logged `ev` `count` times. Ends early, with ClawMedic's own words, when
   * ClawMedic gives up first (the tray asks for attention) or the app exits.
   */
  async waitAgent(ev: string, count = 1, timeoutMs = RECORD_WAIT_MS): Promise<AgentLogEntry> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = this.agentEvents(ev)[count - 1];
      if (e) return e;
      let why: string | null = null;
      if (!this.app.running) why = 'the app exited';
      else if (this.trayIcon() === 'attention') why = 'ClawMedic gave up (the tray asks for attention)';
      else if (Date.now() > deadline) why = `not within ${timeoutMs / 1000} s`;
      if (why) {
        const said = this.records
          .of('notification.shown')
          .map((n) => `${n.title}: ${n.body}`)
          .join('\n');
        throw new Error(`no "${ev}" #${count} from the agent: ${why}\nnotifications:\n${said}`);
      }
      await new Promise((r) => setTimeout(r, AGENT_LOG_POLL_MS));
    }
  }

  /** A notification shown after seq `after` whose title matches. */
  notification(title: RegExp, after = 0): Promise<AppRecord<'notification.shown'>> {
    const what = `a notification titled ${title}`;
    return this.records.next('notification.shown', (r) => title.test(r.title), { after, what });
  }

  // ---- teardown ---------------------------------------------------------------------------------

  /** Ends everything the scenario started, whatever state it is in. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.app.kill();
    await this.env.killTmuxServer();
    for (const pid of this.agentPids()) if (this.agentAlive(pid)) process.kill(pid, 'SIGKILL');
    await this.host.close();
    await this.gate.close();
    await this.gw.stop();
    this.env.cleanup();
  }
}
