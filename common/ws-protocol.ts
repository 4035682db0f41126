// The dashboard's WebSocket wire format, shared (types only) by the server and the browser client
// (renderer/src/transport/ws-client.ts). Every frame is one JSON object with a `t` tag.
import type { EngineEvent, TerminalChunk } from './contract.js';
import type { CallName, SendName } from './operations.js';

/** Bumped when a frame changes incompatibly; the client shows a "reload" message on mismatch. */
export const PROTOCOL_VERSION = 2;

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
  | ({ t: 'term' } & TerminalChunk)
  /** Something the user did was refused (e.g. keystrokes while read-only). */
  | { t: 'notice'; message: string };

/** Path of the WebSocket endpoint, relative to the dashboard's root. */
export const WS_PATH = '/ws';
