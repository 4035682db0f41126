// The one contract between the engine and every UI: plain data types (no Node, no DOM, no Electron),
// the API the renderer calls, and the event map it subscribes to. Electron's preload implements
// ClawMedicApi over IPC; the dashboard's WebSocket client implements it over the network.
// main/ imports these types; renderer/ imports them with `import type` only.
import type { Fingerprint, GatewayWarning, PendingFix, RungRecord } from './knownfix.js';

export type SupervisorState =
  | 'starting' // first probe not answered yet, or the gateway reports it is still starting
  | 'healthy'
  | 'degraded' // alive but /readyz reports a failing channel or sidecar: reported, never restarted for
  | 'failing' // failures seen, not yet confirmed
  | 'restarting' // the restart ladder is running
  | 'recovering' // the doctor is running
  | 'needs-attention' // ClawMedic gave up or a circuit breaker opened: a human is needed
  | 'paused'
  | 'stopped';

export type ProbeKind =
  | 'healthy'
  | 'refused' // nothing listens: down
  | 'timeout' // accepted but no answer in time: hung
  | 'http-error' // answered with a non-2xx status
  | 'stranger' // 200 but not the gateway's health JSON: something else owns the port
  | 'dns' // the host name does not resolve
  | 'error'; // any other network error (reset, TLS, …)

export interface ProbeResult {
  ok: boolean;
  kind: ProbeKind;
  url: string;
  status: number | null;
  latencyMs: number;
  /** One line for humans: what was seen, e.g. "connection refused on 127.0.0.1:18789". */
  detail: string;
  at: string;
}

export type GatewayCondition = 'healthy' | 'degraded' | 'starting' | 'down';

export interface GatewayCheck {
  condition: GatewayCondition;
  health: ProbeResult;
  /** /readyz: failing channels or sidecars, when the gateway is alive but not ready. */
  failing: string[];
  at: string;
  /** /readyz `uptimeMs` when the gateway answered it: how long this gateway has been serving. */
  uptimeMs?: number;
}

export type IncidentTrigger = 'health' | 'manual';
export type IncidentOutcome = 'recovered' | 'failed' | 'timeout' | 'cancelled' | 'interrupted' | 'open';
/**
 * Who fixed it. Open set: one value per known-fix rung (`known-fix:config-restore`, …) and per playbook
 * (`playbook:<id>`); consumers show values they do not know as text.
 */
export type ResolvedBy = 'self' | 'restart' | 'doctor' | 'human' | `known-fix:${string}` | `playbook:${string}` | null;

/**
 * Timeline entry types (open set: adapters must show unknown types as plain text).
 * probe-failed · confirmed · restart-attempt · restart-step · restart-failed · backoff · circuit-open ·
 * doctor-started · doctor-agent-started · doctor-prompt-sent · doctor-needs-approval · doctor-fallback ·
 * doctor-taken-over · doctor-handed-back · doctor-agent-stopped · doctor-finished · recovered · needs-attention ·
 * healthy-again · interrupted · cancelled · notification-failed · note
 */
export type IncidentEventType = string;

export interface IncidentEvent {
  at: string;
  type: IncidentEventType;
  detail: string;
}

export interface DoctorRecord {
  /** Profiles tried, in order, with why each ended. */
  attempts: { agent: string; startedAt: string; endedAt: string | null; ended: string }[];
  sessionName: string | null;
  attachCommand: string | null;
  /** The agent's machine-readable result line, if it printed one. */
  resultLine: string | null;
  configDiff: string | null;
  /**
   * Permission prompts a person answered (in the window, from a terminal, or from Telegram). With resolvedBy
   * 'doctor' it means "the doctor's fix, approved by you"; 'human' is kept for a person who typed the fix.
   * Absent in records from before it was kept.
   */
  promptsAnswered?: number;
  costUsd: number | null;
  tokens: { input: number; output: number } | null;
  /** The agent's own session file (Claude Code's JSONL transcript with its tool calls), when it wrote one. */
  agentTranscript?: string | null;
}

export interface Incident {
  id: string;
  trigger: IncidentTrigger;
  startedAt: string;
  endedAt: string | null;
  outcome: IncidentOutcome;
  resolvedBy: ResolvedBy;
  agent: string | null;
  reportPath: string | null;
  transcriptPath: string | null;
  events: IncidentEvent[];
  /** One line: what went wrong, e.g. "connection refused (3 probes)". */
  summary: string;
  restarts: number;
  doctor: DoctorRecord | null;
  /** The process that owned the incident; a dead owner with outcome "open" means it was interrupted. */
  owner: { pid: number; hostname: string };
  /** What kind of outage it was (set once the restarts failed; null before, and in records older than it). */
  fingerprint?: Fingerprint | null;
  /** The known-fix rungs and playbooks tried, in order. */
  rungs?: RungRecord[];
}

export interface StatusSnapshot {
  state: SupervisorState;
  since: string;
  reason: string;
  lastCheck: GatewayCheck | null;
  consecutiveFailures: number;
  pausedUntil: string | null;
  openIncidentId: string | null;
  doctor: DoctorLive | null;
  gatewayUrl: string;
  settingsProblems: { path: string; message: string }[];
  /** A known fix waiting for a person's yes or no (absent in status files of older watchers). */
  pendingFix?: PendingFix | null;
  /** Warnings before an outage: a config edit that will not start, memory growth, low disk. */
  warnings?: GatewayWarning[];
}

export interface DoctorLive {
  incidentId: string;
  agent: string;
  sessionName: string;
  attachCommand: string;
  startedAt: string;
  deadline: string;
  /** True while a human has taken over the keyboard. */
  takenOver: boolean;
  needsApproval: boolean;
  /**
   * While it needs approval: what the agent's permission prompt asks to do, as the prompt shows it (redacted),
   * e.g. "Bash command\n\nlsof -i :18789\nList what holds the port"; null when it could not be read.
   */
  pendingRequest?: string | null;
}

export type EngineEvent =
  | { type: 'state'; state: SupervisorState; previous: SupervisorState; reason: string; at: string }
  | { type: 'check'; check: GatewayCheck; consecutiveFailures: number }
  | { type: 'incident-opened'; incident: Incident }
  | { type: 'incident-event'; incidentId: string; event: IncidentEvent }
  | { type: 'incident-closed'; incident: Incident }
  | { type: 'doctor'; phase: DoctorPhase; incidentId: string; detail: string; at: string }
  | { type: 'settings-invalid'; file: string; problems: { path: string; message: string }[] }
  | { type: 'settings-changed' }
  | { type: 'notification-failed'; channel: string; incidentId: string | null; detail: string; at: string }
  /** ClawMedic's own records cannot be written (ok: false) or can again (ok: true); watching goes on either way. */
  | { type: 'storage'; ok: boolean; detail: string; at: string }
  /** The setup was checked again (at start, after a settings change, or on request). */
  | { type: 'preflight'; report: PreflightReport }
  | {
      type: 'known-fix';
      phase: KnownFixPhase;
      incidentId: string;
      rung: string;
      detail: string;
      at: string;
      pending?: PendingFix;
    }
  /** The warnings changed; `added` are the new ones (what the notifier sends). */
  | { type: 'warnings'; warnings: GatewayWarning[]; added: GatewayWarning[]; at: string };

/** A known-fix rung's progress (the same steps also land on the incident as `known-fix-*` events). */
export type KnownFixPhase =
  | 'fingerprint'
  | 'proposed'
  | 'started'
  | 'recovered'
  | 'failed'
  | 'declined'
  | 'expired'
  | 'notified'
  | 'undone'
  | 'playbook-proposed'
  | 'playbook-disabled';

export type DoctorPhase =
  | 'started'
  | 'agent-started'
  | 'prompt-sent'
  | 'needs-approval'
  | 'approval-resolved'
  | 'agent-stopped'
  | 'fallback'
  | 'taken-over'
  | 'handed-back'
  | 'finished';

/** How a doctor session ended (the supervisor closes the incident with it; `clawmedic doctor` prints it). */
export interface DoctorOutcome {
  /** 'not-needed': the gateway answered healthy before any agent started (no incident was opened). */
  outcome: 'recovered' | 'failed' | 'timeout' | 'cancelled' | 'not-needed';
  /**
   * 'human' when a person typed at the keyboard (beyond answering the agent's permission prompts) before the
   * gateway came back; 'doctor' otherwise, including when a person only answered prompts.
   */
  resolvedBy: 'doctor' | 'human' | null;
  agent: string | null;
  /** One line for the incident timeline and notifications. */
  detail: string;
  /** True when the doctor did not run at all because another session holds the lock. */
  busy?: boolean;
}

export interface TerminalChunk {
  /** 'replay' chunks are what came before the subscription; 'live' follows; 'end' when the session closed. */
  kind: 'replay' | 'live' | 'end';
  data: string;
  sessionName: string | null;
}

export interface IncidentDetail {
  incident: Incident;
  report: string | null;
  transcript: string | null;
}

export interface SettingsView {
  file: string;
  settings: unknown;
  problems: { path: string; message: string }[];
  /** Valid but unwise settings, by key path (e.g. a Telegram bot token that OpenClaw uses too). */
  warnings?: { path: string; message: string }[];
  templateVariables: Record<string, string>;
  defaultPromptTemplate: string;
}

/**
 * What a preflight check found. 'off': not checked because it does not apply (the doctor is disabled, so its
 * agents and tmux do not matter). 'warn': works, but something will bite later; 'fail': a step of the ladder
 * cannot work as configured.
 */
export type PreflightStatus = 'ok' | 'warn' | 'fail' | 'off';

/** One line of the preflight: ✓/✗, what was checked, what was found, and the fix. */
export interface PreflightItem {
  /**
   * Stable per check: settings · gateway-url · gateway-config · restart · doctor · agent:<profile> · tmux · pty ·
   * data-dir · notify
   */
  id: string;
  /** What was checked, for people: "Restart command", "Agent “claude”". */
  label: string;
  status: PreflightStatus;
  /** What was found: "openclaw gateway restart → /usr/local/bin/openclaw", "not on PATH". */
  detail: string;
  /** What to do about it (null when nothing needs doing). */
  fix: string | null;
  /** The settings key that fixes it, for a link to that field (null when no setting does). */
  setting: string | null;
}

export interface PreflightReport {
  at: string;
  items: PreflightItem[];
}

export interface Problem {
  path: string;
  message: string;
}

/** Failures travel as values (never as exceptions across IPC/WebSocket). */
export type Result<T = void> = { ok: true; value: T } | { ok: false; message: string; problems?: Problem[] };
