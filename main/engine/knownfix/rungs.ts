// The known-fix rungs, in the order they are tried. Each one: a precondition on the fingerprint's
// facts (plan() returns null when it does not apply), what it would do (shown when it asks), the act
// itself, and how to undo it. Verification is the runner's: the restart steps, then our own probe.
import type { GatewayCheck, ResolvedBy } from '../../../common/contract.js';
import type { Fingerprint, FingerprintFacts, RungMode, RungUndo } from '../../../common/knownfix.js';
import { sleep, type Clock } from '../../../common/clock.js';
import type { Settings } from '../../../common/settings-schema.js';
import { gatewayPort } from '../doctor/brief.js';
import { runCapture } from '../doctor/context.js';
import { isProcessAlive } from '../process-util.js';
import type { StepResult } from '../restart.js';
import { backupFile, configDiff, readOrNull, replaceKeeping } from './config-files.js';
import type { LastGoodStore } from './lastgood.js';
import { cliEnv, describeIssue, openclawVersion, validateConfig } from './openclaw-cli.js';
import { commandLine, isLocalUrl } from './port-owner.js';
import type { KnownFixRequest } from './port.js';
import { detectInstall, rollbackCommand } from './rollback.js';
import type { UndoPlan } from './runner.js';
import type { KnownFixState } from './state.js';

/**
 * `openclaw doctor --fix` took 13-29 s here under load (it loads the whole CLI and checks state); 180 s bounds a
 * wedged one.
 */
const DOCTOR_FIX_TIMEOUT_SEC = 180;
/** A global npm install of OpenClaw takes ~50 s on a good connection (330 packages); 600 s covers a slow one. */
const ROLLBACK_TIMEOUT_SEC = 600;
/** While waiting for a stopped process to exit: 100 ms polls notice it within a tenth of a second. */
const EXIT_POLL_MS = 100;
/** After SIGKILL the kernel needs milliseconds; 3 s bounds a process stuck in uninterruptible sleep. */
const KILL_WAIT_MS = 3000;

export interface RungEnv {
  req: KnownFixRequest;
  fp: Fingerprint;
  facts: FingerprintFacts;
  settings: Settings;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  openclaw: string;
  secrets: string[];
  lastGood: LastGoodStore;
  state: KnownFixState;
  runCommand: (
    command: string,
    timeoutSec: number,
    signal: AbortSignal,
  ) => Promise<StepResult & { ok: boolean; detail: string }>;
}

export interface ActResult {
  /** True when it changed something (then the runner starts the gateway and verifies). */
  acted: boolean;
  detail: string;
  undo: UndoPlan | null;
  undoInfo?: RungUndo;
  diff?: string | null;
  /** The fix started the gateway itself: only wait for healthy, do not run the restart steps. */
  skipRestart?: boolean;
  /** Set when the rung verified itself: the healthy check, or null for "still down". */
  healthy?: GatewayCheck | null;
  lastStep?: StepResult | null;
}

export interface Plan {
  action: string;
  diff: string | null;
  undo: RungUndo | null;
  /** Nothing to do but tell a person (runtime mismatch). */
  notifyOnly?: boolean;
  act(dir: string): Promise<ActResult>;
}

export interface Candidate {
  rung: string;
  /** For messages: "the stale-gateway fix", "playbook x". */
  label: string;
  mode: RungMode;
  /** The setting that decides the mode, for messages. */
  setting: string;
  resolvedBy: ResolvedBy;
  plan(): Promise<Plan | null>;
}

const fileUndo = (what: string): RungUndo => ({
  description: `put back ${what} as it was before the fix (the fixed version is kept beside it)`,
  available: true,
  why: null,
  doneAt: null,
  result: null,
});

const noUndo = (why: string): RungUndo => ({
  description: 'nothing to undo',
  available: false,
  why,
  doneAt: null,
  result: null,
});

/** SIGTERM (plus SIGCONT, so a stopped process can act on it), SIGKILL after the grace; true once it is gone. */
export async function stopProcess(pid: number, graceMs: number, clock: Clock, signal: AbortSignal): Promise<boolean> {
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // ESRCH: it exited on its own meanwhile, which is what we want.
    }
  };
  send('SIGTERM');
  send('SIGCONT');
  const until = async (ms: number) => {
    const deadline = clock.now() + ms;
    while (isProcessAlive(pid) && clock.now() < deadline && !signal.aborted) await sleep(clock, EXIT_POLL_MS, signal);
    return !isProcessAlive(pid);
  };
  if (await until(graceMs)) return true;
  send('SIGKILL');
  return until(KILL_WAIT_MS);
}

/** Stops the port's holder if it is still the same process (same pid and command line), then reports. */
async function stopHolder(e: RungEnv, what: string): Promise<ActResult> {
  const h = e.facts.portHolder!;
  const now = await commandLine(h.pid, e.env);
  if (!isProcessAlive(h.pid)) return { acted: true, detail: `${what} (pid ${h.pid}) had already exited`, undo: null };
  // Pid reuse: never signal a process that is not the one the facts describe (same program).
  const program = (c: string) => c.trim().split(/\s+/)[0] ?? '';
  if (now !== null && program(now) !== program(h.command)) {
    return {
      acted: false,
      detail: `pid ${h.pid} is now a different process (${now.slice(0, 80)}); nothing was stopped`,
      undo: null,
    };
  }
  const gone = await stopProcess(h.pid, e.settings.knownFixes.stopGraceSec * 1000, e.clock, e.req.signal);
  return gone
    ? {
        acted: true,
        detail: `stopped ${what} (pid ${h.pid}: ${h.command})`,
        undo: { kind: 'none', why: 'a stopped process cannot be put back' },
      }
    : { acted: false, detail: `${what} (pid ${h.pid}) did not exit after SIGTERM and SIGKILL`, undo: null };
}

const runtimeMismatch = (e: RungEnv): Candidate => ({
  rung: 'runtime-mismatch',
  label: 'the runtime check',
  mode: 'auto',
  setting: '(always on: it only tells you)',
  resolvedBy: 'known-fix:runtime-mismatch',
  plan: () =>
    Promise.resolve(
      e.fp.kind !== 'runtime-mismatch'
        ? null
        : {
            action:
              `${e.fp.detail}. Install a Node version OpenClaw supports and start the gateway with it ` +
              "(e.g. `nvm install 24 && nvm alias default 24`, or the service's Node path); " +
              'ClawMedic changes nothing here.',
            diff: null,
            undo: null,
            notifyOnly: true,
            act: () =>
              Promise.resolve({ acted: false, detail: 'only a person can change the Node version', undo: null }),
          },
    ),
});

const staleGateway = (e: RungEnv): Candidate => ({
  rung: 'stale-gateway',
  label: 'the stale-gateway fix',
  mode: e.settings.knownFixes.staleGateway,
  setting: 'knownFixes.staleGateway',
  resolvedBy: 'known-fix:stale-gateway',
  plan: () => {
    const h = e.facts.portHolder;
    if (!h?.openclaw || !isLocalUrl(e.settings.gateway.url)) return Promise.resolve(null);
    // A gateway still inside its start-up grace is starting, not stale.
    if (h.ageSec !== null && h.ageSec < e.settings.gateway.startupGraceSec) return Promise.resolve(null);
    const port = gatewayPort(e.settings.gateway.url);
    return Promise.resolve({
      action:
        `stop the OpenClaw gateway process ${h.pid} (${h.command}) that holds port ${port} ` +
        `but does not answer its health check (SIGTERM, SIGKILL after ${e.settings.knownFixes.stopGraceSec} s), ` +
        'then start the gateway',
      diff: null,
      undo: noUndo('a process that did not answer is stopped; nothing on disk changes'),
      act: () => stopHolder(e, 'the stale OpenClaw gateway'),
    });
  },
});

const portForeign = (e: RungEnv): Candidate => ({
  rung: 'port-foreign',
  label: 'stopping the program on the port',
  // Never automatic: a program that is not OpenClaw is stopped only when a person says so.
  mode: e.settings.knownFixes.portForeign,
  setting: 'knownFixes.portForeign',
  resolvedBy: 'known-fix:port-foreign',
  plan: () => {
    const h = e.facts.portHolder;
    if (!h || h.openclaw || !isLocalUrl(e.settings.gateway.url)) return Promise.resolve(null);
    const port = gatewayPort(e.settings.gateway.url);
    return Promise.resolve({
      action:
        `stop pid ${h.pid} (${h.command}), which is not OpenClaw but holds the gateway's port ${port}, ` +
        'then start the gateway',
      diff: null,
      undo: noUndo('a stopped process cannot be put back; start it again yourself if you need it'),
      act: () => stopHolder(e, 'the program on the gateway port'),
    });
  },
});

const configDoctorFix = (e: RungEnv): Candidate => ({
  rung: 'config-doctor-fix',
  label: "OpenClaw's doctor --fix",
  mode: e.settings.knownFixes.configDoctorFix,
  setting: 'knownFixes.configDoctorFix',
  resolvedBy: 'known-fix:config-doctor-fix',
  plan: async () => {
    const configPath = e.settings.gateway.configPath;
    if (e.facts.config.valid !== false) return null;
    // Measured on openclaw 2026.9.6: without its own .last-good, doctor --fix repairs neither a syntax
    // error nor a wrong type ("No config changes were written", exit 1 after 13-29 s). Skip it then.
    if ((await readOrNull(`${configPath}.last-good`)) === null) return null;
    return {
      action:
        "run OpenClaw's own `openclaw doctor --fix --non-interactive --yes` " +
        "(it restores OpenClaw's last-good config and keeps the broken file as .clobbered.*), then start the gateway",
      diff: null,
      undo: fileUndo('the config file'),
      act: async (dir) => {
        const backup = await backupFile(configPath, dir);
        const r = await runCapture(e.openclaw, ['doctor', '--fix', '--non-interactive', '--yes'], {
          timeoutMs: DOCTOR_FIX_TIMEOUT_SEC * 1000,
          env: cliEnv(e.env, configPath),
        });
        const before = backup.backup === null ? null : await readOrNull(backup.backup);
        const after = await readOrNull(configPath);
        const diff = await configDiff(configPath, before, after, ['before', 'after doctor --fix'], e.secrets);
        const v = await validateConfig(e.openclaw, configPath, e.env, after);
        const tail = `${r.stdout}\n${r.stderr}`
          .split('\n')
          .map((l) => l.replace(/[│◇┌└├╮╯─]/g, '').trim())
          .filter(Boolean)
          .slice(-2)
          .join(' ');
        if (v.valid)
          return {
            acted: true,
            detail: `\`openclaw doctor --fix\` repaired the config (exit ${r.code ?? r.error})`,
            undo: backup,
            diff,
          };
        const still = v.issues[0] ? describeIssue(v.issues[0]) : (v.error ?? 'invalid');
        const said = tail ? ` — ${tail.slice(0, 200)}` : '';
        return {
          acted: false,
          detail: `\`openclaw doctor --fix\` did not repair it (exit ${r.code ?? r.error}): ${still}${said}`,
          undo: diff ? backup : null,
          diff,
        };
      },
    };
  },
});

const configRestore = (e: RungEnv): Candidate => ({
  rung: 'config-restore',
  label: 'the last-known-good config',
  mode: e.settings.knownFixes.configRestore,
  setting: 'knownFixes.configRestore',
  resolvedBy: 'known-fix:config-restore',
  plan: async () => {
    const configPath = e.settings.gateway.configPath;
    if (e.facts.config.valid !== false) return null;
    const good = await e.lastGood.newest(configPath);
    if (!good) return null;
    const current = await readOrNull(configPath);
    if (current === good.text) return null;
    const diff = await configDiff(
      configPath,
      current,
      good.text,
      ['now: broken', `last known good, ${good.takenAt}`],
      e.secrets,
    );
    const version = good.version ? `, OpenClaw ${good.version}` : '';
    return {
      action:
        `restore ClawMedic's last-known-good copy of ${configPath} (taken ${good.takenAt}${version}); ` +
        'the broken file is kept beside it, then start the gateway',
      diff,
      undo: fileUndo('your edited config'),
      act: async (dir) => {
        const backup = await backupFile(configPath, dir);
        const aside = await replaceKeeping(configPath, good.text, 'clawmedic-broken', e.clock.now());
        const kept = aside ? `; the broken file is kept as ${aside}` : '';
        return {
          acted: true,
          detail: `restored the config from the last-known-good copy of ${good.takenAt}${kept}`,
          undo: backup,
          diff,
        };
      },
    };
  },
});

const updateRollback = (e: RungEnv): Candidate => ({
  rung: 'update-rollback',
  label: 'the rollback to the last healthy version',
  mode: e.settings.knownFixes.updateRollback,
  setting: 'knownFixes.updateRollback',
  resolvedBy: 'known-fix:update-rollback',
  plan: async () => {
    const { now, lastHealthy } = e.facts.version;
    if (e.fp.kind !== 'update-broke' || !now || !lastHealthy) return null;
    const info = await detectInstall(e.openclaw);
    const back = rollbackCommand(info, lastHealthy, e.settings.knownFixes.rollbackCommand);
    if (!back.ok) {
      return {
        action: `roll OpenClaw back from ${now} to ${lastHealthy}: not possible automatically, because ${back.why}`,
        diff: null,
        undo: null,
        notifyOnly: true,
        act: () => Promise.resolve({ acted: false, detail: back.why, undo: null }),
      };
    }
    const forward = rollbackCommand(info, now, e.settings.knownFixes.rollbackCommand);
    return {
      action:
        `roll OpenClaw back from ${now} to ${lastHealthy}, the version last seen healthy ` +
        `(${back.how}: \`${back.command}\`), then start the gateway`,
      diff: null,
      undo: forward.ok
        ? {
            description: `install ${now} again (\`${forward.command}\`)`,
            available: true,
            why: null,
            doneAt: null,
            result: null,
          }
        : noUndo(forward.why),
      act: async () => {
        const r = await e.runCommand(back.command, ROLLBACK_TIMEOUT_SEC, e.req.signal);
        if (!r.ok) return { acted: false, detail: `the rollback command failed: ${r.detail}`, undo: null };
        const installed = await openclawVersion(e.openclaw, e.env);
        const undo: UndoPlan | null = forward.ok
          ? { kind: 'reinstall', command: forward.command, timeoutSec: ROLLBACK_TIMEOUT_SEC }
          : null;
        if (installed !== lastHealthy)
          return {
            acted: true,
            detail:
              `ran the rollback, but \`openclaw --version\` now says ${installed ?? 'nothing'}, ` +
              `not ${lastHealthy}`,
            undo,
          };
        return { acted: true, detail: `rolled OpenClaw back from ${now} to ${lastHealthy}`, undo };
      },
    };
  },
});

/** In the order they are tried. */
export const RUNGS: ((e: RungEnv) => Candidate)[] = [
  runtimeMismatch,
  staleGateway,
  portForeign,
  configDoctorFix,
  configRestore,
  updateRollback,
];
