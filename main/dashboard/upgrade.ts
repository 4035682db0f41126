// WebSocket handshakes: the same access check as every page (token or cookie, Host) plus the Origin; a
// refused handshake gets a plain HTTP answer that says why, and the socket is closed.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';
import { WS_PATH } from '../../common/ws-protocol.js';
import { checkRequest, type AccessPolicy, type Refusal } from './access.js';

export function handleUpgrade(
  policy: AccessPolicy,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  onConnection: (ws: WebSocket) => void,
): void {
  const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
  let refusal: Refusal | null = checkRequest(policy, req, url, { websocket: true });
  if (!refusal && url.pathname !== WS_PATH) refusal = { status: 403, message: `No WebSocket at ${url.pathname}.` };
  if (refusal) {
    const body = refusal.message + '\n';
    const reason = refusal.status === 401 ? 'Unauthorized' : 'Forbidden';
    socket.end(
      `HTTP/1.1 ${refusal.status} ${reason}\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
    return;
  }
  wss.handleUpgrade(req, socket, head, onConnection);
}
