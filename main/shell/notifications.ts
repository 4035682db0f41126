// Native notifications. The engine's notifier decides what is news (main/engine/notify/policy.ts), drops
// duplicates and stays quiet while paused (gate.ts), redacts, and hands each message to the shell
// (NotifierOptions.onMessage); this module only shows it with Electron's Notification, honours
// `notify.native`, and opens the relevant view on a click. macOS applies the user's own settings
// (Focus, per-app alerts) to everything shown here.
import type { Message } from '../engine/notify/policy.js';
import type { Logger } from './log.js';
import type { View } from './window-options.js';

/** Where a click on a notification takes the user. */
export function viewForMessage(m: Pick<Message, 'kind' | 'incidentId'>): View {
  switch (m.kind) {
    case 'doctor-started':
    case 'needs-approval':
      // The live session is what the user wants to see, and where they approve or take over.
      return { name: 'terminal' };
    case 'test':
      return { name: 'settings' };
    case 'storage':
      // The data folder is set in Settings; the message itself says what to free or fix.
      return { name: 'settings' };
    case 'fix-proposed':
      // A known fix waiting for a yes is answered on its incident (the Overview shows the question too).
      return m.incidentId ? { name: 'incidents', id: m.incidentId } : { name: 'overview' };
    case 'warning':
      // The config guard's and the resources' warnings sit on the Overview, with Revert where it applies.
      return m.incidentId ? { name: 'incidents', id: m.incidentId } : { name: 'overview' };
    case 'down':
    case 'restarted':
    case 'recovered':
    case 'failed':
      return m.incidentId ? { name: 'incidents', id: m.incidentId } : { name: 'incidents' };
  }
}

/** The parts of Electron's Notification used here. */
export interface NotificationLike {
  on(event: 'click' | 'close', listener: () => void): unknown;
  on(event: 'failed', listener: (event: unknown, error: string) => void): unknown;
  on(event: 'action', listener: (event: unknown, index: number) => void): unknown;
  show(): void;
}

/** A button on a notification and what it does. */
export type NotificationAction = { text: string; does: 'open' | 'stop-doctor' };

/**
 * The buttons a message gets where the system shows them (macOS): while the doctor works, Open (the live
 * terminal) and Stop doctor; for the rest, a click opens the view, so no button is needed.
 */
export function actionsForMessage(m: Pick<Message, 'kind'>): NotificationAction[] {
  switch (m.kind) {
    case 'doctor-started':
    case 'needs-approval':
      return [
        { text: 'Open', does: 'open' },
        { text: 'Stop doctor', does: 'stop-doctor' },
      ];
    case 'down':
    case 'restarted':
    case 'recovered':
    case 'failed':
    case 'test':
    case 'storage':
    case 'fix-proposed':
    case 'warning':
      return [];
  }
}

export interface NativeNotifierOptions {
  create: (options: {
    title: string;
    body: string;
    silent: boolean;
    actions?: { type: 'button'; text: string }[];
  }) => NotificationLike;
  /** Whether the system shows a notification's buttons (macOS does; Linux desktops ignore them). */
  supportsActions?: boolean;
  /** Stops the running doctor (a notification's "Stop doctor" button). */
  stopDoctor?: () => void;
  isSupported: () => boolean;
  /** settings.notify.native, read at each message so a settings change applies at once. */
  enabled: () => boolean;
  showView: (view: View) => void;
  log: Logger;
}

/** Notifications must stay referenced until dismissed, or a click after garbage collection is lost. */
const MAX_LIVE = 20;

export class NativeNotifier {
  private readonly live = new Set<NotificationLike>();
  private warnedUnsupported = false;

  constructor(private readonly opts: NativeNotifierOptions) {}

  /** Shows one message from the notifier. Returns whether it was shown. */
  show(message: Message): boolean {
    const { opts } = this;
    if (!opts.enabled()) return false;
    if (!opts.isSupported()) {
      if (!this.warnedUnsupported)
        opts.log.warn('native notifications are not supported on this system; menu and channels still work');
      this.warnedUnsupported = true;
      return false;
    }
    const actions = opts.supportsActions ? actionsForMessage(message) : [];
    const n = opts.create({
      title: message.title,
      body: message.body,
      silent: false,
      ...(actions.length ? { actions: actions.map((a) => ({ type: 'button' as const, text: a.text })) } : {}),
    });
    const drop = () => this.live.delete(n);
    n.on('click', () => {
      drop();
      opts.showView(viewForMessage(message));
    });
    n.on('action', (_e, index) => {
      drop();
      const a = actions[index];
      if (a?.does === 'stop-doctor') opts.stopDoctor?.();
      else opts.showView(viewForMessage(message));
    });
    n.on('close', drop);
    n.on('failed', (_e, error) => {
      drop();
      opts.log.warn(`notification "${message.title}" could not be shown: ${error}`);
    });
    this.live.add(n);
    if (this.live.size > MAX_LIVE) {
      const oldest = this.live.values().next().value;
      if (oldest) this.live.delete(oldest);
    }
    n.show();
    return true;
  }
}
