// Who may talk to the dashboard: a secret token, a loopback Host (DNS-rebinding defence) and, for
// WebSockets, a same-origin page. Pure functions over request headers so each rule is testable.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 32 random bytes = 256 bits, base64url so it needs no escaping in a URL or cookie. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison (hash first so unequal lengths take the same time too). */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/**
 * Cookies are shared by every port of a host, so the name carries the port: two dashboards on one
 * machine (or a stale cookie from an earlier run on another port) never shadow each other.
 */
export function cookieName(port: number): string {
  return `clawmedic_${port}`;
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function loopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The Host header values a page served by us can send: the bound address or localhost, with the port. */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set<string>(['localhost', '127.0.0.1', boundHost === '::1' ? '[::1]' : boundHost]);
  return new Set([...names].map((n) => `${n}:${port}`));
}

export function allowedOrigins(boundHost: string, port: number): Set<string> {
  return new Set([...allowedHosts(boundHost, port)].map((h) => `http://${h}`));
}

export type Refusal = { status: 401 | 403; message: string };

export interface AccessPolicy {
  token: string;
  port: number;
  hosts: Set<string>;
  origins: Set<string>;
}

/** Host first (a rebinding page must learn nothing), then the token from cookie, query or bearer header. */
export function checkRequest(
  policy: AccessPolicy,
  req: IncomingMessage,
  url: URL,
  opts: { websocket: boolean },
): Refusal | null {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!policy.hosts.has(host)) {
    return {
      status: 403,
      message: `Refused: Host "${host}" is not this dashboard's address. Open it as http://127.0.0.1:${policy.port}/ (other names are refused to stop DNS-rebinding attacks).`,
    };
  }
  if (opts.websocket) {
    // Browsers always send Origin on a WebSocket handshake; tools (curl, ws) may omit it and still need the token.
    const origin = req.headers.origin;
    if (origin !== undefined && !policy.origins.has(origin.toLowerCase())) {
      return { status: 403, message: `Refused: a page from ${origin} may not connect to the ClawMedic dashboard.` };
    }
  }
  const fromQuery = url.searchParams.get('token');
  const fromCookie = readCookie(req.headers.cookie, cookieName(policy.port));
  const auth = req.headers.authorization;
  const fromHeader = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : null;
  const given = fromQuery ?? fromHeader ?? fromCookie;
  if (given === null) {
    return {
      status: 401,
      message:
        'This dashboard needs its access token. Open the full URL that ' +
        '`clawmedic watch --dashboard` printed (it ends in ?token=…).',
    };
  }
  if (!tokenMatches(policy.token, given)) {
    return {
      status: 403,
      message:
        'Wrong or outdated access token (each dashboard start makes a new one). ' +
        'Open the URL printed by the running `clawmedic watch --dashboard`.',
    };
  }
  return null;
}
