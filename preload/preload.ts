// The preload bridge: exposes `window.clawmedic` (ClawMedicApi) to the sandboxed renderer, one method per
// operation over its own IPC channel. ipcRenderer itself and IPC event objects never reach the page.
// Built as one CommonJS file (scripts/build-preload.mjs): a sandboxed preload cannot load ES modules
// or anything but `electron`.
import { contextBridge, ipcRenderer } from 'electron';
import { ipcOperations, streamChannels } from '../common/channels.js';
import type { EngineEvent, TerminalChunk } from '../common/contract.js';
import type { ClawMedicApi } from '../common/operations.js';

/** The parts of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/**
 * A fan-out over one push channel: main is subscribed while at least one listener is, and each listener
 * gets only the payload (never the IPC event, which would hand the page a route back into ipcRenderer).
 */
function pushChannel<T>(ipc: IpcRendererLike, channel: string, subscribe: string, unsubscribe: string) {
  const listeners = new Set<(payload: T) => void>();
  const onMessage = (_event: unknown, payload: unknown) => {
    for (const l of [...listeners]) {
      try {
        l(payload as T);
      } catch (err) {
        // One broken view must not starve the others; the page's console shows what failed.
        console.error('ClawMedic: a listener failed', err);
      }
    }
  };
  return (listener: (payload: T) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    // A function passed twice gets its own entry, so each returned unsubscribe removes exactly one.
    const own = (payload: T) => listener(payload);
    if (listeners.size === 0) {
      ipc.on(channel, onMessage);
      ipc.send(subscribe);
    }
    listeners.add(own);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      listeners.delete(own);
      if (listeners.size === 0) {
        ipc.send(unsubscribe);
        ipc.removeListener(channel, onMessage);
      }
    };
  };
}

/**
 * The bridge, built from the operation table: one method per operation, each on its own channel (a call
 * answers through invoke, a one-way operation uses send), plus the two live streams. The page never gets
 * a generic invoke or send, nor the IPC event objects.
 */
export function createBridge(ipc: IpcRendererLike): ClawMedicApi {
  const api: Record<string, unknown> = {};
  for (const { name, channel, kind } of ipcOperations()) {
    api[name] =
      kind === 'call'
        ? (...args: unknown[]) => ipc.invoke(channel, ...args)
        : (...args: unknown[]) => void ipc.send(channel, ...args);
  }
  const terminal = streamChannels('terminal');
  const events = streamChannels('events');
  api.terminalSubscribe = pushChannel<TerminalChunk>(ipc, terminal.push, terminal.subscribe, terminal.unsubscribe);
  api.onEvent = pushChannel<EngineEvent>(ipc, events.push, events.subscribe, events.unsubscribe);
  // Every operation and stream above is in ClawMedicApi (the table's type) and nothing else is.
  return Object.freeze(api) as unknown as ClawMedicApi;
}

contextBridge.exposeInMainWorld('clawmedic', createBridge(ipcRenderer));
