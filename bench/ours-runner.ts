// Runs ClawMedic's real doctor (production timing) on one scripted session of the stand-in agent:
// its own data dir, tmux server and stand-in gateway, so several can run side by side.
import { existsSync, statSync } from 'node:fs';
import type { DoctorPhase } from '../common/contract.js';
import { Doctor } from '../main/engine/doctor/doctor.js';
import type { DoctorOutcome, DoctorRequest } from '../main/engine/doctor/port.js';
import { createHarness, readAgentLog } from '../test/fixtures/fake-agent-harness.js';
import { sessionScript, type SessionKind } from './sessions.js';
import { onCleanup, until } from './util.js';

export interface OursRun {
  kind: SessionKind;
  thinkMs: number;
  startedAt: number;
  /** run() resolved: the verdict is in and the session, its tmux server and the lock are gone. */
  closedAt: number;
  outcome: DoctorOutcome;
  fixAt: number | null;
  phases: { phase: DoctorPhase; at: number; detail: string }[];
  /** Permission session: when the prompt appeared on the agent's screen, and when we raised needs-approval. */
  promptShownAt: number | null;
  needsApprovalAt: number | null;
  /** Permission session: the doctor was still waiting (not finished) when the hold ended. */
  stillWaitingAfterHold: boolean | null;
  /** tmux sessions left on the doctor's socket after run() (must be none). */
  leftover: string[];
}

/** Per-session safety limit (the doctor's own limit is doctor.timeoutSec below). */
const RUN_LIMIT_MS = 180_000;

export async function runOursSession(o: { kind: SessionKind; thinkMs: number; holdMs: number }): Promise<OursRun> {
  const h = await createHarness();
  const closeHarness = onCleanup(() => h.close());
  const doctor = new Doctor({ dataDir: h.dataDir });
  const ctl = new AbortController();
  const stopDoctor = onCleanup(async () => {
    ctl.abort();
    await doctor.cleanupOrphans().catch(() => undefined);
  });
  try {
    const profile = h.profile(
      {
        FAKE_AGENT_TRUST: 'numbered',
        FAKE_AGENT_SCRIPT: JSON.stringify(sessionScript(o.kind, o.thinkMs, h.marker)),
        FAKE_AGENT_NOTIFY_MS: '6000',
      },
      // A user who left permission checks on: the agent may stop and ask.
      o.kind === 'permission' ? { permissionMode: 'default' } : {},
    );
    const settings = h.settings({ claude: profile }, { timeoutSec: Math.ceil(RUN_LIMIT_MS / 1000) });
    const incident = await h.store.open({ trigger: 'manual', summary: 'benchmark session' });
    const phases: OursRun['phases'] = [];
    const req: DoctorRequest = {
      incident,
      settings,
      check: () => h.check(),
      recentFailures: [await h.check()],
      signal: ctl.signal,
      emit: (phase, detail) => phases.push({ phase, detail, at: Date.now() }),
    };
    const startedAt = Date.now();
    let closedAt = 0;
    const running = doctor.run(req).then((out) => {
      closedAt = Date.now();
      return out;
    });
    const limit = setTimeout(() => ctl.abort(), RUN_LIMIT_MS);
    let needsApprovalAt: number | null = null;
    let stillWaitingAfterHold: boolean | null = null;
    if (o.kind === 'permission') {
      const seen = await until(
        () => phases.find((p) => p.phase === 'needs-approval') ?? (closedAt ? 'ended' : null),
        'needs-approval',
        60_000,
      );
      if (seen !== 'ended') {
        needsApprovalAt = seen.at;
        await Promise.race([running, new Promise((r) => setTimeout(r, o.holdMs))]);
        stillWaitingAfterHold = closedAt === 0 && doctor.current() !== null;
      }
      ctl.abort();
    }
    const outcome = await running;
    clearTimeout(limit);
    const log = readAgentLog(h.agentLog);
    const shown = log.find((e) => e.ev === 'permission-prompt');
    return {
      kind: o.kind,
      thinkMs: o.thinkMs,
      startedAt,
      closedAt,
      outcome,
      fixAt: existsSync(h.marker) ? statSync(h.marker).mtimeMs : null,
      phases,
      promptShownAt: shown ? Number(shown.at) : null,
      needsApprovalAt,
      stillWaitingAfterHold,
      leftover: h.sessions(doctor.tmux.socket),
    };
  } finally {
    await stopDoctor();
    await closeHarness();
  }
}
