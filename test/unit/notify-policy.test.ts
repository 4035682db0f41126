import { describe, expect, it } from 'vitest';
import type { DoctorLive, EngineEvent, Incident, StatusSnapshot } from '../../common/contract.js';
import type { Clock, TimerHandle } from '../../common/clock.js';
import { messageFor, NotificationGate, testMessage, type Message } from '../../main/engine/notify/policy.js';
import { formatDuration, unlinkLocalUrls } from '../../main/engine/notify/format.js';

class FakeClock implements Clock {
  t = Date.parse('2026-03-01T10:00:00.000Z');
  now(): number {
    return this.t;
  }
  schedule(): TimerHandle {
    throw new Error('the gate must not schedule timers');
  }
}

const ctx = { hostname: 'mac-mini' };
const T0 = '2026-03-01T10:00:00.000Z';

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: '20260301T100000000Z-abc123',
    trigger: 'health',
    startedAt: T0,
    endedAt: null,
    outcome: 'open',
    resolvedBy: null,
    agent: null,
    reportPath: null,
    transcriptPath: null,
    events: [
      { at: '2026-03-01T09:59:50.000Z', type: 'probe-failed', detail: 'connection refused on 127.0.0.1:18789' },
      {
        at: '2026-03-01T10:00:00.000Z',
        type: 'confirmed',
        detail: '3 consecutive failed checks (gateway.failureThreshold = 3)',
      },
    ],
    summary: 'connection refused on 127.0.0.1:18789 (refused, 3 checks)',
    restarts: 0,
    doctor: null,
    owner: { pid: 1, hostname: 'mac-mini' },
    ...over,
  };
}

function closed(over: Partial<Incident>, closing: { type: string; detail: string }): Incident {
  const base = incident({ endedAt: '2026-03-01T10:00:42.000Z', ...over });
  base.events.push({ at: '2026-03-01T10:00:42.000Z', ...closing });
  return base;
}

const live: DoctorLive = {
  incidentId: '20260301T100000000Z-abc123',
  agent: 'claude',
  sessionName: 'clawmedic-20260301-100130-x1',
  attachCommand: 'tmux -L clawmedic attach -r -t clawmedic-20260301-100130-x1',
  startedAt: '2026-03-01T10:01:30.000Z',
  deadline: '2026-03-01T10:31:30.000Z',
  takenOver: false,
  needsApproval: false,
};
const status = { doctor: live } as StatusSnapshot;

describe('messageFor', () => {
  it('down: only for a confirmed health incident, naming the machine and the failure', () => {
    const m = messageFor({ type: 'incident-opened', incident: incident() }, ctx)!;
    expect(m.kind).toBe('down');
    expect(m.severity).toBe('critical');
    expect(m.title).toBe('OpenClaw gateway is down on mac-mini');
    expect(m.body).toContain('Connection refused on 127.0.0.1:18789');
    expect(m.body).toContain('Confirmed by 3 consecutive failed checks.');
    expect(m.dedupeKey).toBe('20260301T100000000Z-abc123:down');
    expect(m.at).toBe(T0);
    expect(m.host).toBe('mac-mini');
  });

  it('never on a single failed probe, a state change or a manual incident', () => {
    const check: EngineEvent = {
      type: 'check',
      consecutiveFailures: 1,
      check: {
        condition: 'down',
        failing: [],
        at: T0,
        health: {
          ok: false,
          kind: 'refused',
          url: 'http://127.0.0.1:18789/healthz',
          status: null,
          latencyMs: 1,
          detail: 'refused',
          at: T0,
        },
      },
    };
    expect(messageFor(check, ctx)).toBeNull();
    expect(
      messageFor({ type: 'state', state: 'failing', previous: 'healthy', reason: '1 of 3', at: T0 }, ctx),
    ).toBeNull();
    expect(messageFor({ type: 'incident-opened', incident: incident({ trigger: 'manual' }) }, ctx)).toBeNull();
    expect(
      messageFor(
        { type: 'incident-event', incidentId: 'x', event: { at: T0, type: 'restart-attempt', detail: '1 of 2' } },
        ctx,
      ),
    ).toBeNull();
  });

  it('restarted: with the duration and the number of restarts', () => {
    const m = messageFor(
      {
        type: 'incident-closed',
        incident: closed(
          { outcome: 'recovered', resolvedBy: 'restart', restarts: 2 },
          { type: 'recovered', detail: 'healthy again after restart attempt 2' },
        ),
      },
      ctx,
    )!;
    expect(m.kind).toBe('restarted');
    expect(m.severity).toBe('success');
    expect(m.title).toBe('OpenClaw gateway restarted on mac-mini, back after 42 s');
    expect(m.body).toContain('2 restarts brought it back');
    expect(m.body).toContain('It was down: connection refused');
  });

  it('doctor started: carries the attach command from the live status', () => {
    const e: EngineEvent = {
      type: 'doctor',
      phase: 'agent-started',
      incidentId: live.incidentId,
      detail: `started "claude" in tmux session ${live.sessionName}; watch it with: ${live.attachCommand}`,
      at: '2026-03-01T10:01:30.000Z',
    };
    const m = messageFor(e, { ...ctx, status })!;
    expect(m.kind).toBe('doctor-started');
    // For programs (the webhook's field); the text a person reads far away names no local socket path.
    expect(m.attachCommand).toBe(live.attachCommand);
    expect(m.body).not.toContain(live.attachCommand);
    expect(m.body).not.toContain('tmux -');
    expect(m.body).toContain('Watch it live or take over in the ClawMedic window on mac-mini');
    // With a dashboard running, a link to its live view (never its token).
    const dash = messageFor(e, { ...ctx, status, dashboardUrl: 'http://127.0.0.1:8787/' })!;
    expect(dash.body).toContain(
      'Watch it live or take over in the dashboard on mac-mini: http://127.0.0.1:8787/#/live',
    );
    expect(m.body).toContain('time limit 30 min');
    // Without a status snapshot the command still comes from the event detail.
    expect(messageFor(e, ctx)!.attachCommand).toBe(live.attachCommand);
    // The doctor's "started" phase comes before any session exists: nothing to watch yet, no message.
    expect(messageFor({ ...e, phase: 'started', detail: 'doctor started' }, ctx)).toBeNull();
  });

  it('a fallback agent gets its own doctor-started message; the same session does not', () => {
    const gate = new NotificationGate(new FakeClock());
    const e = (session: string, agent: string): EngineEvent => ({
      type: 'doctor',
      phase: 'agent-started',
      incidentId: 'inc1',
      detail: `started "${agent}" in tmux session ${session}; watch it with: tmux attach -t ${session}`,
      at: T0,
    });
    const a = messageFor(e('s1', 'claude'), ctx)!;
    expect(gate.admit(a)).toBe(true);
    expect(gate.admit(messageFor(e('s1', 'claude'), ctx)!)).toBe(false);
    expect(gate.admit(messageFor(e('s2', 'codex'), ctx)!)).toBe(true);
  });

  it('needs approval: the pending command, the time left, and where to answer it', () => {
    const waiting: DoctorLive = {
      ...live,
      needsApproval: true,
      pendingRequest: 'Bash command\n\nlsof -i :18789\nFind what holds the gateway port',
    };
    const e: EngineEvent = {
      type: 'doctor',
      phase: 'needs-approval',
      incidentId: live.incidentId,
      detail:
        'claude is waiting for a person to approve an action (permission prompt); ' +
        'open the live terminal to answer it',
      // 26 min before the doctor's deadline (10:31:30).
      at: '2026-03-01T10:05:30.000Z',
    };
    const m = messageFor(e, {
      ...ctx,
      status: { doctor: waiting } as StatusSnapshot,
      dashboardUrl: 'http://127.0.0.1:8787',
    })!;
    expect(m.kind).toBe('needs-approval');
    expect(m.title).toBe('The AI doctor needs your approval on mac-mini: lsof -i :18789');
    expect(m.body).toContain(
      "claude waits for your approval to run `lsof -i :18789` (26 min left before the doctor's time limit).",
    );
    expect(m.body).toContain(
      'Answer it (take over, then choose) in the dashboard on mac-mini: http://127.0.0.1:8787/#/live',
    );
    expect(m.body).not.toContain(live.attachCommand);
    // Without a readable prompt or a dashboard, it still says what to do.
    const plain = messageFor(e, { ...ctx, status })!;
    expect(plain.body).toContain('claude waits for your approval to run an action');
    expect(plain.body).toContain('in the ClawMedic window on mac-mini');
    expect(m.dedupeKey).toBe(`${live.incidentId}:needs-approval:${live.sessionName}`);
  });

  it('recovered by the doctor: duration, what fixed it, cost and report', () => {
    const inc = closed(
      {
        outcome: 'recovered',
        resolvedBy: 'doctor',
        agent: 'claude',
        restarts: 2,
        endedAt: '2026-03-01T10:07:00.000Z',
        reportPath: '/Users/a/.clawmedic/incidents/x/report.md',
        doctor: {
          attempts: [{ agent: 'claude', startedAt: T0, endedAt: T0, ended: 'recovered' }],
          sessionName: 's',
          attachCommand: 'tmux attach -t s',
          resultLine: 'REPAIR_RESULT: {"status":"fixed","summary":"removed a stray comma from openclaw.json"}',
          configDiff: null,
          costUsd: 0.081,
          tokens: null,
        },
      },
      { type: 'recovered', detail: 'the gateway is healthy again' },
    );
    const m = messageFor({ type: 'incident-closed', incident: inc }, ctx)!;
    expect(m.kind).toBe('recovered');
    expect(m.title).toBe('OpenClaw gateway recovered on mac-mini after 7 min');
    expect(m.body).toContain('Fixed by the AI doctor (claude).');
    expect(m.body).toContain('What fixed it: Removed a stray comma from openclaw.json.');
    expect(m.body).toContain('Doctor cost: $0.08.');
    expect(m.body).toContain('Report: /Users/a/.clawmedic/incidents/x/report.md');
  });

  it('failed: what was tried and where the report is', () => {
    const inc = closed(
      {
        outcome: 'timeout',
        restarts: 2,
        agent: 'claude',
        endedAt: '2026-03-01T10:40:00.000Z',
        reportPath: '/r/report.md',
        doctor: {
          attempts: [
            { agent: 'claude', startedAt: T0, endedAt: T0, ended: 'quota exhausted' },
            { agent: 'codex', startedAt: T0, endedAt: T0, ended: 'timed out' },
          ],
          sessionName: null,
          attachCommand: null,
          resultLine: null,
          configDiff: null,
          costUsd: null,
          tokens: null,
        },
      },
      { type: 'timeout', detail: 'the doctor did not fix it within 30 min (doctor.timeoutSec)' },
    );
    const m = messageFor({ type: 'incident-closed', incident: inc }, ctx)!;
    expect(m.kind).toBe('failed');
    expect(m.severity).toBe('critical');
    expect(m.title).toBe('OpenClaw gateway still down on mac-mini: the doctor ran out of time');
    expect(m.body).toContain('The doctor did not fix it within 30 min (doctor.timeoutSec).');
    expect(m.body).toContain('Tried: 2 restarts, then the AI doctor (claude: quota exhausted; codex: timed out).');
    expect(m.body).toContain('Report: /r/report.md');
    expect(m.body).toContain('Down for 40 min so far');
  });

  it('failed by a circuit breaker mentions the safety limit once', () => {
    const inc = incident({ outcome: 'failed', endedAt: '2026-03-01T10:01:00.000Z' });
    inc.events.push(
      {
        at: T0,
        type: 'circuit-open',
        detail: 'restart limit reached: 6 restarts in the last hour (restart.maxPerHour)',
      },
      {
        at: T0,
        type: 'needs-attention',
        detail: 'restart limit reached: 6 restarts in the last hour (restart.maxPerHour)',
      },
      { at: T0, type: 'failed', detail: 'restart limit reached: 6 restarts in the last hour (restart.maxPerHour)' },
    );
    const m = messageFor({ type: 'incident-closed', incident: inc }, ctx)!;
    expect(m.kind).toBe('failed');
    expect(m.body).toContain('Safety limit: Restart limit reached');
    expect(m.body).toContain('Details: run clawmedic incidents on that machine.');
  });

  it('healthy again after ClawMedic gave up is good news', () => {
    const m = messageFor(
      {
        type: 'incident-event',
        incidentId: 'inc9',
        event: { at: T0, type: 'healthy-again', detail: 'the gateway answers healthy again (fixed outside ClawMedic)' },
      },
      ctx,
    )!;
    expect(m.kind).toBe('recovered');
    expect(m.dedupeKey).toBe('inc9:recovered');
  });

  it('an interrupted incident and a manual success are not news', () => {
    expect(
      messageFor(
        { type: 'incident-closed', incident: closed({ outcome: 'interrupted' }, { type: 'interrupted', detail: 'x' }) },
        ctx,
      ),
    ).toBeNull();
    expect(
      messageFor(
        {
          type: 'incident-closed',
          incident: closed(
            { outcome: 'recovered', resolvedBy: 'doctor', trigger: 'manual' },
            { type: 'recovered', detail: 'x' },
          ),
        },
        ctx,
      ),
    ).toBeNull();
  });

  it('keeps titles to one line and bodies short', () => {
    const long = incident({ summary: 'x'.repeat(5000) + '\nsecond line' });
    const m = messageFor({ type: 'incident-opened', incident: long }, ctx)!;
    expect(m.title).not.toMatch(/\n/);
    expect(m.body.length).toBeLessThanOrEqual(600);
  });

  it('testMessage is clearly labelled', () => {
    const m = testMessage('ops', ctx, T0);
    expect(m.kind).toBe('test');
    expect(m.title).toContain('test');
    expect(m.body).toContain('nothing is wrong with the gateway');
  });
});

describe('NotificationGate', () => {
  const msg = (key: string) => ({ dedupeKey: key }) as Message;

  it('admits each dedupe key once', () => {
    const gate = new NotificationGate(new FakeClock());
    expect(gate.admit(msg('a:down'))).toBe(true);
    expect(gate.admit(msg('a:down'))).toBe(false);
    expect(gate.admit(msg('a:restarted'))).toBe(true);
    expect(gate.admit(msg('b:down'))).toBe(true);
  });

  it('is quiet while paused and does not remember what it held back', () => {
    const gate = new NotificationGate(new FakeClock());
    gate.setPaused(true);
    expect(gate.admit(msg('a:down'))).toBe(false);
    gate.setPaused(false);
    expect(gate.admit(msg('a:down'))).toBe(true);
  });

  it('forgets keys after a day (bounded memory), not before', () => {
    const clock = new FakeClock();
    const gate = new NotificationGate(clock);
    gate.admit(msg('a:down'));
    clock.t += 23 * 3600_000;
    expect(gate.admit(msg('a:down'))).toBe(false);
    clock.t += 2 * 3600_000;
    gate.admit(msg('other'));
    expect(gate.admit(msg('a:down'))).toBe(true);
  });

  it('spaces messages per channel by its minimum interval', () => {
    const clock = new FakeClock();
    const gate = new NotificationGate(clock);
    expect(gate.delayFor('discord', 30)).toBe(0);
    gate.recordSend('discord');
    clock.t += 10_000;
    expect(gate.delayFor('discord', 30)).toBe(20_000);
    expect(gate.delayFor('slack', 30)).toBe(0);
    clock.t += 20_000;
    expect(gate.delayFor('discord', 30)).toBe(0);
    expect(gate.delayFor('discord', 0)).toBe(0);
  });
});

describe('format helpers', () => {
  it.each([
    [0, '0 s'],
    [42_000, '42 s'],
    [89_000, '89 s'],
    [6 * 60_000, '6 min'],
    [65 * 60_000, '65 min'],
    [125 * 60_000, '2 h 5 min'],
    [-1, 'an unknown time'],
  ])('formatDuration(%d) = %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('unlinkLocalUrls drops the scheme of loopback and LAN URLs only', () => {
    expect(unlinkLocalUrls('see http://127.0.0.1:18789/healthz and https://localhost:5173/x')).toBe(
      'see 127.0.0.1:18789/healthz and localhost:5173/x',
    );
    expect(unlinkLocalUrls('http://192.168.1.20:18789 http://mini.local/ http://[::1]:80/')).toBe(
      '192.168.1.20:18789 mini.local/ [::1]:80/',
    );
    expect(unlinkLocalUrls('docs https://docs.openclaw.ai/gateway')).toBe('docs https://docs.openclaw.ai/gateway');
  });
});
