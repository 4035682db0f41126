// The app's windows, for real: each stand-in BrowserWindow is a page of one Chromium (Debian's, driven by
// playwright-core, fresh user-data dir = Electron's default session) that loads the built renderer the
// way the app asks for it:
//   - file:// URLs load as files (Chromium needs --allow-file-access-from-files for the module script);
//   - a custom scheme (clawmedic://app/index.html) is mapped onto an origin Chromium can load,
//     http://app.clawmedic.localhost:<port>/index.html, whose every request is routed to the handler the app
//     registered with protocol.handle; frame URLs are mapped back, so the app sees its own scheme. The port
//     is one the host holds (a loopback server that refuses everything), so nothing that slipped past the
//     routing could reach someone else's server.
// Every response for the app's own URLs also passes the session's onHeadersReceived listener, so the page
// runs under the CSP the app itself sends. The real preload bundle runs in each page (preload-shim.ts);
// its IPC goes to the stand-in ipcMain with the sending frame's URL, and pushes come back the same way.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Request, type Route } from 'playwright-core';
import type { RpcPeer } from '../standin/rpc.js';
import type { AppControl, HostControl, LoadResult, Methods, WindowOptionsSnapshot } from '../standin/wire.js';
import { DELIVER, IPC_BINDING, preloadInitScript } from './preload-shim.js';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** Headless and quiet (no background networking to fill logs with refused connections); file pages may load modules. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-file-access-from-files',
];

/** Schemes Chromium loads itself; any other scheme is the app's own and goes through its protocol handler. */
const CHROMIUM_SCHEMES = new Set(
  [...'http https file data blob about chrome devtools ws wss javascript'.split(' ')].map((s) => `${s}:`),
);
const MAPPED_HOST = /^(.+)\.([a-z][a-z0-9+-]*)\.localhost$/;

/** clawmedic://app/index.html#/live → http://app.clawmedic.localhost:<port>/index.html#/live (others unchanged). */
export function toPageUrl(appUrl: string, port: number): string {
  const u = new URL(appUrl);
  if (CHROMIUM_SCHEMES.has(u.protocol)) return appUrl;
  const origin = `http://${u.host || 'app'}.${u.protocol.slice(0, -1)}.localhost:${port}`;
  return `${origin}${u.pathname || '/'}${u.search}${u.hash}`;
}

/** The inverse of toPageUrl: what the app expects to see as the frame's URL. */
export function toAppUrl(pageUrl: string): string {
  let u: URL;
  try {
    u = new URL(pageUrl);
  } catch {
    // about:blank and the like pass through.
    return pageUrl;
  }
  const m = MAPPED_HOST.exec(u.hostname);
  if (u.protocol !== 'http:' || !m) return pageUrl;
  return `${m[2]}://${m[1]}${u.pathname}${u.search}${u.hash}`;
}

function withoutHash(url: string): string {
  return url.split('#')[0] ?? url;
}

/** Electron's webRequest resourceType for a Chromium request. */
function resourceType(req: Request, page: Page): string {
  switch (req.resourceType()) {
    case 'document':
      return req.frame() === page.mainFrame() ? 'mainFrame' : 'subFrame';
    case 'script':
    case 'stylesheet':
    case 'image':
    case 'font':
    case 'media':
      return req.resourceType();
    case 'xhr':
    case 'fetch':
      return 'xhr';
    case 'websocket':
      return 'webSocket';
    default:
      return 'other';
  }
}

/** Chromium's net error codes (net_error_list.h), as did-fail-load reports them. */
const NET_ERRORS: Record<string, number> = {
  ERR_FAILED: -2,
  ERR_ABORTED: -3,
  ERR_FILE_NOT_FOUND: -6,
  ERR_ACCESS_DENIED: -10,
  ERR_BLOCKED_BY_CLIENT: -20,
  ERR_BLOCKED_BY_RESPONSE: -27,
  ERR_CONNECTION_REFUSED: -102,
  ERR_NAME_NOT_RESOLVED: -105,
};

/** "net::ERR_FILE_NOT_FOUND at file:///…" → the error's name and Electron's code for it. */
function loadFailure(err: Error): { code: number; description: string } {
  const m = /net::(ERR_[A-Z_]+)/.exec(err.message);
  const description = m?.[1] ?? 'ERR_FAILED';
  return { code: NET_ERRORS[description] ?? NET_ERRORS.ERR_FAILED!, description };
}

/** What the preload shim's ipcRenderer hands the binding. */
interface IpcMessage {
  kind: 'invoke' | 'send';
  channel: string;
  args: unknown[];
}

export interface HostedWindow {
  id: number;
  page: Page;
  options: WindowOptionsSnapshot;
  /** Console errors and uncaught page errors (CSP violations land here too). */
  errors: string[];
  /** The page URL the host is loading itself (loadURL): not a navigation the page started. */
  loading: string | null;
  pushes: Promise<void>;
}

/** A response the app gave for one of its own URLs, as the page received it. */
export interface Served {
  window: number;
  url: string;
  status: number;
  headers: Record<string, string>;
}

/** The preload shim's delivery function in the page. */
type Deliver = (channel: string, args: unknown[]) => void;

export interface Push {
  window: number;
  channel: string;
  args: unknown[];
}

export class WindowHost implements Methods<HostControl> {
  readonly windows = new Map<number, HostedWindow>();
  /** Every webContents.send the app made, in order. */
  readonly pushes: Push[] = [];
  /** Every response the app served (its protocol handler or file://, after onHeadersReceived). */
  readonly served: Served[] = [];
  private app: RpcPeer<HostControl, AppControl> | null = null;

  private constructor(
    private readonly context: BrowserContext,
    private readonly userDataDir: string,
    /** Holds the mapped origins' port: answers 421 to anything that reaches it instead of the routing. */
    private readonly portHolder: http.Server,
    readonly outputDir: string,
  ) {}

  static async launch(outputDir: string): Promise<WindowHost> {
    const portHolder = http.createServer((_req, res) => res.writeHead(421).end('the app harness routes this origin'));
    await new Promise<void>((resolve) => portHolder.listen(0, '127.0.0.1', resolve));
    const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'cmapp-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: null,
      reducedMotion: 'reduce',
    });
    return new WindowHost(context, userDataDir, portHolder, outputDir);
  }

  private get port(): number {
    return (this.portHolder.address() as AddressInfo).port;
  }

  /** The app whose windows these are. */
  attach(app: RpcPeer<HostControl, AppControl>): void {
    this.app = app;
  }

  async openWindow(id: number, options: WindowOptionsSnapshot): Promise<void> {
    const page = await this.context.newPage();
    await page.setViewportSize({ width: options.width, height: options.height });
    const w: HostedWindow = { id, page, options, errors: [], loading: null, pushes: Promise.resolve() };
    this.windows.set(id, w);
    page.on('console', (m) => {
      if (m.type() === 'error') w.errors.push(m.text());
    });
    page.on('pageerror', (e) => w.errors.push(e.message));
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.app?.notify('navigated', id, toAppUrl(frame.url()));
    });
    await page.exposeBinding(IPC_BINDING, (source, msg: IpcMessage) => {
      const frame = { url: toAppUrl(source.frame.url()), isMainFrame: source.frame.parentFrame() === null };
      // Forwarded before any await, so messages reach the app in the order the page sent them.
      if (msg.kind === 'invoke') return this.call().call('ipcInvoke', id, frame, msg.channel, msg.args);
      this.call().notify('ipcSend', id, frame, msg.channel, msg.args);
      return undefined;
    });
    if (options.preload) {
      await page.addInitScript({ content: preloadInitScript(readFileSync(options.preload, 'utf8')) });
    }
    await page.route(
      () => true,
      (route) => this.route(w, route),
    );
  }

  async loadWindow(id: number, url: string): Promise<LoadResult> {
    const w = this.hosted(id);
    const target = toPageUrl(url, this.port);
    const current = w.page.url();
    const hash = new URL(target).hash;
    if (withoutHash(current) === withoutHash(target) && hash && current !== target) {
      // Only the hash differs: an in-page navigation (hashchange), as Electron does it.
      await w.page.evaluate((h) => {
        location.hash = h;
      }, hash);
      return { ok: true, inPage: true };
    }
    w.loading = withoutHash(target);
    try {
      await w.page.goto(target, { waitUntil: 'load' });
      return { ok: true, inPage: false };
    } catch (err) {
      return { ok: false, ...loadFailure(err as Error) };
    } finally {
      w.loading = null;
    }
  }

  pushToWindow(id: number, channel: string, args: unknown[]): void {
    this.pushes.push({ window: id, channel, args });
    const w = this.windows.get(id);
    if (!w) return;
    // One at a time, in order; a push to a page that is navigating away is lost, as in Electron.
    w.pushes = w.pushes
      .then(() =>
        w.page.evaluate(([fn, c, a]) => (window as unknown as Record<string, Deliver | undefined>)[fn]?.(c, a), [
          DELIVER,
          channel,
          args,
        ] as const),
      )
      .catch(() => undefined);
  }

  async closeWindow(id: number): Promise<void> {
    const w = this.windows.get(id);
    this.windows.delete(id);
    await w?.page.close().catch(() => undefined);
  }

  /** The newest open window. */
  latest(): HostedWindow {
    const w = [...this.windows.values()].at(-1);
    if (!w) throw new Error('the app has no window open');
    return w;
  }

  hosted(id: number): HostedWindow {
    const w = this.windows.get(id);
    if (!w) throw new Error(`window ${id} is not open`);
    return w;
  }

  /** Saves a screenshot of a window's page as <outputDir>/<name>.png. */
  async screenshot(name: string, id?: number): Promise<string> {
    const w = id === undefined ? this.latest() : this.hosted(id);
    await mkdir(this.outputDir, { recursive: true });
    const file = path.join(this.outputDir, `${name}.png`);
    await w.page.screenshot({ path: file });
    return file;
  }

  /** The app is gone: its windows go with it. */
  async appEnded(): Promise<void> {
    this.app = null;
    await Promise.all([...this.windows.keys()].map((id) => this.closeWindow(id)));
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await new Promise((resolve) => this.portHolder.close(resolve));
    rmSync(this.userDataDir, { recursive: true, force: true });
  }

  private call(): RpcPeer<HostControl, AppControl> {
    if (!this.app) throw new Error('the app is gone');
    return this.app;
  }

  private async route(w: HostedWindow, route: Route): Promise<void> {
    const req = route.request();
    const url = req.url();
    const appUrl = toAppUrl(url);
    try {
      const topLevel = req.isNavigationRequest() && req.frame() === w.page.mainFrame();
      if (topLevel && w.loading !== withoutHash(url)) {
        // The page navigates by itself (not loadURL): Electron asks will-navigate first.
        const { prevented } = await this.call().call('willNavigate', w.id, appUrl);
        if (prevented) return await route.abort('aborted');
      }
      if (appUrl === url && !url.startsWith('file:')) return await route.fallback();
      const res = await this.call().call('serve', w.id, {
        url: appUrl,
        method: req.method(),
        headers: req.headers(),
        resourceType: resourceType(req, w.page),
      });
      if (res.kind === 'fallback') return await route.fallback();
      if (res.kind === 'abort') return await route.abort(res.reason);
      this.served.push({ window: w.id, url: appUrl, status: res.status, headers: res.headers });
      await route.fulfill({ status: res.status, headers: res.headers, body: Buffer.from(res.body) });
    } catch (err) {
      w.errors.push(`harness: serving ${appUrl} failed: ${(err as Error).message}`);
      await route.abort('failed').catch(() => undefined);
    }
  }
}
