// The window: a toolbar (views, gateway state), banners for what needs the user, and the three views.
// Views are built once and kept, so the live terminal and an unsaved settings form survive tab switches.
import type { EngineEvent, StatusSnapshot } from '../../common/contract.js';
import type { ClawMedicApi } from '../../common/operations.js';
import type { Ctx, View } from './context.js';
import { parseRoute, type Route } from './route.js';
import type { DashboardClient } from './transport/ws-client.js';
import { h, icon, replaceChildren } from './ui/dom.js';
import { stateLabel, stateTone } from './ui/format.js';
import { mountToasts, toast } from './ui/toast.js';
import { createLiveView } from './views/live.js';
import { createIncidentsView } from './views/incidents.js';
import { createSettingsView } from './views/settings.js';

// 150 ms: bursts of engine events (state + check + incident) collapse into one status read.
const STATUS_COALESCE_MS = 150;

export function startApp(root: HTMLElement, api: ClawMedicApi, client: DashboardClient | null): void {
  let status: StatusSnapshot | null = null;
  let readOnly = client ? client.connection().readOnly : false;
  const statusListeners = new Set<(s: StatusSnapshot | null) => void>();
  const eventListeners = new Set<(e: EngineEvent) => void>();
  const readOnlyListeners = new Set<(r: boolean) => void>();
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

  const ctx: Ctx = {
    api,
    readOnly: () => readOnly,
    status: () => status,
    onStatus(fn) {
      statusListeners.add(fn);
      return () => statusListeners.delete(fn);
    },
    refreshStatus() {
      if (statusTimer) return;
      statusTimer = setTimeout(() => {
        statusTimer = null;
        void loadStatus();
      }, STATUS_COALESCE_MS);
    },
    onEvent(fn) {
      eventListeners.add(fn);
      return () => eventListeners.delete(fn);
    },
    onReadOnly(fn) {
      readOnlyListeners.add(fn);
      return () => readOnlyListeners.delete(fn);
    },
    navigate(hash) {
      if (location.hash !== hash) location.hash = hash;
      else route();
    },
    now: () => Date.now(),
  };

  // ---- toolbar -------------------------------------------------------------------------------
  const tabs: Record<Route, HTMLAnchorElement> = {
    live: h('a', { href: '#/live', class: 'tab' }, icon('terminal'), h('span', null, 'Live terminal')),
    incidents: h('a', { href: '#/incidents', class: 'tab' }, icon('list'), h('span', null, 'Incidents')),
    settings: h('a', { href: '#/settings', class: 'tab' }, icon('gear'), h('span', null, 'Settings')),
  };
  const pillGlyph = h('span', { class: 'glyph', 'aria-hidden': 'true' });
  const pillText = h('span', { class: 'pill-text' }, 'Connecting…');
  const pill = h('div', { class: 'state-pill tone-idle', role: 'status', 'aria-live': 'polite' }, pillGlyph, pillText);
  const roBadge = h('span', { class: 'badge badge-ro', title: 'Started without --allow-input: you can watch, not change.', hidden: true }, 'Read-only');
  const toolbar = h(
    'header',
    { class: 'toolbar' },
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { class: 'brand-name' }, 'ClawMedic')),
    h('nav', { class: 'tabs', 'aria-label': 'Views' }, tabs.live, tabs.incidents, tabs.settings),
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
    if (!status) return;
    const tone = stateTone(status.state);
    pill.className = `state-pill tone-${tone}`;
    pill.title = status.reason || stateLabel(status.state);
    pillText.textContent = `Gateway: ${stateLabel(status.state)}`;
    replaceChildren(settingsBanner);
    if (status.settingsProblems.length) {
      settingsBanner.hidden = false;
      settingsBanner.append(
        h('strong', null, 'The settings file has problems. '),
        `ClawMedic keeps using the last valid settings. First: ` + `${status.settingsProblems[0]!.path}: ` + `${status.settingsProblems[0]!.message} `,
        h('a', { href: '#/settings' }, 'Open settings'),
      );
    } else settingsBanner.hidden = true;
  };
  statusListeners.add(renderPill);

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
      if (c.state === 'open') void loadStatus();
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
    live: createLiveView(ctx),
    incidents: createIncidentsView(ctx),
    settings: createSettingsView(ctx),
  };
  for (const v of Object.values(views)) {
    v.el.hidden = true;
    main.appendChild(v.el);
  }
  let current: Route | null = null;
  const route = () => {
    const { route: r, arg } = parseRoute(location.hash);
    if (current && current !== r) {
      views[current].hide();
      views[current].el.hidden = true;
    }
    for (const [name, tab] of Object.entries(tabs)) {
      if (name === r) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    current = r;
    views[r].el.hidden = false;
    views[r].show(arg);
    document.title = `ClawMedic · ${r === 'live' ? 'Live terminal' : r === 'incidents' ? 'Incidents' : 'Settings'}`;
  };
  window.addEventListener('hashchange', route);
  route();
  void loadStatus();
}
