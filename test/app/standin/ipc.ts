// Stand-in for Electron's ipcMain. Messages come from the real page (through the preload's ipcRenderer
// and the window host) with the sending frame's real URL, so the app's own sender checks run on what
// Chromium says the page is. Errors and missing handlers read as Electron's.
import { EventEmitter } from 'node:events';
import type { FrameInfo } from './wire.js';

type Sender = EventEmitter & { id: number; send(channel: string, ...args: unknown[]): void };
type Handler = (event: unknown, ...args: unknown[]) => unknown;

/** A WebFrameMain-like view of the sending frame. */
function senderFrame(frame: FrameInfo) {
  const origin = originOf(frame.url);
  const main = { url: frame.url, parent: null, top: null as unknown, origin, routingId: 1, processId: 1 };
  main.top = main;
  if (frame.isMainFrame) return main;
  return { url: frame.url, parent: main, top: main, origin, routingId: 2, processId: 1 };
}

function frameId(frame: FrameInfo): number {
  return frame.isMainFrame ? 1 : 2;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    // An unparsable URL has no origin; Electron reports an empty one.
    return '';
  }
}

export class StandinIpcMain extends EventEmitter {
  private readonly handlers = new Map<string, Handler>();

  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }

  handleOnce(channel: string, handler: Handler): void {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel);
      return handler(event, ...args);
    });
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** ipcRenderer.invoke from a page. */
  async invokeFrom(sender: Sender, frame: FrameInfo, channel: string, args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) {
      throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    }
    const event = { type: 'frame', sender, senderFrame: senderFrame(frame), frameId: frameId(frame), processId: 1 };
    try {
      return await handler(event, ...args);
    } catch (err) {
      throw new Error(`Error invoking remote method '${channel}': ${String(err)}`, { cause: err });
    }
  }

  /** ipcRenderer.send from a page. */
  sendFrom(sender: Sender, frame: FrameInfo, channel: string, args: unknown[]): void {
    const event = {
      type: 'frame',
      sender,
      senderFrame: senderFrame(frame),
      frameId: frameId(frame),
      processId: 1,
      returnValue: undefined as unknown,
      reply: (ch: string, ...a: unknown[]) => sender.send(ch, ...a),
    };
    this.emit(channel, event, ...args);
  }
}

export const ipcMain = new StandinIpcMain();
