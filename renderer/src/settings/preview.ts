// Asking the engine for the brief a prompt template makes, while the user types: one request per pause in
// typing, and only the answer to the latest request is shown (an older one may arrive after it).
import type { Result } from '../../../common/contract.js';

/**
 * 400 ms: the preview is a round trip to the engine (IPC, or the WebSocket from a browser) that renders the
 * whole brief, so it waits for a pause in typing; 400 ms is longer than the gap between keystrokes of steady
 * typing and short enough for the preview to still feel live.
 */
export const PREVIEW_DEBOUNCE_MS = 400;

export interface PreviewScheduler {
  /** Asks now (a new form). */
  now(template: string): void;
  /** Asks once typing pauses for `delayMs`; each call restarts the wait. */
  soon(template: string): void;
}

export function previewScheduler(
  ask: (template: string) => Promise<Result<string>>,
  show: (result: Result<string>) => void,
  delayMs = PREVIEW_DEBOUNCE_MS,
): PreviewScheduler {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let latest = 0;
  const request = async (template: string) => {
    timer = null;
    const mine = ++latest;
    let r: Result<string>;
    try {
      r = await ask(template);
    } catch (err) {
      r = { ok: false, message: (err as Error).message };
    }
    if (mine === latest) show(r);
  };
  return {
    now(template) {
      if (timer) clearTimeout(timer);
      void request(template);
    },
    soon(template) {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void request(template), delayMs);
    },
  };
}
