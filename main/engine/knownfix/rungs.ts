// The known-fix rungs, in the order they are tried. Each one: a precondition on the fingerprint's
// facts (plan() returns null when it does not apply), what it would do (shown when it asks), the act
// itself, and how to undo it. Verification is the runner's: the restart steps, then our own probe.
import type { GatewayCheck, ResolvedBy } from '../../../common/contract.js';
import type { Fingerprint, FingerprintFacts, RungMode, RungUndo } from '../../../common/knownfix.js';
import type { Clock } from '../../../common/clock.js';
import type { Settings } from '../../../common/settings-schema.js';
import type { StepResult } from '../restart.js';
import type { KnownFixRequest } from './port.js';
import type { UndoPlan } from './runner.js';
import type { KnownFixState } from './state.js';


export interface RungEnv {
  req: KnownFixRequest;
  fp: Fingerprint;
  facts: FingerprintFacts;
  settings: Settings;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  openclaw: string;
  secrets: string[];
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

/** In the order they are tried. */
export const RUNGS: ((e: RungEnv) => Candidate)[] = [runtimeMismatch];
