// The IPC channel names between the preload bridge and the main process: one channel per ClawMedicApi
// operation, never a generic send/invoke. Imported by main (ipc-router) and bundled into the preload.
// Plain data only: the sandboxed preload bundle cannot load Node modules.
import { RESULT_METHODS, type ClawMedicApi } from './contract.js';

/** Operations that answer (ipcRenderer.invoke ↔ ipcMain.handle). */
export type InvokeOp = Exclude<
  keyof ClawMedicApi,
  'terminalSubscribe' | 'terminalAck' | 'terminalInput' | 'terminalResize' | 'onEvent'
>;

export const INVOKE = {
  getStatus: 'clawmedic:get-status',
  checkNow: 'clawmedic:check-now',
  restartNow: 'clawmedic:restart-now',
  startDoctor: 'clawmedic:start-doctor',
  stopDoctor: 'clawmedic:stop-doctor',
  pause: 'clawmedic:pause',
  resume: 'clawmedic:resume',
  listIncidents: 'clawmedic:list-incidents',
  getIncident: 'clawmedic:get-incident',
  getSettings: 'clawmedic:get-settings',
  saveSettings: 'clawmedic:save-settings',
  previewBrief: 'clawmedic:preview-brief',
  testNotification: 'clawmedic:test-notification',
  takeOver: 'clawmedic:take-over',
  handBack: 'clawmedic:hand-back',
} as const satisfies Record<InvokeOp, string>;

/** Fire-and-forget messages from the renderer (ipcRenderer.send ↔ ipcMain.on). */
export const SEND = {
  terminalSubscribe: 'clawmedic:terminal-subscribe',
  terminalUnsubscribe: 'clawmedic:terminal-unsubscribe',
  terminalAck: 'clawmedic:terminal-ack',
  terminalInput: 'clawmedic:terminal-input',
  terminalResize: 'clawmedic:terminal-resize',
  eventsSubscribe: 'clawmedic:events-subscribe',
  eventsUnsubscribe: 'clawmedic:events-unsubscribe',
} as const;
export type SendOp = keyof typeof SEND;

/** Messages main pushes to a subscribed renderer (webContents.send ↔ ipcRenderer.on). */
export const PUSH = {
  terminalChunk: 'clawmedic:terminal-chunk',
  event: 'clawmedic:event',
} as const;

export type InvokeChannel = (typeof INVOKE)[InvokeOp];
export type SendChannel = (typeof SEND)[SendOp];

/** Invoke operations whose answer is a Result: a rejected call answers `{ ok: false }` instead of throwing. */
export const RESULT_OPS: ReadonlySet<InvokeOp> = new Set<InvokeOp>(RESULT_METHODS);

const invokeByChannel = new Map<string, InvokeOp>(Object.entries(INVOKE).map(([op, ch]) => [ch, op as InvokeOp]));
const sendByChannel = new Map<string, SendOp>(Object.entries(SEND).map(([op, ch]) => [ch, op as SendOp]));

export function invokeOpFor(channel: string): InvokeOp | null {
  return invokeByChannel.get(channel) ?? null;
}

export function sendOpFor(channel: string): SendOp | null {
  return sendByChannel.get(channel) ?? null;
}
