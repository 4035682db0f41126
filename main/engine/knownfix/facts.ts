// Collects the facts an outage's fingerprint is made of, after the restarts failed: the probe's
// failure, the restart step's exit code and output, `openclaw config validate --json`, who holds the
// port, known error lines from the last start attempt, and the OpenClaw version now versus the one
// last seen healthy. Everything is redacted and bounded before it reaches the incident.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import type { GatewayCheck } from '../../../common/contract.js';
import type { FingerprintFacts } from '../../../common/knownfix.js';
import { gatewayPort } from '../doctor/brief.js';
import { resolveLogPaths, tailFile } from '../doctor/context.js';
import { redact } from '../redact.js';
import type { StepResult } from '../restart.js';
import { scanSignals } from './fingerprint.js';
import { openclawVersion, validateConfig } from './openclaw-cli.js';
import { isLocalUrl, isOpenClawGatewayCommand, portOwner } from './port-owner.js';

/** Log lines older than the incident minus this are from earlier events, not from this start attempt. */
const LOG_LOOKBACK_MS = 10 * 60_000;
/** The last 80 lines of each log hold a start attempt's errors (the real gateway logs ~15 lines per start). */
const LOG_TAIL_LINES = 80;

export interface FactInput {
  gatewayUrl: string;
  configPath: string;
  logPaths: string[];
  /** The `openclaw` executable. */
  openclaw: string;
  env: NodeJS.ProcessEnv;
  lastCheck: GatewayCheck | null;
  lastStep: StepResult | null;
  /** The version recorded when the gateway was last healthy. */
  lastHealthyVersion: string | null;
  /** The incident's start (ms): older log lines are ignored. */
  sinceMs: number;
  secrets: string[];
}

/** The time of a log line: JSON lines carry `time`; plain lines start with an ISO timestamp. */
function lineTime(line: string): number | null {
  const t = line.trim();
  if (t.startsWith('{')) {
    try {
      const j = JSON.parse(t) as Record<string, unknown>;
      const meta = (j._meta ?? {}) as Record<string, unknown>;
      const v = j.time ?? j.timestamp ?? meta.date;
      const ms = typeof v === 'string' || typeof v === 'number' ? Date.parse(String(v)) : NaN;
      return Number.isFinite(ms) ? ms : null;
    } catch {
      return null;
    }
  }
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)/.exec(t);
  return m ? Date.parse(m[1]!) : null;
}

/** The message of a log line (JSON lines: their msg/message fields). */
function lineText(line: string): string {
  const t = line.trim();
  if (!t.startsWith('{')) return t;
  try {
    const j = JSON.parse(t) as Record<string, unknown>;
    const parts = [j.msg, j.message, j['0'], j['1'], j.err, j.error].filter((x) => typeof x === 'string');
    return parts.length ? parts.join(' ') : t;
  } catch {
    return t;
  }
}

async function recentLogText(patterns: string[], sinceMs: number, home: string): Promise<string> {
  const files = await resolveLogPaths(patterns, home);
  const out: string[] = [];
  for (const f of files) {
    const tail = await tailFile(f, 64 * 1024, LOG_TAIL_LINES).catch(() => '');
    for (const line of tail.split('\n')) {
      const at = lineTime(line);
      // Lines without a time are kept only from files touched since the incident began.
      if (at !== null && at < sinceMs - LOG_LOOKBACK_MS) continue;
      out.push(lineText(line));
    }
  }
  return out.join('\n');
}

export async function collectFacts(input: FactInput): Promise<FingerprintFacts> {
  const r = (s: string) => redact(s, { secrets: input.secrets });
  const home = input.env.HOME || os.homedir();
  const configText = await fsp.readFile(input.configPath, 'utf8').catch(() => null);
  const [config, owner, version, logs] = await Promise.all([
    validateConfig(input.openclaw, input.configPath, input.env, configText),
    isLocalUrl(input.gatewayUrl) ? portOwner(gatewayPort(input.gatewayUrl), input.env) : Promise.resolve(null),
    openclawVersion(input.openclaw, input.env),
    recentLogText(input.logPaths, input.sinceMs, home),
  ]);
  const step = input.lastStep;
  const signals = scanSignals(`${logs}\n${step?.output ?? ''}`).map((s) => ({ ...s, line: r(s.line) }));
  const probe = input.lastCheck?.health;
  return {
    probe: { kind: probe?.kind ?? 'error', detail: r(probe?.detail ?? 'not probed') },
    restartExit: step && !step.timedOut && !step.cancelled ? step.exitCode : null,
    config: {
      valid: config.valid,
      issues: config.issues.map((i) => ({ ...i, message: r(i.message) })),
      error: config.error,
    },
    portHolder: owner
      ? {
          pid: owner.pid,
          command: r(owner.command),
          openclaw: isOpenClawGatewayCommand(owner.command),
          ageSec: owner.ageSec,
        }
      : null,
    logSignals: signals,
    version: { now: version, lastHealthy: input.lastHealthyVersion },
  };
}
