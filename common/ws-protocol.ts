// The dashboard's WebSocket wire format, shared by the server and the browser client
// (renderer/src/transport/ws-client.ts). Control frames are JSON objects with a `t` tag. The live
// terminal's data travels in binary frames instead (encodeTermFrame, encodeAckFrame below): no JSON
// escaping or parsing of megabytes of terminal output, and an ack costs 5 bytes.
import type { EngineEvent, TerminalChunk } from './contract.js';
import type { CallName, SendName } from './operations.js';

/** Bumped when a frame changes incompatibly; the client shows a "reload" message on mismatch. */
export const PROTOCOL_VERSION = 3;

export type ClientFrame =
  | { t: 'call'; id: number; method: CallName; args: unknown[] }
  /** A one-way operation of the table (terminalAck, terminalInput, terminalResize). */
  | { t: 'send'; op: SendName; args: unknown[] }
  | { t: 'term-sub' }
  | { t: 'term-unsub' };

export type ServerFrame =
  | { t: 'hello'; protocol: number; readOnly: boolean }
  /** Transport-level answer. Methods that return Result carry their Result (ok or not) in `value`. */
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; message: string }
  | { t: 'event'; event: EngineEvent }
  /** A terminal subscription (re)started: the replay of the session follows. */
  | { t: 'term-start' }
  /** Something the user did was refused (e.g. keystrokes while read-only). */
  | { t: 'notice'; message: string };

/** Path of the WebSocket endpoint, relative to the dashboard's root. */
export const WS_PATH = '/ws';

// ---- binary frames ---------------------------------------------------------------------------
// Terminal data, server → client: [1][kind][session name length: uint16 BE, 0xFFFF = none][name][data],
// name and data in UTF-8. Ack, client → server: [2][characters parsed: uint32 BE]. Characters are
// UTF-16 code units, as in TerminalChunk.data.length on both ends (decoding gives back the same string).

export const FRAME_TERM = 1;
export const FRAME_ACK = 2;
const KINDS: TerminalChunk['kind'][] = ['replay', 'live', 'end'];
const NO_SESSION = 0xffff;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One terminal chunk as a binary frame. */
export function encodeTermFrame(chunk: TerminalChunk): Uint8Array {
  const name = chunk.sessionName;
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  const buf = new Uint8Array(4 + (name ? name.length * 3 : 0) + chunk.data.length * 3);
  buf[0] = FRAME_TERM;
  buf[1] = KINDS.indexOf(chunk.kind);
  let at = 4;
  let nameLen = NO_SESSION;
  if (name !== null) {
    nameLen = encoder.encodeInto(name, buf.subarray(at)).written;
    at += nameLen;
  }
  buf[2] = nameLen >> 8;
  buf[3] = nameLen & 0xff;
  at += encoder.encodeInto(chunk.data, buf.subarray(at)).written;
  return buf.subarray(0, at);
}

/** A binary terminal frame back into its chunk; null when the bytes are not one. */
export function decodeTermFrame(bytes: Uint8Array): TerminalChunk | null {
  if (bytes.length < 4 || bytes[0] !== FRAME_TERM) return null;
  const kind = KINDS[bytes[1]!];
  if (!kind) return null;
  const nameLen = (bytes[2]! << 8) | bytes[3]!;
  const dataAt = 4 + (nameLen === NO_SESSION ? 0 : nameLen);
  if (dataAt > bytes.length) return null;
  return {
    kind,
    sessionName: nameLen === NO_SESSION ? null : decoder.decode(bytes.subarray(4, dataAt)),
    data: decoder.decode(bytes.subarray(dataAt)),
  };
}

export function encodeAckFrame(chars: number): Uint8Array {
  const n = Math.max(0, Math.min(0xffffffff, Math.floor(chars)));
  return new Uint8Array([FRAME_ACK, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/** The characters an ack frame acknowledges; null when the bytes are not an ack frame. */
export function decodeAckFrame(bytes: Uint8Array): number | null {
  if (bytes.length !== 5 || bytes[0] !== FRAME_ACK) return null;
  return ((bytes[1]! << 24) >>> 0) + (bytes[2]! << 16) + (bytes[3]! << 8) + bytes[4]!;
}
