// The dashboard's plain HTTP side: every request passes the access check; the first one carrying the
// token in the URL trades it for an HttpOnly, SameSite=Strict cookie and is redirected to the same page
// without it (so the token leaves the address bar and history); the rest serves the built renderer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WS_PATH } from '../../common/ws-protocol.js';
import { checkRequest, cookieName, type AccessPolicy } from './access.js';
import { securityHeaders, sendText, serveStatic } from './static-files.js';

export interface HttpContext {
  policy: AccessPolicy;
  token: string;
  rendererDir: string;
}

/** The redirect target after the token exchange: our own path only, never another host (`//evil`). */
export function sameOriginPath(url: URL): string {
  // A path starting with two slashes (or a backslash) is read by browsers as another host.
  const pathname = `/${url.pathname.replace(/^[/\\]+/, '')}`;
  return pathname + (url.search || '') + (url.hash || '');
}

export async function handleHttp(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
  const refusal = checkRequest(ctx.policy, req, url, { websocket: false });
  if (refusal) return sendText(res, refusal.status, refusal.message);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    res.writeHead(303, {
      ...securityHeaders(),
      Location: sameOriginPath(url),
      'Set-Cookie': `${cookieName(ctx.policy.port)}=${ctx.token}; HttpOnly; SameSite=Strict; Path=/`,
      'Content-Length': 0,
    });
    res.end();
    return;
  }
  if (url.pathname === WS_PATH) return sendText(res, 426, 'This address is the dashboard WebSocket; open / instead.');
  await serveStatic(ctx.rendererDir, req, res, url.pathname);
}
