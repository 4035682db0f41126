// App lifecycle decisions (power events, quitting with a running doctor, second launch) and the native
// notification display (the notifier's message shown, click opens the right view, off when disabled).
import { describe, expect, it } from 'vitest';
import type { DoctorLive, StatusSnapshot } from '../../common/contract.js';
import type { Message } from '../../main/engine/notify/policy.js';
import { defaultView, powerAction, QUIT_BUTTONS, quitChoice, quitPlan } from '../../main/shell/lifecycle.js';
import { NativeNotifier, viewForMessage, type NotificationLike } from '../../main/shell/notifications.js';
import { memoryLogger } from '../../main/shell/log.js';
import type { View } from '../../main/shell/window-options.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');

const doctor: DoctorLive = {
  incidentId: 'inc-1',
  agent: 'claude',
  sessionName: 'clawmedic-inc-1',
  attachCommand: 'tmux -L clawmedic attach -t clawmedic-inc-1',
  startedAt: new Date(NOW - 7 * 60_000).toISOString(),
  deadline: new Date(NOW + 23 * 60_000).toISOString(),
  takenOver: false,
  needsApproval: false,
};

function status(d: DoctorLive | null): StatusSnapshot {
  return {
    state: d ? 'recovering' : 'healthy',
    since: new Date(NOW).toISOString(),
    reason: '',
    lastCheck: null,
    consecutiveFailures: 0,
    pausedUntil: null,
    openIncidentId: d ? d.incidentId : null,
    doctor: d,
    gatewayUrl: 'http://127.0.0.1:18789',
    settingsProblems: [],
  };
}

describe('power events', () => {
  it('sleep and wake go to the engine; a locked screen keeps monitoring', () => {
    expect(powerAction('suspend')).toBe('suspend');
    expect(powerAction('resume')).toBe('resume');
    expect(powerAction('lock-screen')).toBeNull();
    expect(powerAction('unlock-screen')).toBeNull();
    expect(powerAction('shutdown')).toBe('shutdown');
  });
});

describe('quitting', () => {
  it('without a doctor: no question', () => {
    expect(quitPlan(status(null), 'user', NOW)).toEqual({ ask: false });
  });

  it('with a doctor running: asks, says what quitting does, and defaults to keep running', () => {
    const plan = quitPlan(status(doctor), 'user', NOW);
    expect(plan.ask).toBe(true);
    if (!plan.ask) return;
    expect(plan.dialog.buttons).toEqual([...QUIT_BUTTONS]);
    expect(plan.dialog.defaultId).toBe(1);
    expect(plan.dialog.cancelId).toBe(1);
    expect(plan.dialog.detail).toContain('claude has been working on the gateway for 7 min');
    expect(plan.dialog.detail).toContain('clawmedic-inc-1');
    expect(plan.dialog.detail).toMatch(/interrupted/);
    expect(quitChoice(0)).toBe('quit');
    expect(quitChoice(1)).toBe('cancel');
    // Escape / closing the dialog answers cancelId.
    expect(quitChoice(plan.dialog.cancelId!)).toBe('cancel');
  });

  it('on system shutdown or logout: no question (nothing could answer it)', () => {
    expect(quitPlan(status(doctor), 'shutdown', NOW)).toEqual({ ask: false });
  });

  it('a second launch shows the live terminal while a doctor runs, else the incidents', () => {
    expect(defaultView(status(doctor))).toEqual({ name: 'terminal' });
    expect(defaultView(status(null))).toEqual({ name: 'overview' });
  });
});

describe('native notifications', () => {
  const msg = (kind: Message['kind'], incidentId: string | null = 'inc-9'): Message => ({
    kind,
    incidentId,
    title: `t-${kind}`,
    body: 'b',
    severity: 'warning',
    dedupeKey: `${incidentId}:${kind}`,
    at: new Date(NOW).toISOString(),
    host: 'mac',
  });

  it('clicks open the view that matters for the message', () => {
    expect(viewForMessage(msg('needs-approval'))).toEqual({ name: 'terminal' });
    expect(viewForMessage(msg('doctor-started'))).toEqual({ name: 'terminal' });
    expect(viewForMessage(msg('down'))).toEqual({ name: 'incidents', id: 'inc-9' });
    expect(viewForMessage(msg('recovered'))).toEqual({ name: 'incidents', id: 'inc-9' });
    expect(viewForMessage(msg('failed', null))).toEqual({ name: 'incidents' });
    expect(viewForMessage(msg('test', null))).toEqual({ name: 'settings' });
  });

  function setup(opts: { supported?: boolean; enabled?: boolean; actions?: boolean } = {}) {
    const shown: { title: string; body: string; actions?: { text: string }[]; n: FakeNotification }[] = [];
    const views: View[] = [];
    const stops: number[] = [];
    const log = memoryLogger();
    class FakeNotification implements NotificationLike {
      handlers = new Map<string, (...a: never[]) => void>();
      constructor(readonly o: { title: string; body: string; actions?: { text: string }[] }) {}
      on(event: string, l: (...a: never[]) => void) {
        this.handlers.set(event, l);
        return this;
      }
      show() {
        shown.push({ ...this.o, n: this });
      }
    }
    const notifier = new NativeNotifier({
      create: (o) => new FakeNotification(o),
      isSupported: () => opts.supported ?? true,
      enabled: () => opts.enabled ?? true,
      showView: (v) => views.push(v),
      supportsActions: opts.actions ?? false,
      stopDoctor: () => stops.push(1),
      log,
    });
    return { notifier, shown, views, stops, log };
  }

  it('while the doctor works, offer Open and Stop doctor where the system shows buttons', () => {
    const s = setup({ actions: true });
    s.notifier.show(msg('needs-approval'));
    expect(s.shown[0]!.actions).toEqual([
      { type: 'button', text: 'Open' },
      { type: 'button', text: 'Stop doctor' },
    ]);
    const action = s.shown[0]!.n.handlers.get('action') as (e: unknown, index: number) => void;
    action({}, 1);
    expect(s.stops).toEqual([1]);
    s.notifier.show(msg('doctor-started'));
    (s.shown[1]!.n.handlers.get('action') as (e: unknown, index: number) => void)({}, 0);
    expect(s.views).toEqual([{ name: 'terminal' }]);
    // Nothing to stop or open by button for the rest, and no buttons where the system would not show them.
    s.notifier.show(msg('down'));
    expect(s.shown[2]!.actions).toBeUndefined();
    const plain = setup({ actions: false });
    plain.notifier.show(msg('needs-approval'));
    expect(plain.shown[0]!.actions).toBeUndefined();
  });

  it('show the message, and a click opens its incident', () => {
    const s = setup();
    expect(s.notifier.show(msg('down', 'inc-42'))).toBe(true);
    expect(s.shown.map((x) => [x.title, x.body])).toEqual([['t-down', 'b']]);
    s.shown[0]!.n.handlers.get('click')!();
    expect(s.views).toEqual([{ name: 'incidents', id: 'inc-42' }]);
  });

  it('stay off when the user turned native notifications off, or the system cannot show them', () => {
    const off = setup({ enabled: false });
    expect(off.notifier.show(msg('down'))).toBe(false);
    expect(off.shown).toEqual([]);
    const unsupported = setup({ supported: false });
    unsupported.notifier.show(msg('down'));
    unsupported.notifier.show(msg('recovered'));
    expect(unsupported.shown).toEqual([]);
    expect(unsupported.log.lines).toHaveLength(1);
  });

  it('log a notification the system failed to show', () => {
    const s = setup();
    s.notifier.show(msg('down'));
    (s.shown[0]!.n.handlers.get('failed') as (e: unknown, error: string) => void)({}, 'not allowed');
    expect(s.log.lines).toEqual(['warn: notification "t-down" could not be shown: not allowed']);
  });
});
