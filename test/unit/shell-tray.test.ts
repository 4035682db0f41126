// The tray model for every supervisor state, the Electron menu template built from it, and the
// controller that applies it (icon animation, click behaviour) driven with fakes.
import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { DoctorLive, Incident, StatusSnapshot, SupervisorState } from '../../common/contract.js';
import {
  formatSpan,
  incidentLine,
  tooltip,
  trayModel,
  type MenuItemModel,
  type TrayAction,
  type TrayInput,
} from '../../main/shell/tray-model.js';
import { menuTemplate } from '../../main/shell/tray-menu.js';
import { ANIMATION_FRAME_MS, TrayController } from '../../main/shell/tray-controller.js';
import { FakeClock } from '../helpers/fake-clock.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function status(state: SupervisorState, over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    state,
    since: ago(60),
    reason: '',
    lastCheck: {
      condition: 'healthy',
      health: {
        ok: true,
        kind: 'healthy',
        url: 'http://127.0.0.1:18789/healthz',
        status: 200,
        latencyMs: 3,
        detail: 'ok',
        at: ago(12),
      },
      failing: [],
      at: ago(12),
    },
    consecutiveFailures: 0,
    pausedUntil: null,
    openIncidentId: null,
    doctor: null,
    gatewayUrl: 'http://127.0.0.1:18789',
    settingsProblems: [],
    ...over,
  };
}

const doctor = (over: Partial<DoctorLive> = {}): DoctorLive => ({
  incidentId: 'inc-1',
  agent: 'claude',
  sessionName: 'clawmedic-inc-1',
  attachCommand: 'tmux -L clawmedic attach -t clawmedic-inc-1',
  startedAt: ago(180),
  deadline: ago(-1620),
  takenOver: false,
  needsApproval: false,
  ...over,
});

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: '20250601T115500000Z-abc123',
    trigger: 'health',
    startedAt: ago(300),
    endedAt: ago(240),
    outcome: 'recovered',
    resolvedBy: 'restart',
    agent: null,
    reportPath: null,
    transcriptPath: null,
    events: [],
    summary: 'connection refused on 127.0.0.1:18789 (refused, 3 checks)',
    restarts: 1,
    doctor: null,
    owner: { pid: 1, hostname: 'mac' },
    ...over,
  };
}

function input(s: StatusSnapshot, over: Partial<TrayInput> = {}): TrayInput {
  return { status: s, lastIncident: null, now: NOW, loginItem: { kind: 'ready', wanted: false }, ...over };
}

/** Labels of the items, with markers for disabled items, checkboxes and submenus, for readable asserts. */
function outline(items: MenuItemModel[]): string[] {
  return items.map((i) => {
    switch (i.kind) {
      case 'separator':
        return '---';
      case 'label':
        return `(${i.label})`;
      case 'action':
        return i.enabled ? i.label : `[off] ${i.label}`;
      case 'checkbox':
        return `[${i.checked ? 'x' : ' '}] ${i.label}`;
      case 'submenu':
        return `${i.enabled ? '' : '[off] '}${i.label} > ${outline(i.items).join(' | ')}`;
    }
  });
}

function find(items: MenuItemModel[], label: string): MenuItemModel | undefined {
  return items.find((i) => 'label' in i && i.label === label);
}

describe('tray model, state by state', () => {
  it('healthy: plain status, every control available, no Stop doctor, click opens the menu', () => {
    const m = trayModel(input(status('healthy')));
    expect(m.icon).toEqual({ name: 'healthy', frames: 1 });
    expect(m.tooltip).toBe('ClawMedic · Healthy · last checked 12 s ago');
    expect(outline(m.menu)).toEqual([
      '(Gateway healthy)',
      '---',
      '[off] Open live terminal',
      'Run health check now',
      'Restart gateway',
      'Start doctor now',
      '---',
      'Pause monitoring > For 1 hour | Until resumed',
      '---',
      'Incidents…',
      'Settings…',
      '[ ] Launch at login',
      '---',
      'Quit ClawMedic',
    ]);
    expect(m.click).toBe('menu');
  });

  it('starting: the checking icon and "starting" line, with the reason', () => {
    const m = trayModel(input(status('starting', { reason: 'gateway reports it is still starting', lastCheck: null })));
    expect(m.icon.name).toBe('checking');
    expect(m.tooltip).toBe('ClawMedic · Starting · not checked yet');
    expect(outline(m.menu).slice(0, 2)).toEqual(['(Gateway starting…)', '(gateway reports it is still starting)']);
  });

  it('degraded: names the failing channels', () => {
    const s = status('degraded', { reason: 'readyz: discord failing' });
    s.lastCheck!.failing = ['discord', 'browser'];
    const m = trayModel(input(s));
    expect(m.icon.name).toBe('degraded');
    expect(outline(m.menu)[0]).toBe('(Gateway degraded: discord, browser failing)');
  });

  it('failing: counts the failed checks, still the checking icon (nothing is done yet)', () => {
    const m = trayModel(
      input(status('failing', { consecutiveFailures: 2, reason: 'connection refused on 127.0.0.1:18789' })),
    );
    expect(m.icon.name).toBe('checking');
    expect(outline(m.menu).slice(0, 2)).toEqual([
      '(Gateway not answering (2 failed checks))',
      '(connection refused on 127.0.0.1:18789)',
    ]);
    expect(trayModel(input(status('failing', { consecutiveFailures: 1 }))).menu[0]).toEqual({
      kind: 'label',
      label: 'Gateway not answering (1 failed check)',
    });
  });

  it('restarting: animated icon; Restart and Start doctor are disabled while it runs', () => {
    const m = trayModel(input(status('restarting', { reason: 'restart attempt 1 of 2' })));
    expect(m.icon).toEqual({ name: 'restarting', frames: 4 });
    expect(outline(m.menu)).toContain('[off] Restart gateway');
    expect(outline(m.menu)).toContain('[off] Start doctor now');
    expect(outline(m.menu)).not.toContain('Stop doctor');
  });

  it(
    'recovering: doctor line with agent and time, terminal enabled, Stop ' + 'doctor shown, click opens the terminal',
    () => {
      const m = trayModel(input(status('recovering', { doctor: doctor() })));
      expect(m.icon).toEqual({ name: 'recovering', frames: 4 });
      expect(m.tooltip).toBe('ClawMedic · Doctor at work · last checked 12 s ago');
      const o = outline(m.menu);
      expect(o[0]).toBe('(Doctor at work (claude, 3 min))');
      expect(o).toContain('Open live terminal');
      expect(o).toContain('Stop doctor');
      expect(o).toContain('[off] Restart gateway');
      expect(o).toContain('[off] Start doctor now');
      expect(m.click).toEqual({ type: 'open-terminal' });
    },
  );

  it('recovering, waiting for approval: the attention icon and an explicit line', () => {
    const m = trayModel(input(status('recovering', { doctor: doctor({ needsApproval: true }) })));
    expect(m.icon).toEqual({ name: 'attention', frames: 1 });
    expect(m.tooltip).toContain('Doctor needs approval');
    expect(outline(m.menu)).toContain('Open live terminal (approval needed)');
    expect(outline(m.menu)[0]).toBe('(Doctor (claude) needs your approval)');
  });

  it('recovering, taken over: says the user has the keyboard', () => {
    const m = trayModel(input(status('recovering', { doctor: doctor({ takenOver: true }) })));
    expect(outline(m.menu)[0]).toBe('(You have the keyboard (doctor: claude))');
  });

  it('needs-attention: attention icon, the reason, controls available again', () => {
    const m = trayModel(input(status('needs-attention', { reason: 'restart limit reached (6 per hour)' })));
    expect(m.icon.name).toBe('attention');
    const o = outline(m.menu);
    expect(o.slice(0, 2)).toEqual(['(Needs your attention)', '(restart limit reached (6 per hour))']);
    expect(o).toContain('Restart gateway');
    expect(o).toContain('Start doctor now');
  });

  it('paused for an hour: says when it resumes and offers Resume instead of Pause', () => {
    const m = trayModel(
      input(status('paused', { pausedUntil: new Date(NOW + 42 * 60_000).toISOString(), reason: 'paused by user' })),
    );
    expect(m.icon.name).toBe('paused');
    const o = outline(m.menu);
    expect(o[0]).toBe('(Monitoring paused (resumes in 42 min))');
    expect(o[1]).toBe('---');
    expect(o).toContain('Resume monitoring');
    expect(o.some((l) => l.startsWith('Pause monitoring'))).toBe(false);
  });

  it('paused until resumed', () => {
    const m = trayModel(input(status('paused')));
    expect(outline(m.menu)[0]).toBe('(Monitoring paused until resumed)');
  });

  it('stopped: stopped icon; checks, restarts, doctor and pause are disabled', () => {
    const m = trayModel(input(status('stopped', { reason: 'quit' })));
    expect(m.icon.name).toBe('stopped');
    const o = outline(m.menu);
    expect(o).toContain('[off] Run health check now');
    expect(o).toContain('[off] Restart gateway');
    expect(o).toContain('[off] Start doctor now');
    expect(o).toContain('[off] Pause monitoring > For 1 hour | Until resumed');
    expect(o).toContain('Quit ClawMedic');
  });

  it('shows settings problems as a way into Settings', () => {
    const m = trayModel(
      input(status('healthy', { settingsProblems: [{ path: 'gateway.url', message: 'must be a URL' }] })),
    );
    expect(find(m.menu, 'Settings file has 1 problem…')).toMatchObject({ action: { type: 'open-settings' } });
  });

  it('Launch at login: checkbox reflects the setting, toggles it, and is hidden where unsupported', () => {
    const on = trayModel(input(status('healthy'), { loginItem: { kind: 'ready', wanted: true, status: 'enabled' } }));
    expect(find(on.menu, 'Launch at login')).toEqual({
      kind: 'checkbox',
      label: 'Launch at login',
      checked: true,
      enabled: true,
      action: { type: 'set-launch-at-login', enabled: false },
    });
    expect(find(on.menu, 'Allow in System Settings › Login Items…')).toBeUndefined();
    const linux = trayModel(input(status('healthy'), { loginItem: { kind: 'unsupported' } }));
    expect(outline(linux.menu).some((l) => l.includes('Launch at login'))).toBe(false);
  });

  it('Launch at login waiting for approval (macOS 13+) offers the way to System Settings', () => {
    const m = trayModel(
      input(status('healthy'), { loginItem: { kind: 'ready', wanted: true, status: 'requires-approval' } }),
    );
    expect(find(m.menu, 'Allow in System Settings › Login Items…')).toMatchObject({
      kind: 'action',
      action: { type: 'open-login-items' },
      enabled: true,
    });
  });

  it('Launch at login from a checkout is shown but cannot be switched on (it would register Electron.app)', () => {
    const m = trayModel(input(status('healthy'), { loginItem: { kind: 'unpackaged' } }));
    expect(find(m.menu, 'Launch at login (installed app only)')).toMatchObject({ kind: 'checkbox', enabled: false });
  });

  it('before the engine runs: the checking icon, what is happening, and Quit', () => {
    const m = trayModel(input(status('healthy'), { startingUp: 'Reading your login shell…' }));
    expect(m.icon).toEqual({ name: 'checking', frames: 1 });
    expect(outline(m.menu)).toEqual(['(Reading your login shell…)', '---', 'Quit ClawMedic']);
    expect(m.tooltip).toBe('ClawMedic · Reading your login shell…');
  });

  it('what the preflight found at start is in the menu, one click from the Overview', () => {
    const one = trayModel(input(status('healthy'), { setupProblems: ['Restart command: `openclaw` is not on PATH'] }));
    expect(find(one.menu, 'Setup: Restart command: `openclaw` is not on PATH…')).toMatchObject({
      action: { type: 'open-overview' },
      enabled: true,
    });
    const two = trayModel(input(status('healthy'), { setupProblems: ['a', 'b'] }));
    expect(find(two.menu, 'Setup: 2 problems…')).toMatchObject({ action: { type: 'open-overview' } });
    expect(outline(trayModel(input(status('healthy'))).menu).some((l) => l.startsWith('Setup'))).toBe(false);
  });

  it('the incident line: open incident with its age, else the last outcome, clickable to that incident', () => {
    const events = [{ at: ago(80), type: 'restart-attempt', detail: 'attempt 1 of 2' }];
    const open = incident({ outcome: 'open', endedAt: null, resolvedBy: null, startedAt: ago(90), events });
    const s = status('restarting', { openIncidentId: open.id });
    // Named like everywhere else: the cause, and what is being done about it.
    expect(incidentLine(s, open, NOW)).toEqual({ id: open.id, label: 'Incident: Gateway down: restarting · 90 s' });
    const m = trayModel(input(s, { lastIncident: open }));
    expect(find(m.menu, 'Incident: Gateway down: restarting · 90 s')).toMatchObject({
      action: { type: 'open-incidents', id: open.id },
      enabled: true,
    });

    expect(incidentLine(status('healthy'), incident(), NOW)?.label).toBe(
      'Last incident: fixed by a restart · 4 min ago',
    );
    expect(incidentLine(status('healthy'), incident({ resolvedBy: 'doctor', endedAt: ago(7200) }), NOW)?.label).toBe(
      'Last incident: fixed by the doctor · 2 h ago',
    );
    expect(incidentLine(status('healthy'), incident({ outcome: 'failed', resolvedBy: null }), NOW)?.label).toMatch(
      /^Last incident: not fixed/,
    );
    expect(incidentLine(status('healthy'), null, NOW)).toBeNull();
  });

  it('Open live terminal is enabled after a doctor ran (the last session replays)', () => {
    const withDoctor = incident({
      resolvedBy: 'doctor',
      doctor: {
        attempts: [],
        sessionName: 's',
        attachCommand: null,
        resultLine: null,
        configDiff: null,
        costUsd: null,
        tokens: null,
      },
    });
    const m = trayModel(input(status('healthy'), { lastIncident: withDoctor }));
    expect(outline(m.menu)).toContain('Open live terminal');
  });

  it('the tooltip ages with time', () => {
    expect(tooltip(status('healthy'), NOW + 100_000)).toBe('ClawMedic · Healthy · last checked 112 s ago');
    expect(tooltip(status('healthy'), NOW + 600_000)).toBe('ClawMedic · Healthy · last checked 10 min ago');
    expect(formatSpan(90 * 60_000)).toBe('90 min');
    expect(formatSpan(3 * 3600_000)).toBe('3 h');
    expect(formatSpan(5 * 3600_000)).toBe('5 h');
    expect(formatSpan(3 * 86400_000)).toBe('3 d');
    expect(formatSpan(-5)).toBe('0 s');
  });

  it('long reasons are clipped to one short line', () => {
    const m = trayModel(input(status('needs-attention', { reason: `x${'y'.repeat(200)}\nsecond line` })));
    const line = (m.menu[1] as { label: string }).label;
    expect(line.length).toBe(70);
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('menu template', () => {
  it('maps the model to Electron items; clicks dispatch the action', () => {
    const dispatched: TrayAction[] = [];
    const m = trayModel(input(status('recovering', { doctor: doctor() })));
    const t = menuTemplate(m.menu, (a) => dispatched.push(a));
    expect(t[0]).toEqual({ label: 'Doctor at work (claude, 3 min)', enabled: false });
    expect(t.filter((i) => i.type === 'separator').length).toBe(4);
    const byLabel = (label: string) => t.find((i) => i.label === label)!;
    (byLabel('Stop doctor').click as () => void)();
    (byLabel('Open live terminal').click as () => void)();
    const pause = byLabel('Pause monitoring').submenu as MenuItemConstructorOptions[];
    (pause[0]!.click as () => void)();
    (pause[1]!.click as () => void)();
    (byLabel('Launch at login').click as () => void)();
    expect(byLabel('Launch at login')).toMatchObject({ type: 'checkbox', checked: false });
    expect(byLabel('Quit ClawMedic').accelerator).toBe('CommandOrControl+Q');
    expect(byLabel('Settings…').accelerator).toBe('CommandOrControl+,');
    expect(dispatched).toEqual([
      { type: 'stop-doctor' },
      { type: 'open-terminal' },
      { type: 'pause', minutes: 60 },
      { type: 'pause', minutes: null },
      { type: 'set-launch-at-login', enabled: true },
    ]);
  });
});

function fakeTray() {
  const listeners = new Map<string, () => void>();
  const tray = {
    images: [] as string[],
    tooltips: [] as string[],
    contextMenus: [] as unknown[],
    popups: [] as unknown[],
    destroyed: false,
    setImage: (p: string) => void tray.images.push(p),
    setToolTip: (t: string) => void tray.tooltips.push(t),
    setContextMenu: (m: unknown) => void tray.contextMenus.push(m),
    popUpContextMenu: (m?: unknown) => void tray.popups.push(m),
    on: (ev: string, l: () => void) => void listeners.set(ev, l),
    destroy: () => void (tray.destroyed = true),
    emit: (ev: string) => listeners.get(ev)?.(),
    listens: (ev: string) => listeners.has(ev),
  };
  return tray;
}

describe('tray controller', () => {
  function setup(platform: NodeJS.Platform, initial: StatusSnapshot) {
    let current = initial;
    const tray = fakeTray();
    const timers = new FakeClock();
    const dispatched: TrayAction[] = [];
    const built: MenuItemConstructorOptions[][] = [];
    const c = new TrayController<{ id: number }>({
      tray,
      buildMenu: (t) => {
        built.push(t);
        return { id: built.length };
      },
      assetsDir: '/app/assets',
      platform,
      input: () => input(current),
      dispatch: (a) => dispatched.push(a),
      clock: timers,
    });
    return { c, tray, timers, dispatched, built, set: (s: StatusSnapshot) => (current = s) };
  }

  it('animates the restarting icon frame by frame and stops when the state settles', () => {
    const t = setup('darwin', status('healthy'));
    expect(t.tray.images).toEqual(['/app/assets/tray/healthyTemplate.png']);
    t.set(status('restarting'));
    t.c.refresh();
    t.timers.advance(ANIMATION_FRAME_MS * 5);
    expect(t.tray.images.slice(1)).toEqual(
      [0, 1, 2, 3, 0, 1].map((i) => `/app/assets/tray/restarting-${i}Template.png`),
    );
    t.set(status('healthy'));
    t.c.refresh();
    const count = t.tray.images.length;
    t.timers.advance(ANIMATION_FRAME_MS * 10);
    expect(t.tray.images.length).toBe(count);
    expect(t.tray.images.at(-1)).toBe('/app/assets/tray/healthyTemplate.png');
  });

  it('rebuilds the menu only when it changed, and the tooltip only when it changed', () => {
    const t = setup('darwin', status('healthy'));
    t.c.refresh();
    t.c.refresh();
    expect(t.built.length).toBe(1);
    expect(t.tray.tooltips.length).toBe(1);
    t.set(status('paused'));
    t.c.refresh();
    expect(t.built.length).toBe(2);
    expect(t.tray.tooltips.at(-1)).toContain('Paused');
  });

  it('macOS: a click pops the menu up, or opens the live terminal while a doctor runs', () => {
    const t = setup('darwin', status('healthy'));
    expect(t.tray.contextMenus).toEqual([]);
    t.tray.emit('click');
    expect(t.tray.popups).toHaveLength(1);
    t.set(status('recovering', { doctor: doctor() }));
    t.tray.emit('click');
    expect(t.dispatched).toEqual([{ type: 'open-terminal' }]);
    expect(t.tray.popups).toHaveLength(1);
    t.tray.emit('right-click');
    expect(t.tray.popups).toHaveLength(2);
  });

  it('Linux: the menu is attached as the context menu (app indicators have no reliable click)', () => {
    const t = setup('linux', status('healthy'));
    expect(t.tray.listens('click')).toBe(false);
    expect(t.tray.contextMenus).toHaveLength(1);
    t.set(status('paused'));
    t.c.refresh();
    expect(t.tray.contextMenus).toHaveLength(2);
  });

  it('Linux: shows the white icon set, animated like on macOS (template images are black there)', () => {
    const t = setup('linux', status('healthy'));
    expect(t.tray.images).toEqual(['/app/assets/tray-linux/healthy.png']);
    t.set(status('recovering', { doctor: doctor() }));
    t.c.refresh();
    t.timers.advance(ANIMATION_FRAME_MS * 2);
    expect(t.tray.images.slice(1)).toEqual([0, 1, 2].map((i) => `/app/assets/tray-linux/recovering-${i}.png`));
  });

  it('dispose stops the animation and removes the icon', () => {
    const t = setup('darwin', status('restarting'));
    t.c.dispose();
    const n = t.tray.images.length;
    t.timers.advance(ANIMATION_FRAME_MS * 4);
    expect(t.tray.images.length).toBe(n);
    expect(t.tray.destroyed).toBe(true);
  });
});
