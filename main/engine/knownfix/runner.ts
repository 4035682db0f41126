// Level 2½: known fixes between the restart and the doctor. After the restarts failed, collect the
// facts, record the fingerprint, then try each rung whose precondition holds, in order: its mode
// decides (auto: do it; ask: propose it and wait for a person; off: only record that it applied), our
// own probe verifies, and every change has an undo. Nothing is ever deleted: files that are replaced
// are kept beside the original, 0600.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { EngineEvent, GatewayCheck, KnownFixPhase, Result } from '../../../common/contract.js';
import type {
  Fingerprint,
  FingerprintFacts,
  PendingFix,
  RungMode,
  RungRecord,
  RungUndo,
} from '../../../common/knownfix.js';
import { iso, sleep, type Clock } from '../../../common/clock.js';
import { gatewaySecrets } from '../doctor/context.js';
import { ensurePrivateDir, writeFileAtomic } from '../fsutil.js';
import type { IncidentHandle, IncidentStore } from '../incidents/store.js';
import { redact } from '../redact.js';
import { collectFacts } from './facts.js';
import { fingerprintOf } from './fingerprint.js';
import type { LastGoodStore } from './lastgood.js';
import type { KnownFixOutcome, KnownFixPort, KnownFixRequest } from './port.js';
import { restoreBackup, type FileBackup } from './config-files.js';
import { RUNGS, type Candidate, type RungEnv } from './rungs.js';
import type { KnownFixState } from './state.js';

/** At most this many rungs per outage: each one that fails re-reads the facts, and the list is short. */
const MAX_RUNGS_PER_OUTAGE = 12;

/** How an undo is carried out, stored beside the rung's files (`<incident>/fixes/<record>/undo.json`). */
export type UndoPlan =
  FileBackup | { kind: 'reinstall'; command: string; timeoutSec: number } | { kind: 'none'; why: string };

export interface KnownFixesDeps {
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** The `openclaw` executable (resolved on the login shell's PATH or from tools.openclaw). */
  openclaw: () => string;
  incidents: IncidentStore;
  lastGood: LastGoodStore;
  state: KnownFixState;
  emit: (e: EngineEvent) => void;
  /** Runs a shell command like a restart step (same user, same environment). */
  runCommand: RungEnv['runCommand'];
  /** Extra candidates after the built-in rungs (enabled playbooks). */
  extraCandidates?: (env: RungEnv) => Promise<Candidate[]>;
  /** Tests replace the fact collection (it runs `openclaw`, lsof, ps); the default is collectFacts. */
  collect?: typeof collectFacts;
  /** Called when a candidate's verdict is in (playbooks keep their statistics). */
  onResult?: (rung: string, ok: boolean, detail: string, incidentId: string) => Promise<void>;
}

interface Waiting {
  pending: PendingFix;
  resolve: (answer: 'approve' | 'decline') => void;
}

export class KnownFixes implements KnownFixPort {
  private waiting: Waiting | null = null;
  /** The last restart step a rung ran (its exit code feeds the next fingerprint). */
  private lastRestartStep: KnownFixRequest['lastStep'] = null;
  /** Live handles of incidents this process worked on: undo writes through them, never around them. */
  private readonly handles = new Map<string, IncidentHandle>();

  constructor(private readonly d: KnownFixesDeps) {}

  /** The question waiting for a person, if any. */
  pending(): PendingFix | null {
    return this.waiting ? { ...this.waiting.pending } : null;
  }

  /** A person's yes or no to the pending question. */
  answer(incidentId: string, recordId: string, approve: boolean): Result {
    const w = this.waiting;
    if (!w || w.pending.incidentId !== incidentId || (recordId && w.pending.recordId !== recordId)) {
      return {
        ok: false,
        message: 'No known fix is waiting for an answer there (it may have expired or been answered already).',
      };
    }
    w.resolve(approve ? 'approve' : 'decline');
    return { ok: true, value: undefined };
  }

  async run(req: KnownFixRequest): Promise<KnownFixOutcome> {
    const inc = req.incident;
    this.handles.set(inc.id, inc);
    const s = req.settings;
    const secrets = await gatewaySecrets(s.gateway.configPath).catch(() => [] as string[]);
    const none = (detail: string): KnownFixOutcome => ({
      recovered: false,
      resolvedBy: null,
      detail,
      check: req.lastCheck,
    });
    req.setReason('diagnosing: collecting the facts for the fingerprint');
    let lastCheck = req.lastCheck;
    let lastStep = req.lastStep;
    let fp = await this.diagnose(req, lastCheck, lastStep, secrets);
    if (!s.knownFixes.enabled) return none('known fixes are off (knownFixes.enabled)');
    const tried = new Set<string>();
    for (let n = 0; n < MAX_RUNGS_PER_OUTAGE && !req.signal.aborted; n++) {
      const env = this.rungEnv(req, fp, secrets);
      const candidates = [...RUNGS.map((r) => r(env)), ...((await this.d.extraCandidates?.(env)) ?? [])];
      let next: { c: Candidate; plan: NonNullable<Awaited<ReturnType<Candidate['plan']>>> } | null = null;
      for (const c of candidates) {
        if (tried.has(c.rung)) continue;
        const plan = await c.plan();
        if (plan) {
          next = { c, plan };
          break;
        }
      }
      if (!next) break;
      const { c, plan } = next;
      tried.add(c.rung);
      const rec = await this.newRecord(inc, c.rung, c.mode, plan.action, plan.diff, plan.undo);
      if (c.mode === 'off') {
        await this.finish(inc, rec, 'off', `it applies, but its setting is off (${c.setting}); nothing was done`);
        continue;
      }
      if (plan.notifyOnly) {
        await this.finish(inc, rec, 'notified', plan.action, 'notified');
        continue;
      }
      if (c.mode === 'ask') {
        req.setReason(`known fix waiting for your answer: ${plan.action}`);
        const answer = await this.ask(req, rec, plan.diff);
        if (answer !== 'approve') {
          if (answer === 'cancelled') return none('stopped while a known fix waited for an answer');
          await this.finish(
            inc,
            rec,
            answer === 'decline' ? 'declined' : 'expired',
            answer === 'decline'
              ? 'a person said no'
              : `nobody answered within ${s.knownFixes.askTimeoutSec} s (knownFixes.askTimeoutSec)`,
          );
          continue;
        }
      }
      rec.status = 'running';
      await this.save(inc);
      this.phase(inc, 'started', c.rung, plan.action);
      req.setReason(`known fix: ${plan.action}`);
      const dir = inc.file(path.join('fixes', rec.id));
      await ensurePrivateDir(dir);
      let act: Awaited<ReturnType<typeof plan.act>>;
      try {
        act = await plan.act(dir);
      } catch (err) {
        act = { acted: false, detail: `it could not be carried out: ${(err as Error).message}`, undo: null };
      }
      if (act.undo) await writeFileAtomic(path.join(dir, 'undo.json'), `${JSON.stringify(act.undo, null, 2)}\n`);
      if (act.undoInfo) rec.undo = act.undoInfo;
      if (act.diff !== undefined) rec.diff = act.diff;
      if (req.signal.aborted) {
        await this.finish(inc, rec, 'failed', `stopped: ${act.detail}`);
        return none('stopped during a known fix');
      }
      let healthy: GatewayCheck | null = null;
      if (act.acted) {
        healthy = act.healthy !== undefined ? act.healthy : await this.startAndVerify(req, !act.skipRestart);
        if (healthy) lastCheck = healthy;
      }
      if (healthy) {
        const detail = `${act.detail}; the gateway is healthy again (ClawMedic's own probe)`;
        await this.finish(inc, rec, 'recovered', detail, 'recovered');
        await this.d.onResult?.(c.rung, true, detail, inc.id);
        return {
          recovered: true,
          resolvedBy: c.resolvedBy,
          detail: `fixed by ${c.label}: ${act.detail}`,
          check: healthy,
        };
      }
      if (act.acted) {
        // The fix changed something: the facts may have changed with it (a freed port, a repaired config).
        lastCheck = await req.check();
        lastStep = act.lastStep ?? this.lastRestartStep ?? lastStep;
        if (lastCheck.condition === 'healthy' || lastCheck.condition === 'degraded') {
          const detail = `${act.detail}; the gateway is healthy again (ClawMedic's own probe)`;
          await this.finish(inc, rec, 'recovered', detail, 'recovered');
          await this.d.onResult?.(c.rung, true, detail, inc.id);
          return {
            recovered: true,
            resolvedBy: c.resolvedBy,
            detail: `fixed by ${c.label}: ${act.detail}`,
            check: lastCheck,
          };
        }
      }
      const detail = act.acted
        ? `${act.detail}; the gateway is still down (${lastCheck?.health.detail ?? 'not healthy'})`
        : act.detail;
      await this.finish(inc, rec, 'failed', detail, 'failed');
      await this.d.onResult?.(c.rung, false, detail, inc.id);
      if (act.acted) fp = await this.diagnose(req, lastCheck, lastStep, secrets);
    }
    return none(
      tried.size
        ? `no known fix brought it back (tried: ${[...tried].join(', ')})`
        : `no known fix applies to ${fp.kind}`,
    );
  }

  /** Undoes a rung's change (the config file as it was, or the version before a rollback). */
  async undo(incidentId: string, recordId: string): Promise<Result<string>> {
    const handle = this.handles.get(incidentId);
    const inc = handle?.record ?? (await this.d.incidents.get(incidentId));
    if (!inc) return { ok: false, message: `No incident "${incidentId}".` };
    const rec = inc.rungs?.find((r) => r.id === recordId);
    if (!rec) return { ok: false, message: `Incident ${incidentId} has no known-fix record "${recordId}".` };
    if (!rec.undo?.available)
      return {
        ok: false,
        message: `There is nothing to undo for ${rec.rung}: ${rec.undo?.why ?? 'it changed nothing'}.`,
      };
    if (rec.undo.doneAt) return { ok: false, message: `${rec.rung} was already undone at ${rec.undo.doneAt}.` };
    const dir = path.join(this.d.incidents.root, incidentId, 'fixes', recordId);
    let plan: UndoPlan;
    try {
      plan = JSON.parse(await fsp.readFile(path.join(dir, 'undo.json'), 'utf8')) as UndoPlan;
    } catch (err) {
      return {
        ok: false,
        message:
          `The undo data for ${rec.rung} cannot be read (${(err as Error).message}); ` +
          'the files beside the config still hold every version.',
      };
    }
    let result: string;
    try {
      if (plan.kind === 'restore-file') result = await restoreBackup(plan, this.d.clock.now());
      else if (plan.kind === 'reinstall') {
        const r = await this.d.runCommand(plan.command, plan.timeoutSec, new AbortController().signal);
        if (!r.ok) return { ok: false, message: `Undo failed: \`${plan.command}\` ${r.detail}` };
        result = `ran \`${plan.command}\``;
      } else return { ok: false, message: `There is nothing to undo: ${plan.why}` };
    } catch (err) {
      return { ok: false, message: `Undo failed: ${(err as Error).message}` };
    }
    const at = iso(this.d.clock.now());
    const apply = (r: RungRecord | undefined) => {
      if (r?.undo) {
        r.undo.doneAt = at;
        r.undo.result = result;
      }
    };
    const detail = `undid ${rec.rung} (${rec.id}): ${result}. It takes effect at the gateway's next start.`;
    if (handle) {
      apply(handle.record.rungs?.find((r) => r.id === recordId));
      await handle.update({ rungs: handle.record.rungs ?? [] });
      await handle.event('known-fix-undone', detail);
    } else {
      await this.d.incidents.patch(incidentId, (i) => apply(i.rungs?.find((r) => r.id === recordId)));
      await this.d.incidents.appendEvent(incidentId, 'known-fix-undone', detail);
    }
    this.d.emit({ type: 'known-fix', phase: 'undone', incidentId, rung: rec.rung, detail, at });
    return { ok: true, value: detail };
  }

  // ---- steps -----------------------------------------------------------------------------------

  private rungEnv(req: KnownFixRequest, fp: Fingerprint, secrets: string[]): RungEnv {
    return {
      req,
      fp,
      facts: fp.facts,
      settings: req.settings,
      clock: this.d.clock,
      env: this.d.env,
      openclaw: this.d.openclaw(),
      secrets,
      lastGood: this.d.lastGood,
      state: this.d.state,
      runCommand: this.d.runCommand,
    };
  }

  private async diagnose(
    req: KnownFixRequest,
    lastCheck: GatewayCheck | null,
    lastStep: KnownFixRequest['lastStep'],
    secrets: string[],
  ): Promise<Fingerprint> {
    const s = req.settings;
    const facts: FingerprintFacts = await (this.d.collect ?? collectFacts)({
      gatewayUrl: s.gateway.url,
      configPath: s.gateway.configPath,
      logPaths: s.gateway.logPaths,
      openclaw: this.d.openclaw(),
      env: this.d.env,
      lastCheck,
      lastStep,
      lastHealthyVersion: this.d.state.get().lastHealthyVersion,
      sinceMs: Date.parse(req.incident.record.startedAt),
      secrets,
    });
    const fp = fingerprintOf(facts, iso(this.d.clock.now()));
    const before = req.incident.record.fingerprint;
    await req.incident.update({ fingerprint: fp });
    if (!before || before.key !== fp.key || before.detail !== fp.detail) {
      await req.incident.event('fingerprint', `${fp.kind} (${fp.key}): ${fp.detail}`);
      this.phase(req.incident, 'fingerprint', fp.kind, fp.detail);
    }
    return fp;
  }

  private async startAndVerify(req: KnownFixRequest, restart = true): Promise<GatewayCheck | null> {
    if (!restart) return req.waitHealthy(req.settings.restart.waitHealthySec * 1000);
    const r = await req.restart();
    this.lastRestartStep = r.last;
    // Like the restart ladder: a failed start step is not waited on.
    return req.waitHealthy(r.ok ? req.settings.restart.waitHealthySec * 1000 : 0);
  }

  private async ask(
    req: KnownFixRequest,
    rec: RungRecord,
    diff: string | null,
  ): Promise<'approve' | 'decline' | 'expired' | 'cancelled'> {
    const inc = req.incident;
    const ms = req.settings.knownFixes.askTimeoutSec * 1000;
    const pending: PendingFix = {
      incidentId: inc.id,
      recordId: rec.id,
      rung: rec.rung,
      action: rec.action,
      diff,
      expiresAt: iso(this.d.clock.now() + ms),
    };
    rec.status = 'proposed';
    await this.save(inc);
    await inc.event(
      'known-fix-proposed',
      `${rec.rung}: ${rec.action} — waiting up to ${Math.round(ms / 1000)} s for a person's answer`,
    );
    const stop = new AbortController();
    const answer = await new Promise<'approve' | 'decline' | 'expired' | 'cancelled'>((resolve) => {
      this.waiting = { pending, resolve };
      this.d.emit({
        type: 'known-fix',
        phase: 'proposed',
        incidentId: inc.id,
        rung: rec.rung,
        detail: rec.action,
        at: iso(this.d.clock.now()),
        pending,
      });
      const onAbort = () => resolve('cancelled');
      req.signal.addEventListener('abort', onAbort, { once: true });
      void sleep(this.d.clock, ms, stop.signal).then(() => resolve('expired'));
      stop.signal.addEventListener('abort', () => req.signal.removeEventListener('abort', onAbort), { once: true });
    });
    stop.abort();
    this.waiting = null;
    if (answer === 'approve') await inc.event('known-fix-approved', `${rec.rung}: a person said yes`);
    else this.phase(inc, answer === 'decline' ? 'declined' : 'expired', rec.rung, rec.action);
    return answer;
  }

  private async newRecord(
    inc: IncidentHandle,
    rung: string,
    mode: RungMode,
    action: string,
    diff: string | null,
    undo: RungUndo | null,
  ): Promise<RungRecord> {
    const rungs = inc.record.rungs ?? [];
    const rec: RungRecord = {
      id: `r${rungs.length + 1}`,
      rung,
      mode,
      status: 'running',
      startedAt: iso(this.d.clock.now()),
      endedAt: null,
      action,
      detail: '',
      diff,
      undo,
    };
    rungs.push(rec);
    await inc.update({ rungs });
    return rec;
  }

  private async finish(
    inc: IncidentHandle,
    rec: RungRecord,
    status: RungRecord['status'],
    detail: string,
    phase?: KnownFixPhase,
  ): Promise<void> {
    rec.status = status;
    rec.detail = detail;
    rec.endedAt = iso(this.d.clock.now());
    await this.save(inc);
    await inc.event(`known-fix-${status}`, `${rec.rung}: ${detail}`);
    if (phase) this.phase(inc, phase, rec.rung, detail);
  }

  private save(inc: IncidentHandle): Promise<void> {
    return inc.update({ rungs: inc.record.rungs ?? [] });
  }

  private phase(inc: IncidentHandle, phase: KnownFixPhase, rung: string, detail: string): void {
    this.d.emit({
      type: 'known-fix',
      phase,
      incidentId: inc.id,
      rung,
      detail: redact(detail),
      at: iso(this.d.clock.now()),
    });
  }
}
