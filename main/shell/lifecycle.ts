// App lifecycle decisions as pure functions: what power events mean for the engine, what quitting does
// to a running doctor, which view a second launch opens.
//
// Quitting while a doctor runs (a deliberate choice): ClawMedic asks, and the only ways out are "stop
// the doctor and quit" or "keep running". It never leaves the agent running unsupervised in tmux: the
// hard time limit, the permission watch and the "is the gateway really back?" verdict all live in this
// process, so an agent left behind would run with no deadline and nobody to check its work. On system
// shutdown or logout nothing can be asked; the doctor is stopped and its incident recorded as interrupted.
import type { MessageBoxOptions } from 'electron';
import type { DoctorLive, StatusSnapshot } from '../../preload/contract.js';
import { formatSpan } from './tray-model.js';
import type { View } from './window-options.js';

export type PowerEvent = 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen' | 'shutdown';

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
      'Quitting stops it and records the incident as interrupted; ClawMedic checks the gateway again at the next start.',
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

/** What a second launch, or the Dock-less "reopen", shows. */
export function defaultView(status: StatusSnapshot): View {
  return status.doctor ? { name: 'terminal' } : { name: 'incidents' };
}
