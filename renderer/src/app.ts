// The window: a toolbar (views, the gateway's condition), banners for what needs the user, and the views.
// Views are built once and kept, so the live terminal and an unsaved settings form survive tab switches.
// The first view is the Overview; a window opened while the doctor works shows its live session instead.
import type { EngineEvent, StatusSnapshot } from '../../common/contract.js';
import type { ClawMedicApi } from '../../common/operations.js';
import { describeCondition } from '../../common/status-words.js';
import type { Ctx, View } from './context.js';
import { parseRoute, type Route } from './route.js';
import type { DashboardClient } from './transport/ws-client.js';
import { h, icon, replaceChildren } from './ui/dom.js';
import { mountToasts, toast } from './ui/toast.js';
import { createLiveView } from './views/live.js';
import { createIncidentsView } from './views/incidents.js';
import { codeSpans, createOverviewView } from './views/overview.js';
import { createSettingsView } from './views/settings.js';

// 150 ms: bursts of engine events (state + check + incident) collapse into one status read.
const STATUS_COALESCE_MS = 150;
// 1 s: the pill's "4 min left" and the condition's ages count down while nothing else changes.
const PILL_TICK_MS = 1_000;
// 5 s: how long a link to a setting waits for the settings form to load before it gives up on focusing it.
const FIELD_WAIT_MS = 5_000;

const TITLES: Record<Route, string> = {
  overview: 'Overview',
  live: 'Live terminal',
  incidents: 'Incidents',
  settings: 'Settings',
};

export function startApp(root: HTMLElement, api: ClawMedicApi, client: DashboardClient | null): void {
  let status: StatusSnapshot | null = null;
  let readOnly = client ? client.connection().readOnly : false;
  // A dashboard is "connected" once it heard the watcher; losing it afterwards makes the state unknown.
  let connected = !client;
  let everConnected = !client;
  const statusListeners = new Set<(s: StatusSnapshot | null) => void>();
  const eventListeners = new Set<(e: EngineEvent) => void>();
  const readOnlyListeners = new Set<(r: boolean) => void>();
  const connectionListeners = new Set<(c: boolean) => void>();
  let statusTimer: ReturnType<typeof setTimeout> | null = null;

  const loadStatus = async () => {
    try {
      status = await api.getStatus();
    } catch (err) {
      // Keep showing the last status; the connection banner explains a lost connection.
      if (!client) toast(`Could not read the status: ${(err as Error).message}`, 'error');
      return;
    }
    for (const l of [...statusListeners]) l(status);
  };

  const subscribe = <T>(set: Set<T>, fn: T) => {
    set.add(fn);
    return () => set.delete(fn);
  };
  const ctx: Ctx = {
    api,
    readOnly: () => readOnly,
    status: () => status,
    onStatus: (fn) => subscribe(statusListeners, fn),
    refreshStatus() {
      if (statusTimer) return;
      statusTimer = setTimeout(() => {
        statusTimer = null;
        void loadStatus();
      }, STATUS_COALESCE_MS);
    },
    onEvent: (fn) => subscribe(eventListeners, fn),
    onReadOnly: (fn) => subscribe(readOnlyListeners, fn),
    connected: () => connected || !everConnected,
    onConnection: (fn) => subscribe(connectionListeners, fn),
    navigate(hash) {
      if (location.hash !== hash) location.hash = hash;
      else route();
    },
    now: () => Date.now(),
  };

  // ---- toolbar -------------------------------------------------------------------------------
  const tab = (r: Route, href: string, iconName: string) =>
    h('a', { href, class: 'tab', 'data-route': r }, icon(iconName), h('span', { class: 'tab-label' }, TITLES[r]));
  const tabs: Record<Route, HTMLAnchorElement> = {
    overview: tab('overview', '#/', 'pulse'),
    live: tab('live', '#/live', 'terminal'),
    incidents: tab('incidents', '#/incidents', 'list'),
    settings: tab('settings', '#/settings', 'gear'),
  };
  const liveDot = h('span', { class: 'live-dot', hidden: true, 'aria-label': 'a session is running' });
  tabs.live.append(liveDot);
  const pillGlyph = h('span', { class: 'glyph', 'aria-hidden': 'true' });
  const pillText = h('span', { class: 'pill-text' }, 'Connecting…');
  const pill = h('div', { class: 'state-pill tone-idle', role: 'status', 'aria-live': 'polite' }, pillGlyph, pillText);
  const roBadge = h(
    'span',
    { class: 'badge badge-ro', title: 'Started without --allow-input: you can watch, not change.', hidden: true },
    'Read-only',
  );
  const toolbar = h(
    'header',
    { class: 'toolbar' },
    h(
      'div',
      { class: 'brand' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
      h('span', { class: 'brand-name' }, 'ClawMedic'),
    ),
    h('nav', { class: 'tabs', 'aria-label': 'Views' }, tabs.overview, tabs.live, tabs.incidents, tabs.settings),
    h('div', { class: 'toolbar-end' }, roBadge, pill),
  );
  const banners = h('div', { class: 'banners' });
  const connBanner = h('div', { class: 'banner banner-warn', role: 'alert', hidden: true });
  const settingsBanner = h('div', { class: 'banner banner-bad', role: 'alert', hidden: true });
  banners.append(connBanner, settingsBanner);
  const main = h('main', { class: 'views' });
  root.append(toolbar, banners, main);
  mountToasts(root);

  const renderPill = () => {
    const c = describeCondition(status, Date.now(), ctx.connected());
    pill.className = `state-pill tone-${c.tone}`;
    pill.title = `${c.headline.replace(/`/g, '')}: ${c.detail}`;
    replaceChildren(pillText, ...codeSpans(c.headline));
    liveDot.hidden = !status?.doctor;
  };
  const renderSettingsBanner = () => {
    replaceChildren(settingsBanner);
    const first = status?.settingsProblems[0];
    if (first) {
      settingsBanner.hidden = false;
      settingsBanner.append(
        h('strong', null, 'The settings file has problems. '),
        `ClawMedic keeps using the last valid settings. First: ${first.path}: ${first.message} `,
        h('a', { href: `#/settings/${encodeURIComponent(first.path)}` }, 'Open settings'),
      );
    } else settingsBanner.hidden = true;
  };
  statusListeners.add(() => {
    renderPill();
    renderSettingsBanner();
  });
  setInterval(renderPill, PILL_TICK_MS);

  const setReadOnly = (r: boolean) => {
    readOnly = r;
    roBadge.hidden = !r;
    for (const l of [...readOnlyListeners]) l(r);
  };

  if (client) {
    client.onConnection((c) => {
      if (c.readOnly !== readOnly) setReadOnly(c.readOnly);
      connBanner.hidden = c.message === null;
      connBanner.textContent = c.message ?? '';
      const now = c.state === 'open';
      if (now) everConnected = true;
      if (now !== connected) {
        connected = now;
        renderPill();
        for (const l of [...connectionListeners]) l(ctx.connected());
      }
      if (now) void loadStatus();
    });
    client.onNotice((m) => toast(m, 'error'));
    setReadOnly(readOnly);
  }

  api.onEvent((e) => {
    for (const l of [...eventListeners]) l(e);
    if (e.type === 'notification-failed') toast(`Notification via ${e.channel} failed: ${e.detail}`, 'error');
    ctx.refreshStatus();
  });

  // ---- views ---------------------------------------------------------------------------------
  const views: Record<Route, View> = {
    overview: createOverviewView(ctx),
    live: createLiveView(ctx),
    incidents: createIncidentsView(ctx),
    settings: createSettingsView(ctx),
  };
  for (const v of Object.values(views)) {
    v.el.hidden = true;
    main.appendChild(v.el);
  }
  let current: Route | null = null;
  let fieldWait: (() => void) | null = null;
  const route = () => {
    const { route: r, arg } = parseRoute(location.hash);
    fieldWait?.();
    fieldWait = null;
    if (current && current !== r) {
      views[current].hide();
      views[current].el.hidden = true;
    }
    for (const [name, t] of Object.entries(tabs)) {
      if (name === r) t.setAttribute('aria-current', 'page');
      else t.removeAttribute('aria-current');
    }
    current = r;
    views[r].el.hidden = false;
    views[r].show(arg);
    if (r === 'settings' && arg) fieldWait = focusField(views.settings.el, arg);
    document.title = `ClawMedic · ${TITLES[r]}`;
  };
  window.addEventListener('hashchange', route);
  route();
  // A window opened while the doctor works shows the session (unless a view was asked for by its URL).
  const asked = location.hash !== '';
  void loadStatus().then(() => {
    if (!asked && current === 'overview' && status?.doctor) ctx.navigate('#/live');
  });
}

/**
 * Scrolls to the settings field of a key path and focuses it, once the form has it (it loads asynchronously); a
 * key without a field of its own (`notify.channels`) goes to the nearest one under it. Returns a canceller.
 */
function focusField(host: HTMLElement, path: string): () => void {
  const find = (): HTMLElement | null => {
    const esc = (p: string) => CSS.escape(p);
    const exact = host.querySelector<HTMLElement>(`[data-field="${esc(path)}"]`);
    if (exact) return exact;
    for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
      const under = host.querySelector<HTMLElement>(`[data-field^="${esc(p)}."]`);
      if (under) return under;
    }
    return null;
  };
  const go = (row: HTMLElement) => {
    // A profile or channel folded away: open it so the field can be seen.
    for (let d = row.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
    row.scrollIntoView({ block: 'center' });
    row.classList.add('flash');
    row.querySelector<HTMLElement>('input, select, textarea, button')?.focus({ preventScroll: true });
  };
  const now = find();
  if (now) {
    go(now);
    return () => undefined;
  }
  const observer = new MutationObserver(() => {
    const row = find();
    if (!row) return;
    stop();
    go(row);
  });
  const timer = setTimeout(() => stop(), FIELD_WAIT_MS);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
  };
  observer.observe(host, { childList: true, subtree: true });
  return stop;
}
