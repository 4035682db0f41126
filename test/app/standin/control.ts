// The stand-in's end of the channel to the app harness: records go out, the harness's calls come in and
// are answered by whichever stand-in module provided them, and the stand-in calls the window host.
import { asError, RpcPeer } from './rpc.js';
import type { AppControl, HostControl, Methods, RecordType, RecordTypes, WireMessage } from './wire.js';

if (!process.send) {
  throw new Error('The Electron stand-in runs only as a child of the app harness (test/app), over its IPC channel.');
}
const send: NonNullable<typeof process.send> = process.send.bind(process);

const local: Partial<Methods<AppControl>> = {};
let seq = 0;

const peer = new RpcPeer<AppControl, HostControl>(
  // A failed write means the harness is gone; 'disconnect' below ends the app, so the error only needs
  // to be kept from becoming an uncaught exception here.
  (m) => void send(m, undefined, {}, () => undefined),
  local,
  () => undefined,
  (method, err) => problem(`the harness's ${method} failed in the stand-in: ${err.message}`),
);
process.on('message', (m) => peer.receive(m as WireMessage));
// The harness is gone (the test ended or crashed): a real app would be killed with it.
process.on('disconnect', () => process.exit(70));

/** Makes `part` of the harness's API answerable (each stand-in module provides its own methods). */
export function provide(part: Partial<Methods<AppControl>>): void {
  Object.assign(local, part);
}

/** The window host in the test process. */
export const host = {
  call: peer.call.bind(peer),
  notify: peer.notify.bind(peer),
};

export function record<T extends RecordType>(type: T, data: RecordTypes[T]): void {
  peer.record({ seq: ++seq, type, ...data } as never);
}

export function problem(message: string): void {
  record('problem', { message });
  console.error(`[electron stand-in] problem: ${message}`);
}

export function note(message: string): void {
  record('note', { message });
}

/** Records, and resolves once that record (so everything before it) is written to the channel: before exiting. */
export function recordFlushed<T extends RecordType>(type: T, data: RecordTypes[T]): Promise<void> {
  return new Promise((resolve) => {
    send({ kind: 'record', record: { seq: ++seq, type, ...data } as never }, undefined, {}, () => resolve());
  });
}

export { asError };

/** An Electron-style event object whose preventDefault() is remembered. */
export interface PreventableEvent {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
}

export function preventable(): PreventableEvent {
  let prevented = false;
  return {
    preventDefault: () => {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}
