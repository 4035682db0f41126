// The engine's public surface, as the adapters (CLI, Electron shell, dashboard) see it.
// Adapters depend on this interface, not on the Engine class, so they can be tested with fakes.
import type {
  DoctorOutcome,
  EngineEvent,
  GatewayCheck,
  Incident,
  IncidentDetail,
  PreflightReport,
  Result,
  SettingsView,
  StatusSnapshot,
  TerminalChunk,
} from '../../common/contract.js';
import type { PlaybookView } from '../../common/knownfix.js';

export interface LiveTerminal {
  /**
   * Replays what the current (or last) doctor session printed so far, then streams live output.
   * Flow control: the subscriber must ack() characters it has rendered; while every subscriber is above
   * a high watermark of unacked characters the PTY pauses, and it resumes once one is below a low one
   * (the fastest viewer sets the pace). A subscriber that falls far behind the others is dropped and
   * told through `onLag` (it can subscribe again and get the replay).
   */
  subscribe(listener: (chunk: TerminalChunk) => void, opts?: SubscribeOptions): TerminalSubscription;
}

export interface SubscribeOptions {
  /** Told when this subscriber was dropped for falling far behind the others. */
  onLag?: () => void;
  /**
   * false: an observer that acks everything at once (a recorder, the bench's tap). It never sets the
   * pace: left out of flow control, so it cannot keep the PTY running past a viewer that is behind.
   */
  paced?: boolean;
}

export interface TerminalSubscription {
  ack(chars: number): void;
  /** Forgets this subscriber's unacked count (a closed window must never stall the stream). */
  close(): void;
}

export interface EngineApi {
  on(listener: (event: EngineEvent) => void): () => void;
  status(): StatusSnapshot;
  checkNow(): Promise<GatewayCheck>;
  /** Can each step of the ladder work as configured? The last report, or a fresh one with `fresh`. */
  preflight(opts?: { fresh: boolean }): Promise<PreflightReport>;
  restartNow(): Promise<Result>;
  startDoctor(): Promise<Result>;
  /**
   * Runs a doctor session now and answers when it has ended (the CLI's `clawmedic doctor`). The gateway is
   * probed first: healthy means no agent ('not-needed'), unless `force` asks for a check-up.
   */
  runDoctor(opts?: { force: boolean }): Promise<Result<DoctorOutcome>>;
  stopDoctor(): Promise<Result>;
  /**
   * Answers the doctor's pending permission prompt (approve = its "Yes" once; deny = its "No" or Esc)
   * through take-over and input, as a person at the keyboard would, if `promptId` is still the prompt
   * showing. Refused (as a value) when the prompt changed, was answered, or the session ended.
   */
  answerPrompt(promptId: string, answer: 'approve' | 'deny'): Promise<Result>;
  /** null = until resumed. */
  pause(minutes: number | null): void;
  resume(): void;
  /** Power events from the OS: sleep is never counted as downtime. */
  notifySuspend(): void;
  notifyResume(): void;
  listIncidents(): Promise<Incident[]>;
  getIncident(id: string): Promise<IncidentDetail | null>;
  getSettings(): Promise<SettingsView>;
  saveSettings(settings: unknown): Promise<Result>;
  previewBrief(template: string): Promise<Result<string>>;
  /** A person's yes or no to the known fix waiting for an answer (recordId '' = whichever waits on that incident). */
  answerFix(incidentId: string, recordId: string, approve: boolean): Promise<Result>;
  /** Playbooks on disk (learned from the doctor, or written by a person), each with its validation problems. */
  listPlaybooks(): Promise<PlaybookView[]>;
  /** A person enables or disables a playbook. */
  setPlaybookEnabled(id: string, enabled: boolean): Promise<Result<PlaybookView>>;
  /** The config guard's Revert: the last-known-good copy back, the edit kept beside it; never touches the gateway. */
  revertConfig(): Promise<Result<string>>;
  /** Undoes a known fix's change; the answer says what was put back. */
  undoFix(incidentId: string, recordId: string): Promise<Result<string>>;
  testNotification(channel: string): Promise<Result>;
  terminal: LiveTerminal;
  takeOver(): Promise<Result>;
  handBack(): Promise<Result>;
  /** Refused (returns false) unless a human has taken over. */
  terminalInput(data: string): boolean;
  terminalResize(cols: number, rows: number): void;
  stop(reason: string): Promise<void>;
  /**
   * For quits that cannot wait (the system logs out or shuts down, a fatal error): synchronously kill the
   * doctor's session and restart steps, record the open incident as interrupted, release the locks.
   */
  interruptSync?(reason: string): void;
  /**
   * Secrets found in the gateway's config (its auth token, channel credentials). Adapters that show
   * text — a live terminal where the agent may `cat` the config — scrub these as literals.
   */
  gatewaySecrets?(): string[];
}
