// What every view gets: the API (IPC or WebSocket, the views cannot tell), the latest status, engine
// events fanned out from one subscription, and whether this window may change anything.
import type { EngineEvent, StatusSnapshot } from '../../common/contract.js';
import type { ClawMedicApi } from '../../common/operations.js';

export interface View {
  el: HTMLElement;
  /** Called each time the view becomes visible (with the route's argument, e.g. an incident id). */
  show(arg: string | null): void;
  hide(): void;
}

export interface Ctx {
  api: ClawMedicApi;
  /** True in a read-only dashboard: state-changing controls are disabled and say why. */
  readOnly(): boolean;
  status(): StatusSnapshot | null;
  onStatus(fn: (s: StatusSnapshot | null) => void): () => void;
  /** Re-reads the status soon (coalesced). */
  refreshStatus(): void;
  onEvent(fn: (e: EngineEvent) => void): () => void;
  onReadOnly(fn: (readOnly: boolean) => void): () => void;
  /**
   * False while a dashboard that was connected has lost the watcher: what the window shows may be stale, so
   * views say "unknown" rather than the last state. Always true in the app's own window.
   */
  connected(): boolean;
  onConnection(fn: (connected: boolean) => void): () => void;
  navigate(hash: string): void;
  now(): number;
}

export const READ_ONLY_HINT = 'Read-only dashboard: restart it with --allow-input to allow changes.';
