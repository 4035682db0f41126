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
