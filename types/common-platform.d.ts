// What common/ may use of its host: the timers and abort signals that Node, Chromium's sandboxed preload
// and the browser all provide with the same meaning. Only common/tsconfig.json sees this file, so a use
// of anything else (fs, process, document, window) fails that check.
declare function setTimeout(handler: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
interface AbortSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
// UTF-8 encoding for the dashboard's binary terminal frames (common/ws-protocol.ts): the same classes in
// Node, Chromium and browsers.
declare class TextEncoder {
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
