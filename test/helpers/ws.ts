// WebSocket helpers for tests that talk to the dashboard over `ws`.
import type { RawData } from 'ws';

/** A text frame's text: ws delivers it as a Buffer, a list of Buffers (fragments) or an ArrayBuffer. */
export function rawText(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('utf8');
  return raw.toString('utf8');
}
