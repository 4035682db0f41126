// App lifecycle decisions as pure functions: what power events mean for the engine, what quitting does
// to a running doctor, which view a second launch opens.
//
// Quitting while a doctor runs (a deliberate choice): ClawMedic asks, and the only ways out are "stop
// the doctor and quit" or "keep running". It never leaves the agent running unsupervised in tmux: the
// hard time limit, the permission watch and the "is the gateway really back?" verdict all live in this
// process, so an agent left behind would run with no deadline and nobody to check its work.
//
// A quit the system starts (log out, restart, shut down) is never delayed or cancelled: on macOS,
// preventing `before-quit` there cancels the whole logout. Nothing is asked; the engine stops
// synchronously in `will-quit` (the doctor's tmux session killed, locks released, the incident recorded
// as interrupted), and the powerMonitor 'shutdown' event, which may be delayed, gets the orderly stop.
import type { MessageBoxOptions } from 'electron';
import type { DoctorLive, StatusSnapshot } from '../../common/contract.js';
import { formatSpan, type LoginItemState } from './tray-model.js';
import type { View } from './window-options.js';

export type PowerEvent = 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen' | 'shutdown';

/** System Settings › General › Login Items (macOS 13+), where a login item waiting for approval is allowed. */
export const LOGIN_ITEMS_SETTINGS_URL = 'x-apple.systempreferences:com.apple.LoginItems-Settings.extension';

/**
 * What the menu shows for launch at login. Only an installed (packaged) app registers itself: from a
 * checkout, the login item would be node_modules' Electron.app, which opens an empty Electron at login.
 */
export function loginItemState(input: {
  supported: boolean;
  packaged: boolean;
  wanted: boolean;
  os: { status?: string } | null;
}): LoginItemState {
  if (!input.supported) return { kind: 'unsupported' };
  if (!input.packaged) return { kind: 'unpackaged' };
  const status = input.os?.status;
  const known = ['not-registered', 'enabled', 'requires-approval', 'not-found'] as const;
  const s = known.find((k) => k === status);
  return s ? { kind: 'ready', wanted: input.wanted, status: s } : { kind: 'ready', wanted: input.wanted };
}

/**
 * Sleep is not downtime: suspend/resume go to the engine, which stops counting while asleep and
 * re-checks on wake. A locked screen is not sleep: the Mac (and the gateway) keep running, so
 * monitoring goes on; treating lock as suspend would leave a 24/7 gateway unwatched most of the day.
 */
export function powerAction(event: PowerEvent): 'suspend' | 'resume' | 'shutdown' | null {
  switch (event) {
    case 'suspend':
      return 'suspend';
    case 'resume':
      return 'resume';
    case 'shutdown':
      return 'shutdown';
    case 'lock-screen':
    case 'unlock-screen':
      return null;
  }
}

export type QuitPlan = { ask: false } | { ask: true; dialog: MessageBoxOptions };

export const QUIT_BUTTONS = ['Stop the Doctor and Quit', 'Keep Running'] as const;

export function quitDialog(doctor: DoctorLive, now: number): MessageBoxOptions {
  const started = Date.parse(doctor.startedAt);
  const ran = Number.isFinite(started) ? ` for ${formatSpan(now - started)}` : '';
  return {
    type: 'warning',
    message: 'A doctor session is still running',
    detail:
      `${doctor.agent} has been working on the gateway${ran} (tmux session ${doctor.sessionName}). ` +
      'Quitting stops it and records the incident as interrupted; ClawMedic ' +
      'checks the gateway again at the next start.',
    buttons: [...QUIT_BUTTONS],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  };
}

/** Ask only when there is something to lose and someone to ask. */
export function quitPlan(status: StatusSnapshot, cause: 'user' | 'shutdown', now: number): QuitPlan {
  if (!status.doctor || cause === 'shutdown') return { ask: false };
  return { ask: true, dialog: quitDialog(status.doctor, now) };
}

export function quitChoice(response: number): 'quit' | 'cancel' {
  return response === 0 ? 'quit' : 'cancel';
}

/**
 * 10 s: stopping takes well under a second (abort signals, one tmux kill-session, one incident write);
 * longer means something hangs, and a hung quit must not keep the app (or a logout) waiting.
 */
export const ENGINE_STOP_TIMEOUT_MS = 10_000;

/** What a second launch, or the Dock-less "reopen", shows: the doctor's session while one runs, else the Overview. */
export function defaultView(status: StatusSnapshot): View {
  return status.doctor ? { name: 'terminal' } : { name: 'overview' };
}
