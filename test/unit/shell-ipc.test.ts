// IPC: the validation gate (sender, channel, payload), the router that applies it in front of the
// engine, and the preload bridge end to end (window.clawmedic → channels → router → engine) with an
// in-memory stand-in for Electron's IPC.
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent, Result, StatusSnapshot, TerminalChunk } from '../../common/contract.js';
import {
  answersWithResult,
  LIMITS,
  operation,
  OPERATIONS,
  type ClawMedicApi,
  type OperationName,
} from '../../common/operations.js';
import type { EngineApi, LiveTerminal } from '../../main/engine/engine-api.js';
import { channelOf, streamChannels } from '../../common/channels.js';
import { checkSender, type TrustedOrigins } from '../../main/shell/ipc-validate.js';
import { registerIpc, type IpcEventLike, type IpcMainLike, type SenderContents } from '../../main/shell/ipc-router.js';
import { memoryLogger } from '../../main/shell/log.js';
import { FakeClock } from '../helpers/fake-clock.js';

const PAGE_URL = 'clawmedic://app/index.html#/live';
const trusted: TrustedOrigins = { devServerOrigin: null };
const main = (url: string | null = PAGE_URL) => ({ url, isMainFrame: true });

describe('sender check', () => {
  it('accepts our page (any hash or query) and the dev server when one is configured', () => {
    expect(checkSender(main(), trusted)).toBeNull();
    expect(checkSender(main('clawmedic://app/index.html?x=1#/settings'), trusted)).toBeNull();
    expect(
      checkSender(main('http://localhost:5173/#/live'), { ...trusted, devServerOrigin: 'http://localhost:5173' }),
    ).toBeNull();
  });

  it('rejects everything else, with a reason', () => {
    const cases: [ReturnType<typeof main>, RegExp][] = [
      [main('https://evil.example/'), /origin https:\/\/evil.example is not trusted/],
      [main('http://localhost:5173/'), /not trusted/],
      [main('clawmedic://app/other.html'), /not the app's page/],
      [main('clawmedic://evil/index.html'), /not trusted/],
      [main('clawmedic://user@app/index.html'), /not trusted/],
      [main(pathToFileURL('/opt/clawmedic/dist/renderer/index.html').href), /not trusted/],
      [main('file://fileserver/share/index.html'), /not trusted/],
      [main('data:text/html,<script>1</script>'), /not trusted/],
      [main('about:blank'), /not trusted/],
      [main('::not a url'), /unparsable/],
      [main(null), /gone/],
      [{ url: PAGE_URL, isMainFrame: false }, /sub-frame/],
    ];
    for (const [sender, reason] of cases) expect(checkSender(sender, trusted), String(sender.url)).toMatch(reason);
  });
});

describe("the operation table's argument checks (every transport uses them)", () => {
  const check = (name: OperationName, args: unknown[]) => operation(name)!.args(args);

  it('refuses bad payloads, operation by operation, each with a reason', () => {
    const bad: [OperationName, unknown[]][] = [
      ['getStatus', ['extra']],
      ['pause', []],
      ['pause', [0]],
      ['pause', [1.5]],
      ['pause', [LIMITS.maxPauseMinutes + 1]],
      ['pause', ['60']],
      ['getIncident', ['../../etc/passwd']],
      ['getIncident', [42]],
      ['getIncident', ['a'.repeat(101)]],
      ['previewBrief', [{ template: 'x' }]],
      ['previewBrief', ['x'.repeat(LIMITS.maxTemplateChars + 1)]],
      ['testNotification', ['  ']],
      ['saveSettings', [null]],
      ['saveSettings', [[1, 2]]],
      ['saveSettings', [{}, {}]],
      ['terminalAck', [-1]],
      ['terminalAck', [1.5]],
      ['terminalAck', ['10']],
      ['terminalInput', [{ data: 'ls' }]],
      ['terminalInput', ['x'.repeat(LIMITS.maxInputChars + 1)]],
      ['terminalResize', [80]],
      ['terminalResize', [0, 24]],
      ['terminalResize', [80, 100_000]],
    ];
    for (const [name, args] of bad) {
      const v = check(name, args);
      expect(v.ok, `${name} ${JSON.stringify(args).slice(0, 60)}`).toBe(false);
      if (!v.ok) expect(v.reason.length).toBeGreaterThan(5);
    }
  });

  it('passes good payloads through unchanged', () => {
    expect(check('pause', [null])).toEqual({ ok: true, args: [null] });
    expect(check('pause', [60])).toEqual({ ok: true, args: [60] });
    expect(check('getIncident', ['20261201T1200-abc123'])).toEqual({ ok: true, args: ['20261201T1200-abc123'] });
    expect(check('terminalResize', [120, 40])).toEqual({ ok: true, args: [120, 40] });
    expect(check('saveSettings', [{ gateway: {} }])).toEqual({ ok: true, args: [{ gateway: {} }] });
  });
});

// ---- the router, with an in-memory ipcMain ----------------------------------------------------

type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, Listener>();
  listeners = new Map<string, Listener[]>();
  handle(channel: string, l: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, l);
  }
  on(channel: string, l: Listener) {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), l]);
    return this;
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  removeAllListeners(channel: string) {
    this.listeners.delete(channel);
    return this;
  }
  invoke(event: IpcEventLike, channel: string, ...args: unknown[]): Promise<unknown> {
    // Like Electron, a throw (here or in the handler) is a rejection.
    return new Promise((resolve) => {
      const h = this.handlers.get(channel);
      // Electron answers an unhandled channel with an error; the allow-list means there is none.
      if (!h) throw new Error(`No handler registered for '${channel}'`);
      resolve(h(event, ...structuredClone(args)));
    });
  }
  emit(event: IpcEventLike, channel: string, ...args: unknown[]) {
    for (const l of this.listeners.get(channel) ?? []) l(event, ...structuredClone(args));
  }
}

class FakeContents implements SenderContents {
  static next = 1;
  readonly id = FakeContents.next++;
  sent: [string, unknown][] = [];
  destroyed = false;
  private onDestroyed: (() => void)[] = [];
  onSend: ((channel: string, payload: unknown) => void) | null = null;
  send(channel: string, payload: unknown) {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, payload]);
    this.onSend?.(channel, structuredClone(payload));
  }
  isDestroyed() {
    return this.destroyed;
  }
  once(_e: 'destroyed', l: () => void) {
    this.onDestroyed.push(l);
    return this;
  }
  destroy() {
    this.destroyed = true;
    for (const l of this.onDestroyed) l();
  }
  event(url: string | null = PAGE_URL, parent: unknown = null): IpcEventLike {
    return { sender: this, senderFrame: url === null ? null : { url, parent } };
  }
}

const status: StatusSnapshot = {
  state: 'healthy',
  since: '2025-06-01T12:00:00.000Z',
  reason: '',
  lastCheck: null,
  consecutiveFailures: 0,
  pausedUntil: null,
  openIncidentId: null,
  doctor: null,
  gatewayUrl: 'http://127.0.0.1:18789',
  settingsProblems: [],
};

function fakeEngine() {
  const term = { subs: 0, closed: 0, acked: 0, listener: null as ((c: TerminalChunk) => void) | null };
  const events = new Set<(e: EngineEvent) => void>();
  const terminal: LiveTerminal = {
    subscribe(l) {
      term.subs++;
      term.listener = l;
      l({ kind: 'replay', data: 'earlier output\r\n', sessionName: 'clawmedic-1' });
      return { ack: (n) => void (term.acked += n), close: () => void (term.closed += 1) };
    },
  };
  const ok: Result = { ok: true, value: undefined };
  const engine = {
    on: vi.fn((l: (e: EngineEvent) => void) => {
      events.add(l);
      return () => events.delete(l);
    }),
    status: vi.fn(() => status),
    checkNow: vi.fn(() => Promise.resolve({ condition: 'healthy' })),
    restartNow: vi.fn(() => Promise.resolve(ok)),
    startDoctor: vi.fn(() => Promise.resolve(ok)),
    stopDoctor: vi.fn((): Promise<Result> => Promise.resolve({ ok: false, message: 'No doctor session is running.' })),
    pause: vi.fn(),
    resume: vi.fn(),
    notifySuspend: vi.fn(),
    notifyResume: vi.fn(),
    listIncidents: vi.fn(() => Promise.resolve([])),
    getIncident: vi.fn(() => Promise.resolve(null)),
    getSettings: vi.fn(),
    saveSettings: vi.fn(() => Promise.resolve(ok)),
    previewBrief: vi.fn((t: string) => Promise.resolve({ ok: true, value: `brief: ${t}` })),
    testNotification: vi.fn(() => Promise.resolve(ok)),
    terminal,
    takeOver: vi.fn(() => Promise.resolve(ok)),
    handBack: vi.fn(() => Promise.resolve(ok)),
    terminalInput: vi.fn(() => true),
    terminalResize: vi.fn(),
    stop: vi.fn(() => Promise.resolve(undefined)),
  };
  const emit = (e: EngineEvent) => events.forEach((l) => l(e));
  // `engine` keeps the mocks' own types for assertions; `api` is what the router is given.
  return { engine, api: engine as unknown as EngineApi, term, events, emit };
}

/** A clock that moves only when asked; fire() runs every pending timer. */
function manualTimers() {
  const clock = new FakeClock();
  return Object.assign(clock, { fire: () => clock.advance(60_000) });
}

function routerSetup() {
  const ipc = new FakeIpcMain();
  const e = fakeEngine();
  const log = memoryLogger();
  const timers = manualTimers();
  const router = registerIpc({ ipcMain: ipc, engine: e.api, trusted: () => trusted, log, clock: timers });
  return { ipc, ...e, log, timers, router };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('ipc router', () => {
  it('registers exactly one handler per operation of the table, and nothing generic', () => {
    const { ipc } = routerSetup();
    const ui = (Object.keys(OPERATIONS) as OperationName[]).filter((n) =>
      OPERATIONS[n].transports.includes('ipc' as never),
    );
    const calls = ui.filter((n) => OPERATIONS[n].kind === 'call').map(channelOf);
    const sends = ui.filter((n) => OPERATIONS[n].kind === 'send').map(channelOf);
    const streams = (['terminal', 'events'] as const).flatMap((x) => [
      streamChannels(x).subscribe,
      streamChannels(x).unsubscribe,
    ]);
    expect([...ipc.handlers.keys()].sort()).toEqual(calls.sort());
    expect([...ipc.listeners.keys()].sort()).toEqual([...sends, ...streams].sort());
    // Operations only the control socket offers are not reachable from the window.
    expect(ipc.handlers.has(channelOf('runDoctor'))).toBe(false);
  });

  it('a bad sender never reaches the engine; the rejection is logged with its reason', async () => {
    const { ipc, engine, log } = routerSetup();
    const c = new FakeContents();
    await expect(ipc.invoke(c.event('https://evil.example/'), channelOf('getStatus'))).rejects.toThrow(
      /refused .*untrusted sender/,
    );
    const r = await ipc.invoke(c.event('https://evil.example/'), channelOf('restartNow'));
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining('untrusted sender') as unknown });
    ipc.emit(c.event(PAGE_URL, { url: 'parent' }), channelOf('terminalInput'), 'rm -rf ~\r');
    expect(engine.status).not.toHaveBeenCalled();
    expect(engine.restartNow).not.toHaveBeenCalled();
    expect(engine.terminalInput).not.toHaveBeenCalled();
    expect(log.lines).toEqual([
      expect.stringMatching(
        /^warn: IPC clawmedic:getStatus refused: untrusted sender: sender origin https:\/\/evil.example/,
      ),
      expect.stringMatching(/^warn: IPC clawmedic:restartNow refused: untrusted sender/),
      expect.stringMatching(/^warn: IPC clawmedic:terminalInput refused: untrusted sender: sent from a sub-frame/),
    ]);
  });

  it('a bad payload never reaches the engine: Result operations answer with the problems, others reject', async () => {
    const { ipc, engine, log } = routerSetup();
    const c = new FakeContents();
    const saved = await ipc.invoke(c.event(), channelOf('saveSettings'), [1, 2]);
    expect(saved).toMatchObject({ ok: false, problems: [expect.objectContaining({ path: '(root)' })] });
    expect(engine.saveSettings).not.toHaveBeenCalled();
    await expect(ipc.invoke(c.event(), channelOf('getIncident'), '../../etc/passwd')).rejects.toThrow(/incident id/);
    expect(engine.getIncident).not.toHaveBeenCalled();
    const paused = await ipc.invoke(c.event(), channelOf('pause'), -5);
    expect(paused).toMatchObject({ ok: false, message: expect.stringMatching(/pause minutes/) as unknown });
    expect(engine.pause).not.toHaveBeenCalled();
    ipc.emit(c.event(), channelOf('terminalResize'), 80, 'tall');
    await settle();
    expect(engine.terminalResize).not.toHaveBeenCalled();
    expect(log.lines).toHaveLength(4);
    expect(log.lines.every((l) => l.startsWith('warn: IPC '))).toBe(true);
  });

  it('good calls reach the engine with their arguments and return its answer', async () => {
    const { ipc, engine } = routerSetup();
    const c = new FakeContents();
    expect(await ipc.invoke(c.event(), channelOf('getStatus'))).toEqual(status);
    expect(await ipc.invoke(c.event(), channelOf('pause'), 60)).toEqual({ ok: true, value: status });
    expect(engine.pause).toHaveBeenCalledWith(60);
    expect(await ipc.invoke(c.event(), channelOf('previewBrief'), 'Fix {{gatewayUrl}}')).toEqual({
      ok: true,
      value: 'brief: Fix {{gatewayUrl}}',
    });
    expect(await ipc.invoke(c.event(), channelOf('stopDoctor'))).toEqual({
      ok: false,
      message: 'No doctor session is running.',
    });
    await ipc.invoke(c.event(), channelOf('saveSettings'), { gateway: { url: 'http://127.0.0.1:1' } });
    expect(engine.saveSettings).toHaveBeenCalledWith({ gateway: { url: 'http://127.0.0.1:1' } });
    ipc.emit(c.event(), channelOf('terminalResize'), 100, 30);
    await settle();
    expect(engine.terminalResize).toHaveBeenCalledWith(100, 30);
  });

  it('an engine failure in a Result operation comes back as a value and is logged', async () => {
    const { ipc, engine, log } = routerSetup();
    engine.restartNow.mockRejectedValueOnce(new Error('spawn openclaw ENOENT'));
    const r = await ipc.invoke(new FakeContents().event(), channelOf('restartNow'));
    expect(r).toEqual({ ok: false, message: 'ClawMedic could not restart the gateway: spawn openclaw ENOENT' });
    expect(log.lines).toEqual([
      'error: clawmedic:restartNow failed: ClawMedic could not restart the gateway: spawn openclaw ENOENT',
    ]);
  });

  it('Result operations are exactly the table entries whose answer is a Result', () => {
    const results = (Object.keys(OPERATIONS) as OperationName[]).filter(answersWithResult).sort();
    expect(results).toEqual(
      [
        'answerFix',
        'handBack',
        'pause',
        'previewBrief',
        'restartNow',
        'resume',
        'runDoctor',
        'saveSettings',
        'startDoctor',
        'stopDoctor',
        'takeOver',
        'testNotification',
        'undoFix',
        'revertConfig',
        'setPlaybookEnabled',
        'approvePrompt',
        'denyPrompt',
      ].sort(),
    );
  });

  it('streams the terminal to the subscribed window and forgets it when the window goes away', () => {
    const { ipc, term, timers, router } = routerSetup();
    const c = new FakeContents();
    ipc.emit(c.event(), streamChannels('terminal').subscribe);
    timers.fire();
    expect(c.sent).toEqual([
      [streamChannels('terminal').push, { kind: 'replay', data: 'earlier output\r\n', sessionName: 'clawmedic-1' }],
    ]);
    term.listener!({ kind: 'live', data: 'a', sessionName: 'clawmedic-1' });
    term.listener!({ kind: 'live', data: 'b', sessionName: 'clawmedic-1' });
    timers.fire();
    expect(c.sent.at(-1)).toEqual([
      streamChannels('terminal').push,
      { kind: 'live', data: 'ab', sessionName: 'clawmedic-1' },
    ]);
    ipc.emit(c.event(), channelOf('terminalAck'), 18);
    expect(term.acked).toBe(18);
    expect(router.subscriptions(c.id)).toEqual({ terminal: true, events: false });
    c.destroy();
    expect(term.closed).toBe(1);
    expect(router.subscriptions(c.id)).toEqual({ terminal: false, events: false });
  });

  it('a reload re-subscribes: the old stream is closed first', () => {
    const { ipc, term } = routerSetup();
    const c = new FakeContents();
    ipc.emit(c.event(), streamChannels('terminal').subscribe);
    ipc.emit(c.event(), streamChannels('terminal').subscribe);
    expect(term.subs).toBe(2);
    expect(term.closed).toBe(1);
    ipc.emit(c.event(), streamChannels('terminal').unsubscribe);
    expect(term.closed).toBe(2);
  });

  it('forwards engine events to subscribed windows only, until they unsubscribe or close', () => {
    const { ipc, emit, events, router } = routerSetup();
    const a = new FakeContents();
    const b = new FakeContents();
    ipc.emit(a.event(), streamChannels('events').subscribe);
    const ev: EngineEvent = { type: 'settings-changed' };
    emit(ev);
    expect(a.sent).toEqual([[streamChannels('events').push, ev]]);
    expect(b.sent).toEqual([]);
    ipc.emit(a.event(), streamChannels('events').unsubscribe);
    emit(ev);
    expect(a.sent).toHaveLength(1);
    ipc.emit(b.event(), streamChannels('events').subscribe);
    b.destroy();
    expect(events.size).toBe(0);
    router.dispose();
  });

  it('dispose removes every handler and subscription', () => {
    const { ipc, term, router } = routerSetup();
    ipc.emit(new FakeContents().event(), streamChannels('terminal').subscribe);
    router.dispose();
    expect(ipc.handlers.size).toBe(0);
    expect(ipc.listeners.size).toBe(0);
    expect(term.closed).toBe(1);
  });
});

// ---- the preload bridge, end to end -----------------------------------------------------------

const bridge = vi.hoisted(() => {
  const state = {
    exposed: new Map<string, unknown>(),
    /** Set per test: where the fake ipcRenderer delivers. */
    invoke: null as null | ((channel: string, ...args: unknown[]) => Promise<unknown>),
    send: null as null | ((channel: string, ...args: unknown[]) => void),
    listeners: new Map<string, Set<(event: unknown, payload: unknown) => void>>(),
  };
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => state.invoke!(channel, ...args),
    send: (channel: string, ...args: unknown[]) => state.send!(channel, ...args),
    on(channel: string, l: (event: unknown, payload: unknown) => void) {
      if (!state.listeners.has(channel)) state.listeners.set(channel, new Set());
      state.listeners.get(channel)!.add(l);
      return ipcRenderer;
    },
    removeListener(channel: string, l: (event: unknown, payload: unknown) => void) {
      state.listeners.get(channel)?.delete(l);
      return ipcRenderer;
    },
  };
  return { state, ipcRenderer };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => bridge.state.exposed.set(key, api) },
  ipcRenderer: bridge.ipcRenderer,
}));

describe('preload bridge', () => {
  let api: ClawMedicApi;
  let setup: ReturnType<typeof routerSetup>;
  let contents: FakeContents;

  beforeEach(async () => {
    setup = routerSetup();
    contents = new FakeContents();
    const event = contents.event();
    bridge.state.invoke = (channel, ...args) => setup.ipc.invoke(event, channel, ...args);
    bridge.state.send = (channel, ...args) => setup.ipc.emit(event, channel, ...args);
    bridge.state.listeners.clear();
    // What main pushes arrives at the renderer's listeners with a stand-in IPC event.
    contents.onSend = (channel, payload) => {
      for (const l of bridge.state.listeners.get(channel) ?? []) l({ sender: 'ipcRenderer internals' }, payload);
    };
    vi.resetModules();
    await import('../../preload/preload.js');
    api = bridge.state.exposed.get('clawmedic') as ClawMedicApi;
  });

  it('exposes exactly the ClawMedicApi methods as window.clawmedic, and nothing else', () => {
    expect([...bridge.state.exposed.keys()]).toEqual(['clawmedic']);
    expect(Object.keys(api).sort()).toEqual(
      [
        'getStatus',
        'preflight',
        'checkNow',
        'restartNow',
        'startDoctor',
        'stopDoctor',
        'pause',
        'resume',
        'listIncidents',
        'getIncident',
        'getSettings',
        'saveSettings',
        'previewBrief',
        'testNotification',
        'terminalSubscribe',
        'terminalAck',
        'takeOver',
        'handBack',
        'terminalInput',
        'terminalResize',
        'onEvent',
        'answerFix',
        'undoFix',
        'revertConfig',
        'listPlaybooks',
        'setPlaybookEnabled',
      ].sort(),
    );
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
  });

  it('calls reach the engine through their own channels', async () => {
    expect(await api.getStatus()).toEqual(status);
    await api.pause(null);
    expect(setup.engine.pause).toHaveBeenCalledWith(null);
    expect(await api.saveSettings([1])).toMatchObject({
      ok: false,
      problems: [expect.objectContaining({ path: '(root)' })],
    });
    expect(setup.engine.saveSettings).not.toHaveBeenCalled();
    api.terminalInput('q');
    await new Promise((r) => setImmediate(r));
    expect(setup.engine.terminalInput).toHaveBeenCalledWith('q');
  });

  it('the terminal stream: replay, live, acks, and unsubscribe closing the engine subscription', () => {
    const got: TerminalChunk[] = [];
    const off = api.terminalSubscribe((c) => got.push(c));
    setup.timers.fire();
    setup.term.listener!({ kind: 'live', data: 'hello', sessionName: 'clawmedic-1' });
    setup.timers.fire();
    expect(got.map((c) => c.data)).toEqual(['earlier output\r\n', 'hello']);
    api.terminalAck(got.reduce((n, c) => n + c.data.length, 0));
    expect(setup.term.acked).toBe(21);
    off();
    off();
    expect(setup.term.closed).toBe(1);
    expect(bridge.state.listeners.get(streamChannels('terminal').push)?.size ?? 0).toBe(0);
  });

  it('events reach every listener with the payload only (never the IPC event)', () => {
    const a: unknown[][] = [];
    const b: unknown[][] = [];
    const offA = api.onEvent((...args) => a.push(args));
    const offB = api.onEvent((...args) => b.push(args));
    setup.emit({ type: 'settings-changed' });
    expect(a).toEqual([[{ type: 'settings-changed' }]]);
    expect(b).toEqual(a);
    offA();
    setup.emit({ type: 'settings-changed' });
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
    offB();
    expect(setup.events.size).toBe(0);
  });
});
