// Steps and facts several scenarios share: the stand-in agent's scripts, breaking the gateway so that
// restarts cannot help, what the engine pushed to the window, and the doctor's attach command.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { streamChannels } from '../../../common/channels.js';
import type { EngineEvent } from '../../../common/contract.js';
import type { AgentStep, Scenario } from './scenario.js';

export const LOOK_LINE = 'Reading the context file and the gateway log.';
export const WORKING_LINE = 'Still working on it: the config does not parse.';
export const DECIDE_LINE = 'The config does not parse; leaving the decision to a person.';

/** 10 min: longer than any scenario; the agent keeps "working" until the scenario ends its session. */
const WORK_FOREVER_MS = 600_000;

/** An agent that looks, runs one command, says so and keeps working: its session stays open. */
export const WORKING_AGENT: AgentStep[] = [
  { say: LOOK_LINE },
  { run: 'openclaw config validate' },
  { say: WORKING_LINE },
  { busy: WORK_FOREVER_MS },
];

/** An agent that looks, then waits at its input box for a person. */
export const WAITING_AGENT: AgentStep[] = [
  { say: LOOK_LINE },
  { run: 'openclaw config validate' },
  { say: DECIDE_LINE },
];

/** The tray over a crash that one restart fixes, from healthy: the failed checks, the restart, healthy. */
export const CRASH_ICONS = ['healthy', 'checking', 'restarting', 'healthy'];

/** Once healthy: a config that does not parse, then a crash, so every restart exits 78 and the doctor comes. */
export async function breakGateway(s: Scenario): Promise<void> {
  await s.waitTrayIcon('healthy');
  await s.gw.fault('break-config');
  await s.gw.fault('crash');
}

/** The incidents in the data dir, by id. */
export function incidentIds(s: Scenario): string[] {
  const dir = path.join(s.env.dataDir, 'incidents');
  return readdirSync(dir).filter((n) => statSync(path.join(dir, n)).isDirectory());
}

/** Engine events of one type the app pushed to its windows (what the page's onEvent listeners got). */
type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

export function engineEvents<T extends EngineEvent['type']>(s: Scenario, type: T): Array<EventOf<T>> {
  return s.host.pushes
    .filter((p) => p.channel === streamChannels('events').push)
    .map((p) => p.args[0] as EngineEvent)
    .filter((e): e is EventOf<T> => e.type === type);
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that attaches to a session on the app's tmux socket, as ClawMedic prints it. */
export function attachCommand(s: Scenario, session: string): string {
  return `tmux -S ${shQuote(s.env.tmuxSocket)} attach -t ${shQuote(session)}`;
}

/** Whether the elements' text contains `text` right now (no waiting: false while they are not there). */
export async function shows(locator: Locator, text: string): Promise<boolean> {
  return (await locator.allTextContents()).join('\n').includes(text);
}

/** Text compared without its whitespace: xterm wraps long lines wherever the width ends. */
export function squeezed(text: string): string {
  return text.replace(/\s+/g, '');
}

/** Resolves with `p`, or rejects once `ms` have passed: a hang becomes a failure that says what hung. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
