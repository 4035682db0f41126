// The browser's ClawMedicApi over a scripted socket: ids, failures as values, waiting for the
// connection, reconnect with backoff, and the terminal subscription surviving a reconnect.
import { decodeAckFrame, encodeTermFrame, PROTOCOL_VERSION } from '../../common/ws-protocol.js';
import { describe, expect, it } from 'vitest';
import {
  createWsClient,
  dashboardSocketUrl,
  type SocketLike,
  type Timers,
} from '../../renderer/src/transport/ws-client.js';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string | Uint8Array) {
    // Binary frames from the client are acks (ws-protocol.ts): recorded as what they say.
    if (typeof data !== 'string') this.sent.push({ binaryAck: decodeAckFrame(data) });
    else this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code = 1000) {
    this.drop(code);
  }
  open(readOnly = true) {
    this.readyState = 1;
    this.onopen?.({});
    this.server({ t: 'hello', protocol: PROTOCOL_VERSION, readOnly });
  }
  server(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  /** A binary frame as the browser hands it over (binaryType 'arraybuffer'). */
  serverBinary(bytes: Uint8Array) {
    this.onmessage?.({ data: bytes.slice().buffer });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; id: number }[] = [];
  let next = 1;
  const t: Timers = {
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.push({ fn, ms, id });
      return id;
    },
    clearTimeout: (h) => {
      const i = timers.findIndex((x) => x.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const client = createWsClient({
    url: 'ws://127.0.0.1:1/ws',
    timers: t,
    socket: (u) => {
      const s = new FakeSocket(u);
      sockets.push(s);
      return s;
    },
  });
  const fire = (ms: number) => {
    const due = timers.filter((x) => x.ms === ms);
    for (const d of due) {
      timers.splice(timers.indexOf(d), 1);
      d.fn();
    }
    return due.length;
  };
  return { client, sockets, timers, fire, last: () => sockets[sockets.length - 1]! };
}

describe('ws-client', () => {
  it('derives the socket URL from the page, dropping query and hash', () => {
    expect(dashboardSocketUrl('http://127.0.0.1:4321/?x=1#/settings')).toBe('ws://127.0.0.1:4321/ws');
    expect(dashboardSocketUrl('https://localhost:9/app/index.html')).toBe('wss://localhost:9/app/ws');
  });

  it('queues calls until the socket opens, then matches answers by id', async () => {
    const h = harness();
    const status = h.client.getStatus();
    const incidents = h.client.listIncidents();
    expect(h.last().sent).toEqual([]);
    h.last().open();
    expect(h.last().sent.map((f) => f.method)).toEqual(['getStatus', 'listIncidents']);
    const [a, b] = h.last().sent as { id: number }[];
    h.last().server({ t: 'result', id: b!.id, ok: true, value: [] });
    h.last().server({ t: 'result', id: a!.id, ok: true, value: { state: 'healthy' } });
    expect(await status).toEqual({ state: 'healthy' });
    expect(await incidents).toEqual([]);
    expect(h.client.connection()).toEqual({ state: 'open', readOnly: true, message: null });
  });

  it('a dropped connection fails calls in flight: Result methods as values, the others as errors', async () => {
    const h = harness();
    h.last().open();
    const save = h.client.saveSettings({});
    const status = h.client.getStatus();
    h.last().drop();
    expect(await save).toMatchObject({ ok: false, message: expect.stringMatching(/dropped/) as unknown });
    await expect(status).rejects.toThrow(/dropped/);
  });

  it('a call that cannot be sent in time fails with the reason the user can act on', async () => {
    const h = harness();
    h.last().drop(); // never opened: the link is stale or the dashboard is gone
    const r = h.client.takeOver();
    expect(h.fire(10_000)).toBe(1);
    const res = await r;
    expect(res.ok).toBe(false);
    expect(!res.ok && res.message).toMatch(/clawmedic watch --dashboard/);
  });

  it('reconnects with growing backoff, resubscribes the terminal and announces the replay', () => {
    const h = harness();
    const chunks: unknown[] = [];
    h.client.terminalSubscribe((c) => chunks.push(c));
    h.last().open();
    expect(h.last().sent).toEqual([{ t: 'term-sub' }]);
    h.last().server({ t: 'term-start' });
    h.last().serverBinary(encodeTermFrame({ kind: 'replay', data: 'abc', sessionName: 's' }));
    h.last().drop();
    expect(h.client.connection().state).toBe('reconnecting');
    expect(h.fire(250)).toBe(1);
    h.last().drop();
    expect(h.fire(500)).toBe(1);
    h.last().open();
    expect(h.sockets).toHaveLength(3);
    expect(h.last().sent).toEqual([{ t: 'term-sub' }]);
    h.last().server({ t: 'term-start' });
    expect(chunks).toEqual([
      { kind: 'replay', data: '', sessionName: null },
      { kind: 'replay', data: 'abc', sessionName: 's' },
      { kind: 'replay', data: '', sessionName: null },
    ]);
    // Backoff starts small again after a successful connection.
    h.last().drop();
    expect(h.fire(250)).toBe(1);
  });

  it('unsubscribes when the last terminal listener leaves; acks and input only go to an open socket', () => {
    const h = harness();
    const notices: string[] = [];
    h.client.onNotice((m) => notices.push(m));
    h.client.terminalInput('x');
    expect(notices).toEqual(['Not connected: the keystrokes were not sent.']);
    h.last().open(false);
    const off1 = h.client.terminalSubscribe(() => undefined);
    const off2 = h.client.terminalSubscribe(() => undefined);
    off1();
    off1();
    expect(h.last().sent).toEqual([{ t: 'term-sub' }]);
    off2();
    h.client.terminalAck(0);
    h.client.terminalAck(42);
    h.client.terminalInput('ls\r');
    h.client.terminalResize(80, 24);
    expect(h.last().sent).toEqual([
      { t: 'term-sub' },
      { t: 'term-unsub' },
      { binaryAck: 42 },
      { t: 'send', op: 'terminalInput', args: ['ls\r'] },
      { t: 'send', op: 'terminalResize', args: [80, 24] },
    ]);
    expect(h.client.connection().readOnly).toBe(false);
  });

  it('close() settles everything and stops reconnecting', async () => {
    const h = harness();
    const r = h.client.restartNow();
    h.client.close();
    expect(await r).toMatchObject({ ok: false });
    expect(h.timers.filter((t) => t.ms === 250)).toEqual([]);
    expect(h.client.connection().state).toBe('closed');
    expect(await h.client.startDoctor()).toMatchObject({
      ok: false,
      message: expect.stringMatching(/closed/) as unknown,
    });
  });
});
