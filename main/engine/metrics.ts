// Prometheus metrics for people who watch many gateways: `clawmedic watch --metrics-port N` lets an
// existing Prometheus/Alertmanager take over alerting and dashboards. The engine only feeds events
// (observe); everything is derived from them. A private registry, so nothing else in the process
// (or a second engine in tests) can add to or collide with these series.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineEvent, IncidentOutcome, SupervisorState } from '../../common/contract.js';

const STATES: SupervisorState[] = [
  'starting',
  'healthy',
  'degraded',
  'failing',
  'restarting',
  'recovering',
  'needs-attention',
  'paused',
  'stopped',
];
const OUTCOMES: Exclude<IncidentOutcome, 'open'>[] = ['recovered', 'failed', 'timeout', 'cancelled', 'interrupted'];

/**
 * From 5 ms (a healthy local gateway answers in about 1 ms) to 30 s (beyond gateway.timeoutSec's
 * maximum useful range), so both "getting slow" and "timing out" land in distinct buckets.
 */
const PROBE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** 30 s to 1 h: scripted recoveries take seconds, real ones 5-10 min, the default limit is 30 min. */
const DOCTOR_BUCKETS = [30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600];
/** Doctor runs remembered until their incident closes; more than this means events went missing. */
const MAX_TRACKED_DOCTOR_RUNS = 100;

/**
 * 10 s for a scrape request to arrive whole: Prometheus sends a tiny GET at once; a slow trickle is
 * someone holding sockets open, not a scraper.
 */
const REQUEST_TIMEOUT_MS = 10_000;

export interface MetricsServer {
  /** http://host:port/metrics */
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Default 127.0.0.1. Anything but loopback needs allowRemote. */
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Explicit opt-in to listen on a non-loopback address (metrics reveal the gateway's state). */
  allowRemote?: boolean;
}

export interface Metrics {
  readonly registry: Registry;
  /** Feed every engine event; never throws. */
  observe(event: EngineEvent): void;
  serve(opts: ServeOptions): Promise<MetricsServer>;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || h === '::ffff:127.0.0.1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];

  const up = new Gauge({
    name: 'clawmedic_gateway_up',
    help: '1 when the last /healthz probe succeeded, else 0.',
    registers,
  });
  const ready = new Gauge({
    name: 'clawmedic_gateway_ready',
    help: '1 when the gateway is alive and /readyz reports ready, else 0.',
    registers,
  });
  const probeLatency = new Histogram({
    name: 'clawmedic_probe_latency_seconds',
    help: 'Duration of health probes, failed ones included (a timeout counts as the timeout).',
    buckets: PROBE_BUCKETS,
    registers,
  });
  const probes = new Counter({
    name: 'clawmedic_probes_total',
    help: 'Health probes by result kind (healthy, refused, timeout, http-error, stranger, dns, error).',
    labelNames: ['result'],
    registers,
  });
  const consecutive = new Gauge({
    name: 'clawmedic_consecutive_failures',
    help: 'Failed health checks in a row (0 when healthy).',
    registers,
  });
  const state = new Gauge({
    name: 'clawmedic_state',
    help: 'The supervisor state: 1 for the current one, 0 for the others.',
    labelNames: ['state'],
    registers,
  });
  const incidentOpen = new Gauge({ name: 'clawmedic_incident_open', help: '1 while an incident is open.', registers });
  const incidents = new Counter({
    name: 'clawmedic_incidents_total',
    help: 'Closed incidents by outcome.',
    labelNames: ['outcome'],
    registers,
  });
  const restarts = new Counter({ name: 'clawmedic_restarts_total', help: 'Gateway restart attempts.', registers });
  const doctorRuns = new Counter({
    name: 'clawmedic_doctor_runs_total',
    help: 'AI doctor sessions by the outcome of their incident.',
    labelNames: ['outcome'],
    registers,
  });
  const doctorDuration = new Histogram({
    name: 'clawmedic_doctor_duration_seconds',
    help: 'How long AI doctor sessions ran, by outcome.',
    labelNames: ['outcome'],
    buckets: DOCTOR_BUCKETS,
    registers,
  });
  const notifyFailures = new Counter({
    name: 'clawmedic_notification_failures_total',
    help: 'Messages a notification channel failed to deliver, by channel.',
    labelNames: ['channel'],
    registers,
  });

  // Series that exist from the start, so rate()/increase() see the first increment.
  for (const s of STATES) state.set({ state: s }, 0);
  for (const o of OUTCOMES) {
    incidents.inc({ outcome: o }, 0);
    doctorRuns.inc({ outcome: o }, 0);
  }

  const doctorStarted = new Map<string, { startedMs: number; finishedMs: number | null }>();

  function apply(event: EngineEvent): void {
    switch (event.type) {
      case 'check': {
        const h = event.check.health;
        up.set(h.ok ? 1 : 0);
        ready.set(event.check.condition === 'healthy' ? 1 : 0);
        probeLatency.observe(Math.max(0, h.latencyMs) / 1000);
        probes.inc({ result: h.kind });
        consecutive.set(event.consecutiveFailures);
        break;
      }
      case 'state':
        for (const s of STATES) state.set({ state: s }, s === event.state ? 1 : 0);
        break;
      case 'incident-opened':
        incidentOpen.set(1);
        break;
      case 'incident-event':
        if (event.event.type === 'restart-attempt') restarts.inc();
        break;
      case 'doctor': {
        const at = Date.parse(event.at);
        if (!Number.isFinite(at)) break;
        if (event.phase === 'started') {
          if (doctorStarted.size >= MAX_TRACKED_DOCTOR_RUNS) doctorStarted.delete(doctorStarted.keys().next().value!);
          doctorStarted.set(event.incidentId, { startedMs: at, finishedMs: null });
        } else if (event.phase === 'finished') {
          const run = doctorStarted.get(event.incidentId);
          if (run) run.finishedMs = at;
        }
        break;
      }
      case 'incident-closed': {
        const inc = event.incident;
        incidentOpen.set(0);
        incidents.inc({ outcome: inc.outcome });
        const run = doctorStarted.get(inc.id);
        if (run) {
          doctorStarted.delete(inc.id);
          doctorRuns.inc({ outcome: inc.outcome });
          const end = run.finishedMs ?? (inc.endedAt ? Date.parse(inc.endedAt) : NaN);
          if (Number.isFinite(end))
            doctorDuration.observe({ outcome: inc.outcome }, Math.max(0, end - run.startedMs) / 1000);
        }
        break;
      }
      case 'notification-failed':
        notifyFailures.inc({ channel: event.channel });
        break;
      case 'settings-changed':
      case 'settings-invalid':
      case 'storage':
      case 'preflight':
      case 'known-fix':
      case 'warnings':
        // Not a gateway metric.
        break;
    }
  }

  return {
    registry,
    observe(event) {
      try {
        apply(event);
      } catch (err) {
        // A malformed event must not stop the engine's event loop; it is reported, not hidden.
        process.emitWarning(
          `ClawMedic metrics: could not record "${(event as { type?: string })?.type}": ${(err as Error).message}`,
        );
      }
    },
    serve: (opts) => serveRegistry(registry, opts),
  };
}

async function serveRegistry(registry: Registry, opts: ServeOptions): Promise<MetricsServer> {
  const host = opts.host ?? '127.0.0.1';
  const loopback = isLoopbackHost(host);
  if (!loopback && !opts.allowRemote) {
    throw new Error(
      `Refusing to serve metrics on ${host}: it is not a loopback address, ` +
        `and the metrics reveal the gateway's state to anyone who can reach the port. ` +
        'Use 127.0.0.1 and let Prometheus scrape through an SSH tunnel or a ' +
        'local agent, or opt in explicitly (allowRemote).',
    );
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)
    throw new Error(`Metrics port must be an integer from 0 to 65535 (got ${opts.port})`);

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    // A loopback-only endpoint also refuses foreign Host headers: a web page cannot read it through DNS rebinding.
    if (loopback) {
      const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (!isLoopbackHost(hostHeader)) {
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Forbidden: this endpoint answers only requests addressed to localhost.\n');
        return;
      }
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found. Metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`Could not collect metrics: ${err.message}\n`);
      },
    );
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(
          new Error(
            `Cannot serve metrics: port ${opts.port} on ${host} is already in use. Pick another --metrics-port.`,
          ),
        );
      else if (err.code === 'EADDRNOTAVAIL')
        reject(new Error(`Cannot serve metrics: ${host} is not an address of this machine.`));
      else if (err.code === 'EACCES')
        reject(
          new Error(
            `Cannot serve metrics: no permission to listen on port ${opts.port} ` +
              `(ports below 1024 need root). Pick a port above 1024.`,
          ),
        );
      else reject(new Error(`Cannot serve metrics on ${host}:${opts.port}: ${err.message}`));
    };
    server.once('error', onError);
    server.listen(opts.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  const addr = server.address() as AddressInfo;
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${addr.port}/metrics`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive scrapers would otherwise hold the server open until their idle timeout.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
