// The harness's own checks can fail: the Mac-like PATH really hides the tools (and the control really
// shows them), a missing @2x tray image is caught, the app's IPC sender check runs on the frame URL the
// page reports (a foreign one is refused, the page's own is served), a custom scheme maps onto a loadable
// origin and back, and the session's permission handlers are the app's.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { channelOf } from '../../common/channels.js';
import type { ClawMedicApi } from '../../common/operations.js';
import { useScenarios } from './harness/fixture.js';
import { LOGIN_TOOLS, MacEnv } from './harness/mac-env.js';
import { toAppUrl, toPageUrl } from './harness/window-host.js';

const start = useScenarios();

describe('the Mac-like environment', () => {
  let env: MacEnv | null = null;
  afterEach(() => {
    env?.cleanup();
    env = null;
  });

  it('tmux, openclaw and claude are found only through the login shell, the one /etc/passwd names', async () => {
    env = new MacEnv();
    const probe = await env.probe();
    for (const tool of LOGIN_TOOLS) {
      expect(probe.onAppPath[tool], `${tool} on the app's PATH`).toBeNull();
      expect(probe.throughLoginShell[tool]).toBe(path.join(env.brewBin, tool));
    }
    expect(probe.loginShell).toBe(env.shell);
  });

  it("with Homebrew's bin on the app's PATH (the control), the probe finds them there too", async () => {
    env = new MacEnv({ loginToolsOnAppPath: true });
    const probe = await env.probe();
    for (const tool of LOGIN_TOOLS) expect(probe.onAppPath[tool]).toBe(path.join(env.brewBin, tool));
  });
});

describe('the stand-in Electron', () => {
  it('fails a scenario whose tray image has no @2x sibling', async () => {
    const s = await start({
      prepare: (env) => rmSync(path.join(env.appDir, 'assets', 'tray', 'healthyTemplate@2x.png')),
    });
    const missing = /healthyTemplate\.png has no @2x sibling/;
    s.expectedProblems.push(missing);
    await s.waitTrayIcon('healthy');
    expect(s.records.problems()).toEqual([expect.stringMatching(missing)]);
  });

  it("hands the app the sending frame's URL: a foreign one is refused, the page's own is served", async () => {
    const s = await start();
    await s.waitTrayIcon('healthy');
    const after = s.records.seq;
    await s.clickTrayMenu('Settings…');
    const { id, page } = await s.shownWindow(after);
    const foreign = { url: 'https://example.com/index.html', isMainFrame: true };
    const refused = s.app.control.call('ipcInvoke', id, foreign, channelOf('getStatus'), []);
    await expect(refused).rejects.toThrow(/refused clawmedic:getStatus: .*https:\/\/example\.com is not trusted/);
    const own = await page.evaluate(async () => {
      const api = (window as unknown as { clawmedic: ClawMedicApi }).clawmedic;
      return (await api.getStatus()).state;
    });
    expect(own).toBe('healthy');
  });
});

describe('the window host', () => {
  it("maps the app's own scheme onto an origin Chromium loads, and the frame URL back", () => {
    const page = toPageUrl('clawmedic://app/index.html#/incidents/1', 4321);
    expect(page).toBe('http://app.clawmedic.localhost:4321/index.html#/incidents/1');
    expect(toAppUrl(page)).toBe('clawmedic://app/index.html#/incidents/1');
    const file = 'file:///Applications/ClawMedic.app/Contents/Resources/app/dist/renderer/index.html#/live';
    expect(toPageUrl(file, 4321)).toBe(file);
    expect(toAppUrl(file)).toBe(file);
    expect(toAppUrl('http://127.0.0.1:5173/#/live')).toBe('http://127.0.0.1:5173/#/live');
  });

  it("asks the app's permission handlers: its page may write the clipboard, nothing else, no one else", async () => {
    const s = await start();
    await s.waitTrayIcon('healthy');
    const after = s.records.seq;
    await s.clickTrayMenu('Incidents…');
    const { id, page } = await s.shownWindow(after);
    const ask = (permission: string, url: string) => s.app.control.call('permission', id, 'request', permission, url);
    const own = toAppUrl(page.url());
    expect(await ask('clipboard-sanitized-write', own)).toBe(true);
    expect(await ask('geolocation', own)).toBe(false);
    expect(await ask('clipboard-sanitized-write', 'https://example.com/')).toBe(false);
  });
});
