import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from '../../common/clock.js';
import { DEFAULT_RETRY, retryAfterMs, sendWithRetry, type HttpRequest } from '../../main/engine/notify/send.js';

/** Timers fire only when the test advances time. */
class FakeClock implements Clock {
  t = Date.parse('2026-03-01T10:00:00.000Z');
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;
  now(): number {
    return this.t;
  }
  schedule(ms: number, fn: () => void): TimerHandle {
    const entry = { at: this.t + Math.max(0, ms), fn, seq: this.seq++ };
    this.timers.push(entry);
    return { cancel: () => (this.timers = this.timers.filter((x) => x !== entry)) };
  }
  pending(): number {
    return this.timers.length;
  }
  /** Runs every timer due within ms, letting promise chains settle between them. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((x) => x.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = target;
    await settle();
  }
}
const settle = () => new Promise<void>((r) => setImmediate(r));

const req: HttpRequest = {
  url: 'https://hooks.example.com/secret-path',
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{}',
};

type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang' | 'refused';

/** A fetch that answers from a script and records when each call happened (fake time). */
function scriptedFetch(clock: FakeClock, answers: Answer[]) {
  const calls: number[] = [];
  const impl = (async (_url: string, init: RequestInit) => {
    calls.push(clock.now());
    const a = answers.shift() ?? { status: 200 };
    if (a === 'refused') throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    if (a === 'hang') {
      return new Promise((_resolve, reject) => {
        init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    return new Response(a.body ?? null, { status: a.status, headers: a.headers });
  }) as unknown as typeof fetch;
  return { impl, calls };
}

function run(clock: FakeClock, answers: Answer[], policy = DEFAULT_RETRY, signal?: AbortSignal) {
  const f = scriptedFetch(clock, answers);
  const result = sendWithRetry(req, { fetchImpl: f.impl, clock, policy, label: 'Webhook (ops)', signal });
  return { result, calls: f.calls };
}

describe('sendWithRetry', () => {
  it('delivers on the first 2xx', async () => {
    const clock = new FakeClock();
    const { result, calls } = run(clock, [{ status: 204 }]);
    expect(await result).toEqual({ ok: true, status: 204, attempts: 1 });
    expect(calls).toHaveLength(1);
    expect(clock.pending()).toBe(0); // the timeout timer was cancelled
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const { result, calls } = run(clock, [{ status: 429, headers: { 'retry-after': '7' } }, { status: 200 }]);
    await clock.advance(6_999);
    expect(calls).toHaveLength(1);
    await clock.advance(1);
    const r = await result;
    expect(r).toEqual({ ok: true, status: 200, attempts: 2 });
    expect(calls).toEqual([t0, t0 + 7_000]);
  });

  it('reads retry_after from a Telegram-style JSON body', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const body = JSON.stringify({ ok: false, error_code: 429, parameters: { retry_after: 3 } });
    const { result, calls } = run(clock, [{ status: 429, body }, { status: 200 }]);
    await clock.advance(3_000);
    expect((await result).ok).toBe(true);
    expect(calls).toEqual([t0, t0 + 3_000]);
  });

  it('gives up when Retry-After exceeds the retry budget, without waiting', async () => {
    const clock = new FakeClock();
    const { result, calls } = run(clock, [{ status: 429, headers: { 'retry-after': '3600' } }]);
    const r = await result;
    expect(r.ok).toBe(false);
    expect(calls).toHaveLength(1);
    if (!r.ok) expect(r.detail).toMatch(/asked to wait 3600 s, more than the retry budget/);
  });

  it('retries 5xx with exponential backoff, then reports the last answer', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const { result, calls } = run(clock, [
      { status: 500 },
      { status: 502 },
      { status: 503 },
      { status: 500, body: 'boom' },
    ]);
    await clock.advance(10_000);
    const r = await result;
    expect(calls).toEqual([t0, t0 + 1_000, t0 + 3_000, t0 + 7_000]);
    expect(r).toMatchObject({ ok: false, status: 500, attempts: 4 });
    if (!r.ok)
      expect(r.detail).toBe(
        'Webhook (ops) answered HTTP 500 (boom): the service is having trouble; ' +
          'it may work again later (after 4 attempts)',
      );
  });

  it.each([400, 401, 403, 404, 410])('never retries %d', async (status) => {
    const clock = new FakeClock();
    const { result, calls } = run(clock, [{ status, body: '{"message":"Unknown Webhook"}' }]);
    const r = await result;
    expect(calls).toHaveLength(1);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.detail).toContain(`HTTP ${status}`);
      // The URL may hold the credential: never in the detail.
      expect(r.detail).not.toContain('secret-path');
    }
  });

  it('does not follow (or retry) a redirect', async () => {
    const clock = new FakeClock();
    const { result, calls } = run(clock, [{ status: 301, headers: { location: 'https://elsewhere.example/' } }]);
    const r = await result;
    expect(calls).toHaveLength(1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail).toMatch(/HTTP 301: the URL redirects elsewhere/);
  });

  it('times out a hanging service and retries it', async () => {
    const clock = new FakeClock();
    const policy = { ...DEFAULT_RETRY, maxAttempts: 2 };
    const { result, calls } = run(clock, ['hang', 'hang'], policy);
    await clock.advance(DEFAULT_RETRY.timeoutMs + 1_000 + DEFAULT_RETRY.timeoutMs);
    const r = await result;
    expect(calls).toHaveLength(2);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail).toBe('Webhook (ops): no answer from hooks.example.com within 10 s (after 2 attempts)');
  });

  it('explains network errors and retries them', async () => {
    const clock = new FakeClock();
    const { result, calls } = run(clock, ['refused', { status: 200 }]);
    await clock.advance(1_000);
    expect((await result).ok).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('stops at once when aborted (shutdown)', async () => {
    const clock = new FakeClock();
    const ctl = new AbortController();
    const { result } = run(clock, [{ status: 500 }, { status: 200 }], DEFAULT_RETRY, ctl.signal);
    await settle();
    ctl.abort();
    const r = await result;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail).toMatch(/ClawMedic stopped/);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-03-01T10:00:00.000Z');
  it.each([
    ['5', '', 5_000],
    ['0.5', '', 500],
    ['Sun, 01 Mar 2026 10:00:30 GMT', '', 30_000],
    [null, '{"retry_after": 1.25}', 1_250],
    [null, '{"parameters": {"retry_after": 9}}', 9_000],
    [null, 'not json', null],
    ['garbage', '', null],
  ])('header %s body %s → %s', (header, body, expected) => {
    expect(retryAfterMs(header, body, now)).toBe(expected);
  });
});
