// Connects the preload bridge's channels to the engine through the operation table: every message has
// its sender checked here, then goes through the one dispatch (main/engine/operations.ts) that checks
// the arguments and runs the handler. A refusal is logged with its reason and, where the operation
// returns a Result, answered as a value. Per-window state (terminal stream, event subscription) is
// dropped when the window's contents go away, so a closed window never holds the engine's terminal back.
import type { Clock } from '../../common/clock.js';
import { ipcOperations, streamChannels } from '../../common/channels.js';
import { answersWithResult } from '../../common/operations.js';
import type { EngineApi } from '../engine/engine-api.js';
import { dispatch, engineHandlers } from '../engine/operations.js';
import { ViewerStream } from '../engine/viewer-stream.js';
import { checkSender, type SenderInfo, type TrustedOrigins } from './ipc-validate.js';
import type { Logger } from './log.js';

/** The parts of Electron's WebContents the router uses (structural, so tests can pass fakes). */
export interface SenderContents {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** The parts of IpcMainEvent / IpcMainInvokeEvent the router reads. */
export interface IpcEventLike {
  readonly sender: SenderContents;
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeHandler(channel: string): void;
  removeAllListeners(channel: string): unknown;
}

export interface IpcRouterOptions {
  ipcMain: IpcMainLike;
  engine: EngineApi;
  /** A function: the dev server origin is only known once the window is created. */
  trusted: () => TrustedOrigins;
  log: Logger;
  /** Drives the terminal stream's batching (tests pass a manual clock). */
  clock?: Clock;
}

export interface IpcRouter {
  /** Subscriptions currently held for a window's contents (tests and diagnostics). */
  subscriptions(contentsId: number): { terminal: boolean; events: boolean };
  dispose(): void;
}

function senderInfo(event: IpcEventLike): SenderInfo {
  const frame = event.senderFrame;
  return { url: frame ? frame.url : null, isMainFrame: frame !== null && frame.parent === null };
}

export function registerIpc(opts: IpcRouterOptions): IpcRouter {
  const { ipcMain, engine, log } = opts;
  const handlers = engineHandlers(engine);
  const windows = new Map<number, { terminal: ViewerStream | null; events: (() => void) | null }>();

  function forget(id: number): void {
    const w = windows.get(id);
    if (!w) return;
    w.terminal?.close();
    w.events?.();
    windows.delete(id);
  }

  function stateFor(contents: SenderContents) {
    let w = windows.get(contents.id);
    if (!w) {
      w = { terminal: null, events: null };
      windows.set(contents.id, w);
      const id = contents.id;
      contents.once('destroyed', () => forget(id));
    }
    return w;
  }

  function push(contents: SenderContents, channel: string, payload: unknown): void {
    if (contents.isDestroyed()) {
      forget(contents.id);
      return;
    }
    contents.send(channel, payload);
  }

  /** Null when the sender is our page; otherwise the refusal, logged. */
  function refuseSender(channel: string, event: IpcEventLike): string | null {
    const who = checkSender(senderInfo(event), opts.trusted());
    if (!who) return null;
    const reason = `untrusted sender: ${who}`;
    log.warn(`IPC ${channel} refused: ${reason}`);
    return reason;
  }

  const operations = ipcOperations();
  for (const { name, channel, kind } of operations) {
    if (kind === 'call') {
      ipcMain.handle(channel, async (event, ...args) => {
        const who = refuseSender(channel, event);
        if (who) {
          const message = `ClawMedic refused ${channel}: ${who}`;
          // Nothing ran. Result operations answer as values, so the page shows it like any refusal.
          if (answersWithResult(name)) return { ok: false, message };
          throw new Error(message);
        }
        const answer = await dispatch(handlers, name, args, { transport: 'ipc' });
        if (answer.refused) log.warn(`IPC ${channel} refused: ${answer.refused}`);
        if (answer.failed) log.error(`${channel} failed: ${answer.failed}`);
        if (!answer.ok)
          throw new Error(answer.refused ? `ClawMedic refused ${channel}: ${answer.message}` : answer.message);
        return answer.value;
      });
    } else {
      ipcMain.on(channel, (event, ...args) => {
        if (refuseSender(channel, event)) return;
        const viewer = windows.get(event.sender.id)?.terminal ?? null;
        void dispatch(handlers, name, args, {
          transport: 'ipc',
          overrides: { terminalAck: (chars) => viewer?.ack(chars) },
        }).then((answer) => {
          if (!answer.ok) log.warn(`IPC ${channel} refused: ${answer.message}`);
        });
      });
    }
  }

  const terminal = streamChannels('terminal');
  const events = streamChannels('events');
  const streamHandlers: Record<string, (contents: SenderContents) => void> = {
    [terminal.subscribe](contents) {
      const w = stateFor(contents);
      // A reloaded page subscribes again: the old stream (and its unacked count) is dropped first.
      w.terminal?.close();
      const open = (): ViewerStream =>
        new ViewerStream({
          terminal: engine.terminal,
          send: (chunk) => push(contents, terminal.push, chunk),
          ...(opts.clock ? { clock: opts.clock } : {}),
          onError: (err) => log.warn(`terminal output not delivered; the window's stream is closed: ${err.message}`),
          // Dropped for falling far behind another viewer: start this window over with the replay (its
          // feed resets on a replay after live output), as the dashboard's page does by reconnecting.
          onLag: () => {
            log.warn('the live terminal of a window fell too far behind; replaying it');
            if (windows.get(contents.id) === w && !contents.isDestroyed()) w.terminal = open();
          },
        });
      w.terminal = open();
    },
    [terminal.unsubscribe](contents) {
      const w = windows.get(contents.id);
      w?.terminal?.close();
      if (w) w.terminal = null;
    },
    [events.subscribe](contents) {
      const w = stateFor(contents);
      w.events?.();
      w.events = engine.on((event) => push(contents, events.push, event));
    },
    [events.unsubscribe](contents) {
      const w = windows.get(contents.id);
      w?.events?.();
      if (w) w.events = null;
    },
  };
  for (const [channel, handle] of Object.entries(streamHandlers)) {
    ipcMain.on(channel, (event, ...args) => {
      if (refuseSender(channel, event)) return;
      if (args.length !== 0) return void log.warn(`IPC ${channel} refused: expected no arguments`);
      try {
        handle(event.sender);
      } catch (err) {
        // Nothing to answer on a one-way message: log it so the failure is not silent.
        log.error(`${channel} failed: ${(err as Error).message}`);
      }
    });
  }

  return {
    subscriptions(id) {
      const w = windows.get(id);
      return { terminal: !!w?.terminal && !w.terminal.isClosed, events: !!w?.events };
    },
    dispose() {
      for (const id of [...windows.keys()]) forget(id);
      for (const { channel, kind } of operations) {
        if (kind === 'call') ipcMain.removeHandler(channel);
        else ipcMain.removeAllListeners(channel);
      }
      for (const channel of Object.keys(streamHandlers)) ipcMain.removeAllListeners(channel);
    },
  };
}
