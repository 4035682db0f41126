// The condition in words, as the Overview, the state pill and the notifications say it: the action a permission
// prompt asks for, the time left, and a dropped connection that makes the last state unknown.
import { describe, expect, it } from 'vitest';
import type { DoctorLive, StatusSnapshot } from '../../common/contract.js';
import { describeCondition, pendingAction, timeLeft } from '../../common/status-words.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');

function status(over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    state: 'healthy',
    since: '2026-03-10T11:00:00Z',
    reason: 'healthy (3.2 ms)',
    lastCheck: null,
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
  incidentId: 'i',
  agent: 'claude',
  sessionName: 's',
  attachCommand: 'tmux attach',
  startedAt: '2026-03-10T11:55:00Z',
  deadline: '2026-03-10T12:25:00Z',
  takenOver: false,
  needsApproval: false,
  ...over,
});

describe('status words', () => {
  it('take the command out of a permission prompt', () => {
    expect(pendingAction('Bash command\n\n  lsof -i :18789\n  Find what holds the port')).toBe('lsof -i :18789');
    expect(pendingAction('Edit file\n~/.openclaw/openclaw.json')).toBe('Edit file ~/.openclaw/openclaw.json');
    expect(pendingAction('Fetch https://docs.openclaw.ai')).toBe('Fetch https://docs.openclaw.ai');
    expect(pendingAction(null)).toBeNull();
  });

  it('say the time left in the unit that matters', () => {
    expect(timeLeft('2026-03-10T12:25:00Z', NOW)).toBe('25 min left');
    expect(timeLeft('2026-03-10T12:00:40Z', NOW)).toBe('40 s left');
    expect(timeLeft('2026-03-10T11:59:00Z', NOW)).toBe('time is up');
  });

  it('name what ClawMedic does, the approval the doctor waits for, and an unknown state', () => {
    expect(describeCondition(status(), NOW)).toMatchObject({ headline: 'Healthy', tone: 'ok' });
    expect(describeCondition(status({ state: 'restarting' }), NOW).headline).toBe('Down · restarting');
    expect(describeCondition(status({ state: 'recovering', doctor: doctor() }), NOW).headline).toBe(
      'Down · doctor at work',
    );
    const waiting = status({
      state: 'recovering',
      doctor: doctor({ needsApproval: true, pendingRequest: 'Bash command\n\nlsof -i :18789' }),
    });
    expect(describeCondition(waiting, NOW)).toMatchObject({
      headline: 'Needs your approval — `lsof -i :18789` — 25 min left',
      tone: 'bad',
    });
    // Disconnected wins over whatever was last heard.
    expect(describeCondition(waiting, NOW, false)).toMatchObject({ headline: 'Unknown — disconnected', tone: 'idle' });
    expect(describeCondition(null, NOW).headline).toBe('Connecting…');
  });
});
