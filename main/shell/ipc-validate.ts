// Who may talk to main over IPC: the sending frame's URL, parsed with URL, must be our own page, in the
// top frame. (Which channels exist and what their arguments may be is the operation table's business:
// common/operations.ts, applied by main/engine/operations.ts.) A pure function; the router logs refusals.
import { isAppUrl } from './app-protocol.js';

/** Where our renderer may legitimately be loaded from: clawmedic://app/index.html (app-protocol.ts), or… */
export interface TrustedOrigins {
  /** …the Vite dev server origin (`http://localhost:5173`) in development only; null otherwise. */
  devServerOrigin: string | null;
}

/** What the router can tell about a message's sender (Electron's event.senderFrame). */
export interface SenderInfo {
  /** The sending frame's URL; null when the frame is gone (navigated away or destroyed). */
  url: string | null;
  /** Only the top frame of our window may talk to main (no iframes, even our own). */
  isMainFrame: boolean;
}

/** Null when the sender is ours; otherwise the reason it is not. */
export function checkSender(sender: SenderInfo, trusted: TrustedOrigins): string | null {
  if (sender.url === null) return 'the sending frame is gone';
  if (!sender.isMainFrame) return 'sent from a sub-frame';
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    // An unparsable URL cannot be ours.
    return `unparsable sender URL ${JSON.stringify(sender.url.slice(0, 200))}`;
  }
  if (isAppUrl(url)) return url.pathname === '/index.html' ? null : `sender ${url.href} is not the app's page`;
  if (trusted.devServerOrigin !== null && url.origin === trusted.devServerOrigin) return null;
  return `sender origin ${url.origin} is not trusted`;
}
