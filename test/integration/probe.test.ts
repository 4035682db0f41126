// The probe against real HTTP servers on loopback, one per way a gateway can look.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkGateway, probeHealth } from '../../main/engine/probe.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (res: http.ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('probe classification', () => {
  it('healthy only with the health JSON on /healthz', async () => {
    const url = await serve((req, res) =>
      req.url === '/healthz'
        ? json(res, 200, { ok: true, status: 'live' })
        : json(res, 200, { ready: true, failing: [] }),
    );
    const c = await checkGateway(url, 1000);
    expect(c.condition).toBe('healthy');
    expect(c.health).toMatchObject({ ok: true, kind: 'healthy', status: 200 });
    expect(c.health.url).toBe(`${url}/healthz`);
  });

  it('refused when nothing listens', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const p = await probeHealth(`http://127.0.0.1:${port}`, 1000);
    expect(p).toMatchObject({ ok: false, kind: 'refused' });
    expect(p.detail).toMatch(/nothing is listening/);
  });

  it('timeout when the port accepts but never answers (a hung gateway)', async () => {
    const srv = net.createServer(() => {
      // accept and say nothing
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    closers.push(() => srv.close());
    const p = await probeHealth(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`, 300);
    expect(p).toMatchObject({ ok: false, kind: 'timeout', status: null });
  });

  it('stranger when 200 comes with an HTML page (OpenClaw UI, or another program on the port)', async () => {
    const url = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>x</title>'),
    );
    const c = await checkGateway(url, 1000);
    expect(c.condition).toBe('down');
    expect(c.health.kind).toBe('stranger');
  });

  it('stranger for a 404 (a plain web server on the port, as python3 -m http.server answers)', async () => {
    const url = await serve((_req, res) =>
      res
        .writeHead(404, { 'content-type': 'text/html' })
        .end('<html><title>Error response</title>File not found</html>'),
    );
    const c = await checkGateway(url, 1000);
    expect(c).toMatchObject({ condition: 'down', health: { kind: 'stranger', status: 404 } });
    expect(c.health.detail).toMatch(/never does: another program holds the port/);
  });

  it('http-error for a 5xx, with the status', async () => {
    const url = await serve((_req, res) => json(res, 500, { error: 'boom' }));
    const c = await checkGateway(url, 1000);
    expect(c).toMatchObject({ condition: 'down', health: { kind: 'http-error', status: 500 } });
  });

  it('starting when /healthz fails but /startupz says "starting"', async () => {
    const url = await serve((req, res) =>
      req.url === '/startupz'
        ? json(res, 503, { ok: false, status: 'starting' })
        : json(res, 503, { ok: false, status: 'starting' }),
    );
    expect((await checkGateway(url, 1000)).condition).toBe('starting');
  });

  it('degraded when alive but /readyz is 503, with the failing list', async () => {
    const url = await serve((req, res) =>
      req.url === '/healthz'
        ? json(res, 200, { ok: true, status: 'live' })
        : json(res, 503, { ready: false, failing: ['telegram'] }),
    );
    const c = await checkGateway(url, 1000);
    expect(c).toMatchObject({ condition: 'degraded', failing: ['telegram'] });
  });

  it('dns for a host that does not resolve', async () => {
    const p = await probeHealth('http://no-such-host.invalid:18789', 2000);
    expect(p.kind).toBe('dns');
  });

  it('stops reading a stranger that streams forever', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(64 * 1024);
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    const p = await probeHealth(url, 3000);
    expect(p.kind).toBe('stranger');
  });
});
