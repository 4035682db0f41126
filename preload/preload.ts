// The preload bridge: exposes `window.clawmedic` (ClawMedicApi) to the sandboxed renderer, one method per
// operation over its own IPC channel. ipcRenderer itself and IPC event objects never reach the page.
// Built as one CommonJS file (scripts/build-preload.mjs): a sandboxed preload cannot load ES modules
// or anything but `electron`.
import { contextBridge, ipcRenderer } from 'electron';
import { INVOKE, PUSH, SEND } from '../common/channels.js';
import type { ClawMedicApi, EngineEvent, TerminalChunk } from '../common/contract.js';

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

function createBridge(ipc: IpcRendererLike): ClawMedicApi {
  const call = <T>(channel: string, ...args: unknown[]) => ipc.invoke(channel, ...args) as Promise<T>;
  const terminal = pushChannel<TerminalChunk>(ipc, PUSH.terminalChunk, SEND.terminalSubscribe, SEND.terminalUnsubscribe);
  const events = pushChannel<EngineEvent>(ipc, PUSH.event, SEND.eventsSubscribe, SEND.eventsUnsubscribe);
  return {
    getStatus: () => call(INVOKE.getStatus),
    checkNow: () => call(INVOKE.checkNow),
    restartNow: () => call(INVOKE.restartNow),
    startDoctor: () => call(INVOKE.startDoctor),
    stopDoctor: () => call(INVOKE.stopDoctor),
    pause: (minutes) => call(INVOKE.pause, minutes),
    resume: () => call(INVOKE.resume),
    listIncidents: () => call(INVOKE.listIncidents),
    getIncident: (id) => call(INVOKE.getIncident, id),
    getSettings: () => call(INVOKE.getSettings),
    saveSettings: (settings) => call(INVOKE.saveSettings, settings),
    previewBrief: (template) => call(INVOKE.previewBrief, template),
    testNotification: (channel) => call(INVOKE.testNotification, channel),
    terminalSubscribe: (listener) => terminal(listener),
    terminalAck: (chars) => ipc.send(SEND.terminalAck, chars),
    takeOver: () => call(INVOKE.takeOver),
    handBack: () => call(INVOKE.handBack),
    terminalInput: (data) => ipc.send(SEND.terminalInput, data),
    terminalResize: (cols, rows) => ipc.send(SEND.terminalResize, cols, rows),
    onEvent: (listener) => events(listener),
  };
}

contextBridge.exposeInMainWorld('clawmedic', createBridge(ipcRenderer));
