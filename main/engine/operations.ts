// The engine side of the operation table (common/operations.ts): one handler per operation, and the one
// dispatch every transport uses — the IPC router, the dashboard's WebSocket, the control socket. Dispatch
// looks the operation up, checks that the transport offers it and that a read-only viewer may call it,
// checks the arguments with the table's check, runs the handler, and turns refusals and failures of
// Result operations into `{ ok: false }` values (errors travel as values, never as exceptions).
import type { Problem, Result } from '../../common/contract.js';
import {
  operation,
  readOnlyRefusal,
  type ArgsOf,
  type CallName,
  type OperationName,
  type ResultOf,
  type SendName,
  type Transport,
} from '../../common/operations.js';
import type { EngineApi } from './engine-api.js';

export type Handlers = {
  [K in CallName]: (...args: ArgsOf<K>) => ResultOf<K> | Promise<ResultOf<K>>;
} & {
  [K in SendName]: (...args: ArgsOf<K>) => void;
};

/**
 * What the engine does for each operation. `terminalAck` belongs to a viewer's own stream, so each
 * transport passes its own (see dispatch's `viewer`); here it is a no-op for callers without one.
 */
export function engineHandlers(engine: EngineApi): Handlers {
  return {
    getStatus: () => engine.status(),
    preflight: (opts?: { fresh: boolean }) => engine.preflight(opts),
    checkNow: () => engine.checkNow(),
    restartNow: () => engine.restartNow(),
    startDoctor: () => engine.startDoctor(),
    runDoctor: (opts?: { force: boolean }) => engine.runDoctor(opts),
    stopDoctor: () => engine.stopDoctor(),
    approvePrompt: (id) => engine.answerPrompt(id, 'approve'),
    denyPrompt: (id) => engine.answerPrompt(id, 'deny'),
    pause: (minutes) => {
      engine.pause(minutes);
      return { ok: true, value: engine.status() };
    },
    resume: () => {
      engine.resume();
      return { ok: true, value: engine.status() };
    },
    listIncidents: () => engine.listIncidents(),
    getIncident: (id) => engine.getIncident(id),
    getSettings: () => engine.getSettings(),
    saveSettings: (settings) => engine.saveSettings(settings),
    previewBrief: (template) => engine.previewBrief(template),
    answerFix: (incidentId, recordId, approve) => engine.answerFix(incidentId, recordId, approve),
    undoFix: (incidentId, recordId) => engine.undoFix(incidentId, recordId),
    revertConfig: () => engine.revertConfig(),
    listPlaybooks: () => engine.listPlaybooks(),
    setPlaybookEnabled: (id, enabled) => engine.setPlaybookEnabled(id, enabled),
    testNotification: (channel) => engine.testNotification(channel),
    takeOver: () => engine.takeOver(),
    handBack: () => engine.handBack(),
    // No stream of its own here: transports route acks to the viewer's stream.
    terminalAck: () => undefined,
    // Refused (false) unless a human has taken over; a refusal here is a race with hand-back.
    terminalInput: (data) => void engine.terminalInput(data),
    terminalResize: (cols, rows) => engine.terminalResize(cols, rows),
  };
}

/**
 * The answer a transport sends back. For its log: `refused` says why nothing ran, `failed` why the
 * handler failed (a Result operation then answers `{ ok: false }` as its value).
 */
export type Answer =
  | { ok: true; value: unknown; refused?: string; failed?: string }
  | { ok: false; message: string; problems?: Problem[]; refused?: string; failed?: string };

export interface DispatchOptions {
  transport: Transport;
  /** A read-only viewer (the dashboard without --allow-input). */
  readOnly?: boolean;
  /** Replaces handlers for this caller (its own terminal stream's ack, a redacting wrapper…). */
  overrides?: Partial<Handlers>;
}

function refuse(isResult: boolean, message: string, problems?: Problem[]): Answer {
  const value: Result = problems ? { ok: false, message, problems } : { ok: false, message };
  return isResult ? { ok: true, value, refused: message } : { ...value, refused: message };
}

/** Runs one operation for a transport. Never throws. */
export async function dispatch(
  handlers: Handlers,
  name: string,
  raw: readonly unknown[],
  o: DispatchOptions,
): Promise<Answer> {
  const op = operation(name);
  if (!op || !op.transports.includes(o.transport)) {
    return refuse(false, `unknown operation ${JSON.stringify(String(name).slice(0, 100))}`);
  }
  const n = name as OperationName;
  const isResult = op.kind === 'call' && op.result;
  if (o.readOnly) {
    const why = readOnlyRefusal(n);
    if (why) return refuse(isResult, why);
  }
  const v = op.args(raw);
  if (!v.ok) return refuse(isResult, `invalid arguments for ${name}: ${v.reason}`, v.problems);
  const fn = (o.overrides?.[n] ?? handlers[n]) as (...a: unknown[]) => unknown;
  try {
    return { ok: true, value: await fn(...v.args) };
  } catch (err) {
    const message = `ClawMedic could not ${op.what}: ${(err as Error).message}`;
    // Result operations report failures as values, so every UI shows them like any other answer.
    if (isResult) return { ok: true, value: { ok: false, message } satisfies Result, failed: message };
    return { ok: false, message, failed: message };
  }
}
