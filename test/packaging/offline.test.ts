// The packaging tests' network trap (no-network.cjs): it refuses and records every network attempt, lets
// local IPC through, and catches electron-builder's own downloads - so a packaging test that starts to need
// the network fails, naming what was fetched, instead of hanging or passing only where GitHub is reachable.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeElectronDist } from './electron-dist.js';
import { build, ELECTRON_VERSION, expectOffline, ROOT } from './harness.js';

/** The run stops within seconds; 10 min covers installing the Node that runs it, when that is missing. */
const RUN_TIMEOUT_MS = 600_000;

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'cm-pack-offline-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('network trap', () => {
  it('refuses and records HTTPS, plain TCP and DNS, and lets a Unix socket through', () => {
    const log = path.join(work, 'trap.log');
    const sock = path.join(work, 'ipc.sock');
    const script = `
      const net = require('node:net'), dns = require('node:dns');
      const report = (out) => console.log(JSON.stringify(out));
      const server = net.createServer((c) => c.end('local ok')).listen(${JSON.stringify(sock)}, async () => {
        const out = [];
        await fetch('https://registry.npmjs.org/').then(
          () => out.push('fetch went through'),
          (e) => out.push('fetch: ' + (e.cause ?? e).message),
        );
        await new Promise((r) =>
          net.connect(80, '192.0.2.1').on('error', (e) => (out.push('tcp: ' + e.message), r())),
        );
        await dns.promises.lookup('github.com').catch((e) => out.push('dns: ' + e.message));
        net.connect(${JSON.stringify(sock)}).on('data', (d) => (out.push('ipc: ' + d), server.close(), report(out)));
      });`;
    const trap = path.join(ROOT, 'test/packaging/no-network.cjs');
    const r = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, NODE_OPTIONS: `--require ${trap}`, CLAWMEDIC_NO_NETWORK_LOG: log },
      encoding: 'utf8',
      // Every attempt fails at once (no real network is touched); 30 s only guards against a hang.
      timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as string[];
    expect(out[0]).toMatch(/^fetch: .*trap refused a connection to registry\.npmjs\.org:443/);
    expect(out[1]).toMatch(/^tcp: .*refused a connection to 192\.0\.2\.1:80/);
    expect(out[2]).toMatch(/^dns: .*refused a DNS lookup of github\.com/);
    expect(out[3]).toBe('ipc: local ok');
    const logged = readFileSync(log, 'utf8');
    expect(logged).toContain('a connection to registry.npmjs.org:443');
    expect(logged).toContain('a DNS lookup of github.com');
  });

  it(
    'stops electron-builder at its first download, and the test then fails saying what it fetched',
    async () => {
      // An AppImage needs tools electron-builder downloads from GitHub: exactly what the packaging runs avoid.
      const electronDist = makeElectronDist(work, 'linux', ELECTRON_VERSION);
      const workDir = mkdtempSync(path.join(work, 'appimage-'));
      const r = await build({
        args: ['--linux', 'AppImage', `-c.electronDist=${electronDist}`],
        workDir,
        stopWhenBlocked: true,
      });
      expect(r.status).not.toBe(0);
      expect(r.blocked.join('\n')).toMatch(/a connection to github\.com:443 \[pid \d+: .*electron-builder\/cli\.js/);
      expect(() => expectOffline(r)).toThrow(
        /electron-builder tried to download during a packaging test[\s\S]*github\.com:443/,
      );
    },
    RUN_TIMEOUT_MS,
  );
});
