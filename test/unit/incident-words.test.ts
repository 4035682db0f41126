// Incidents named by their finding, cause first, and credit given honestly: what the window, the CLI, the tray and
// notifications call an incident and who fixed it, and the counts the incidents view shows above its rows.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import { incidentTitle, recoveredWithoutYou, resolvedByWords } from '../../common/incident-words.js';
import { isPromptAnswer } from '../../main/engine/doctor/doctor.js';
import { messageFor } from '../../main/engine/notify/policy.js';
import { summarize } from '../../renderer/src/incidents/history.js';
import { incidentLine } from '../../main/shell/tray-model.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: '20260310T114500000Z-a1b2c3',
    trigger: 'health',
    startedAt: iso(NOW - 15 * 60_000),
    endedAt: iso(NOW - 8 * 60_000),
    outcome: 'recovered',
    resolvedBy: 'restart',
    agent: null,
    reportPath: null,
    transcriptPath: null,
    events: [],
    summary: 'connection refused on 127.0.0.1:18789: nothing is listening (refused, 3 checks)',
    restarts: 1,
    doctor: null,
    owner: { pid: 1, hostname: 'mac-mini' },
    ...over,
  };
}

const doctorRecord = (over: Partial<NonNullable<Incident['doctor']>> = {}): NonNullable<Incident['doctor']> => ({
  attempts: [],
  sessionName: 's',
  attachCommand: null,
  resultLine: 'CLAWMEDIC_RESULT {"status":"fixed","summary":"restored the last good config and restarted the gateway"}',
  configDiff: null,
  costUsd: null,
  tokens: null,
  ...over,
});

describe('incident titles', () => {
  it('say the finding, not the probe symptom', () => {
    expect(incidentTitle(incident())).toBe('Gateway down: back after a restart');
    expect(incidentTitle(incident({ restarts: 2 }))).toBe('Gateway down: back after 2 restarts');
    expect(incidentTitle(incident({ resolvedBy: 'self', restarts: 0 }))).toBe('Gateway down: came back by itself');
    const doctor = incident({ resolvedBy: 'doctor', agent: 'claude', doctor: doctorRecord() });
    expect(incidentTitle(doctor)).toBe('Restored the last good config and restarted the gateway');
    expect(incidentTitle({ ...doctor, doctor: doctorRecord({ resultLine: null }) })).toBe(
      'Gateway down: fixed by the doctor',
    );
    const hung = incident({ summary: 'no answer within 5 s (timeout, 1 check)' });
    expect(incidentTitle(hung)).toBe('Gateway hung: back after a restart');
    const stranger = incident({
      summary: 'HTTP 200 but not the health JSON (stranger, 3 checks)',
      outcome: 'failed',
      resolvedBy: null,
      events: [
        {
          at: iso(NOW),
          type: 'needs-attention',
          detail: 'restarts did not bring the gateway back and the doctor is disabled (doctor.enabled)',
        },
      ],
    });
    expect(incidentTitle(stranger)).toBe(
      'Another program holds the gateway port: not fixed, restarts did not help and the doctor is off',
    );
    const noAgent = {
      ...stranger,
      events: [{ at: iso(NOW), type: 'needs-attention', detail: 'no agent could work on it: claude: …' }],
    };
    expect(incidentTitle(noAgent)).toBe('Another program holds the gateway port: not fixed, no agent could start');
  });

  it('name a failure, a time-out, an open and a manual incident by what is known', () => {
    const notFixed = incident({
      outcome: 'failed',
      resolvedBy: null,
      doctor: doctorRecord({
        resultLine: 'CLAWMEDIC_RESULT {"status":"not-fixed","summary":"Port 18789 is held by a stale node process"}',
      }),
    });
    expect(incidentTitle(notFixed)).toBe('Not fixed: port 18789 is held by a stale node process');
    expect(incidentTitle(incident({ outcome: 'timeout', resolvedBy: null }))).toBe(
      'Gateway down: not fixed, the doctor ran out of time',
    );
    const open = incident({
      outcome: 'open',
      resolvedBy: null,
      endedAt: null,
      events: [{ at: iso(NOW), type: 'doctor-started', detail: '' }],
    });
    expect(incidentTitle(open)).toBe('Gateway down: the doctor is at work');
    expect(incidentTitle(incident({ trigger: 'manual', summary: 'restart requested by the user' }))).toBe(
      'Restart requested: back after a restart',
    );
    const checkup = incident({
      trigger: 'manual',
      resolvedBy: 'self',
      summary: 'doctor check-up requested while the gateway was healthy',
    });
    expect(incidentTitle(checkup)).toBe('Check-up: nothing to fix');
  });
});

describe('credit', () => {
  const approved = incident({ resolvedBy: 'doctor', agent: 'claude', doctor: doctorRecord({ promptsAnswered: 1 }) });
  const typed = incident({ resolvedBy: 'human', agent: 'claude', doctor: doctorRecord() });

  it('"You" only for a person who typed the fix; an answered prompt approves the doctor\'s', () => {
    expect(resolvedByWords(approved)).toBe('Doctor (approved by you)');
    expect(resolvedByWords(typed)).toBe('You');
    expect(resolvedByWords(incident({ resolvedBy: 'doctor', doctor: doctorRecord() }))).toBe('Doctor');
    // A known fix and a playbook are named in words; a value from a newer ClawMedic is shown, not hidden.
    const rung = (resolvedBy: string) => ({ resolvedBy, doctor: null }) as unknown as Incident;
    expect(resolvedByWords(rung('known-fix:stale-gateway'))).toBe('Known fix: stale gateway');
    expect(resolvedByWords(rung('playbook:port-foreign-python3'))).toBe('Playbook port-foreign-python3');
    expect(resolvedByWords(rung('teleport:rung'))).toBe('teleport:rung');
  });

  it('counts "without you" from the same rows the list shows', () => {
    const list = [incident(), approved, typed, incident({ outcome: 'failed', resolvedBy: null })];
    expect(list.map(recoveredWithoutYou)).toEqual([true, false, false, false]);
    const s = summarize(list, NOW);
    expect({ incidents: s.incidents, recovered: s.recovered, withoutYou: s.withoutYou }).toEqual({
      incidents: 4,
      recovered: 3,
      withoutYou: 1,
    });
  });

  it('the notification and the tray say the same', () => {
    const msg = messageFor({ type: 'incident-closed', incident: approved }, { hostname: 'mac-mini' })!;
    expect(msg.body).toContain('Fixed by the AI doctor (claude), with your approval.');
    const mine = messageFor({ type: 'incident-closed', incident: typed }, { hostname: 'mac-mini' })!;
    expect(mine.body).toContain('Fixed by you, at the keyboard.');
    const status = { openIncidentId: null } as Parameters<typeof incidentLine>[0];
    expect(incidentLine(status, approved, NOW)?.label).toBe(
      'Last incident: fixed by the doctor, approved by you · 8 min ago',
    );
  });

  it('a key that answers a permission prompt is told from typing', () => {
    for (const k of ['1', '2', 'y', 'n', '\r', '\x1b', '\x1b[A', '\x1bOB'])
      expect(isPromptAnswer(k), JSON.stringify(k)).toBe(true);
    for (const k of ['ok', 'openclaw gateway restart\r', '12', 'a', '\x1b[200~1\x1b[201~'])
      expect(isPromptAnswer(k), JSON.stringify(k)).toBe(false);
  });
});
