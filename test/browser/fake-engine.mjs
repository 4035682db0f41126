// @ts-check
// A scriptable EngineApi for the dashboard tests and the screenshot script: real data shapes, no gateway,
// no tmux. Plain JS (with JSDoc types) so scripts/screenshots.mjs can import it without a TS loader.
//
// The live terminal keeps the whole session (replayed to each new subscriber) and applies the same
// flow control as the engine: per subscriber, it stops delivering above HIGH unacked characters and
// resumes below LOW, so a test can see acks travel end to end.

/** @typedef {import('../../common/contract.js').TerminalChunk} TerminalChunk */
/** @typedef {import('../../common/contract.js').EngineEvent} EngineEvent */
/** @typedef {import('../../common/contract.js').Incident} Incident */
/** @typedef {import('../../common/contract.js').IncidentDetail} IncidentDetail */
/** @typedef {import('../../common/contract.js').StatusSnapshot} StatusSnapshot */
/** @typedef {import('../../common/contract.js').Result} Result */
/** @typedef {import('../../main/engine/engine-api.js').EngineApi} EngineApi */
/** @typedef {import('../../common/settings-schema.js').Settings} Settings */
/** @typedef {import('../../common/knownfix.js').PlaybookView} PlaybookView */
/** @typedef {import('../../common/knownfix.js').GatewayWarning} GatewayWarning */

export const FAKE_HIGH = 100_000;
export const FAKE_LOW = 5_000;

/**
 * @typedef {object} FakeSubscriber
 * @property {(c: TerminalChunk) => void} listener
 * @property {number} unacked
 * @property {number} acked
 * @property {TerminalChunk[]} pending
 * @property {boolean} closed
 */

export class FakeTerminal {
  /**
   * @param {{ respectAcks?: boolean }} [opts] respectAcks=false: keep pushing regardless of acks (a misbehaving
   * engine).
   */
  constructor(opts = {}) {
    this.respectAcks = opts.respectAcks ?? true;
    /** @type {string[]} */
    this.history = [];
    /** @type {string | null} */
    this.sessionName = null;
    this.ended = false;
    /** @type {Set<FakeSubscriber>} */
    this.subs = new Set();
    this.subscribeCount = 0;
    this.closeCount = 0;
  }

  /** @param {string} name */
  startSession(name) {
    this.sessionName = name;
    this.history = [];
    this.ended = false;
  }

  /** @param {string} data */
  emit(data) {
    this.history.push(data);
    for (const s of this.subs) this.deliver(s, { kind: 'live', data, sessionName: this.sessionName });
  }

  end() {
    this.ended = true;
    for (const s of this.subs) this.deliver(s, { kind: 'end', data: '', sessionName: this.sessionName });
  }

  /** @param {FakeSubscriber} s @param {TerminalChunk} chunk */
  deliver(s, chunk) {
    if (s.closed) return;
    if (this.respectAcks && (s.unacked >= FAKE_HIGH || s.pending.length > 0)) {
      s.pending.push(chunk);
      return;
    }
    s.unacked += chunk.data.length;
    s.listener(chunk);
  }

  /** @param {FakeSubscriber} s */
  flush(s) {
    while (s.pending.length && s.unacked < FAKE_HIGH && !s.closed) {
      const c = /** @type {TerminalChunk} */ (s.pending.shift());
      s.unacked += c.data.length;
      s.listener(c);
    }
  }

  /** @param {(c: TerminalChunk) => void} listener */
  subscribe(listener) {
    /** @type {FakeSubscriber} */
    const s = { listener, unacked: 0, acked: 0, pending: [], closed: false };
    this.subs.add(s);
    this.subscribeCount++;
    for (const data of this.history) this.deliver(s, { kind: 'replay', data, sessionName: this.sessionName });
    if (this.ended) this.deliver(s, { kind: 'end', data: '', sessionName: this.sessionName });
    return {
      /** @param {number} n */
      ack: (n) => {
        s.unacked = Math.max(0, s.unacked - n);
        s.acked += n;
        if (s.unacked <= FAKE_LOW) this.flush(s);
      },
      close: () => {
        if (s.closed) return;
        s.closed = true;
        s.pending = [];
        this.subs.delete(s);
        this.closeCount++;
      },
    };
  }

  /** Totals over live subscribers, for assertions. */
  stats() {
    let unacked = 0;
    let acked = 0;
    let pending = 0;
    for (const s of this.subs) {
      unacked += s.unacked;
      acked += s.acked;
      pending += s.pending.reduce((n, c) => n + c.data.length, 0);
    }
    return {
      subscribers: this.subs.size,
      unacked,
      acked,
      pending,
      subscribeCount: this.subscribeCount,
      closeCount: this.closeCount,
    };
  }
}

/**
 * A preflight where everything is in place, as on a Mac with OpenClaw and Claude Code installed.
 * @param {number} nowMs
 * @returns {import('../../common/contract.js').PreflightReport}
 */
export function healthyPreflight(nowMs) {
  /** @type {[string, string, string][]} */
  const ok = [
    ['settings', 'Settings file', '/Users/you/.clawmedic/settings.json'],
    ['gateway-url', 'Gateway URL', 'http://127.0.0.1:18789 (this machine)'],
    ['gateway-config', 'Gateway config', '/Users/you/.openclaw/openclaw.json'],
    ['restart', 'Restart command', 'openclaw gateway restart → /opt/homebrew/bin/openclaw'],
    ['agent:claude', 'Agent “claude”', '2.1.330 (Claude Code) · /opt/homebrew/bin/claude'],
    ['tmux', 'tmux', 'tmux 3.5a · /opt/homebrew/bin/tmux'],
    ['pty', 'Live terminal (node-pty)', 'spawn helper is executable'],
    ['data-dir', 'Data folder', '/Users/you/.clawmedic (yours, private)'],
    ['notify', 'Notifications', 'this Mac, discord, phone'],
  ];
  return {
    at: new Date(nowMs).toISOString(),
    items: ok.map(([id, label, detail]) => ({ id, label, status: 'ok', detail, fix: null, setting: null })),
  };
}

/**
 * An incident id the way the engine makes them (incidents/store.ts): the start to the millisecond, then hex.
 * @param {number} ms @param {string} hex six hex digits
 */
export function incidentIdAt(ms, hex) {
  return `${new Date(ms).toISOString().replace(/[-:]/g, '').replace('.', '')}-${hex}`;
}

/**
 * A doctor session name the way the tmux driver makes them (tmux/tmux.ts newSessionName).
 * @param {number} ms @param {string} hex
 */
export function sessionNameAt(ms, hex) {
  const stamp = new Date(ms).toISOString().replace(/[-:]/g, '').replace('.', '').replace('T', '-').replace('Z', '');
  return `clawmedic-${stamp}-${hex}`;
}

/**
 * @param {{
 *   validate?: (s: unknown) => { ok: boolean, problems: { path: string, message: string }[] },
 *   settings?: unknown,
 *   incidents?: Incident[],
 *   details?: Record<string, { report: string | null, transcript: string | null }>,
 *   now?: () => number,
 *   terminal?: FakeTerminal,
 *   templateVariables?: Record<string, string>,
 *   defaultPromptTemplate?: string,
 *   preflight?: import('../../common/contract.js').PreflightReport,
 *   playbooks?: PlaybookView[],
 * }} [opts]
 */
export function createFakeEngine(opts = {}) {
  const now = opts.now ?? (() => Date.now());
  const iso = (/** @type {number} */ ms) => new Date(ms).toISOString();
  /** @type {Set<(e: EngineEvent) => void>} */
  const listeners = new Set();
  const terminal = opts.terminal ?? new FakeTerminal();
  /** @type {string[]} */
  const inputs = [];
  /** @type {{cols: number, rows: number}[]} */
  const resizes = [];
  /** What saveSettings accepted (validated by `opts.validate` when given). @type {Settings[]} */
  const saved = [];
  /** @type {string[]} */
  const calls = [];
  /** @type {import('../../common/contract.js').PreflightReport} */
  let preflight = opts.preflight ?? healthyPreflight(now());
  /** @type {unknown} */
  let settings = structuredClone(opts.settings ?? {});
  /** @type {Incident[]} */
  let incidents = structuredClone(opts.incidents ?? []);
  const details = { ...(opts.details ?? {}) };
  /** @type {PlaybookView[]} */
  const playbooks = structuredClone(opts.playbooks ?? []);
  /** @type {StatusSnapshot} */
  let status = {
    state: 'healthy',
    since: iso(now() - 3_600_000),
    reason: 'gateway answers /healthz',
    lastCheck: null,
    consecutiveFailures: 0,
    pausedUntil: null,
    openIncidentId: null,
    doctor: null,
    gatewayUrl: 'http://127.0.0.1:18789',
    settingsProblems: [],
    pendingFix: null,
    warnings: [],
  };

  /** @param {EngineEvent} e */
  const emit = (e) => {
    for (const l of [...listeners]) l(e);
  };
  /** @param {string} m @returns {{ ok: false, message: string }} */
  const fail = (m) => ({ ok: false, message: m });
  /** @type {Result} */
  const ok = { ok: true, value: undefined };

  // Checked against EngineApi (plus the test controls), but typed as written: tests reach the fake terminal too.
  /** @satisfies {EngineApi & Record<string, unknown>} */
  const engine = {
    // ---- EngineApi ----
    on(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    status: () => structuredClone(status),
    /** @param {{ fresh: boolean }} [o] */
    preflight(o) {
      calls.push(o?.fresh ? 'preflight:fresh' : 'preflight');
      return Promise.resolve(structuredClone(preflight));
    },
    checkNow() {
      calls.push('checkNow');
      return Promise.resolve({
        condition: 'healthy',
        health: {
          ok: true,
          kind: 'healthy',
          url: status.gatewayUrl + '/healthz',
          status: 200,
          latencyMs: 3,
          detail: 'ok',
          at: iso(now()),
        },
        failing: [],
        at: iso(now()),
      });
    },
    restartNow() {
      calls.push('restartNow');
      return Promise.resolve(ok);
    },
    startDoctor() {
      calls.push('startDoctor');
      if (status.doctor) return Promise.resolve(fail('A doctor session is already running.'));
      engine.fakeStartDoctor('claude');
      return Promise.resolve(ok);
    },
    runDoctor() {
      calls.push('runDoctor');
      // Only the CLI waits for a whole session; the dashboard starts one and follows its events.
      return Promise.resolve({ ok: false, message: 'The fake engine does not run a doctor session to its end.' });
    },
    /** @param {string} promptId @param {'approve' | 'deny'} answer */
    answerPrompt(promptId, answer) {
      calls.push(`answerPrompt:${answer}:${promptId}`);
      // The fake shows no permission prompt, so an answer is refused as the real engine refuses a stale one.
      return Promise.resolve(fail('No permission prompt is waiting any more: it was answered, or the session ended.'));
    },
    stopDoctor() {
      calls.push('stopDoctor');
      if (!status.doctor) return Promise.resolve(fail('No doctor session is running.'));
      engine.fakeEndDoctor();
      return Promise.resolve(ok);
    },
    pause(m) {
      calls.push(`pause:${m}`);
      const previous = status.state;
      const pausedUntil = m ? iso(now() + m * 60_000) : null;
      status = { ...status, state: 'paused', reason: 'paused by the user', pausedUntil, since: iso(now()) };
      emit({ type: 'state', state: 'paused', previous, reason: status.reason, at: iso(now()) });
    },
    resume() {
      calls.push('resume');
      const reason = 'gateway answers /healthz';
      status = { ...status, state: 'healthy', reason, pausedUntil: null, since: iso(now()) };
      emit({ type: 'state', state: 'healthy', previous: 'paused', reason: status.reason, at: iso(now()) });
    },
    notifySuspend() {},
    notifyResume() {},
    listIncidents() {
      return Promise.resolve(structuredClone(incidents));
    },
    getIncident(id) {
      const inc = incidents.find((i) => i.id === id);
      if (!inc) return Promise.resolve(null);
      const d = details[id] ?? { report: null, transcript: null };
      return Promise.resolve(structuredClone({ incident: inc, report: d.report, transcript: d.transcript }));
    },
    getSettings() {
      return Promise.resolve({
        file: '/Users/you/.clawmedic/settings.json',
        settings: structuredClone(settings),
        problems: [],
        templateVariables: opts.templateVariables ?? {
          gatewayUrl: 'the gateway base URL',
          incidentId: 'the incident id',
        },
        defaultPromptTemplate:
          opts.defaultPromptTemplate ?? 'Fix the gateway at {{gatewayUrl}} (incident {{incidentId}}).',
      });
    },
    saveSettings(next) {
      calls.push('saveSettings');
      if (opts.validate) {
        const r = opts.validate(next);
        if (!r.ok)
          return Promise.resolve({
            ok: false,
            message: 'Some settings are invalid; nothing was saved.',
            problems: r.problems,
          });
      }
      settings = structuredClone(next);
      saved.push(/** @type {Settings} */ (structuredClone(next)));
      emit({ type: 'settings-changed' });
      return Promise.resolve(ok);
    },
    async previewBrief(template) {
      calls.push('previewBrief');
      const values = { gatewayUrl: status.gatewayUrl, incidentId: 'inc-preview', port: '18789' };
      const bad = [...template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)]
        .map((m) => m[1] ?? '')
        .filter((n) => !(n in (opts.templateVariables ?? values)));
      if (bad.length) return Promise.resolve({ ok: false, message: `unknown variable {{${bad[0]}}}` });
      return Promise.resolve({
        ok: true,
        value: template.replace(
          /\{\{\s*([^{}]*?)\s*\}\}/g,
          (_m, /** @type {string} */ n) => /** @type {Record<string,string>} */ (values)[n] ?? `<${n}>`,
        ),
      });
    },
    answerFix(incidentId, recordId, approve) {
      calls.push(`answerFix:${incidentId}:${recordId}:${approve}`);
      if (!status.pendingFix || status.pendingFix.incidentId !== incidentId)
        return Promise.resolve(fail('No known fix is waiting for an answer there.'));
      const rung = status.pendingFix.rung;
      status = { ...status, pendingFix: null };
      emit({
        type: 'known-fix',
        phase: approve ? 'started' : 'declined',
        incidentId,
        rung,
        detail: approve ? 'approved' : 'declined',
        at: iso(now()),
      });
      return Promise.resolve(ok);
    },
    undoFix(incidentId, recordId) {
      calls.push(`undoFix:${incidentId}:${recordId}`);
      const inc = incidents.find((i) => i.id === incidentId);
      const rec = inc?.rungs?.find((r) => r.id === recordId);
      if (!rec?.undo?.available || rec.undo.doneAt) return Promise.resolve(fail(`Nothing to undo for ${recordId}.`));
      rec.undo.doneAt = iso(now());
      rec.undo.result = 'the config file is back as it was before the fix';
      emit({
        type: 'incident-event',
        incidentId,
        event: { at: iso(now()), type: 'known-fix-undone', detail: rec.undo.result },
      });
      return Promise.resolve({ ok: true, value: `undid ${rec.rung}` });
    },
    revertConfig() {
      calls.push('revertConfig');
      if (!status.warnings?.some((w) => w.canRevert)) return Promise.resolve(fail('There is nothing to revert.'));
      status = { ...status, warnings: (status.warnings ?? []).filter((w) => w.kind !== 'config') };
      emit({ type: 'warnings', warnings: status.warnings ?? [], added: [], at: iso(now()) });
      return Promise.resolve({ ok: true, value: 'Put back the last-known-good copy.' });
    },
    listPlaybooks() {
      return Promise.resolve(structuredClone(playbooks));
    },
    setPlaybookEnabled(id, enabled) {
      calls.push(`setPlaybookEnabled:${id}:${enabled}`);
      const v = playbooks.find((p) => p.id === id);
      if (!v?.playbook) return Promise.resolve(fail(`No playbook "${id}".`));
      v.playbook.enabled = enabled;
      return Promise.resolve({ ok: true, value: structuredClone(v) });
    },
    testNotification(channel) {
      calls.push(`testNotification:${channel}`);
      return Promise.resolve(ok);
    },
    terminal,
    takeOver() {
      calls.push('takeOver');
      if (!status.doctor) return Promise.resolve(fail('No doctor session is running.'));
      status.doctor.takenOver = true;
      emit({
        type: 'doctor',
        phase: 'taken-over',
        incidentId: status.doctor.incidentId,
        detail: 'human has the keyboard',
        at: iso(now()),
      });
      return Promise.resolve(ok);
    },
    handBack() {
      calls.push('handBack');
      if (!status.doctor) return Promise.resolve(fail('No doctor session is running.'));
      status.doctor.takenOver = false;
      emit({
        type: 'doctor',
        phase: 'handed-back',
        incidentId: status.doctor.incidentId,
        detail: 'agent has the keyboard',
        at: iso(now()),
      });
      return Promise.resolve(ok);
    },
    terminalInput(data) {
      if (!status.doctor?.takenOver) return false;
      inputs.push(data);
      return true;
    },
    terminalResize(cols, rows) {
      resizes.push({ cols, rows });
    },
    async stop() {},

    // ---- test controls ----
    inputs,
    resizes,
    saved,
    calls,
    listenerCount: () => listeners.size,
    /** @param {import('../../common/contract.js').PreflightReport} r */
    fakePreflight(r) {
      preflight = structuredClone(r);
      emit({ type: 'preflight', report: structuredClone(r) });
    },
    /**
     * @param {string} agent
     * @param {{ startedAt?: number, timeoutSec?: number, needsApproval?: boolean, pendingRequest?: string }} [o]
     */
    fakeStartDoctor(agent, o = {}) {
      const started = o.startedAt ?? now();
      // The outage began a little before the doctor: confirming and two restarts.
      const incidentId = incidentIdAt(started - 142_000, '7c41e9');
      const sessionName = sessionNameAt(started, 'b82d4f');
      terminal.startSession(sessionName);
      status = {
        ...status,
        state: 'recovering',
        since: iso(started),
        reason: 'restarts did not bring the gateway back',
        openIncidentId: incidentId,
        doctor: {
          incidentId,
          agent,
          sessionName,
          attachCommand: `tmux -S '/Users/you/.clawmedic/tmux.sock' attach -t '${sessionName}'`,
          startedAt: iso(started),
          deadline: iso(started + (o.timeoutSec ?? 1800) * 1000),
          takenOver: false,
          needsApproval: o.needsApproval ?? false,
          pendingRequest: o.pendingRequest ?? null,
        },
      };
      emit({ type: 'state', state: 'recovering', previous: 'restarting', reason: status.reason, at: iso(now()) });
      emit({ type: 'doctor', phase: 'started', incidentId, detail: agent, at: iso(now()) });
    },
    fakeEndDoctor() {
      if (!status.doctor) return;
      const id = status.doctor.incidentId;
      terminal.end();
      status = {
        ...status,
        state: 'healthy',
        reason: 'gateway answers /healthz',
        doctor: null,
        openIncidentId: null,
        since: iso(now()),
      };
      emit({ type: 'doctor', phase: 'finished', incidentId: id, detail: 'recovered', at: iso(now()) });
      emit({ type: 'state', state: 'healthy', previous: 'recovering', reason: status.reason, at: iso(now()) });
    },
    /** @param {Partial<StatusSnapshot>} patch */
    fakeStatus(patch) {
      status = { ...status, ...patch };
      emit({ type: 'state', state: status.state, previous: status.state, reason: status.reason, at: iso(now()) });
    },
    /** @param {Incident} inc @param {{ report?: string | null, transcript?: string | null }} [d] */
    fakeAddIncident(inc, d = {}) {
      incidents = [inc, ...incidents];
      details[inc.id] = { report: d.report ?? null, transcript: d.transcript ?? null };
      emit({ type: 'incident-opened', incident: structuredClone(inc) });
      if (inc.outcome !== 'open') emit({ type: 'incident-closed', incident: structuredClone(inc) });
    },
    /** @param {string} id */
    fakeRemoveIncident(id) {
      incidents = incidents.filter((i) => i.id !== id);
      delete details[id];
    },
    /** @param {EngineEvent} e */
    fakeEmit: emit,
    /** @param {GatewayWarning[]} warnings */
    fakeWarnings(warnings) {
      status = { ...status, warnings: structuredClone(warnings) };
      emit({ type: 'warnings', warnings, added: warnings, at: iso(now()) });
    },
    /** @param {import('../../common/knownfix.js').PendingFix | null} pending */
    fakePendingFix(pending) {
      status = { ...status, pendingFix: structuredClone(pending) };
      if (pending)
        emit({
          type: 'known-fix',
          phase: 'proposed',
          incidentId: pending.incidentId,
          rung: pending.rung,
          detail: pending.action,
          at: iso(now()),
          pending,
        });
    },
  };
  return engine;
}
