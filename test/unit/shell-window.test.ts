// The app window's security and placement decisions: options, CSP, navigation, new windows, external
// links, permissions, the dev server switch, and remembered bounds that must never land off-screen.
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  decideNavigation,
  decidePermission,
  decideWindowOpen,
  devServerOrigin,
  MIN_HEIGHT,
  MIN_WIDTH,
  pageUrl,
  restoreBounds,
  safeExternalUrl,
  viewHash,
  windowOptions,
} from '../../main/shell/window-options.js';
import type { TrustedOrigins } from '../../main/shell/ipc-validate.js';

const packaged: TrustedOrigins = { devServerOrigin: null };
const dev: TrustedOrigins = { devServerOrigin: 'http://localhost:5173' };
const pageHref = 'clawmedic://app/index.html';

describe('window options', () => {
  it('turn on every isolation flag and name the preload', () => {
    const o = windowOptions({ preloadPath: '/app/dist/preload/preload.cjs', bounds: null, devTools: false });
    expect(o.webPreferences).toMatchObject({
      preload: '/app/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      devTools: false,
    });
    expect(o).toMatchObject({ show: false, minWidth: MIN_WIDTH, minHeight: MIN_HEIGHT, center: true });
  });

  it('use restored bounds when given', () => {
    const o = windowOptions({
      preloadPath: '/p.cjs',
      bounds: { x: 10, y: 40, width: 900, height: 600 },
      devTools: true,
    });
    expect(o).toMatchObject({ x: 10, y: 40, width: 900, height: 600 });
    expect(o.center).toBeUndefined();
  });
});

describe('remembered bounds', () => {
  const laptop = { x: 0, y: 25, width: 1440, height: 875 };
  const external = { x: 1440, y: 0, width: 2560, height: 1415 };

  it('are kept when they fit on a screen', () => {
    expect(restoreBounds({ x: 100, y: 100, width: 1000, height: 700 }, [laptop])).toEqual({
      x: 100,
      y: 100,
      width: 1000,
      height: 700,
    });
    expect(restoreBounds({ x: 2000, y: 200, width: 1200, height: 800 }, [laptop, external])).toEqual({
      x: 2000,
      y: 200,
      width: 1200,
      height: 800,
    });
  });

  it('are dropped when the screen they were on is gone (the window opens centred)', () => {
    expect(restoreBounds({ x: 2000, y: 200, width: 1200, height: 800 }, [laptop])).toBeNull();
    expect(restoreBounds({ x: -5000, y: -5000, width: 900, height: 600 }, [laptop])).toBeNull();
  });

  it('are pulled fully onto the screen, title bar included, and shrunk to fit', () => {
    // Title bar under the menu bar, right edge past the screen.
    expect(restoreBounds({ x: 900, y: 0, width: 1000, height: 700 }, [laptop])).toEqual({
      x: 440,
      y: 25,
      width: 1000,
      height: 700,
    });
    // Bigger than the screen.
    expect(restoreBounds({ x: 0, y: 25, width: 3000, height: 2000 }, [laptop])).toEqual({
      x: 0,
      y: 25,
      width: 1440,
      height: 875,
    });
  });

  it('go to the screen that shows most of the window', () => {
    const r = restoreBounds({ x: 1300, y: 100, width: 1000, height: 700 }, [laptop, external]);
    expect(r).toEqual({ x: 1440, y: 100, width: 1000, height: 700 });
  });

  it('reject anything malformed or below the minimum size', () => {
    for (const bad of [
      null,
      undefined,
      'x',
      42,
      {},
      { x: 0, y: 0, width: 'big', height: 700 },
      { x: NaN, y: 0, width: 900, height: 700 },
      { x: 0, y: 0, width: Infinity, height: 700 },
      { x: 0, y: 30, width: MIN_WIDTH - 1, height: 700 },
      { x: 0, y: 30, width: 900, height: 10 },
    ]) {
      expect(restoreBounds(bad, [laptop]), JSON.stringify(bad)).toBeNull();
    }
    expect(restoreBounds({ x: 10.4, y: 30.6, width: 900.2, height: 700.7 }, [laptop])).toEqual({
      x: 10,
      y: 31,
      width: 900,
      height: 701,
    });
  });
});

describe('content security policy', () => {
  it('allows only our own scripts, no remote content, no framing, no plugins', () => {
    const csp = contentSecurityPolicy(null);
    const directives = Object.fromEntries(
      csp.split('; ').map((d): [string, string] => [d.split(' ')[0]!, d.split(' ').slice(1).join(' ')]),
    );
    expect(directives).toMatchObject({
      'default-src': "'none'",
      'script-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(csp).not.toMatch(/unsafe-eval|\*|http:|https:/);
    expect(directives['script-src']).not.toContain('unsafe-inline');
  });

  it('adds the dev server (and its WebSocket) only in development', () => {
    const csp = contentSecurityPolicy('http://localhost:5173');
    expect(csp).toContain("script-src 'self' http://localhost:5173");
    expect(csp).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173");
  });
});

describe('page URL and navigation', () => {
  it('loads the built page (or the dev server) with the view in the hash the renderer routes on', () => {
    expect(pageUrl(packaged, { name: 'terminal' })).toBe(`${pageHref}#/live`);
    expect(pageUrl(packaged, { name: 'incidents', id: '20250601T1155-abc' })).toBe(
      `${pageHref}#/incidents/20250601T1155-abc`,
    );
    expect(pageUrl(dev, { name: 'settings' })).toBe('http://localhost:5173/#/settings');
    expect(viewHash({ name: 'incidents' })).toBe('/incidents');
    expect(viewHash({ name: 'overview' })).toBe('/');
  });

  it('denies navigation anywhere but our own page', () => {
    expect(decideNavigation(`${pageHref}#/settings`, packaged)).toBe('allow');
    expect(decideNavigation('https://example.com/', packaged)).toBe('deny');
    expect(decideNavigation('file:///etc/passwd', packaged)).toBe('deny');
    expect(decideNavigation(pathToFileURL('/tmp/index.html').href, packaged)).toBe('deny');
    expect(decideNavigation('clawmedic://app/other.html', packaged)).toBe('deny');
    expect(decideNavigation('clawmedic://elsewhere/index.html', packaged)).toBe('deny');
    expect(decideNavigation('http://localhost:5173/', packaged)).toBe('deny');
    expect(decideNavigation('http://localhost:5173/#/live', dev)).toBe('allow');
    expect(decideNavigation('http://localhost:5174/', dev)).toBe('deny');
    expect(decideNavigation('javascript:alert(1)', packaged)).toBe('deny');
    expect(decideNavigation('not a url', packaged)).toBe('deny');
  });

  it('never opens a window; http(s) links go to the browser through the checked handler', () => {
    expect(decideWindowOpen('https://docs.openclaw.ai/gateway')).toEqual({
      action: 'deny',
      openExternal: 'https://docs.openclaw.ai/gateway',
    });
    expect(decideWindowOpen('http://127.0.0.1:18789/')).toEqual({
      action: 'deny',
      openExternal: 'http://127.0.0.1:18789/',
    });
    for (const bad of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'x-apple.systempreferences:',
      'https://user:pw@evil.example/',
      'https://',
      '',
    ]) {
      expect(decideWindowOpen(bad), bad).toEqual({ action: 'deny', openExternal: null });
    }
  });

  it('safeExternalUrl refuses non-strings and absurdly long URLs', () => {
    expect(safeExternalUrl(42)).toBeNull();
    expect(safeExternalUrl(`https://a.example/${'x'.repeat(5000)}`)).toBeNull();
  });
});

describe('permissions', () => {
  it('grant clipboard writes to our page only, and nothing else to anyone', () => {
    expect(decidePermission('clipboard-sanitized-write', pageHref, packaged)).toBe(true);
    expect(decidePermission('clipboard-sanitized-write', 'https://example.com/', packaged)).toBe(false);
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
      'fullscreen',
      'unknown',
    ]) {
      expect(decidePermission(p, pageHref, packaged), p).toBe(false);
    }
  });
});

describe('dev server switch', () => {
  it('accepts a loopback http origin in an unpackaged app only', () => {
    expect(devServerOrigin(undefined, false)).toEqual({ origin: null, ignored: null });
    expect(devServerOrigin('http://localhost:5173/', false)).toEqual({
      origin: 'http://localhost:5173',
      ignored: null,
    });
    expect(devServerOrigin('http://127.0.0.1:5173', false).origin).toBe('http://127.0.0.1:5173');
    expect(devServerOrigin('http://localhost:5173', true)).toMatchObject({
      origin: null,
      ignored: expect.stringContaining('packaged') as unknown,
    });
    expect(devServerOrigin('http://evil.example:5173', false)).toMatchObject({
      origin: null,
      ignored: expect.stringContaining('localhost') as unknown,
    });
    expect(devServerOrigin('https://localhost:5173', false).origin).toBeNull();
    expect(devServerOrigin('nonsense', false)).toMatchObject({
      origin: null,
      ignored: expect.stringContaining('not a URL') as unknown,
    });
  });
});
