// Known fixes: the outage's fingerprint (facts the engine can trust, reduced to a small stable
// structure), the repair rungs that run between the restart and the doctor, playbooks learned from
// the doctor, and the prevention warnings (config guard, resources). Plain data shared by the engine,
// the CLI and the UIs; documented in README "Known fixes".
import type { ProbeKind } from './contract.js';
import { FINGERPRINT_KINDS } from './knownfix-kinds.js';
import type { Playbook } from './playbook-schema.js';
import type { RungMode } from './settings-schema.js';

export { FINGERPRINT_KINDS };
export type { RungMode };
export type FingerprintKind = (typeof FINGERPRINT_KINDS)[number];

export interface ConfigIssue {
  /** Dotted key path as OpenClaw reports it (`gateway.port`), or `<root>`. */
  path: string;
  message: string;
  /** 1-based line in the config file, when known (parse errors say it; key paths are located). */
  line: number | null;
}

export interface PortHolderFact {
  pid: number;
  /** Its command line (redacted), e.g. `openclaw-gateway` or `python3 -m http.server 18789`. */
  command: string;
  /** True when the command line is an OpenClaw gateway. */
  openclaw: boolean;
  /** Seconds since it started, when known (a gateway still starting up is never stale). */
  ageSec: number | null;
}

export type LogSignalKind =
  'eaddrinuse' | 'refusing-to-bind' | 'module-not-found' | 'engine-version' | 'state-locked' | 'config-invalid';

export interface LogSignal {
  kind: LogSignalKind;
  /** The line it came from (redacted, at most 300 characters). */
  line: string;
}

/** The evidence a fingerprint is made of; every field is what ClawMedic saw itself. */
export interface FingerprintFacts {
  probe: { kind: ProbeKind; detail: string };
  /** Exit code of the last restart step (78 = EX_CONFIG), null when none ran or it was killed. */
  restartExit: number | null;
  /** `openclaw config validate --json`: valid true/false, or null when it could not be run (error says why). */
  config: { valid: boolean | null; issues: ConfigIssue[]; error: string | null };
  /** Who listens on the gateway's port, null when nothing does (or it could not be told). */
  portHolder: PortHolderFact | null;
  /** Known error lines from the last start attempt (restart output and log tails). */
  logSignals: LogSignal[];
  /** `openclaw --version` now, and the version last seen healthy. */
  version: { now: string | null; lastHealthy: string | null };
}

export interface Fingerprint {
  kind: FingerprintKind;
  /**
   * Stable matching key for playbooks: the kind plus its most specific stable part,
   * e.g. `config-invalid:gateway.port`.
   */
  key: string;
  /** One line for humans, e.g. `gateway.port: expected number, received string (line 4)`. */
  detail: string;
  facts: FingerprintFacts;
  at: string;
}

/** auto = do it; ask = propose it and wait for a person; off = never. */
export const RUNG_MODES: readonly RungMode[] = ['auto', 'ask', 'off'];

/** The known-fix rungs, in the order they are tried. Playbooks run after them as `playbook:<id>`. */
export const KNOWN_FIX_RUNGS = [
  'runtime-mismatch',
  'stale-gateway',
  'port-foreign',
  'config-doctor-fix',
  'config-restore',
  'update-rollback',
] as const;
export type KnownFixRung = (typeof KNOWN_FIX_RUNGS)[number];

export type RungStatus =
  | 'proposed' // waiting for a person's answer
  | 'declined' // the person said no
  | 'expired' // nobody answered in time
  | 'off' // it applied, but its setting is off
  | 'running'
  | 'recovered' // it acted and our probe says healthy
  | 'failed' // it acted (or could not) and the gateway is still down
  | 'notified'; // nothing to do but tell a person (runtime mismatch)

export interface RungUndo {
  /** What undoing does, in words. */
  description: string;
  /** False when there is nothing to undo (e.g. a process that was stopped). `why` says so. */
  available: boolean;
  why: string | null;
  doneAt: string | null;
  /** What the undo did, once done. */
  result: string | null;
}

export interface RungRecord {
  /** Unique within the incident (`r1`, `r2`, …). */
  id: string;
  /** A KnownFixRung or `playbook:<id>`. */
  rung: string;
  mode: RungMode;
  status: RungStatus;
  startedAt: string;
  endedAt: string | null;
  /** What it does or did, e.g. "restore the last-known-good config of 2026-11-25T10:00Z". */
  action: string;
  /** The result in one line. */
  detail: string;
  /** The config change it made (or proposes), as a unified diff, redacted. */
  diff: string | null;
  undo: RungUndo | null;
}

/** A question waiting for a person: an `ask` rung whose precondition holds. */
export interface PendingFix {
  incidentId: string;
  recordId: string;
  rung: string;
  action: string;
  diff: string | null;
  /** When the ladder stops waiting and goes on without it. */
  expiresAt: string;
}

// ---- playbooks ------------------------------------------------------------------------------------------
// The file format lives in common/playbook-schema.ts (a JSON Schema, the types derived from it).

export type { Playbook, PlaybookStats, PlaybookStep } from './playbook-schema.js';

/** A playbook as the UIs see it: the file, where it lives, whether it is valid. */
export interface PlaybookView {
  id: string;
  file: string;
  /** null when the file does not validate (problems says why). */
  playbook: Playbook | null;
  problems: string[];
}

// ---- prevention -----------------------------------------------------------------------------------------

export type WarningKind = 'config' | 'memory' | 'disk';

/** A warning before an outage: a config edit that will not start, memory growth, low disk. */
export interface GatewayWarning {
  kind: WarningKind;
  /** One line, e.g. "This edit will stop the gateway at its next restart: gateway.port expected number (line 4)". */
  title: string;
  /** More lines: the trend, the file, what to do. */
  detail: string;
  since: string;
  /** Config warnings: the diff from the last-known-good copy (redacted). */
  diff: string | null;
  /** True when a "Revert" (restore the last-known-good copy, keeping the edit beside it) is possible. */
  canRevert: boolean;
}
