// The tray as a pure function of state: (status, last incident, now) → icon, tooltip, menu as plain data,
// and what a click on the icon does. tray-controller.ts turns this into Electron calls.
import type { Incident, StatusSnapshot, SupervisorState } from '../../common/contract.js';
import { incidentTitle } from '../../common/incident-words.js';

export type TrayAction =
  | { type: 'open-terminal' }
  | { type: 'check-now' }
  | { type: 'restart' }
  | { type: 'start-doctor' }
  | { type: 'stop-doctor' }
  | { type: 'pause'; minutes: number | null }
  | { type: 'resume' }
  | { type: 'open-incidents'; id?: string }
  | { type: 'open-settings' }
  | { type: 'open-overview' }
  | { type: 'set-launch-at-login'; enabled: boolean }
  | { type: 'open-login-items' }
  | { type: 'quit' };

export type MenuItemModel =
  /** Information only (shown greyed out). */
  | { kind: 'label'; label: string }
  | { kind: 'action'; label: string; action: TrayAction; enabled: boolean }
  | { kind: 'checkbox'; label: string; checked: boolean; action: TrayAction; enabled: boolean }
  | { kind: 'submenu'; label: string; enabled: boolean; items: MenuItemModel[] }
  | { kind: 'separator' };

/**
 * A tray icon: `<name>` or, when animated, `<name>-<i>` for i < frames; trayIconFile says which file that is
 * on each platform.
 */
export interface TrayIcon {
  name: 'healthy' | 'checking' | 'degraded' | 'restarting' | 'recovering' | 'attention' | 'paused' | 'stopped';
  frames: number;
}

export interface TrayModel {
  icon: TrayIcon;
  tooltip: string;
  menu: MenuItemModel[];
  /** A click on the icon: an action, or 'menu' to pop the menu up. */
  click: TrayAction | 'menu';
}

/**
 * Launch at login as the menu shows it. macOS 13+ registers the app through SMAppService, which may
 * need the user's approval in System Settings › General › Login Items ('requires-approval').
 */
export type LoginItemState =
  /** Linux desktops use autostart files instead; no menu item. */
  | { kind: 'unsupported' }
  /** Running from a checkout: registering would add node_modules' Electron.app as a login item. */
  | { kind: 'unpackaged' }
  | {
      kind: 'ready';
      /** What the settings ask for. */
      wanted: boolean;
      /** What the OS reports (Electron's LoginItemSettings.status on macOS 13+), when it says. */
      status?: 'not-registered' | 'enabled' | 'requires-approval' | 'not-found';
    };

export interface TrayInput {
  status: StatusSnapshot;
  /** The newest incident (open or closed), or null when there is none. */
  lastIncident: Incident | null;
  now: number;
  loginItem: LoginItemState;
  /** Set while the engine is still starting (the tray exists before it): what is going on, in words. */
  startingUp?: string | null;
  /** What the last preflight found that cannot work as configured (its ✗ lines), e.g. "`openclaw` is not on PATH". */
  setupProblems?: string[];
}

/** The animation's frame count: must match the frames make-icons renders (data-frames in the SVG). */
export const ANIMATION_FRAMES = 4;

const ICONS: Record<SupervisorState, TrayIcon> = {
  starting: { name: 'checking', frames: 1 },
  healthy: { name: 'healthy', frames: 1 },
  degraded: { name: 'degraded', frames: 1 },
  // Failures seen but not confirmed: still checking, nothing is being done yet.
  failing: { name: 'checking', frames: 1 },
  restarting: { name: 'restarting', frames: ANIMATION_FRAMES },
  recovering: { name: 'recovering', frames: ANIMATION_FRAMES },
  'needs-attention': { name: 'attention', frames: 1 },
  paused: { name: 'paused', frames: 1 },
  stopped: { name: 'stopped', frames: 1 },
};

export function trayIcon(status: StatusSnapshot): TrayIcon {
  // The doctor waiting on a human is a "you are needed" moment, whatever the supervisor state says.
  if (status.doctor?.needsApproval) return ICONS['needs-attention'];
  return ICONS[status.state];
}

/** "12 s", "5 min", "3 h", "2 d": coarse on purpose, the menu is read at a glance. */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

function since(iso: string | null | undefined, now: number): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? now - t : null;
}

const SHORT_STATE: Record<SupervisorState, string> = {
  starting: 'Starting',
  healthy: 'Healthy',
  degraded: 'Degraded',
  failing: 'Not answering',
  restarting: 'Restarting',
  recovering: 'Doctor at work',
  'needs-attention': 'Needs attention',
  paused: 'Paused',
  stopped: 'Stopped',
};

export function tooltip(status: StatusSnapshot, now: number): string {
  const state = status.doctor?.needsApproval ? 'Doctor needs approval' : SHORT_STATE[status.state];
  const age = since(status.lastCheck?.at, now);
  const checked = age === null ? 'not checked yet' : `last checked ${formatSpan(age)} ago`;
  return `ClawMedic · ${state} · ${checked}`;
}

function clip(text: string, max = 70): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The first menu line: what is going on, in words. */
export function statusLine(status: StatusSnapshot, now: number): string {
  const d = status.doctor;
  switch (status.state) {
    case 'starting':
      return 'Gateway starting…';
    case 'healthy':
      return 'Gateway healthy';
    case 'degraded': {
      const failing = status.lastCheck?.failing ?? [];
      return failing.length ? clip(`Gateway degraded: ${failing.join(', ')} failing`) : 'Gateway degraded';
    }
    case 'failing':
      return (
        `Gateway not answering (${status.consecutiveFailures} failed ` +
        `check${status.consecutiveFailures === 1 ? '' : 's'})`
      );
    case 'restarting':
      return 'Restarting the gateway…';
    case 'recovering': {
      if (!d) return 'Doctor at work…';
      if (d.needsApproval) return `Doctor (${d.agent}) needs your approval`;
      if (d.takenOver) return `You have the keyboard (doctor: ${d.agent})`;
      const ran = since(d.startedAt, now);
      return `Doctor at work (${d.agent}${ran === null ? '' : `, ${formatSpan(ran)}`})`;
    }
    case 'needs-attention':
      return 'Needs your attention';
    case 'paused': {
      const left = since(status.pausedUntil, now);
      return left === null ? 'Monitoring paused until resumed' : `Monitoring paused (resumes in ${formatSpan(-left)})`;
    }
    case 'stopped':
      return 'Monitoring stopped';
  }
}

const OUTCOME: Record<string, string> = {
  'recovered:self': 'recovered on its own',
  'recovered:restart': 'fixed by a restart',
  'recovered:doctor': 'fixed by the doctor',
  'recovered:human': 'fixed by you',
  failed: 'not fixed',
  timeout: 'doctor ran out of time',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

/** The incident line: the open incident, else the last one, else null. */
export function incidentLine(
  status: StatusSnapshot,
  last: Incident | null,
  now: number,
): { label: string; id: string } | null {
  if (!last) return null;
  if (last.outcome === 'open' || last.id === status.openIncidentId) {
    const ran = since(last.startedAt, now);
    const age = ran === null ? '' : ` · ${formatSpan(ran)}`;
    return { id: last.id, label: clip(`Incident: ${incidentTitle(last)}${age}`) };
  }
  const approved = last.resolvedBy === 'doctor' && (last.doctor?.promptsAnswered ?? 0) > 0;
  const what = approved
    ? 'fixed by the doctor, approved by you'
    : (OUTCOME[`${last.outcome}:${last.resolvedBy ?? ''}`] ?? OUTCOME[last.outcome] ?? last.outcome);
  const ago = since(last.endedAt ?? last.startedAt, now);
  return { id: last.id, label: clip(`Last incident: ${what}${ago === null ? '' : ` · ${formatSpan(ago)} ago`}`) };
}

/** The "Launch at login" lines: a checkbox, and the way to System Settings when macOS waits for approval. */
export function loginItemMenu(state: LoginItemState): MenuItemModel[] {
  switch (state.kind) {
    case 'unsupported':
      return [];
    case 'unpackaged':
      return [
        {
          kind: 'checkbox',
          label: 'Launch at login (installed app only)',
          checked: false,
          enabled: false,
          action: { type: 'set-launch-at-login', enabled: true },
        },
      ];
    case 'ready': {
      const items: MenuItemModel[] = [
        {
          kind: 'checkbox',
          label: 'Launch at login',
          checked: state.wanted,
          enabled: true,
          action: { type: 'set-launch-at-login', enabled: !state.wanted },
        },
      ];
      if (state.wanted && state.status === 'requires-approval') {
        items.push({
          kind: 'action',
          label: 'Allow in System Settings › Login Items…',
          action: { type: 'open-login-items' },
          enabled: true,
        });
      }
      return items;
    }
  }
}

/** The tray before the engine runs: the checking icon, what is happening, and a way out. */
function startingModel(message: string): TrayModel {
  return {
    icon: { name: 'checking', frames: 1 },
    tooltip: `ClawMedic · ${message}`,
    menu: [
      { kind: 'label', label: message },
      { kind: 'separator' },
      { kind: 'action', label: 'Quit ClawMedic', action: { type: 'quit' }, enabled: true },
    ],
    click: 'menu',
  };
}

export function trayModel(input: TrayInput): TrayModel {
  if (input.startingUp) return startingModel(input.startingUp);
  const { status, lastIncident, now } = input;
  const state = status.state;
  const doctor = status.doctor;
  const stopped = state === 'stopped';
  const busy = state === 'restarting' || state === 'recovering' || doctor !== null;
  const menu: MenuItemModel[] = [{ kind: 'label', label: statusLine(status, now) }];
  if (state !== 'healthy' && state !== 'paused' && status.reason.trim()) {
    menu.push({ kind: 'label', label: clip(status.reason) });
  }
  const incident = incidentLine(status, lastIncident, now);
  if (incident) {
    menu.push({
      kind: 'action',
      label: incident.label,
      action: { type: 'open-incidents', id: incident.id },
      enabled: true,
    });
  }
  const setup = input.setupProblems ?? [];
  if (setup.length > 0) {
    // What the preflight found at start: told before the first outage, one click from its fix.
    const label = setup.length === 1 ? `Setup: ${setup[0]}` : `Setup: ${setup.length} problems`;
    menu.push({ kind: 'action', label: clip(`${label}…`), action: { type: 'open-overview' }, enabled: true });
  }
  if (status.settingsProblems.length > 0) {
    const n = status.settingsProblems.length;
    menu.push({
      kind: 'action',
      label: `Settings file has ${n} problem${n === 1 ? '' : 's'}…`,
      action: { type: 'open-settings' },
      enabled: true,
    });
  }
  menu.push({ kind: 'separator' });

  const hasSession = doctor !== null || lastIncident?.doctor != null;
  menu.push({
    kind: 'action',
    label: doctor?.needsApproval ? 'Open live terminal (approval needed)' : 'Open live terminal',
    action: { type: 'open-terminal' },
    enabled: hasSession,
  });
  menu.push({ kind: 'action', label: 'Run health check now', action: { type: 'check-now' }, enabled: !stopped });
  menu.push({ kind: 'action', label: 'Restart gateway', action: { type: 'restart' }, enabled: !stopped && !busy });
  menu.push({
    kind: 'action',
    label: 'Start doctor now',
    action: { type: 'start-doctor' },
    enabled: !stopped && !busy,
  });
  if (doctor) menu.push({ kind: 'action', label: 'Stop doctor', action: { type: 'stop-doctor' }, enabled: true });
  menu.push({ kind: 'separator' });

  if (state === 'paused') {
    menu.push({ kind: 'action', label: 'Resume monitoring', action: { type: 'resume' }, enabled: true });
  } else {
    menu.push({
      kind: 'submenu',
      label: 'Pause monitoring',
      enabled: !stopped,
      items: [
        { kind: 'action', label: 'For 1 hour', action: { type: 'pause', minutes: 60 }, enabled: true },
        { kind: 'action', label: 'Until resumed', action: { type: 'pause', minutes: null }, enabled: true },
      ],
    });
  }
  menu.push({ kind: 'separator' });
  menu.push({ kind: 'action', label: 'Incidents…', action: { type: 'open-incidents' }, enabled: true });
  menu.push({ kind: 'action', label: 'Settings…', action: { type: 'open-settings' }, enabled: true });
  menu.push(...loginItemMenu(input.loginItem));
  menu.push({ kind: 'separator' });
  menu.push({ kind: 'action', label: 'Quit ClawMedic', action: { type: 'quit' }, enabled: true });

  return {
    icon: trayIcon(status),
    tooltip: tooltip(status, now),
    menu,
    click: doctor ? { type: 'open-terminal' } : 'menu',
  };
}

/**
 * Relative path of an icon frame under assets/ (Electron picks the @2x file beside it by itself).
 * macOS: black template images (the "Template" suffix), which the menu bar tints for light and dark mode.
 * Elsewhere nothing tints them and panels are mostly dark, so the white set in tray-linux/ is used.
 * Without a platform it names the macOS file: app.ts creates the Tray with that, and TrayController sets
 * the platform's own file right away in its constructor.
 */
export function trayIconFile(icon: TrayIcon, frame: number, platform: NodeJS.Platform = 'darwin'): string {
  const base = icon.frames > 1 ? `${icon.name}-${frame % icon.frames}` : icon.name;
  return platform === 'darwin' ? `tray/${base}Template.png` : `tray-linux/${base}.png`;
}
