// Level 1, observe: one HTTP probe of the gateway, classified. The gateway answers its UI page with
// 200 for every unknown path, so only /healthz with the health JSON counts as alive.
import http from 'node:http';
import https from 'node:https';
import type { GatewayCheck, GatewayCondition, ProbeKind, ProbeResult } from '../../common/contract.js';

/** Bodies larger than this are not the health JSON; stop reading (a stranger may stream forever). */
const MAX_BODY_BYTES = 64 * 1024;

interface RawAnswer {
  status: number;
  body: string;
}

function describeNetError(err: NodeJS.ErrnoException, url: URL): { kind: ProbeKind; detail: string } {
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return { kind: 'refused', detail: `connection refused on ${where}: nothing is listening` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'dns', detail: `cannot resolve ${url.hostname} (${err.code})` };
    case 'ECONNRESET':
      return { kind: 'error', detail: `connection reset by ${where}` };
    case undefined:
    default:
      return { kind: 'error', detail: `${err.code ?? 'error'}: ${err.message}` };
  }
}

/** Errors of a kept-alive socket that the server closed meanwhile: the request is sent again on a new one. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function request(url: URL, timeoutMs: number, agent?: http.Agent): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    // Without an agent: a fresh connection per probe (one-shot checks). With one (the watcher's
    // GatewayProbe): one kept-alive connection, re-used while the gateway keeps it open.
    const opts = { method: 'GET', agent: agent ?? false, headers: { accept: 'application/json' } };
    const req = mod.request(url, opts, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY_BYTES) chunks.push(c);
        else res.destroy();
      });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    const timer = setTimeout(() => {
      const e = new Error(`no answer within ${timeoutMs} ms`) as NodeJS.ErrnoException;
      e.code = 'ETIMEDOUT_PROBE';
      req.destroy(e);
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // A kept-alive socket the gateway closed (idle timeout, restart) just before we wrote to it says
      // nothing about the gateway: ask again on a new connection, once. A dead listener then answers
      // ECONNREFUSED as it would without keep-alive.
      if (agent && req.reusedSocket && e.code && STALE_SOCKET_CODES.has(e.code)) {
        request(url, timeoutMs, undefined).then(resolve, reject);
        return;
      }
      reject(e);
    });
    req.on('close', () => clearTimeout(timer));
    req.end();
  });
}

function parseJson(body: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    // Not JSON: the caller treats that as "not the gateway's health answer".
    return null;
  }
}

/** The gateway's liveness JSON: `{"ok":true,"status":"live"}` (older builds: ok only). */
export function isHealthBody(body: string): boolean {
  const j = parseJson(body);
  return !!j && j.ok === true && (j.status === undefined || j.status === 'live' || j.status === 'ok');
}

export function joinUrl(base: string, p: string): URL {
  const u = new URL(base);
  u.pathname = u.pathname.replace(/\/+$/, '') + p;
  u.search = '';
  return u;
}

/** GET <base>/healthz once and classify the answer. Never throws. */
export async function probeHealth(
  baseUrl: string,
  timeoutMs: number,
  now: () => number = Date.now,
  agent?: http.Agent,
): Promise<ProbeResult> {
  const url = joinUrl(baseUrl, '/healthz');
  const started = performance.now();
  const at = new Date(now()).toISOString();
  const done = (kind: ProbeKind, status: number | null, detail: string): ProbeResult => ({
    ok: kind === 'healthy',
    kind,
    url: url.toString(),
    status,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
    detail,
    at,
  });
  try {
    const ans = await request(url, timeoutMs, agent);
    if (ans.status === 200) {
      if (isHealthBody(ans.body)) return done('healthy', 200, 'live');
      const looksHtml = /^\s*</.test(ans.body);
      return done(
        'stranger',
        200,
        `answered 200 but not with the gateway's health JSON ` +
          `(${looksHtml ? 'an HTML page' : 'unexpected body'}): another program ` +
          `may hold the port`,
      );
    }
    const j = parseJson(ans.body);
    if (ans.status >= 400 && ans.status < 500) {
      // OpenClaw answers /healthz itself, with 200 or a 5xx: a 404 (or any 4xx) comes from another program
      // on the port (a plain web server, a proxy). Restarting the gateway cannot fix that.
      return done(
        'stranger',
        ans.status,
        `answered HTTP ${ans.status} to /healthz, which the OpenClaw gateway never does: ` +
          'another program holds the port',
      );
    }
    const status = typeof j?.status === 'string' ? ` (${j.status})` : '';
    return done('http-error', ans.status, `HTTP ${ans.status}${status}`);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ETIMEDOUT_PROBE')
      return done('timeout', null, `no answer within ${timeoutMs} ms: the gateway accepts connections but is hung`);
    const { kind, detail } = describeNetError(e, url);
    return done(kind, null, detail);
  }
}

async function getJson(
  baseUrl: string,
  p: string,
  timeoutMs: number,
  agent?: http.Agent,
): Promise<{ status: number; json: Record<string, unknown> | null } | null> {
  try {
    const ans = await request(joinUrl(baseUrl, p), timeoutMs, agent);
    return { status: ans.status, json: parseJson(ans.body) };
  } catch {
    // Secondary endpoints are advisory; the liveness probe above already classified the failure.
    return null;
  }
}

/**
 * A full check: liveness first; when alive, /readyz decides healthy vs degraded; when not alive but
 * answering HTTP, /startupz tells "still starting" apart from a failure. One-shot: fresh connections,
 * /readyz every time (`clawmedic check`). The watcher uses GatewayProbe.
 */
export async function checkGateway(
  baseUrl: string,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<GatewayCheck> {
  return checkWith(baseUrl, timeoutMs, now, { agent: undefined, readyz: true });
}

async function checkWith(
  baseUrl: string,
  timeoutMs: number,
  now: () => number,
  o: { agent: http.Agent | undefined; readyz: boolean },
): Promise<GatewayCheck> {
  const health = await probeHealth(baseUrl, timeoutMs, now, o.agent);
  const at = health.at;
  if (health.ok) {
    if (!o.readyz) return { condition: 'healthy', health, failing: [], at };
    const ready = await getJson(baseUrl, '/readyz', timeoutMs, o.agent);
    const uptime = ready?.json?.uptimeMs;
    const extra = typeof uptime === 'number' && Number.isFinite(uptime) && uptime >= 0 ? { uptimeMs: uptime } : {};
    if (ready && (ready.status === 503 || ready.json?.ready === false)) {
      const failing = Array.isArray(ready.json?.failing) ? (ready.json.failing as unknown[]).map(String) : [];
      return { condition: 'degraded', health, failing, at, ...extra };
    }
    return { condition: 'healthy', health, failing: [], at, ...extra };
  }
  if (health.kind === 'http-error') {
    const st = await getJson(baseUrl, '/startupz', timeoutMs, o.agent);
    if (st && st.status === 503 && st.json?.status === 'starting') {
      return {
        condition: 'starting',
        health: { ...health, detail: 'the gateway reports it is still starting' },
        failing: [],
        at,
      };
    }
  }
  return { condition: 'down', health, failing: [], at };
}

/**
 * /readyz is asked on every check whose previous answer was not plainly healthy (start, recovery, while
 * degraded, so a degraded gateway is seen to recover at once), and otherwise every 10th healthy check:
 * a channel that stops being ready is then reported within 10 intervals (5 min at the default 30 s),
 * while a steady healthy watch costs one request per check instead of two. Degraded never triggers a
 * restart, so reporting it a few minutes later costs no recovery time.
 */
export const READYZ_EVERY = 10;

/**
 * The watcher's prober: one kept-alive connection to the gateway (no new TCP connection per check while
 * the gateway keeps it open) and /readyz on state changes or every READYZ_EVERY checks.
 */
export class GatewayProbe {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  private last: GatewayCondition | null = null;
  private sinceReadyz = 0;

  constructor(private readonly readyEvery = READYZ_EVERY) {}

  async check(baseUrl: string, timeoutMs: number, now: () => number = Date.now): Promise<GatewayCheck> {
    const agent = baseUrl.startsWith('https:') ? this.httpsAgent : this.httpAgent;
    const readyz = this.last !== 'healthy' || this.sinceReadyz + 1 >= this.readyEvery;
    const c = await checkWith(baseUrl, timeoutMs, now, { agent, readyz });
    if (readyz && c.health.ok) this.sinceReadyz = 0;
    else if (c.health.ok) this.sinceReadyz++;
    this.last = c.condition;
    return c;
  }

  /** Closes the kept-alive connections (the watcher stops). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** The running gateway's version from /startupz (`{"status":"started","version":…}`), or null. */
export async function gatewayVersion(baseUrl: string, timeoutMs: number): Promise<string | null> {
  const st = await getJson(baseUrl, '/startupz', timeoutMs);
  const v = st?.json?.version;
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}
