// What the supervisor needs from the doctor (Level 3), and what the doctor needs from the engine.
// The supervisor owns the incident's lifecycle; the doctor adds events and fields to it and returns
// an outcome; the supervisor closes the incident with that outcome.
import type { DoctorLive, DoctorOutcome, DoctorPhase, GatewayCheck, Result } from '../../../common/contract.js';
import type { PermissionPrompt } from '../agents/screens.js';
import type { LiveTerminal } from '../engine-api.js';
import type { IncidentHandle } from '../incidents/store.js';
import type { Settings } from '../../../common/settings-schema.js';

export interface DoctorRequest {
  incident: IncidentHandle;
  /** Settings with paths resolved (no `~`). */
  settings: Settings;
  /** One probe of the gateway, as the supervisor does it (healthz → startupz/readyz). */
  check: () => Promise<GatewayCheck>;
  /** The failed checks that led here, oldest first (for the context file). */
  recentFailures: GatewayCheck[];
  /** A check-up on a healthy gateway: its end is not a recovery, and no learning is written. */
  checkup?: boolean;
  /** Aborted when the user stops the doctor or ClawMedic shuts down. */
  signal: AbortSignal;
  /** Progress for UIs and notifications; the engine turns it into a `doctor` EngineEvent. */
  emit: (phase: DoctorPhase, detail: string) => void;
}

export type { DoctorOutcome };

export interface DoctorPort {
  run(req: DoctorRequest): Promise<DoctorOutcome>;
  current(): DoctorLive | null;
  terminal: LiveTerminal;
  takeOver(): Promise<Result>;
  handBack(): Promise<Result>;
  input(data: string): boolean;
  resize(cols: number, rows: number): void;
  /**
   * The permission prompt the agent waits at, read from its screen; null when it waits for none (or the
   * prompt cannot be read). Answering goes through take-over and input, like a person at the keyboard.
   */
  pendingPrompt?(): Promise<PermissionPrompt | null>;
  /** Synchronous last resort (the app quits with the system): kill the live session, free the lock. */
  interruptSync?(): void;
  /** At start-up: kill sessions a crashed run left on our tmux socket, clear a stale lock. Returns what it did. */
  cleanupOrphans(): Promise<string[]>;
  /** The built-in recovery brief template (used when doctor.promptTemplate is empty). */
  defaultTemplate(): string;
  /** Renders a template with example values, for the settings preview. */
  preview(template: string, settings: Settings): Result<string>;
}
