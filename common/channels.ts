// IPC channel names between the preload bridge and the main process, derived from the operation table:
// one channel per operation, never a generic send/invoke. Plain data: the preload bundle includes it.
import { operationsFor, OPERATIONS, type OperationName, type Streams } from './operations.js';

const PREFIX = 'clawmedic:';

/** The channel of an operation (ipcRenderer.invoke ↔ ipcMain.handle for calls, send ↔ on for sends). */
export function channelOf(name: OperationName): string {
  return `${PREFIX}${name}`;
}

export type StreamName = keyof Streams;

/** Per stream: the renderer subscribes and unsubscribes (send), main pushes on `push`. */
export function streamChannels(stream: StreamName): { subscribe: string; unsubscribe: string; push: string } {
  return {
    subscribe: `${PREFIX}${stream}:subscribe`,
    unsubscribe: `${PREFIX}${stream}:unsubscribe`,
    push: `${PREFIX}${stream}:push`,
  };
}

export const STREAMS: readonly StreamName[] = ['terminal', 'events'];

/** The operations the IPC bridge offers, with their kind (so main knows handle vs on). */
export function ipcOperations(): { name: OperationName; channel: string; kind: 'call' | 'send' }[] {
  return operationsFor('ipc').map((name) => ({ name, channel: channelOf(name), kind: OPERATIONS[name].kind }));
}

const byChannel = new Map<string, OperationName>(operationsFor('ipc').map((n) => [channelOf(n), n]));

/** The operation a channel carries, or null for anything else. */
export function operationOfChannel(channel: string): OperationName | null {
  return byChannel.get(channel) ?? null;
}
