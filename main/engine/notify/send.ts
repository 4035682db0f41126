// One HTTP delivery with a timeout and bounded retries. Retries only what can get better by waiting:
// 429 (honouring Retry-After), 5xx, timeouts and network errors. Never other 4xx: a bad URL or token
// stays bad, and hammering a service with it risks getting the webhook revoked.
import { sleep, type Clock } from '../../../common/clock.js';
import { oneLine, truncate } from './format.js';

export interface HttpRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export interface RetryPolicy {
  /**
   * 10 s per attempt: these services answer in well under a second; 10 s tolerates a slow uplink,
   * yet a hung service cannot hold its channel's queue for long.
   */
  timeoutMs: number;
  /** 4 attempts: rides out a short 5xx blip or one rate-limit window, then gives up and reports. */
  maxAttempts: number;
  /** 1 s, doubled per retry (1, 2, 4 s) when the service does not say how long to wait. */
  baseBackoffMs: number;
  /**
   * 120 s of waiting in all: a "gateway down" message older than that is stale; better to report
   * the channel as failing than to deliver news minutes late.
   */
  maxTotalWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  timeoutMs: 10_000,
  maxAttempts: 4,
  baseBackoffMs: 1_000,
  maxTotalWaitMs: 120_000,
};

export type SendResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; status: number | null; attempts: number; detail: string };

export interface SendOptions {
  fetchImpl: typeof fetch;
  clock: Clock;
  policy: RetryPolicy;
  /** Aborts waiting and the request in flight (shutdown). */
  signal?: AbortSignal;
  /** Names the service in error details, e.g. `Slack (team-alerts)`. */
  label: string;
}

/** Parses Retry-After (seconds or an HTTP date) or a JSON body's retry_after (Discord, Telegram). */
export function retryAfterMs(header: string | null, body: string, nowMs: number): number | null {
  if (header) {
    const s = Number(header.trim());
    if (Number.isFinite(s) && s >= 0) return Math.ceil(s * 1000);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  try {
    const j = JSON.parse(body) as { retry_after?: unknown; parameters?: { retry_after?: unknown } };
    const v = typeof j.retry_after === 'number' ? j.retry_after : j.parameters?.retry_after;
    if (typeof v === 'number' && v >= 0) return Math.ceil(v * 1000);
  } catch {
    // Not JSON: no hint in the body.
  }
  return null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    // Only used for messages; an unparseable URL fails earlier with its own message.
    return 'the service';
  }
}

function hintFor(status: number): string {
  if (status >= 300 && status < 400) return 'the URL redirects elsewhere: put the final URL in notify.channels';
  if (status === 401 || status === 403)
    return 'the service refused the credentials: check the token or webhook URL in notify.channels';
  if (status === 404 || status === 410)
    return 'the webhook, bot or topic does not exist (deleted or mistyped): check notify.channels';
  if (status === 400 || status === 422) return 'the service rejected the message format';
  if (status === 413) return 'the message was too large for the service';
  if (status === 429) return 'the service is rate-limiting this channel';
  if (status >= 500) return 'the service is having trouble; it may work again later';
  return 'unexpected answer';
}

function networkDetail(err: unknown, host: string): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `cannot resolve ${host} (${code}): offline, or a typo in the URL`;
  if (code === 'ECONNREFUSED') return `${host} refused the connection`;
  if (code) return `network error talking to ${host} (${code})`;
  return `request to ${host} failed: ${oneLine(e.cause?.message ?? e.message ?? String(err))}`;
}

/**
 * Sends the request, retrying as the policy allows. Never throws; the result says what happened in
 * words a user can act on. The URL itself never appears in details (it may hold the credential).
 */
export async function sendWithRetry(req: HttpRequest, opts: SendOptions): Promise<SendResult> {
  const { clock, policy } = opts;
  const host = hostOf(req.url);
  let waited = 0;
  let last: { status: number | null; detail: string } = { status: null, detail: 'not sent' };
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (opts.signal?.aborted)
      return {
        ok: false,
        status: last.status,
        attempts: attempt - 1,
        detail: 'ClawMedic stopped before the message was delivered',
      };
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = clock.schedule(policy.timeoutMs, () => {
      timedOut = true;
      ctl.abort();
    });
    let retryWaitMs: number | null = null;
    try {
      // Redirects are not followed: that would send the message, and any auth header, wherever the answer points.
      const res = await opts.fetchImpl(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: ctl.signal,
        redirect: 'manual',
      });
      const text = await res.text();
      if (res.ok) return { ok: true, status: res.status, attempts: attempt };
      const said = truncate(oneLine(text), 200);
      last = {
        status: res.status,
        detail: `${opts.label} answered HTTP ${res.status}${said ? ` (${said})` : ''}: ${hintFor(res.status)}`,
      };
      if (res.status !== 429 && res.status < 500)
        return { ok: false, status: res.status, attempts: attempt, detail: last.detail };
      if (res.status === 429) retryWaitMs = retryAfterMs(res.headers.get('retry-after'), text, clock.now());
    } catch (err) {
      last = {
        status: null,
        detail: timedOut
          ? `${opts.label}: no answer from ${host} within ${Math.round(policy.timeoutMs / 1000)} s`
          : opts.signal?.aborted
            ? 'ClawMedic stopped before the message was delivered'
            : `${opts.label}: ${networkDetail(err, host)}`,
      };
      if (opts.signal?.aborted) return { ok: false, status: null, attempts: attempt, detail: last.detail };
    } finally {
      timer.cancel();
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (attempt === policy.maxAttempts) break;
    const wait = retryWaitMs ?? policy.baseBackoffMs * 2 ** (attempt - 1);
    if (waited + wait > policy.maxTotalWaitMs) {
      const why =
        retryWaitMs !== null
          ? `it asked to wait ${Math.ceil(retryWaitMs / 1000)} s, more than the retry budget`
          : 'the retry budget is spent';
      return { ok: false, status: last.status, attempts: attempt, detail: `${last.detail}; gave up (${why})` };
    }
    waited += wait;
    await sleep(clock, wait, opts.signal);
  }
  return {
    ok: false,
    status: last.status,
    attempts: policy.maxAttempts,
    detail: `${last.detail} (after ${policy.maxAttempts} attempts)`,
  };
}
