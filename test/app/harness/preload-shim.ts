// The init script that runs the app's real preload bundle (dist/preload/preload.cjs) in a Chromium page the
// way Electron's sandboxed preload runs: top frame only, before the page's own scripts, with `require`
// answering only 'electron' — a contextBridge whose exposeInMainWorld defines the global, and an
// ipcRenderer whose invoke/send go to the harness (a Playwright binding) and whose listeners receive what
// main pushes with webContents.send.

/** The Playwright binding the shim calls: (message) → the answer of an invoke. */
export const IPC_BINDING = '__clawmedicStandinIpc';
/** The page function the host calls to deliver a push: (channel, args). */
export const DELIVER = '__clawmedicStandinDeliver';

export function preloadInitScript(preloadSource: string): string {
  const runtime = `
  if (window.top !== window) return;
  const toMain = window[${JSON.stringify(IPC_BINDING)}];
  const listeners = new Map();
  const ipcRenderer = {
    invoke: (channel, ...args) => toMain({ kind: 'invoke', channel, args }),
    send: (channel, ...args) => { void toMain({ kind: 'send', channel, args }); },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
      return ipcRenderer;
    },
    once(channel, listener) {
      const once = (...a) => { ipcRenderer.removeListener(channel, once); listener(...a); };
      return ipcRenderer.on(channel, once);
    },
    removeListener(channel, listener) { listeners.get(channel)?.delete(listener); return ipcRenderer; },
    off(channel, listener) { return ipcRenderer.removeListener(channel, listener); },
    removeAllListeners(channel) { listeners.delete(channel); return ipcRenderer; },
  };
  Object.defineProperty(window, ${JSON.stringify(DELIVER)}, {
    value: (channel, args) => {
      for (const l of [...(listeners.get(channel) || [])]) l({ sender: ipcRenderer, ports: [] }, ...args);
    },
  });
  const contextBridge = {
    exposeInMainWorld(key, api) {
      Object.defineProperty(window, key, { value: Object.freeze({ ...api }), enumerable: true });
    },
  };
  const electron = { contextBridge, ipcRenderer };
  const require = (id) => {
    if (id === 'electron') return electron;
    throw new Error('a sandboxed preload can only require electron, not ' + id);
  };
  const module = { exports: {} };`;
  // The bundle is inlined, not eval'd: the page's CSP forbids eval, as Electron's would.
  const bundle = `  (function (require, module, exports) {\n${preloadSource}\n  })(require, module, module.exports);`;
  return `(() => {${runtime}\n${bundle}\n})();\n`;
}
