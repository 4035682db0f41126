// `clawmedic fix approve|decline [INCIDENT]`, `clawmedic fix undo INCIDENT RECORD`, `clawmedic guard revert`:
// a person's answer to a known fix, its undo, and the config guard's Revert. Answers go to the running
// watcher (the question lives there); undo and revert work without one too (they only change files).
import type { Result } from '../../common/contract.js';
import { OPERATIONS } from '../../common/operations.js';
import { callControl } from '../engine/control.js';
import { Engine } from '../engine/engine.js';
import { resolvePaths, settingsFilePath } from '../engine/settings/index.js';
import { CliExit, EXIT_FAIL, EXIT_USAGE, loadOrExit } from './index.js';

interface JsonOpt {
  json?: boolean;
}

function report(r: Result<unknown>, o: JsonOpt, ok: string): void {
  if (o.json) console.log(JSON.stringify(r, null, 2));
  else if (r.ok) console.log(typeof r.value === 'string' ? r.value : ok);
  if (!r.ok) {
    if (!o.json) console.error(r.message);
    process.exitCode = EXIT_FAIL;
  }
}

export async function runFixAnswer(
  config: string | undefined,
  incidentId: string | undefined,
  approve: boolean,
  o: JsonOpt,
): Promise<void> {
  const s = resolvePaths((await loadOrExit(config)).settings);
  let id = incidentId;
  if (!id) {
    const status = await callControl(s.dataDir, 'getStatus', []);
    if (!status)
      throw new CliExit(
        EXIT_FAIL,
        `No ClawMedic watcher is running with data dir ${s.dataDir}, so no known fix is waiting for an answer.`,
      );
    const pending = status.ok ? status.value.pendingFix : null;
    if (!pending) throw new CliExit(EXIT_FAIL, 'No known fix is waiting for an answer.');
    id = pending.incidentId;
    if (!o.json) console.log(`${pending.rung}: ${pending.action}`);
  }
  const v = OPERATIONS.answerFix.args([id, '', approve]);
  if (!v.ok) throw new CliExit(EXIT_USAGE, `clawmedic fix: ${v.reason}.`);
  const r = await callControl(s.dataDir, 'answerFix', v.args);
  if (!r)
    throw new CliExit(
      EXIT_FAIL,
      `No ClawMedic watcher is running with data dir ${s.dataDir}; the question lives in the watcher.`,
    );
  report(
    r,
    o,
    approve
      ? 'Approved: ClawMedic carries out the fix and checks the gateway.'
      : 'Declined: ClawMedic goes on without it.',
  );
}

/** Runs an operation on the watcher when one runs, else on an engine of our own (files only, no watching). */
async function viaWatcherOrAlone<T>(
  config: string | undefined,
  call: (dataDir: string) => Promise<Result<T> | null>,
  alone: (engine: Engine) => Promise<Result<T>>,
): Promise<Result<T>> {
  const s = resolvePaths((await loadOrExit(config)).settings);
  const delegated = await call(s.dataDir);
  if (delegated) return delegated;
  const engine = await Engine.create({
    settingsFile: settingsFilePath(config),
    onInvalidSettings: 'throw',
    doctorFactory: null,
  });
  try {
    return await alone(engine);
  } finally {
    await engine.stop('command finished');
  }
}

export async function runFixUndo(
  config: string | undefined,
  incidentId: string,
  recordId: string,
  o: JsonOpt,
): Promise<void> {
  const v = OPERATIONS.undoFix.args([incidentId, recordId]);
  if (!v.ok) throw new CliExit(EXIT_USAGE, `clawmedic fix undo: ${v.reason}.`);
  const [id, rec] = v.args;
  const r = await viaWatcherOrAlone(
    config,
    (d) => callControl(d, 'undoFix', [id, rec]),
    (e) => e.undoFix(id, rec),
  );
  report(r, o, 'Undone.');
}

export async function runGuardRevert(config: string | undefined, o: JsonOpt): Promise<void> {
  const r = await viaWatcherOrAlone(
    config,
    (d) => callControl(d, 'revertConfig', []),
    (e) => e.revertConfig(),
  );
  report(r, o, 'Reverted.');
}
