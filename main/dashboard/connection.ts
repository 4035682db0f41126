// One browser connection to the dashboard: the hello, the engine's events, keep-alive pings, the client's
// frames, and the live terminal. Calls and one-way operations go through the operation table's dispatch
// (main/engine/operations.ts) with this connection's read-only flag, so the dashboard validates exactly
// like the app's IPC; everything leaving here passes the redactor first.
import type { WebSocket, RawData } from 'ws';
import type { Result, TerminalChunk } from '../../common/contract.js';
import {
  decodeAckFrame,
  encodeTermFrame,
  PROTOCOL_VERSION,
  type ClientFrame,
  type ServerFrame,
} from '../../common/ws-protocol.js';
import type { EngineApi } from '../engine/engine-api.js';
import { dispatch, type Handlers } from '../engine/operations.js';
import { StreamRedactor } from '../engine/redact-stream.js';
import { ViewerStream } from '../engine/viewer-stream.js';
import { restoreMasked, type Redactor } from './redaction.js';

// 30 s: a tab closed by a crash or a sleeping laptop stops answering pings; after one missed round we
// drop it so its terminal subscription (and unacked count) is forgotten.
export const PING_INTERVAL_MS = 30_000;
/** Close code for a viewer dropped for lagging (the page says so and reconnects, replaying the session). */
export const LAG_CLOSE_CODE = 4008;

/** Handlers that differ for the dashboard: settings travel masked, and what comes back is restored. */
export function dashboardOverrides(engine: EngineApi, redactor: Redactor): Partial<Handlers> {
  return {
    getSettings: async () => redactor.settingsView(await engine.getSettings()),
    saveSettings: async (settings) => {
      const current = (await engine.getSettings()).settings;
      const restored = restoreMasked(settings, current, (s) => redactor.text(s));
      if (restored.problems.length) {
        return {
          ok: false,
          message: 'Some hidden values were changed in a way that cannot be restored; nothing was saved.',
          problems: restored.problems,
        } satisfies Result;
      }
      const r = await engine.saveSettings(restored.value);
      if (r.ok) redactor.learn(restored.value);
      return r;
    },
  };
}

export interface ConnectionOptions {
  engine: EngineApi;
  handlers: Handlers;
  redactor: Redactor;
  readOnly: boolean;
}

/** Serves one WebSocket until it closes; returns the teardown (also run by the server's close()). */
export function serveConnection(ws: WebSocket, o: ConnectionOptions): () => void {
  const { engine, redactor } = o;
  let alive = true;
  let viewer: ViewerStream | null = null;
  const send = (frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  // Terminal data goes as binary frames (ws-protocol.ts): no JSON escaping of megabytes of output.
  const sendTerm = (chunk: TerminalChunk) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeTermFrame(chunk), { binary: true });
  };
  const overrides: Partial<Handlers> = {
    ...dashboardOverrides(engine, redactor),
    terminalAck: (chars) => viewer?.ack(chars),
    terminalInput: (data) => {
      if (!engine.terminalInput(data))
        send({ t: 'notice', message: 'Keystrokes were not sent: take over the session first.' });
    },
  };
  const offEvents = engine.on((event) => {
    if (event.type === 'settings-changed') {
      // New settings may hold new secrets: learn them before anything else is sent.
      engine.getSettings().then(
        (v) => redactor.learn(v.settings),
        () => undefined, // keeping the previous secret list is the safe fallback
      );
    }
    send({ t: 'event', event: redactor.deep(event) });
  });
  const ping = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, PING_INTERVAL_MS);
  ws.on('pong', () => (alive = true));
  let closed = false;
  const cleanup = () => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    offEvents();
    viewer?.close();
    viewer = null;
  };
  ws.on('close', cleanup);
  ws.on('error', () => {
    // 'close' follows every 'error' on a ws socket and does the cleanup.
  });
  send({ t: 'hello', protocol: PROTOCOL_VERSION, readOnly: o.readOnly });

  const subscribe = () => {
    viewer?.close();
    send({ t: 'term-start' });
    viewer = new ViewerStream({
      terminal: engine.terminal,
      send: sendTerm,
      // Fell far behind while another viewer kept up (terminal.ts): the page reconnects and replays.
      onLag: () => ws.close(LAG_CLOSE_CODE, 'the live terminal fell too far behind'),
      // Streaming: a secret the agent prints in two writes is caught whole (redact-stream.ts).
      transform: new StreamRedactor({ secrets: () => redactor.literals() }),
    });
  };

  ws.on('message', (raw: RawData, isBinary: boolean) => {
    if (isBinary) {
      // The only binary frame a client sends: an ack of parsed terminal characters. Through the table's
      // dispatch like every other operation (its argument check), not around it.
      const chars = decodeAckFrame(toBytes(raw));
      if (chars === null) return void ws.close(1007, 'unknown binary frame');
      void dispatch(o.handlers, 'terminalAck', [chars], { transport: 'ws', readOnly: o.readOnly, overrides });
      return;
    }
    const frame = parseFrame(raw);
    if (!frame) return void ws.close(1007, 'frames must be JSON objects with a "t" field');
    switch (frame.t) {
      case 'call': {
        const args = Array.isArray(frame.args) ? frame.args : [];
        void dispatch(o.handlers, String(frame.method), args, {
          transport: 'ws',
          readOnly: o.readOnly,
          overrides,
        }).then((a) =>
          send(
            a.ok
              ? { t: 'result', id: frame.id, ok: true, value: redactor.deep(a.value) }
              : { t: 'result', id: frame.id, ok: false, message: redactor.text(a.message) },
          ),
        );
        return;
      }
      case 'send': {
        const args = Array.isArray(frame.args) ? frame.args : [];
        void dispatch(o.handlers, String(frame.op), args, { transport: 'ws', readOnly: o.readOnly, overrides }).then(
          (a) => {
            // Keystrokes refused (read-only) are worth telling; a malformed ack or size is not.
            if (frame.op === 'terminalInput' && !a.ok) send({ t: 'notice', message: a.message });
          },
        );
        return;
      }
      case 'term-sub':
        return subscribe();
      case 'term-unsub':
        viewer?.close();
        viewer = null;
        return;
      default:
        send({ t: 'notice', message: `Unknown frame type ${JSON.stringify((frame as { t: unknown }).t)} ignored.` });
    }
  });
  return cleanup;
}

function toBytes(raw: RawData): Uint8Array {
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw;
}

/** A text frame's text: ws delivers it as a Buffer, a list of Buffers (fragments) or an ArrayBuffer. */
function rawText(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('utf8');
  return raw.toString('utf8');
}

function parseFrame(raw: RawData): ClientFrame | null {
  try {
    const frame = JSON.parse(rawText(raw)) as unknown;
    if (!frame || typeof frame !== 'object' || typeof (frame as { t?: unknown }).t !== 'string') return null;
    return frame as ClientFrame;
  } catch {
    // Not JSON: the caller closes the connection with 1007.
    return null;
  }
}
