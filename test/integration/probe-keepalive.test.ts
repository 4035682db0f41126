// The watcher's prober: one kept-alive connection to the gateway, /readyz only when the last answer was
// not plainly healthy or every READYZ_EVERY-th check, and a dead listener still reads as down.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayProbe, READYZ_EVERY } from '../../main/engine/probe.js';

interface Gw {
  url: string;
  server: http.Server;
  paths: string[];
  connections: number;
  ready: boolean;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(() => r(undefined)));
});

async function gateway(): Promise<Gw> {
  const gw = { paths: [] as string[], connections: 0, ready: true } as Gw;
  gw.server = http.createServer((req, res) => {
    gw.paths.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    if (req.url === '/healthz') return res.end(JSON.stringify({ ok: true, status: 'live' }));
    if (req.url === '/readyz') {
      res.statusCode = gw.ready ? 200 : 503;
      return res.end(JSON.stringify(gw.ready ? { ready: true } : { ready: false, failing: ['telegram'] }));
    }
    res.statusCode = 404;
    res.end('{}');
  });
  gw.server.on('connection', () => gw.connections++);
  servers.push(gw.server);
  await new Promise<void>((r) => gw.server.listen(0, '127.0.0.1', r));
  gw.url = `http://127.0.0.1:${(gw.server.address() as AddressInfo).port}`;
  return gw;
}

describe('GatewayProbe', () => {
  it('re-uses one connection and asks /readyz on the first check and then every READYZ_EVERY-th', async () => {
    const gw = await gateway();
    const probe = new GatewayProbe();
    const n = READYZ_EVERY * 2 + 1;
    for (let i = 0; i < n; i++) expect((await probe.check(gw.url, 2000)).condition).toBe('healthy');
    expect(gw.paths.filter((p) => p === '/healthz')).toHaveLength(n);
    // Checks 1, 11 and 21 (1-based) asked /readyz.
    expect(gw.paths.filter((p) => p === '/readyz')).toHaveLength(3);
    expect(gw.connections).toBe(1);
    probe.close();
  });

  it('asks /readyz at every check while degraded, so the recovery is seen at once', async () => {
    const gw = await gateway();
    const probe = new GatewayProbe();
    await probe.check(gw.url, 2000);
    gw.ready = false;
    // Not asked again until the READYZ_EVERY-th check: a channel going down is reported within that many.
    const seen: string[] = [];
    for (let i = 0; i < READYZ_EVERY; i++) seen.push((await probe.check(gw.url, 2000)).condition);
    expect(seen.at(-1)).toBe('degraded');
    expect(seen.slice(0, -1).every((c) => c === 'healthy')).toBe(true);
    const before = gw.paths.filter((p) => p === '/readyz').length;
    expect((await probe.check(gw.url, 2000)).condition).toBe('degraded');
    gw.ready = true;
    expect((await probe.check(gw.url, 2000)).condition).toBe('healthy');
    expect(gw.paths.filter((p) => p === '/readyz').length).toBe(before + 2);
    probe.close();
  });

  it('a gateway that died behind the kept-alive connection reads as down (refused), not healthy', async () => {
    const gw = await gateway();
    const probe = new GatewayProbe();
    expect((await probe.check(gw.url, 2000)).condition).toBe('healthy');
    gw.server.closeAllConnections();
    await new Promise((r) => gw.server.close(() => r(undefined)));
    servers.splice(servers.indexOf(gw.server), 1);
    const c = await probe.check(gw.url, 2000);
    expect(c.condition).toBe('down');
    expect(c.health.kind).toBe('refused');
    probe.close();
  });
});
