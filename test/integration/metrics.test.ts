// The metrics endpoint over real HTTP, its output parsed as the Prometheus text format (0.0.4), strictly.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, GatewayCheck, Incident, ProbeKind } from '../../common/contract.js';
import { createMetrics, type MetricsServer } from '../../main/engine/metrics.js';

// ---- a strict parser for the text exposition format ----------------------------------------------

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? ([^ ]+)(?: (-?\\d+))?$`);

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) throw new Error(`bad sample value "${v}"`);
  return Number(v);
}

function familyOf(name: string, families: Map<string, Family>): string | undefined {
  if (families.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      if (families.get(base)?.type === 'histogram') return base;
    }
  }
  return undefined;
}

/** Throws on anything the format does not allow; checks histogram invariants too. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  for (const [i, line] of text.slice(0, -1).split('\n').entries()) {
    const where = `line ${i + 1}: ${line}`;
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line))) {
      const f = families.get(m[1]!) ?? { type: '', help: '', samples: [] };
      if (f.help) throw new Error(`second HELP: ${where}`);
      f.help = m[2]!;
      families.set(m[1]!, f);
    } else if ((m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      const f = families.get(m[1]!) ?? { type: '', help: '', samples: [] };
      if (f.type) throw new Error(`second TYPE: ${where}`);
      if (f.samples.length) throw new Error(`TYPE after samples: ${where}`);
      f.type = m[2]!;
      families.set(m[1]!, f);
    } else if (line.startsWith('#')) {
      continue;
    } else if ((m = SAMPLE.exec(line))) {
      const name = m[1]!;
      const fam = familyOf(name, families);
      if (!fam || !families.get(fam)!.type) throw new Error(`sample without a TYPE before it: ${where}`);
      const labels: Record<string, string> = {};
      for (const lm of (m[2] ?? '').matchAll(new RegExp(LABEL, 'g'))) {
        if (lm[1]! in labels) throw new Error(`duplicate label: ${where}`);
        labels[lm[1]!] = lm[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      }
      families.get(fam)!.samples.push({ name, labels, value: parseValue(m[m.length - 2]!) });
    } else {
      throw new Error(`not a valid exposition line: ${where}`);
    }
  }
  for (const [name, f] of families) {
    if (f.type !== 'histogram') continue;
    const groups = new Map<string, Sample[]>();
    for (const s of f.samples.filter((x) => x.name === `${name}_bucket`)) {
      const { le, ...rest } = s.labels;
      if (le === undefined) throw new Error(`${name}_bucket without le`);
      const key = JSON.stringify(rest);
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const [key, buckets] of groups) {
      const les = buckets.map((b) => parseValue(b.labels.le!));
      if (les.some((v, i) => i > 0 && v <= les[i - 1]!)) throw new Error(`${name}: buckets not in increasing le order`);
      if (les.at(-1) !== Infinity) throw new Error(`${name}: no +Inf bucket`);
      if (buckets.some((b, i) => i > 0 && b.value < buckets[i - 1]!.value))
        throw new Error(`${name}: buckets not cumulative`);
      const count = f.samples.find((s) => s.name === `${name}_count` && JSON.stringify(s.labels) === key);
      if (!count || count.value !== buckets.at(-1)!.value)
        throw new Error(`${name}: _count differs from the +Inf bucket`);
    }
  }
  return families;
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const fam = familyOf(name, families);
  return fam
    ? families.get(fam)!.samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))
        ?.value
    : undefined;
}

// ---- events -------------------------------------------------------------------------------------

const at = (s: number) => new Date(Date.parse('2026-03-01T10:00:00.000Z') + s * 1000).toISOString();

function check(
  ok: boolean,
  kind: ProbeKind,
  latencyMs: number,
  failures: number,
  condition: GatewayCheck['condition'] = ok ? 'healthy' : 'down',
): EngineEvent {
  return {
    type: 'check',
    consecutiveFailures: failures,
    check: {
      condition,
      failing: [],
      at: at(0),
      health: {
        ok,
        kind,
        url: 'http://127.0.0.1:18789/healthz',
        status: ok ? 200 : null,
        latencyMs,
        detail: kind,
        at: at(0),
      },
    },
  };
}

function incident(id: string, over: Partial<Incident>): Incident {
  return {
    id,
    trigger: 'health',
    startedAt: at(0),
    endedAt: null,
    outcome: 'open',
    resolvedBy: null,
    agent: null,
    reportPath: null,
    transcriptPath: null,
    events: [],
    summary: 's',
    restarts: 0,
    doctor: null,
    owner: { pid: 1, hostname: 'h' },
    ...over,
  };
}

// ---- tests --------------------------------------------------------------------------------------

let server: MetricsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('metrics', () => {
  it('serves what the events say, in valid exposition format', async () => {
    const m = createMetrics();
    server = await m.serve({ port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    const events: EngineEvent[] = [
      check(true, 'healthy', 2, 0),
      { type: 'state', state: 'healthy', previous: 'starting', reason: 'ok', at: at(0) },
      check(false, 'refused', 1, 1),
      check(false, 'refused', 1, 2),
      check(false, 'timeout', 5000, 3),
      { type: 'incident-opened', incident: incident('a', {}) },
      { type: 'state', state: 'restarting', previous: 'failing', reason: 'attempt 1', at: at(1) },
      { type: 'incident-event', incidentId: 'a', event: { at: at(1), type: 'restart-attempt', detail: '1 of 2' } },
      { type: 'incident-event', incidentId: 'a', event: { at: at(20), type: 'restart-failed', detail: 'still down' } },
      { type: 'incident-event', incidentId: 'a', event: { at: at(30), type: 'restart-attempt', detail: '2 of 2' } },
      { type: 'doctor', phase: 'started', incidentId: 'a', detail: 'doctor started', at: at(60) },
      { type: 'doctor', phase: 'finished', incidentId: 'a', detail: 'recovered', at: at(60 + 420) },
      {
        type: 'incident-closed',
        incident: incident('a', { outcome: 'recovered', resolvedBy: 'doctor', endedAt: at(490) }),
      },
      { type: 'notification-failed', channel: 'slack "team"', incidentId: 'a', detail: 'HTTP 500', at: at(491) },
      { type: 'notification-failed', channel: 'slack "team"', incidentId: 'a', detail: 'HTTP 500', at: at(492) },
      { type: 'incident-opened', incident: incident('b', {}) },
      { type: 'incident-closed', incident: incident('b', { outcome: 'failed', endedAt: at(600) }) },
      check(true, 'healthy', 3, 0, 'degraded'),
      { type: 'state', state: 'degraded', previous: 'restarting', reason: 'not ready', at: at(601) },
    ];
    for (const e of events) m.observe(e);

    const res = await get(server.url);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const f = parseExposition(res.body);

    expect(value(f, 'clawmedic_gateway_up')).toBe(1);
    expect(value(f, 'clawmedic_gateway_ready')).toBe(0); // degraded: alive, not ready
    expect(value(f, 'clawmedic_consecutive_failures')).toBe(0);
    expect(value(f, 'clawmedic_probe_latency_seconds_count')).toBe(5);
    expect(value(f, 'clawmedic_probe_latency_seconds_sum')).toBeCloseTo(5.007, 6);
    expect(value(f, 'clawmedic_probe_latency_seconds_bucket', { le: '0.005' })).toBe(4);
    expect(value(f, 'clawmedic_probe_latency_seconds_bucket', { le: '2.5' })).toBe(4);
    expect(value(f, 'clawmedic_probe_latency_seconds_bucket', { le: '5' })).toBe(5);
    expect(value(f, 'clawmedic_probes_total', { result: 'refused' })).toBe(2);
    expect(value(f, 'clawmedic_probes_total', { result: 'timeout' })).toBe(1);
    expect(value(f, 'clawmedic_probes_total', { result: 'healthy' })).toBe(2);
    expect(value(f, 'clawmedic_state', { state: 'degraded' })).toBe(1);
    expect(value(f, 'clawmedic_state', { state: 'restarting' })).toBe(0);
    expect(value(f, 'clawmedic_incident_open')).toBe(0);
    expect(value(f, 'clawmedic_incidents_total', { outcome: 'recovered' })).toBe(1);
    expect(value(f, 'clawmedic_incidents_total', { outcome: 'failed' })).toBe(1);
    expect(value(f, 'clawmedic_incidents_total', { outcome: 'timeout' })).toBe(0);
    expect(value(f, 'clawmedic_restarts_total')).toBe(2);
    expect(value(f, 'clawmedic_doctor_runs_total', { outcome: 'recovered' })).toBe(1);
    expect(value(f, 'clawmedic_doctor_runs_total', { outcome: 'failed' })).toBe(0);
    expect(value(f, 'clawmedic_doctor_duration_seconds_sum', { outcome: 'recovered' })).toBe(420);
    expect(value(f, 'clawmedic_doctor_duration_seconds_bucket', { le: '300', outcome: 'recovered' })).toBe(0);
    expect(value(f, 'clawmedic_doctor_duration_seconds_bucket', { le: '600', outcome: 'recovered' })).toBe(1);
    // Label values are escaped and come back intact.
    expect(value(f, 'clawmedic_notification_failures_total', { channel: 'slack "team"' })).toBe(2);
    for (const [name, fam] of f) {
      expect(name.startsWith('clawmedic_'), name).toBe(true);
      expect(fam.help.length, name).toBeGreaterThan(10);
    }
  });

  it('answers 404 elsewhere, 405 to other methods, and HEAD without a body', async () => {
    server = await createMetrics().serve({ port: 0 });
    const base = server.url.replace(/\/metrics$/, '');
    expect((await get(`${base}/`)).status).toBe(404);
    expect((await get(`${base}/metrics/x`)).status).toBe(404);
    expect((await get(server.url, {}, 'POST')).status).toBe(405);
    const head = await get(server.url, {}, 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
    expect((await get(`${server.url}?x=1`)).status).toBe(200);
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    server = await createMetrics().serve({ port: 0 });
    const port = new URL(server.url).port;
    expect((await get(server.url, { host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(server.url, { host: `localhost:${port}` })).status).toBe(200);
  });

  it('refuses a non-loopback address unless explicitly allowed, and says why', async () => {
    const m = createMetrics();
    await expect(m.serve({ host: '0.0.0.0', port: 0 })).rejects.toThrow(/not a loopback address.*allowRemote/);
    await expect(m.serve({ host: '192.168.1.10', port: 0 })).rejects.toThrow(/not a loopback address/);
  });

  it('explains a port already in use', async () => {
    const m = createMetrics();
    server = await m.serve({ port: 0 });
    const port = Number(new URL(server.url).port);
    await expect(m.serve({ port })).rejects.toThrow(
      `port ${port} on 127.0.0.1 is already in use. Pick another --metrics-port.`,
    );
  });

  it('close() stops the server even with a keep-alive client connected', async () => {
    server = await createMetrics().serve({ port: 0 });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) =>
      http.get(server!.url, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject),
    );
    const url = server.url;
    await server.close();
    server = null;
    agent.destroy();
    await expect(get(url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('ignores events it cannot read instead of throwing', () => {
    const m = createMetrics();
    expect(() => m.observe({ type: 'check' } as unknown as EngineEvent)).not.toThrow();
    expect(() => m.observe({ type: 'something-new' } as unknown as EngineEvent)).not.toThrow();
  });
});

describe('the exposition parser itself', () => {
  it('rejects malformed input', () => {
    expect(() => parseExposition('x 1\n')).toThrow(/without a TYPE/);
    expect(() => parseExposition('# TYPE x gauge\nx{a="1"} one\n')).toThrow(/bad sample value/);
    expect(() => parseExposition('# TYPE x gauge\nx{a=1} 1\n')).toThrow(/not a valid exposition line/);
    expect(() => parseExposition('# TYPE x gauge\nx 1')).toThrow(/newline/);
    expect(() =>
      parseExposition('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n'),
    ).toThrow(/cumulative/);
  });
});
