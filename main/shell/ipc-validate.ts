// Every IPC message is checked here before it reaches the engine: who sent it (the frame's URL, parsed
// with URL, must be our own page), on which channel (allow-list), and with what arguments (shape and
// bounds; settings go through the engine's own validator). Pure functions; the router logs rejections.
import type { Problem } from '../../common/contract.js';
import { validateSettings } from '../engine/settings/index.js';
import { isAppUrl } from './app-protocol.js';
import { invokeOpFor, sendOpFor, type InvokeOp, type SendOp } from '../../common/channels.js';

/** Where our renderer may legitimately be loaded from: clawmedic://app/index.html (app-protocol.ts), or… */
export interface TrustedOrigins {
  /** …the Vite dev server origin (`http://localhost:5173`) in development only; null otherwise. */
  devServerOrigin: string | null;
}

/** What the router can tell about a message's sender (Electron's event.senderFrame). */
export interface SenderInfo {
  /** The sending frame's URL; null when the frame is gone (navigated away or destroyed). */
  url: string | null;
  /** Only the top frame of our window may talk to main (no iframes, even our own). */
  isMainFrame: boolean;
}

/** Bounds on payloads: generous for real use, small enough that a runaway renderer cannot flood main. */
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
  // xterm acks what it parsed from one batch (<= 64 KiB); 16 MiB catches garbage, not real acks.
  maxAckChars: 16 * 1024 * 1024,
  // Terminal geometry: tmux refuses sizes beyond 10000; 1000x500 covers any real screen.
  maxCols: 1000,
  maxRows: 500,
} as const;

/** Null when the sender is ours; otherwise the reason it is not. */
export function checkSender(sender: SenderInfo, trusted: TrustedOrigins): string | null {
  if (sender.url === null) return 'the sending frame is gone';
  if (!sender.isMainFrame) return 'sent from a sub-frame';
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    // An unparsable URL cannot be ours.
    return `unparsable sender URL ${JSON.stringify(sender.url.slice(0, 200))}`;
  }
  if (isAppUrl(url)) return url.pathname === '/index.html' ? null : `sender ${url.href} is not the app's page`;
  if (trusted.devServerOrigin !== null && url.origin === trusted.devServerOrigin) return null;
  return `sender origin ${url.origin} is not trusted`;
}

export type ArgsVerdict<A extends unknown[] = unknown[]> =
  | { ok: true; args: A }
  | { ok: false; reason: string; problems?: Problem[] };

const ok = <A extends unknown[]>(args: A): ArgsVerdict<A> => ({ ok: true, args });
const bad = (reason: string, problems?: Problem[]): ArgsVerdict<never> =>
  problems ? { ok: false, reason, problems } : { ok: false, reason };

function arity(args: unknown[], n: number): string | null {
  return args.length === n ? null : `expected ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`;
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function boundedString(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length <= max;
}

function noArgs(args: unknown[]): ArgsVerdict<[]> {
  const e = arity(args, 0);
  return e ? bad(e) : ok([]);
}

/**
 * Settings are checked with the engine's own validator (schema + semantics) before anything is saved;
 * the problems go back to the settings form key by key.
 */
export function validateSettingsPayload(args: unknown[]): ArgsVerdict<[unknown]> {
  const e = arity(args, 1);
  if (e) return bad(e);
  const payload = args[0];
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return bad('settings must be a JSON object', [{ path: '(root)', message: 'must be a JSON object' }]);
  }
  let result: ReturnType<typeof validateSettings>;
  try {
    result = validateSettings(payload);
  } catch (err) {
    // structuredClone throws on values JSON cannot hold; IPC already cloned it, so this is defensive.
    return bad(`settings cannot be copied: ${(err as Error).message}`);
  }
  if (!result.ok) return bad('Some settings are invalid; nothing was saved.', result.problems);
  return ok([payload]);
}

type Validator = (args: unknown[]) => ArgsVerdict;

const INVOKE_ARGS: Record<InvokeOp, Validator> = {
  getStatus: noArgs,
  checkNow: noArgs,
  restartNow: noArgs,
  startDoctor: noArgs,
  stopDoctor: noArgs,
  resume: noArgs,
  listIncidents: noArgs,
  getSettings: noArgs,
  takeOver: noArgs,
  handBack: noArgs,
  pause(args) {
    const e = arity(args, 1);
    if (e) return bad(e);
    const m = args[0];
    if (m === null || isInt(m, 1, LIMITS.maxPauseMinutes)) return ok([m]);
    return bad(`pause minutes must be null or a whole number from 1 to ${LIMITS.maxPauseMinutes}`);
  },
  getIncident(args) {
    const e = arity(args, 1);
    if (e) return bad(e);
    const id = args[0];
    if (boundedString(id, LIMITS.maxIncidentIdLength) && /^[0-9A-Za-z-]+$/.test(id)) return ok([id]);
    return bad('incident id must be letters, digits and dashes');
  },
  saveSettings: validateSettingsPayload,
  previewBrief(args) {
    const e = arity(args, 1);
    if (e) return bad(e);
    if (boundedString(args[0], LIMITS.maxTemplateChars)) return ok([args[0]]);
    return bad(`template must be a string of at most ${LIMITS.maxTemplateChars} characters`);
  },
  testNotification(args) {
    const e = arity(args, 1);
    if (e) return bad(e);
    const name = args[0];
    if (boundedString(name, LIMITS.maxChannelNameChars) && name.trim() !== '') return ok([name]);
    return bad('channel must be a non-empty name');
  },
};

const SEND_ARGS: Record<SendOp, Validator> = {
  terminalSubscribe: noArgs,
  terminalUnsubscribe: noArgs,
  eventsSubscribe: noArgs,
  eventsUnsubscribe: noArgs,
  terminalAck(args) {
    const e = arity(args, 1);
    if (e) return bad(e);
    if (isInt(args[0], 0, LIMITS.maxAckChars)) return ok([args[0]]);
    return bad('ack must be a whole, non-negative number of characters');
  },
  terminalInput(args) {
    const e = arity(args, 1);
    if (e) return bad(e);
    if (boundedString(args[0], LIMITS.maxInputChars)) return ok([args[0]]);
    return bad(`input must be a string of at most ${LIMITS.maxInputChars} characters`);
  },
  terminalResize(args) {
    const e = arity(args, 2);
    if (e) return bad(e);
    if (isInt(args[0], 1, LIMITS.maxCols) && isInt(args[1], 1, LIMITS.maxRows)) return ok([args[0], args[1]]);
    return bad(`resize needs whole numbers: cols 1-${LIMITS.maxCols}, rows 1-${LIMITS.maxRows}`);
  },
};

export type CallVerdict =
  | { ok: true; kind: 'invoke'; op: InvokeOp; args: unknown[] }
  | { ok: true; kind: 'send'; op: SendOp; args: unknown[] }
  | { ok: false; op: InvokeOp | SendOp | null; reason: string; problems?: Problem[] };

/** The one gate: sender, then channel, then payload. */
export function validateCall(
  kind: 'invoke' | 'send',
  channel: string,
  sender: SenderInfo,
  args: unknown[],
  trusted: TrustedOrigins,
): CallVerdict {
  const op = kind === 'invoke' ? invokeOpFor(channel) : sendOpFor(channel);
  const who = checkSender(sender, trusted);
  if (who) return { ok: false, op, reason: `untrusted sender: ${who}` };
  if (op === null) return { ok: false, op: null, reason: `unknown ${kind} channel ${JSON.stringify(channel.slice(0, 100))}` };
  const v = kind === 'invoke' ? INVOKE_ARGS[op as InvokeOp](args) : SEND_ARGS[op as SendOp](args);
  if (!v.ok) return v.problems ? { ok: false, op, reason: v.reason, problems: v.problems } : { ok: false, op, reason: v.reason };
  return kind === 'invoke'
    ? { ok: true, kind, op: op as InvokeOp, args: v.args }
    : { ok: true, kind, op: op as SendOp, args: v.args };
}
