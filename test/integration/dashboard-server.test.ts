// The dashboard server over real HTTP and WebSockets, with a fake EngineApi: access control (token,
// Host, Origin), read-only refusals, flow control of the live terminal, and redaction.
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startDashboard, type Dashboard } from '../../main/dashboard/index.js';
import {
  decodeTermFrame,
  encodeAckFrame,
  PROTOCOL_VERSION,
  type ServerFrame as WireFrame,
} from '../../common/ws-protocol.js';
import type { TerminalChunk } from '../../common/contract.js';

/** What the server sends, with binary terminal frames decoded as `{t: 'term', ...chunk}` for the tests. */
type ServerFrame = WireFrame | ({ t: 'term' } & TerminalChunk);
import { createWsClient, type SocketLike } from '../../renderer/src/transport/ws-client.js';
import { validateSettings } from '../../main/engine/settings/index.js';
import { IDLE_RELEASE_MS } from '../../main/engine/viewer-stream.js';
import { createFakeEngine, FAKE_HIGH, FakeTerminal } from '../browser/fake-engine.mjs';
import { sampleSettings } from '../browser/scenario.mjs';
import { rawText } from '../helpers/ws.js';

let rendererDir: string;
const open: Dashboard[] = [];
const sockets: WebSocket[] = [];

beforeAll(() => {
  rendererDir = mkdtempSync(path.join(os.tmpdir(), 'clawmedic-dash-'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ClawMedic test page</title>');
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log("ok")');
});
afterAll(() => rmSync(rendererDir, { recursive: true, force: true }));
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function start(engine: unknown, extra: { allowInput?: boolean } = {}) {
  const d = await startDashboard({ engine: engine as never, rendererDir, ...extra });
  open.push(d);
  return d;
}

function request(port: number, p: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: p, method, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens a raw WebSocket; resolves with it once open, or with the HTTP status that refused it. */
function connect(port: number, opts: { token?: string | null; origin?: string; cookie?: string; host?: string } = {}) {
  const q = opts.token ? `?token=${opts.token}` : '';
  const headers: Record<string, string> = { Host: opts.host ?? `127.0.0.1:${port}` };
  if (opts.origin) headers.Origin = opts.origin;
  if (opts.cookie) headers.Cookie = opts.cookie;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${q}`, { headers });
  sockets.push(ws);
  const frames: ServerFrame[] = [];
  ws.on('message', (d, isBinary) => {
    if (!isBinary) return void frames.push(JSON.parse(rawText(d)) as ServerFrame);
    const bytes = Array.isArray(d) ? Buffer.concat(d) : d instanceof ArrayBuffer ? new Uint8Array(d) : d;
    const chunk = decodeTermFrame(bytes);
    if (!chunk) throw new Error('a binary frame that is not a terminal frame');
    frames.push({ t: 'term', ...chunk });
  });
  return new Promise<{ ws: WebSocket; frames: ServerFrame[]; refused: number | null }>((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, refused: null }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws, frames, refused: res.statusCode ?? -1 }));
    ws.once('error', (e) => reject(e));
  });
}

async function until<T>(fn: () => T | undefined | false, what: string, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function call(ws: WebSocket, frames: ServerFrame[], id: number, method: string, ...args: unknown[]) {
  ws.send(JSON.stringify({ t: 'call', id, method, args }));
  return until(
    () => frames.find((f) => f.t === 'result' && f.id === id) as Extract<ServerFrame, { t: 'result' }> | undefined,
    `result ${id}`,
  );
}

describe('dashboard HTTP access', () => {
  it('needs the token: none is 401, a wrong one 403, the right one trades for an HttpOnly cookie', async () => {
    const d = await start(createFakeEngine());
    expect(d.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${d.port}/\\?token=[A-Za-z0-9_-]{43}$`));
    const none = await request(d.port, '/');
    expect(none.status).toBe(401);
    expect(none.body).toContain('clawmedic watch --dashboard');
    const wrong = await request(d.port, '/?token=nope');
    expect(wrong.status).toBe(403);
    const right = await request(d.port, `/?token=${d.token}`);
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe('/');
    const cookie = String(right.headers['set-cookie']);
    expect(cookie).toContain(`clawmedic_${d.port}=${d.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await request(d.port, '/', { Cookie: `clawmedic_${d.port}=${d.token}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('ClawMedic test page');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const asset = await request(d.port, '/assets/app.js', { Authorization: `Bearer ${d.token}` });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    const stale = await request(d.port, '/', { Cookie: `clawmedic_${d.port}=an-old-token` });
    expect(stale.status).toBe(403);
  });

  it('refuses a foreign Host even with the right token (DNS rebinding)', async () => {
    const d = await start(createFakeEngine());
    const r = await request(d.port, `/?token=${d.token}`, { Host: `evil.example:${d.port}` });
    expect(r.status).toBe(403);
    expect(r.body).toContain('Host');
    const wrongPort = await request(d.port, '/', { Host: `127.0.0.1:1`, Authorization: `Bearer ${d.token}` });
    expect(wrongPort.status).toBe(403);
    const localhost = await request(d.port, '/', { Host: `localhost:${d.port}`, Authorization: `Bearer ${d.token}` });
    expect(localhost.status).toBe(200);
  });

  it('serves only files inside the renderer folder, and only GET/HEAD', async () => {
    const d = await start(createFakeEngine());
    const auth = { Authorization: `Bearer ${d.token}` };
    expect((await request(d.port, '/../../etc/passwd', auth)).status).toBe(404);
    expect((await request(d.port, '/%2e%2e/%2e%2e/etc/passwd', auth)).status).toBe(404);
    expect((await request(d.port, '/assets', auth)).status).toBe(404);
    expect((await request(d.port, '/', auth, 'POST')).status).toBe(405);
  });

  it('binds loopback only and says why when asked for anything else', async () => {
    await expect(startDashboard({ engine: createFakeEngine(), rendererDir, host: '0.0.0.0' })).rejects.toThrow(
      /loopback only/,
    );
    await expect(
      startDashboard({ engine: createFakeEngine(), rendererDir: path.join(rendererDir, 'missing') }),
    ).rejects.toThrow(/not built/);
  });
});

describe('dashboard WebSocket', () => {
  it(
    'refuses a handshake without the token (401), with a wrong one (403), ' + 'or from a foreign Origin (403)',
    async () => {
      const d = await start(createFakeEngine());
      expect((await connect(d.port, {})).refused).toBe(401);
      expect((await connect(d.port, { token: 'wrong' })).refused).toBe(403);
      expect((await connect(d.port, { token: d.token, origin: 'http://evil.example' })).refused).toBe(403);
      expect(
        (
          await connect(d.port, {
            token: d.token,
            origin: `http://127.0.0.1:${d.port}`,
            host: `evil.example:${d.port}`,
          })
        ).refused,
      ).toBe(403);
      const ok = await connect(d.port, {
        cookie: `clawmedic_${d.port}=${d.token}`,
        origin: `http://localhost:${d.port}`,
      });
      expect(ok.refused).toBeNull();
      const hello = await until(() => ok.frames.find((f) => f.t === 'hello'), 'hello');
      expect(hello).toEqual({ t: 'hello', protocol: PROTOCOL_VERSION, readOnly: true });
    },
  );

  it('read-only: refuses every state-changing operation and never reaches the engine', async () => {
    const engine = createFakeEngine();
    engine.fakeStartDoctor('claude');
    const d = await start(engine);
    const { ws, frames } = await connect(d.port, { token: d.token });
    let id = 1;
    const args: Record<string, unknown[]> = { saveSettings: [{}], testNotification: ['discord'], pause: [5] };
    for (const method of [
      'takeOver',
      'handBack',
      'saveSettings',
      'restartNow',
      'startDoctor',
      'stopDoctor',
      'testNotification',
      'pause',
      'resume',
    ]) {
      const r = await call(ws, frames, id++, method, ...(args[method] ?? []));
      expect(r.ok, method).toBe(true);
      const value = (r as { value: { ok: boolean; message: string } }).value;
      expect(value.ok, method).toBe(false);
      expect(value.message, method).toMatch(/read-only.*--allow-input/);
    }
    ws.send(JSON.stringify({ t: 'send', op: 'terminalInput', args: ['rm -rf /\r'] }));
    await until(() => frames.find((f) => f.t === 'notice'), 'notice');
    expect(engine.calls).toEqual([]);
    expect(engine.inputs).toEqual([]);
    // Reading stays allowed.
    const status = await call(ws, frames, id++, 'getStatus');
    expect((status as { value: { state: string } }).value.state).toBe('recovering');
    const preview = await call(ws, frames, id, 'previewBrief', 'at {{gatewayUrl}}');
    expect((preview as { value: unknown }).value).toEqual({ ok: true, value: 'at http://127.0.0.1:18789' });
  });

  it('with --allow-input: take over, then keystrokes reach the session', async () => {
    const engine = createFakeEngine();
    engine.fakeStartDoctor('claude');
    const d = await start(engine, { allowInput: true });
    const { ws, frames } = await connect(d.port, { token: d.token });
    expect((await until(() => frames.find((f) => f.t === 'hello'), 'hello')) as { readOnly: boolean }).toMatchObject({
      readOnly: false,
    });
    ws.send(JSON.stringify({ t: 'send', op: 'terminalInput', args: ['early'] }));
    await until(() => frames.find((f) => f.t === 'notice'), 'refusal before take-over');
    const r = await call(ws, frames, 1, 'takeOver');
    expect((r as { value: unknown }).value).toEqual({ ok: true, value: undefined });
    ws.send(JSON.stringify({ t: 'send', op: 'terminalInput', args: ['openclaw status\r'] }));
    await until(() => engine.inputs.length > 0, 'input');
    expect(engine.inputs).toEqual(['openclaw status\r']);
    ws.send(JSON.stringify({ t: 'send', op: 'terminalResize', args: [100, 30] }));
    await until(() => engine.resizes.length > 0, 'resize');
    expect(engine.resizes).toEqual([{ cols: 100, rows: 30 }]);
  });

  it(
    'flow control: a viewer that does not ack pauses the engine, acks ' + 'resume it, a disconnect forgets it',
    async () => {
      // The engine owns the one flow-control window (doctor/terminal.ts pauses the PTY); the dashboard only
      // passes acks on, so a silent viewer holds the engine at its watermark and no queue builds here.
      const terminal = new FakeTerminal();
      const engine = createFakeEngine({ terminal });
      engine.fakeStartDoctor('claude');
      const d = await start(engine);
      const { ws, frames } = await connect(d.port, { token: d.token });
      ws.send(JSON.stringify({ t: 'term-sub' }));
      await until(() => terminal.stats().subscribers === 1, 'subscription');
      const chunk = 'x'.repeat(999) + '\n';
      for (let i = 0; i < 400; i++) terminal.emit(chunk); // 400k characters
      const received = () =>
        frames.filter((f) => f.t === 'term').reduce((n, f) => n + (f as { data: string }).data.length, 0);
      await until(() => received() >= FAKE_HIGH, 'first window');
      expect(terminal.stats().pending).toBeGreaterThan(0);
      ws.send(JSON.stringify({ t: 'send', op: 'terminalAck', args: [received()] }));
      await until(() => received() >= 2 * FAKE_HIGH, 'second window');
      // The engine was acked exactly what the browser acked (no redaction changed lengths here).
      expect(terminal.stats().acked).toBe(FAKE_HIGH);
      ws.close();
      await until(() => terminal.stats().subscribers === 0, 'unsubscribe on disconnect');
      expect(terminal.stats().closeCount).toBe(1);
    },
  );

  it('flow control end to end: a cooperating engine pauses, and everything arrives once acked', async () => {
    const engine = createFakeEngine();
    engine.fakeStartDoctor('claude');
    const d = await start(engine);
    const { ws, frames } = await connect(d.port, { token: d.token });
    const sent: string[] = [];
    for (let i = 0; i < 50; i++) {
      const s = `line ${i} ` + 'y'.repeat(5000) + '\r\n';
      sent.push(s);
      engine.terminal.emit(s);
    }
    ws.send(JSON.stringify({ t: 'term-sub' }));
    let acked = 0;
    const data = () =>
      frames
        .filter((f) => f.t === 'term')
        .map((f) => (f as { data: string }).data)
        .join('');
    // Ack in 5k steps as xterm would, until the whole replay arrived.
    await until(
      () => {
        const got = data().length;
        if (got > acked) {
          ws.send(encodeAckFrame(got - acked));
          acked = got;
        }
        return got === sent.join('').length;
      },
      'whole replay',
      5000,
    );
    expect(data()).toBe(sent.join(''));
    expect(frames.find((f) => f.t === 'term-start')).toBeTruthy();
    await until(() => engine.terminal.stats().unacked === 0, 'engine fully acked');
  });

  it('a secret the agent prints in two writes with a pause between never reaches the browser', async () => {
    const engine = Object.assign(createFakeEngine({ settings: sampleSettings(), validate: validateSettings }), {
      gatewaySecrets: () => ['gwTokenSECRET123456'],
    });
    engine.fakeStartDoctor('claude');
    const d = await start(engine);
    const { ws, frames } = await connect(d.port, { token: d.token });
    ws.send(JSON.stringify({ t: 'term-sub' }));
    await until(() => frames.find((f) => f.t === 'term-start'), 'term-start');
    engine.terminal.emit('cat openclaw.json: "token": gwTokenSEC');
    engine.terminal.emit('\x1b[?25h'); // a cursor escape in between, as a TUI writes
    // The pause is the point (the reproduction used 1.5 s): longer than IDLE_RELEASE_MS, so the idle
    // release runs between the two writes, and shorter than SUSPECT_RELEASE_MS.
    await new Promise((r) => setTimeout(r, IDLE_RELEASE_MS * 3));
    engine.terminal.emit('RET123456 sk-ant-');
    engine.terminal.emit('api03-abcdefghijklmnopqrstuvwxyz\r\n$ ');
    const text = () =>
      frames
        .filter((f) => f.t === 'term')
        .map((f) => (f as { data: string }).data)
        .join('');
    const shown = await until(() => (text().includes('$ ') ? text() : undefined), 'the rest of the output');
    expect(shown).not.toContain('gwTokenSEC');
    expect(shown).not.toContain('RET123456');
    expect(shown).not.toContain('abcdefghijklmnop');
    expect(shown).toContain('[REDACTED');
  });

  it('redacts secrets from the terminal and settings; restores them when settings come back unchanged', async () => {
    const engine = Object.assign(createFakeEngine({ settings: sampleSettings(), validate: validateSettings }), {
      gatewaySecrets: () => ['plainwordsecret42'],
    });
    engine.fakeStartDoctor('claude');
    const d = await start(engine, { allowInput: true });
    const { ws, frames } = await connect(d.port, { token: d.token });
    ws.send(JSON.stringify({ t: 'term-sub' }));
    await until(() => frames.find((f) => f.t === 'term-start'), 'term-start');
    engine.terminal.emit('export ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnopqrstuvwxyz\r\n');
    engine.terminal.emit('bot 7123456789:AAHk3v9xQm2Lw8ZrT5nYp0sJd4fGh6uKe1c\r\n');
    // The agent prints the gateway's config: its token has no recognisable shape, only the engine knows it.
    engine.terminal.emit('  connecting with plainwordsecret42 now\r\n');
    // Chunks are batched per 5 ms, so three writes may arrive as one frame: wait for the text.
    const text = () =>
      frames
        .filter((f) => f.t === 'term')
        .map((f) => (f as { data: string }).data)
        .join('');
    const shown = await until(() => (text().includes('now\r\n') ? text() : undefined), 'all three lines');
    expect(shown).not.toContain('sk-ant-api03');
    expect(shown).not.toContain('AAHk3v9xQm2Lw8ZrT5nYp0sJd4fGh6uKe1c');
    expect(shown).not.toContain('plainwordsecret42');
    expect(shown).toContain('[REDACTED');
    // The browser acks what it got; the engine is acked the original lengths.
    ws.send(JSON.stringify({ t: 'send', op: 'terminalAck', args: [shown.length] }));
    await until(() => engine.terminal.stats().unacked === 0, 'engine acked original length');

    const view = (await call(ws, frames, 1, 'getSettings')) as {
      value: { settings: ReturnType<typeof sampleSettings> };
    };
    const channels = view.value.settings.notify.channels;
    expect(JSON.stringify(view.value)).not.toContain('AbCdEfGhIjKlMnOpQrStUvWxYz0123456789');
    expect(JSON.stringify(view.value)).not.toContain('AAHk3v9xQm2Lw8ZrT5nYp0sJd4fGh6uKe1c');
    expect(channels[1]?.token).toMatch(/^\[REDACTED/);
    // Save with an unrelated change: the real secrets are put back before the engine sees the settings.
    const edited = structuredClone(view.value.settings);
    edited.gateway.checkIntervalSec = 45;
    const saved = (await call(ws, frames, 2, 'saveSettings', edited)) as { value: { ok: boolean } };
    expect(saved.value.ok).toBe(true);
    const [stored] = engine.saved;
    expect(stored?.notify.channels[1]).toMatchObject({ token: '7123456789:AAHk3v9xQm2Lw8ZrT5nYp0sJd4fGh6uKe1c' });
    expect(stored?.notify.channels[0]).toMatchObject({ url: sampleSettings().notify.channels[0]?.url });
    expect(stored?.gateway.checkIntervalSec).toBe(45);
    // A placeholder moved somewhere it cannot come from is refused, naming the field.
    const moved = structuredClone(view.value.settings);
    const first = moved.notify.channels[0]!;
    first.name = 'renamed';
    first.url = first.url + 'x';
    const refused = (await call(ws, frames, 3, 'saveSettings', moved)) as {
      value: { ok: boolean; problems: { path: string }[] };
    };
    expect(refused.value.ok).toBe(false);
    expect(refused.value.problems.map((p) => p.path)).toEqual(['notify.channels.0.url']);
    expect(engine.saved).toHaveLength(1);
  });

  it('server-side validation problems come back with key paths and nothing is saved', async () => {
    const engine = createFakeEngine({ validate: validateSettings });
    const d = await start(engine, { allowInput: true });
    const { ws, frames } = await connect(d.port, { token: d.token });
    const r = (await call(ws, frames, 1, 'saveSettings', { gateway: { checkIntervalSec: 0 } })) as {
      value: { ok: boolean; problems: { path: string; message: string }[] };
    };
    expect(r.value.ok).toBe(false);
    expect(r.value.problems).toEqual([{ path: 'gateway.checkIntervalSec', message: 'must be >= 1' }]);
    expect(engine.saved).toEqual([]);
  });

  it('close() ends connections and stops listening; engine listeners are released', async () => {
    const engine = createFakeEngine();
    const d = await startDashboard({ engine, rendererDir });
    const { ws } = await connect(d.port, { token: d.token });
    await until(() => engine.listenerCount() === 1, 'listener');
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await d.close();
    expect(await closed).toBe(1001);
    expect(engine.listenerCount()).toBe(0);
    await expect(request(d.port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('ws-client against the real server', () => {
  it('implements ClawMedicApi: calls, Result refusals as values, events, terminal replay and acks', async () => {
    const engine = createFakeEngine({ settings: sampleSettings() });
    engine.fakeStartDoctor('claude');
    engine.terminal.emit('hello from the doctor\r\n');
    const d = await start(engine);
    const client = createWsClient({
      url: `ws://127.0.0.1:${d.port}/ws?token=${d.token}`,
      socket: (u) => new WebSocket(u) as unknown as SocketLike,
    });
    try {
      const status = await client.getStatus();
      expect(status.state).toBe('recovering');
      expect(client.connection()).toMatchObject({ state: 'open', readOnly: true });
      const refused = await client.takeOver();
      expect(refused.ok).toBe(false);
      expect(await client.pause(5)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/read-only/) as unknown,
      });
      const events: string[] = [];
      client.onEvent((e) => events.push(e.type));
      const chunks: { kind: string; data: string }[] = [];
      const off = client.terminalSubscribe((c) => chunks.push(c));
      await until(() => chunks.some((c) => c.data.includes('hello from the doctor')), 'replay');
      expect(chunks[0]).toEqual({ kind: 'replay', data: '', sessionName: null });
      engine.terminal.emit('live line\r\n');
      await until(() => chunks.some((c) => c.kind === 'live'), 'live chunk');
      client.terminalAck(chunks.reduce((n, c) => n + c.data.length, 0));
      await until(() => engine.terminal.stats().unacked === 0, 'acked');
      engine.fakeEndDoctor();
      await until(() => events.includes('state'), 'event');
      off();
      await until(() => engine.terminal.stats().subscribers === 0, 'unsubscribed');
    } finally {
      client.close();
    }
  });

  it('reconnects after the server restarts on the same port and resubscribes the terminal', async () => {
    const engine = createFakeEngine();
    engine.fakeStartDoctor('claude');
    engine.terminal.emit('first\r\n');
    const token = 'fixed-test-token-0123456789abcdef';
    const d1 = await startDashboard({ engine, rendererDir, token });
    const port = d1.port;
    const client = createWsClient({
      url: `ws://127.0.0.1:${port}/ws?token=${token}`,
      socket: (u) => new WebSocket(u) as unknown as SocketLike,
    });
    const states: string[] = [];
    client.onConnection((s) => states.push(s.state));
    const chunks: { kind: string; data: string }[] = [];
    client.terminalSubscribe((c) => chunks.push(c));
    try {
      await until(() => chunks.some((c) => c.data === 'first\r\n'), 'first replay');
      await d1.close();
      await until(() => states.includes('reconnecting'), 'reconnecting');
      const d2 = await startDashboard({ engine, rendererDir, token, port });
      open.push(d2);
      await until(() => chunks.filter((c) => c.data === 'first\r\n').length === 2, 'replay after reconnect', 8000);
      expect(states.at(-1)).toBe('open');
      const markers = chunks.filter((c) => c.kind === 'replay' && c.data === '');
      expect(markers).toHaveLength(2);
    } finally {
      client.close();
    }
  });
});
