// What a person is told about known fixes and warnings: a fix waiting for a yes (what it does, the
// diff, how to answer, when it goes on without), a guard warning, a recovery by a known fix (not "by
// itself"), and a runtime mismatch, all redacted.
import { describe, expect, it } from 'vitest';
import type { EngineEvent, Incident } from '../../common/contract.js';
import { messageFor } from '../../main/engine/notify/policy.js';

const ctx = { hostname: 'mini', secrets: ['s3cr3t-gateway-token-value'] };
const AT = '2026-11-25T12:00:00.000Z';

const incident = (over: Partial<Incident> = {}): Incident => ({
  id: '20261125T115900000Z-abcdef',
  trigger: 'health',
  startedAt: '2026-11-25T11:59:00.000Z',
  endedAt: AT,
  outcome: 'recovered',
  resolvedBy: 'known-fix:config-restore',
  agent: null,
  reportPath: null,
  transcriptPath: null,
  events: [
    {
      at: AT,
      type: 'recovered',
      detail: 'fixed by the last-known-good config: restored the config from the copy of 2026-11-25T10:00:00Z',
    },
  ],
  summary: 'connection refused (refused, 3 checks)',
  restarts: 2,
  doctor: null,
  owner: { pid: 1, hostname: 'mini' },
  fingerprint: null,
  rungs: [
    {
      id: 'r1',
      rung: 'config-restore',
      mode: 'ask',
      status: 'recovered',
      startedAt: AT,
      endedAt: AT,
      action: 'restore',
      detail: 'restored',
      diff: '--- a\n+++ b\n@@ -1 +1 @@\n-  port: "18789", token: "s3cr3t-gateway-token-value"\n+  port: 18789',
      undo: null,
    },
  ],
  ...over,
});

describe('known-fix messages', () => {
  it('a fix waiting for a yes says what it does, shows the diff, and how and until when to answer', () => {
    const e: EngineEvent = {
      type: 'known-fix',
      phase: 'proposed',
      incidentId: 'i1',
      rung: 'config-restore',
      detail: 'restore',
      at: AT,
      pending: {
        incidentId: 'i1',
        recordId: 'r1',
        rung: 'config-restore',
        action: "restore ClawMedic's last-known-good copy of /home/me/.openclaw/openclaw.json",
        diff: '--- a\n+++ b\n@@ -1 +1 @@\n-  token: "s3cr3t-gateway-token-value", port: "18789"\n+  port: 18789',
        expiresAt: '2026-11-25T12:05:00.000Z',
      },
    };
    const m = messageFor(e, ctx)!;
    expect(m).toMatchObject({
      kind: 'fix-proposed',
      severity: 'warning',
      incidentId: 'i1',
      dedupeKey: 'i1:fix-proposed:r1',
    });
    expect(m.title).toBe('ClawMedic can fix the gateway on mini: it needs your yes');
    expect(m.body).toContain("Known fix: Restore ClawMedic's last-known-good copy");
    expect(m.body).toContain('+  port: 18789');
    expect(m.body).toContain('clawmedic fix approve');
    expect(m.body).toContain('within 5 min');
    expect(m.body).not.toContain('s3cr3t-gateway-token-value');
  });

  it('a recovery by a known fix names it (never "by itself") and shows the config change, redacted', () => {
    const m = messageFor({ type: 'incident-closed', incident: incident() }, ctx)!;
    expect(m.kind).toBe('recovered');
    expect(m.body).toContain('Fixed by a known fix (config-restore), without an agent.');
    expect(m.body).toContain('+  port: 18789');
    expect(m.body).not.toContain('s3cr3t-gateway-token-value');
    const pb = messageFor(
      { type: 'incident-closed', incident: incident({ resolvedBy: 'playbook:stranger-on-port', rungs: [] }) },
      ctx,
    )!;
    expect(pb.body).toContain('Fixed by playbook stranger-on-port, without an agent.');
  });

  it('a guard warning goes out once, with its diff; a runtime mismatch is a precise, critical note', () => {
    const w = {
      kind: 'config' as const,
      title:
        'This edit will stop the gateway at its next restart: gateway.port: expected number, received string (line 4)',
      detail: 'x',
      since: AT,
      diff: '--- a\n+++ b\n@@\n-  "port": 1,\n+  "port": "1",',
      canRevert: true,
    };
    const m = messageFor({ type: 'warnings', warnings: [w], added: [w], at: AT }, ctx)!;
    expect(m).toMatchObject({ kind: 'warning', severity: 'warning', incidentId: null });
    expect(m.title).toContain('(line 4)');
    expect(m.body).toContain('+  "port": "1",');
    expect(messageFor({ type: 'warnings', warnings: [w], added: [], at: AT }, ctx)).toBeNull();
    const n = messageFor(
      {
        type: 'known-fix',
        phase: 'notified',
        incidentId: 'i2',
        rung: 'runtime-mismatch',
        detail:
          'OpenClaw needs Node 24.16+/26.1+; the gateway was started with Node 20.20.2. ' +
          'Install a Node version OpenClaw supports',
        at: AT,
      },
      ctx,
    )!;
    expect(n).toMatchObject({ kind: 'warning', severity: 'critical', incidentId: 'i2' });
    expect(n.title).toBe(
      'OpenClaw gateway on mini cannot start: ' +
        'OpenClaw needs Node 24.16+/26.1+; the gateway was started with Node 20.20.2',
    );
  });
});
