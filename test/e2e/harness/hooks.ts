// Records Claude Code hook calls: a tiny hook program appends each event's stdin JSON to a JSONL
// file, and tests await events from it instead of guessing from the screen.
import { appendFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pollUntil } from './procs.js';

export const RECORDED_HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'Notification',
  'Stop',
  'StopFailure',
  'SessionEnd',
] as const;
export type HookEventName = (typeof RECORDED_HOOK_EVENTS)[number];

export interface HookCall {
  event: string;
  /** Epoch ms when the hook ran. */
  at: number;
  /** The JSON the CLI wrote to the hook's stdin (null if it was not JSON). */
  input: Record<string, unknown> | null;
}

export interface HookRecorder {
  file: string;
  /** Value for `claude --settings <json>`: every recorded event wired to the recorder. */
  settingsJson: string;
  calls(): HookCall[];
  /** First call of `event` (optionally matching) at or after `since` (epoch ms). */
  waitFor(
    event: HookEventName,
    opts: { timeoutMs: number; since?: number; match?: (c: HookCall) => boolean },
  ): Promise<HookCall>;
}

// The hook program: Node (the test runner's own binary) so stdin of any size and content is
// copied faithfully. It never fails the hook: a recording problem must not change the CLI's behaviour.
const RECORDER_SOURCE = `
const fs = require('fs');
const [file, event] = process.argv.slice(2);
let data = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (data += c));
process.stdin.on('end', () => {
  let input = null;
  try { input = JSON.parse(data); } catch { input = null; }
  try { fs.appendFileSync(file, JSON.stringify({ event, at: Date.now(), input }) + '\\n', { mode: 0o600 }); } catch {}
});
`;

export function createHookRecorder(dir: string): HookRecorder {
  const file = path.join(dir, 'hooks.jsonl');
  const program = path.join(dir, 'record-hook.cjs');
  writeFileSync(program, RECORDER_SOURCE, { mode: 0o600 });
  appendFileSync(file, '', { mode: 0o600 });
  chmodSync(file, 0o600);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const hooks: Record<string, unknown> = {};
  for (const ev of RECORDED_HOOK_EVENTS) {
    hooks[ev] = [{ hooks: [{ type: 'command', command: `${q(process.execPath)} ${q(program)} ${q(file)} ${ev}` }] }];
  }
  const calls = (): HookCall[] =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as HookCall)
      : [];
  return {
    file,
    settingsJson: JSON.stringify({ hooks }),
    calls,
    async waitFor(event, opts) {
      try {
        return await pollUntil(
          () => calls().find((c) => c.event === event && c.at >= (opts.since ?? 0) && (!opts.match || opts.match(c))),
          // 50 ms: hooks arrive within ~0.1–1 s of the event; reading a small file this often is cheap.
          { timeoutMs: opts.timeoutMs, intervalMs: 50, what: `the ${event} hook` },
        );
      } catch (err) {
        const seen =
          calls()
            .map((c) => c.event)
            .join(', ') || 'none';
        throw new Error(`${(err as Error).message} (hooks recorded: ${seen})`, { cause: err });
      }
    },
  };
}
