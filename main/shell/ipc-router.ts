// Connects the preload bridge's channels to the engine. Every message passes validateCall first; a
// rejection is logged with its reason and answered as a value where the operation returns a Result.
// Per-window state (terminal stream, event subscription) is dropped when the window's contents go away,
// so a closed or hidden window never holds the engine's terminal back.
import type { EngineApi } from '../engine/engine-api.js';
import { INVOKE, PUSH, RESULT_OPS, SEND, type InvokeOp, type SendOp } from '../../common/channels.js';
import { validateCall, type SenderInfo, type TrustedOrigins } from './ipc-validate.js';
import type { Logger } from './log.js';
import { TerminalForwarder } from './terminal-stream.js';
import type { Timers } from './timers.js';

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
  timers?: Timers;
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

async function dispatchInvoke(engine: EngineApi, op: InvokeOp, args: unknown[]): Promise<unknown> {
  switch (op) {
    case 'getStatus':
      return engine.status();
    case 'checkNow':
      return engine.checkNow();
    case 'restartNow':
      return engine.restartNow();
    case 'startDoctor':
      return engine.startDoctor();
    case 'stopDoctor':
      return engine.stopDoctor();
    case 'pause':
      engine.pause(args[0] as number | null);
      return undefined;
    case 'resume':
      engine.resume();
      return undefined;
    case 'listIncidents':
      return engine.listIncidents();
    case 'getIncident':
      return engine.getIncident(args[0] as string);
    case 'getSettings':
      return engine.getSettings();
    case 'saveSettings':
      return engine.saveSettings(args[0]);
    case 'previewBrief':
      return engine.previewBrief(args[0] as string);
    case 'testNotification':
      return engine.testNotification(args[0] as string);
    case 'takeOver':
      return engine.takeOver();
    case 'handBack':
      return engine.handBack();
  }
}

export function registerIpc(opts: IpcRouterOptions): IpcRouter {
  const { ipcMain, engine, log } = opts;
  const windows = new Map<number, { terminal: TerminalForwarder | null; events: (() => void) | null }>();

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

  for (const channel of Object.values(INVOKE)) {
    ipcMain.handle(channel, async (event, ...args) => {
      const v = validateCall('invoke', channel, senderInfo(event), args, opts.trusted());
      if (!v.ok) {
        log.warn(`IPC ${channel} refused: ${v.reason}`);
        if (v.op && RESULT_OPS.has(v.op as InvokeOp)) {
          return v.problems ? { ok: false, message: v.reason, problems: v.problems } : { ok: false, message: v.reason };
        }
        throw new Error(`ClawMedic refused ${channel}: ${v.reason}`);
      }
      try {
        return await dispatchInvoke(engine, v.op as InvokeOp, v.args);
      } catch (err) {
        const message = `${channel} failed: ${(err as Error).message}`;
        log.error(message);
        // Result operations report failures as values, so the renderer shows them like any other.
        if (RESULT_OPS.has(v.op as InvokeOp)) return { ok: false, message };
        throw err;
      }
    });
  }

  const sendHandlers: Record<SendOp, (contents: SenderContents, args: unknown[]) => void> = {
    terminalSubscribe(contents) {
      const w = stateFor(contents);
      // A reloaded page subscribes again: the old stream (and its unacked count) is dropped first.
      w.terminal?.close();
      w.terminal = new TerminalForwarder({
        terminal: engine.terminal,
        send: (chunk) => push(contents, PUSH.terminalChunk, chunk),
        ...(opts.timers ? { timers: opts.timers } : {}),
      });
    },
    terminalUnsubscribe(contents) {
      const w = windows.get(contents.id);
      w?.terminal?.close();
      if (w) w.terminal = null;
    },
    terminalAck(contents, args) {
      windows.get(contents.id)?.terminal?.ack(args[0] as number);
    },
    terminalInput(_contents, args) {
      // Refused (false) unless a human has taken over; the renderer only sends input after takeOver()
      // succeeded, so a refusal here is a race with hand-back, not an error worth reporting.
      engine.terminalInput(args[0] as string);
    },
    terminalResize(_contents, args) {
      engine.terminalResize(args[0] as number, args[1] as number);
    },
    eventsSubscribe(contents) {
      const w = stateFor(contents);
      w.events?.();
      w.events = engine.on((event) => push(contents, PUSH.event, event));
    },
    eventsUnsubscribe(contents) {
      const w = windows.get(contents.id);
      w?.events?.();
      if (w) w.events = null;
    },
  };

  for (const channel of Object.values(SEND)) {
    ipcMain.on(channel, (event, ...args) => {
      const v = validateCall('send', channel, senderInfo(event), args, opts.trusted());
      if (!v.ok) {
        log.warn(`IPC ${channel} refused: ${v.reason}`);
        return;
      }
      try {
        sendHandlers[v.op as SendOp](event.sender, v.args);
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
      for (const channel of Object.values(INVOKE)) ipcMain.removeHandler(channel);
      for (const channel of Object.values(SEND)) ipcMain.removeAllListeners(channel);
    },
  };
}
