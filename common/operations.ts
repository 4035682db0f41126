// The operation table: every operation a client can ask of the engine, once — its payload check, its
// result type, whether a read-only viewer may call it, and which transports offer it. The preload bridge,
// the IPC router, the dashboard's WebSocket server and client, and the control socket all derive from it
// or dispatch through it (VS Code's ProxyChannel is the pattern), so an operation is added in one place
// (here) plus its handler (main/engine/operations.ts), and every transport validates it the same way.
import type {
  DoctorOutcome,
  EngineEvent,
  GatewayCheck,
  Incident,
  IncidentDetail,
  PreflightReport,
  Problem,
  Result,
  SettingsView,
  StatusSnapshot,
  TerminalChunk,
} from './contract.js';
import type { PlaybookView } from './knownfix.js';

/** Bounds on payloads: generous for real use, small enough that a runaway client cannot flood the engine. */
export const LIMITS = {
  // One week: longer pauses are "until resumed" (null), which the UI offers separately.
  maxPauseMinutes: 7 * 24 * 60,
  // Incident ids are a timestamp plus random hex (~30 chars); 100 leaves room, paths stay out.
  maxIncidentIdLength: 100,
  // Prompt templates are a few KiB; 256 KiB is far beyond any useful brief.
  maxTemplateChars: 256 * 1024,
  maxChannelNameChars: 200,
  // Keystrokes and pastes: 64 KiB per message; a larger paste arrives in several.
  maxInputChars: 64 * 1024,
  // Viewers ack what xterm parsed (a few KiB at a time); 16 MiB catches garbage, not real acks.
  maxAckChars: 16 * 1024 * 1024,
  // Terminal geometry: tmux refuses sizes beyond 10000; 1000x500 covers any real screen. Below 2, nothing draws.
  minCols: 2,
  minRows: 2,
  maxCols: 1000,
  maxRows: 500,
} as const;

export type ArgsVerdict<A extends unknown[]> =
  { ok: true; args: A } | { ok: false; reason: string; problems?: Problem[] };

/** Checks raw arguments from outside (IPC, WebSocket, socket) and returns them typed, or why not. */
export type ArgsCheck<A extends unknown[]> = (raw: readonly unknown[]) => ArgsVerdict<A>;

/** 'chat': the buttons of an interactive notification channel (Telegram), read by the engine itself. */
export type Transport = 'ipc' | 'ws' | 'control' | 'chat';

interface OperationBase<A extends unknown[], T extends readonly Transport[] = readonly Transport[]> {
  args: ArgsCheck<A>;
  /** May a read-only viewer (the dashboard without --allow-input) call it? Only what changes nothing. */
  readOnly: boolean;
  /** What it does, for refusals: "cannot restart the gateway". */
  what: string;
  /** The transports that offer it. */
  transports: T;
}

/** Request/response. `result`: the answer is a Result, so refusals and failures come back as values. */
export interface CallOperation<
  A extends unknown[],
  R,
  T extends readonly Transport[] = readonly Transport[],
> extends OperationBase<A, T> {
  kind: 'call';
  result: R extends Result<unknown> ? true : false;
  /** Control socket: the engine's events stream to the caller until the operation ends. */
  streamsEvents?: boolean;
  /** Never set: carries the result type. */
  readonly resultType?: R;
}

/** One-way: no answer (keystrokes, acks, resizes). */
export interface SendOperation<
  A extends unknown[],
  T extends readonly Transport[] = readonly Transport[],
> extends OperationBase<A, T> {
  kind: 'send';
}

// ---- argument checks ------------------------------------------------------------------------------------

const good = <A extends unknown[]>(args: A): ArgsVerdict<A> => ({ ok: true, args });
const bad = (reason: string, problems?: Problem[]): ArgsVerdict<never> =>
  problems ? { ok: false, reason, problems } : { ok: false, reason };

function arity(raw: readonly unknown[], n: number): string | null {
  return raw.length === n ? null : `expected ${n} argument${n === 1 ? '' : 's'}, got ${raw.length}`;
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function boundedString(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length <= max;
}

const none: ArgsCheck<[]> = (raw) => {
  const e = arity(raw, 0);
  return e ? bad(e) : good([]);
};

/** One argument, checked by `test`; `expect` says what it must be. */
function one<T>(test: (v: unknown) => v is T, expect: string): ArgsCheck<[T]> {
  return (raw) => {
    const e = arity(raw, 1);
    if (e) return bad(e);
    return test(raw[0]) ? good([raw[0]]) : bad(expect);
  };
}

const pauseMinutes = one(
  (v): v is number | null => v === null || isInt(v, 1, LIMITS.maxPauseMinutes),
  `pause minutes must be null (until resumed) or a whole number from 1 to ${LIMITS.maxPauseMinutes}`,
);
const incidentId = one(
  (v): v is string => boundedString(v, LIMITS.maxIncidentIdLength) && /^[0-9A-Za-z-]+$/.test(v),
  'an incident id is letters, digits and dashes',
);
/** The shape only: the engine validates the settings themselves and answers with every problem. */
const settingsDocument: ArgsCheck<[unknown]> = (raw) => {
  const e = arity(raw, 1);
  if (e) return bad(e);
  const v = raw[0];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return bad('settings must be a JSON object', [{ path: '(root)', message: 'must be a JSON object' }]);
  }
  return good([v]);
};
const recordId = (v: unknown): v is string => boundedString(v, 20) && /^(?:r\d{1,6})?$/.test(v);
const fixAnswer: ArgsCheck<[string, string, boolean]> = (raw) => {
  const e = arity(raw, 3);
  if (e) return bad(e);
  const [id, rec, approve] = raw;
  const okId = boundedString(id, LIMITS.maxIncidentIdLength) && /^[0-9A-Za-z-]+$/.test(id);
  if (!okId || !recordId(rec) || typeof approve !== 'boolean') {
    return bad(
      'an answer is an incident id, a known-fix record id ("r1"…, or "" for the one waiting) ' +
        'and true (yes) or false (no)',
    );
  }
  return good([id, rec, approve]);
};
const playbookEnable: ArgsCheck<[string, boolean]> = (raw) => {
  const e = arity(raw, 2);
  if (e) return bad(e);
  const [id, on] = raw;
  if (!boundedString(id, 63) || !/^[a-z0-9][a-z0-9-]*$/.test(id) || typeof on !== 'boolean') {
    return bad('a playbook is named by its id (lower-case letters, digits, dashes) and enabled with true or false');
  }
  return good([id, on]);
};
const fixRecord: ArgsCheck<[string, string]> = (raw) => {
  const e = arity(raw, 2);
  if (e) return bad(e);
  const [id, rec] = raw;
  const okId = boundedString(id, LIMITS.maxIncidentIdLength) && /^[0-9A-Za-z-]+$/.test(id);
  if (!okId || !recordId(rec) || rec === '')
    return bad('an undo names an incident id and a known-fix record id ("r1", "r2", …)');
  return good([id, rec]);
};
/** The engine's id of a pending permission prompt: an episode number and a hash of what the prompt shows. */
const promptId = one(
  (v): v is string => boundedString(v, LIMITS.maxIncidentIdLength) && /^[0-9A-Za-z-]+$/.test(v),
  'a prompt id is letters, digits and dashes',
);
/** `[]`, or `[{ force: true }]`: run even when the gateway answers healthy (a check-up, not a recovery). */
const doctorOptions: ArgsCheck<[] | [{ force: boolean }]> = (raw) => {
  if (raw.length === 0) return good([]);
  const e = arity(raw, 1);
  if (e) return bad(e);
  const o = raw[0];
  if (o && typeof o === 'object' && !Array.isArray(o) && typeof (o as { force?: unknown }).force === 'boolean') {
    return good([{ force: (o as { force: boolean }).force }]);
  }
  return bad('doctor options are { force: true | false }');
};
/** `[]` (the last report when there is one), or `[{ fresh: true }]`: check again now. */
const preflightOptions: ArgsCheck<[] | [{ fresh: boolean }]> = (raw) => {
  if (raw.length === 0) return good([]);
  const e = arity(raw, 1);
  if (e) return bad(e);
  const o = raw[0];
  if (o && typeof o === 'object' && !Array.isArray(o) && typeof (o as { fresh?: unknown }).fresh === 'boolean') {
    return good([{ fresh: (o as { fresh: boolean }).fresh }]);
  }
  return bad('preflight options are { fresh: true | false }');
};
const template = one(
  (v): v is string => boundedString(v, LIMITS.maxTemplateChars),
  `the template must be text of at most ${LIMITS.maxTemplateChars} characters`,
);
const channelName = one(
  (v): v is string => boundedString(v, LIMITS.maxChannelNameChars) && v.trim() !== '',
  'a channel is named by a non-empty name',
);
const ackChars = one(
  (v): v is number => isInt(v, 0, LIMITS.maxAckChars),
  'an ack is a whole, non-negative number of characters',
);
const keystrokes = one(
  (v): v is string => boundedString(v, LIMITS.maxInputChars),
  `input is text of at most ${LIMITS.maxInputChars} characters per message`,
);
const size: ArgsCheck<[number, number]> = (raw) => {
  const e = arity(raw, 2);
  if (e) return bad(e);
  const [c, r] = raw;
  if (isInt(c, LIMITS.minCols, LIMITS.maxCols) && isInt(r, LIMITS.minRows, LIMITS.maxRows)) return good([c, r]);
  return bad(
    `a terminal size is whole numbers: cols ` +
      `${LIMITS.minCols}-${LIMITS.maxCols}, rows ` +
      `${LIMITS.minRows}-${LIMITS.maxRows}`,
  );
};

// ---- the table ------------------------------------------------------------------------------------------

const UI = ['ipc', 'ws'] as const;
const EVERYWHERE = ['ipc', 'ws', 'control'] as const;

/** A call returning R (given explicitly; the arguments are inferred from the check). */
function call<R>() {
  return <A extends unknown[], const T extends readonly Transport[]>(
    o: Omit<CallOperation<A, R, T>, 'kind'>,
  ): CallOperation<A, R, T> => ({ kind: 'call', ...o });
}
function send<A extends unknown[], const T extends readonly Transport[]>(
  o: Omit<SendOperation<A, T>, 'kind'>,
): SendOperation<A, T> {
  return { kind: 'send', ...o };
}

export const OPERATIONS = {
  getStatus: call<StatusSnapshot>()({
    args: none,
    result: false,
    readOnly: true,
    what: 'read the status',
    transports: EVERYWHERE,
  }),
  // Checking the setup runs `--version` of the agents and tmux and reads files: it changes nothing.
  preflight: call<PreflightReport>()({
    args: preflightOptions,
    result: false,
    readOnly: true,
    what: 'check the setup',
    transports: EVERYWHERE,
  }),
  // A one-off probe observes and changes nothing: read-only viewers may ask for it.
  checkNow: call<GatewayCheck>()({
    args: none,
    result: false,
    readOnly: true,
    what: 'check the gateway',
    transports: UI,
  }),
  restartNow: call<Result>()({
    args: none,
    result: true,
    readOnly: false,
    what: 'restart the gateway',
    transports: [...EVERYWHERE, 'chat'],
    streamsEvents: true,
  }),
  startDoctor: call<Result>()({
    args: none,
    result: true,
    readOnly: false,
    what: 'start the doctor',
    transports: [...UI, 'chat'],
  }),
  /** Runs a doctor session and answers when it has ended, with its outcome (the CLI's `clawmedic doctor`). */
  runDoctor: call<Result<DoctorOutcome>>()({
    args: doctorOptions,
    result: true,
    readOnly: false,
    what: 'run the doctor',
    transports: ['control'],
    streamsEvents: true,
  }),
  stopDoctor: call<Result>()({
    args: none,
    result: true,
    readOnly: false,
    what: 'stop the doctor',
    transports: [...EVERYWHERE, 'chat'],
  }),
  pause: call<Result<StatusSnapshot>>()({
    args: pauseMinutes,
    result: true,
    readOnly: false,
    what: 'pause monitoring',
    transports: [...EVERYWHERE, 'chat'],
  }),
  /** Answers the doctor's pending permission prompt "Yes" once, if it is still the prompt with this id. */
  approvePrompt: call<Result>()({
    args: promptId,
    result: true,
    readOnly: false,
    what: "approve the agent's request",
    transports: ['chat'],
  }),
  /** Refuses the doctor's pending permission prompt, if it is still the prompt with this id. */
  denyPrompt: call<Result>()({
    args: promptId,
    result: true,
    readOnly: false,
    what: "deny the agent's request",
    transports: ['chat'],
  }),
  resume: call<Result<StatusSnapshot>>()({
    args: none,
    result: true,
    readOnly: false,
    what: 'resume monitoring',
    transports: EVERYWHERE,
  }),
  listIncidents: call<Incident[]>()({
    args: none,
    result: false,
    readOnly: true,
    what: 'list incidents',
    transports: UI,
  }),
  getIncident: call<IncidentDetail | null>()({
    args: incidentId,
    result: false,
    readOnly: true,
    what: 'read an incident',
    transports: UI,
  }),
  getSettings: call<SettingsView>()({
    args: none,
    result: false,
    readOnly: true,
    what: 'read the settings',
    transports: UI,
  }),
  saveSettings: call<Result>()({
    args: settingsDocument,
    result: true,
    readOnly: false,
    what: 'save settings',
    transports: UI,
  }),
  // Rendering a preview changes nothing.
  previewBrief: call<Result<string>>()({
    args: template,
    result: true,
    readOnly: true,
    what: 'preview the brief',
    transports: UI,
  }),
  testNotification: call<Result>()({
    args: channelName,
    result: true,
    readOnly: false,
    what: 'send a test notification',
    transports: UI,
  }),
  answerFix: call<Result>()({
    args: fixAnswer,
    result: true,
    readOnly: false,
    what: 'answer a known fix',
    transports: EVERYWHERE,
  }),
  undoFix: call<Result<string>>()({
    args: fixRecord,
    result: true,
    readOnly: false,
    what: 'undo a known fix',
    transports: EVERYWHERE,
  }),
  listPlaybooks: call<PlaybookView[]>()({
    args: none,
    result: false,
    readOnly: true,
    what: 'list playbooks',
    transports: EVERYWHERE,
  }),
  setPlaybookEnabled: call<Result<PlaybookView>>()({
    args: playbookEnable,
    result: true,
    readOnly: false,
    what: 'enable or disable a playbook',
    transports: EVERYWHERE,
  }),
  revertConfig: call<Result<string>>()({
    args: none,
    result: true,
    readOnly: false,
    what: 'revert the gateway config',
    transports: EVERYWHERE,
  }),
  takeOver: call<Result>()({
    args: none,
    result: true,
    readOnly: false,
    what: 'take over the session',
    transports: UI,
  }),
  handBack: call<Result>()({
    args: none,
    result: true,
    readOnly: false,
    what: 'hand the session back',
    transports: UI,
  }),
  terminalAck: send({ args: ackChars, readOnly: true, what: 'acknowledge terminal output', transports: UI }),
  terminalInput: send({ args: keystrokes, readOnly: false, what: 'type into the session', transports: UI }),
  // Resizing only changes how the session is drawn for this viewer.
  terminalResize: send({ args: size, readOnly: true, what: 'resize the terminal', transports: UI }),
} as const;

type Table = typeof OPERATIONS;
export type OperationName = keyof Table;
export type CallName = {
  [K in OperationName]: Table[K] extends CallOperation<unknown[], unknown> ? K : never;
}[OperationName];
export type SendName = { [K in OperationName]: Table[K] extends SendOperation<unknown[]> ? K : never }[OperationName];
export type ArgsOf<K extends OperationName> = Table[K] extends { args: ArgsCheck<infer A> } ? A : never;
export type ResultOf<K extends CallName> = Table[K] extends CallOperation<unknown[], infer R> ? R : never;
export type Operation = CallOperation<unknown[], unknown> | SendOperation<unknown[]>;
/** Names of calls whose answer is a Result (refusals and failures travel as values). */
export type ResultCallName = { [K in CallName]: Table[K]['result'] extends true ? K : never }[CallName];

/** Operations a transport offers, by name. */
export function operationsFor(transport: Transport): OperationName[] {
  return (Object.keys(OPERATIONS) as OperationName[]).filter((n) =>
    (OPERATIONS[n].transports as readonly Transport[]).includes(transport),
  );
}

/** True when the operation answers with a Result (refusals and failures then travel as values). */
export function answersWithResult(name: string): boolean {
  const op = operation(name);
  return op !== null && op.kind === 'call' && op.result;
}

export function operation(name: string): Operation | null {
  return Object.prototype.hasOwnProperty.call(OPERATIONS, name) ? OPERATIONS[name as OperationName] : null;
}

/** The live streams a client subscribes to (each with its own push channel / frames). */
export type Streams = {
  /** The live terminal: replay of the current (or last) session, then live output; acked by terminalAck. */
  terminal: TerminalChunk;
  events: EngineEvent;
};

/** Operations the window and the dashboard offer (not the control-socket-only ones). */
export type UiName = {
  [K in OperationName]: Extract<Table[K]['transports'][number], 'ipc' | 'ws'> extends never ? never : K;
}[OperationName];

/** What the renderer may call, derived from the table: one method per operation, errors as values. */
export type ClawMedicApi = {
  [K in Extract<CallName, UiName>]: (...args: ArgsOf<K>) => Promise<ResultOf<K>>;
} & {
  [K in Extract<SendName, UiName>]: (...args: ArgsOf<K>) => void;
} & {
  /** Live terminal of the running doctor session; returns the unsubscribe. */
  terminalSubscribe(listener: (chunk: TerminalChunk) => void): () => void;
  onEvent(listener: (event: EngineEvent) => void): () => void;
};

/**
 * The refusal a read-only viewer gets; `null` when it may call the operation. The dashboard is
 * read-only unless started with --allow-input.
 */
export function readOnlyRefusal(name: OperationName): string | null {
  const op = OPERATIONS[name];
  if (op.readOnly) return null;
  return (
    `The dashboard is read-only, so it cannot ${op.what}. ` +
    'Restart it with `clawmedic watch --dashboard --allow-input` to allow changes.'
  );
}
