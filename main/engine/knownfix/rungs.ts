// The known-fix rungs, in the order they are tried. Each one: a precondition on the fingerprint's
// facts (plan() returns null when it does not apply), what it would do (shown when it asks), the act
// itself, and how to undo it. Verification is the runner's: the restart steps, then our own probe.
import type { GatewayCheck, ResolvedBy } from '../../../common/contract.js';
import type { Fingerprint, FingerprintFacts, RungMode, RungUndo } from '../../../common/knownfix.js';
import type { Clock } from '../../../common/clock.js';
import type { Settings } from '../../../common/settings-schema.js';
import { runCapture } from '../doctor/context.js';
import type { StepResult } from '../restart.js';
import { backupFile, configDiff, readOrNull, replaceKeeping } from './config-files.js';
import type { LastGoodStore } from './lastgood.js';
import { cliEnv, describeIssue, validateConfig } from './openclaw-cli.js';
import type { KnownFixRequest } from './port.js';
import type { UndoPlan } from './runner.js';
import type { KnownFixState } from './state.js';

/** `openclaw doctor --fix` took 13-29 s here under load (it loads the whole CLI and checks state); 180 s bounds a wedged one. */
const DOCTOR_FIX_TIMEOUT_SEC = 180;

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
  runCommand: (command: string, timeoutSec: number, signal: AbortSignal) => Promise<StepResult & { ok: boolean; detail: string }>;
}

export interface ActResult {
  /** True when it changed something (then the runner starts the gateway and verifies). */
  acted: boolean;
  detail: string;
  undo: UndoPlan | null;
  undoInfo?: RungUndo;
  diff?: string | null;
  /** Set when the rung verified itself (playbooks): the healthy check, or null for "still down". */
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

const runtimeMismatch = (e: RungEnv): Candidate => ({
  rung: 'runtime-mismatch',
  label: 'the runtime check',
  mode: 'auto',
  setting: '(always on: it only tells you)',
  resolvedBy: 'known-fix:runtime-mismatch',
  plan: async () =>
    e.fp.kind !== 'runtime-mismatch'
      ? null
      : {
          action: `${e.fp.detail}. Install a Node version OpenClaw supports and start the gateway with it (e.g. \`nvm install 24 && nvm alias default 24\`, or the service's Node path); ClawMedic changes nothing here.`,
          diff: null,
          undo: null,
          notifyOnly: true,
          act: async () => ({ acted: false, detail: 'only a person can change the Node version', undo: null }),
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
      action: "run OpenClaw's own `openclaw doctor --fix --non-interactive --yes` (it restores OpenClaw's last-good config and keeps the broken file as .clobbered.*), then start the gateway",
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
        const diff = configDiff(configPath, before, after, ['before', 'after doctor --fix'], e.secrets);
        const v = await validateConfig(e.openclaw, configPath, e.env, after);
        const tail = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.replace(/[│◇┌└├╮╯─]/g, '').trim()).filter(Boolean).slice(-2).join(' ');
        if (v.valid) return { acted: true, detail: `\`openclaw doctor --fix\` repaired the config (exit ${r.code ?? r.error})`, undo: backup, diff };
        const still = v.issues[0] ? describeIssue(v.issues[0]) : v.error ?? 'invalid';
        return { acted: false, detail: `\`openclaw doctor --fix\` did not repair it (exit ${r.code ?? r.error}): ${still}${tail ? ` — ${tail.slice(0, 200)}` : ''}`, undo: diff ? backup : null, diff };
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
    const diff = configDiff(configPath, current, good.text, ['now: broken', `last known good, ${good.takenAt}`], e.secrets);
    return {
      action: `restore ClawMedic's last-known-good copy of ${configPath} (taken ${good.takenAt}${good.version ? `, OpenClaw ${good.version}` : ''}); the broken file is kept beside it, then start the gateway`,
      diff,
      undo: fileUndo('your edited config'),
      act: async (dir) => {
        const backup = await backupFile(configPath, dir);
        const aside = await replaceKeeping(configPath, good.text, 'clawmedic-broken', e.clock.now());
        return {
          acted: true,
          detail: `restored the config from the last-known-good copy of ${good.takenAt}${aside ? `; the broken file is kept as ${aside}` : ''}`,
          undo: backup,
          diff,
        };
      },
    };
  },
});

/** In the order they are tried. */
export const RUNGS: ((e: RungEnv) => Candidate)[] = [runtimeMismatch, configDoctorFix, configRestore];
