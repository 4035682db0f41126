// Module resolution hooks (registered by register.ts, run on Node's loader thread): the bare specifier
// `electron`, from the app or from electron-store alike, resolves to the stand-in; `node-pty`, imported
// from the app copy, resolves to the macOS wrapper when the harness asks for it.
import type { InitializeHook, ResolveHook } from 'node:module';

export interface HookData {
  electron: string;
  /** The mac-pty.js URL, or null to leave node-pty alone. */
  nodePty: string | null;
  /** file:// URL of the app copy, with a trailing slash. */
  appRoot: string;
}

let data: HookData | null = null;

export const initialize: InitializeHook<HookData> = (d) => {
  data = d;
};

export const resolve: ResolveHook = (specifier, context, nextResolve) => {
  if (data && (specifier === 'electron' || specifier === 'electron/main')) {
    return { url: data.electron, shortCircuit: true };
  }
  if (data?.nodePty && specifier === 'node-pty' && context.parentURL?.startsWith(data.appRoot)) {
    return { url: data.nodePty, shortCircuit: true };
  }
  return nextResolve(specifier, context);
};
