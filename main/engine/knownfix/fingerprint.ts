// The outage's fingerprint: the facts the engine collected (facts.ts), reduced to one kind, a stable
// key and a line for people. Pure: the same facts always give the same fingerprint, so a playbook
// learned for one outage matches the next one of the same kind.
import type { Fingerprint, FingerprintFacts, LogSignal, LogSignalKind } from '../../../common/knownfix.js';
import { describeIssue } from './openclaw-cli.js';

/** A signal's line is cut here: the message is at the start; the rest is stack or noise. */
const SIGNAL_LINE_MAX = 300;

const SIGNAL_PATTERNS: [LogSignalKind, RegExp][] = [
  // Node too old: "openclaw: Node 20.20.2: node:sqlite is unavailable; use 24.16+/26.1+ …" (measured),
  // npm's EBADENGINE, and the generic "requires Node >= …".
  [
    'engine-version',
    new RegExp(
      [
        'node:sqlite is unavailable',
        'failed runtime admission',
        String.raw`requires Node(?:\.js)? ?(?:version )?>=`,
        'Unsupported engine',
        'EBADENGINE',
        'The engine "node" is incompatible',
      ].join('|'),
      'i',
    ),
  ],
  ['module-not-found', /ERR_MODULE_NOT_FOUND|Cannot find (?:module|package) ['"]/],
  ['eaddrinuse', /EADDRINUSE|address already in use|is already in use/i],
  ['refusing-to-bind', /Refusing to bind/],
  ['state-locked', /StateDatabaseCoordinatorContentionError|another OpenClaw process owns/],
  ['config-invalid', /Invalid config at|JSON5 parse failed|Missing config\b|config is invalid/i],
];

/** Known error lines in text (restart output, log tails), each kind once, newest line kept. */
export function scanSignals(text: string): LogSignal[] {
  const found = new Map<LogSignalKind, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    for (const [kind, re] of SIGNAL_PATTERNS) {
      if (re.test(line)) {
        found.set(kind, line.length > SIGNAL_LINE_MAX ? `${line.slice(0, SIGNAL_LINE_MAX - 1)}…` : line);
        break;
      }
    }
  }
  return [...found].map(([kind, line]) => ({ kind, line }));
}

function signal(facts: FingerprintFacts, kind: LogSignalKind): LogSignal | undefined {
  return facts.logSignals.find((s) => s.kind === kind);
}

/** "openclaw: Node 20.20.2: node:sqlite is unavailable; use 24.16+/26.1+" → what is found and what is needed. */
export function runtimeDetail(line: string): string {
  const found =
    /\bNode(?:\.js)? v?(\d+\.\d+\.\d+)/i.exec(line)?.[1] ??
    /current:\s*\{?\s*node:\s*'?v?(\d+\.\d+\.\d+)/i.exec(line)?.[1];
  const need =
    /\buse ([\d.+/ |<>=]+?\d\+?)(?=[;,\s]|$)/.exec(line)?.[1] ??
    /(?:requires|required:)\s*\{?\s*node:?\s*'?([<>=~^\d.\s|]+\d)/i.exec(line)?.[1];
  if (found && need) return `OpenClaw needs Node ${need.trim()}; the gateway was started with Node ${found}`;
  if (need) return `OpenClaw needs Node ${need.trim()}, which is not the Node it was started with`;
  return `OpenClaw cannot run on the Node it was started with: ${line}`;
}

function exeName(command: string): string {
  const first = command.trim().split(/\s+/)[0] ?? '';
  return (
    first
      .split('/')
      .pop()
      ?.replace(/[^\w.-]/g, '') || 'unknown'
  );
}

/** The facts → the fingerprint (most specific kind first; see FINGERPRINT_KINDS). */
export function fingerprintOf(facts: FingerprintFacts, at: string): Fingerprint {
  const fp = (kind: Fingerprint['kind'], key: string, detail: string): Fingerprint => ({
    kind,
    key,
    detail,
    facts,
    at,
  });
  const engine = signal(facts, 'engine-version');
  if (engine) return fp('runtime-mismatch', 'runtime-mismatch', runtimeDetail(engine.line));

  const { now, lastHealthy } = facts.version;
  if (now && lastHealthy && now !== lastHealthy) {
    const why = facts.logSignals[0]?.line ?? facts.probe.detail;
    return fp(
      'update-broke',
      'update-broke',
      `OpenClaw changed from ${lastHealthy} to ${now} since it was last healthy, and now it does not start: ${why}`,
    );
  }

  const cfg = facts.config;
  if (cfg.valid === false) {
    const first = cfg.issues[0] ?? { path: '<root>', message: 'invalid', line: null };
    if (/JSON5 parse failed|SyntaxError|invalid character|unexpected end/i.test(first.message)) {
      return fp(
        'config-syntax',
        'config-syntax',
        describeIssue(first).replace(/^JSON5 parse failed:\s*(SyntaxError:\s*)?/, 'syntax error: '),
      );
    }
    if (/file not found|missing config|ENOENT/i.test(first.message))
      return fp('config-missing', 'config-missing', 'the gateway config file does not exist');
    const unknownKey = /Unrecognized key:?\s*"?([^"\s]+)"?/.exec(first.message)?.[1];
    const keyPath =
      first.path === '<root>' ? (unknownKey ?? '<root>') : unknownKey ? `${first.path}.${unknownKey}` : first.path;
    const more = cfg.issues.length > 1 ? ` (+${cfg.issues.length - 1} more)` : '';
    return fp('config-invalid', `config-invalid:${keyPath}`, `${describeIssue(first)}${more}`);
  }
  const cfgSignal = signal(facts, 'config-invalid');
  if (cfg.valid === null && facts.restartExit === 78 && cfgSignal)
    return fp('config-invalid', 'config-invalid', cfgSignal.line);

  const holder = facts.portHolder;
  if (holder?.openclaw) {
    return fp(
      'stale-gateway',
      'stale-gateway',
      `an OpenClaw gateway (pid ${holder.pid}) holds the port ` +
        `but does not answer its health check: ${facts.probe.detail}`,
    );
  }
  if (holder) {
    return fp(
      'port-foreign',
      `port-foreign:${exeName(holder.command)}`,
      `another program holds the gateway's port: pid ${holder.pid}, ${holder.command}`,
    );
  }
  const missing = signal(facts, 'module-not-found');
  if (missing) {
    const mod = /Cannot find (?:module|package) ['"]([^'"]+)['"]/.exec(missing.line)?.[1] ?? 'unknown';
    const name = mod.startsWith('/')
      ? (mod
          .split('/node_modules/')
          .pop()
          ?.split('/')
          .slice(0, mod.includes('/@') ? 2 : 1)
          .join('/') ?? mod)
      : mod;
    return fp('module-missing', `module-missing:${name}`, `a module of OpenClaw is missing: ${missing.line}`);
  }
  const locked = signal(facts, 'state-locked');
  if (locked)
    return fp('state-locked', 'state-locked', `another OpenClaw process owns the gateway's state: ${locked.line}`);

  const exit = facts.restartExit !== null ? `:exit-${facts.restartExit}` : '';
  const why = facts.logSignals[0]?.line ?? facts.probe.detail;
  return fp(
    'unknown',
    `unknown:${facts.probe.kind}${exit}`,
    `no known cause: ${why}${facts.restartExit !== null ? ` (last restart step exited ${facts.restartExit})` : ''}`,
  );
}
