// Enabled playbooks as rungs: they run after the built-in known fixes and before the doctor, only when
// the outage's fingerprint matches, with the same verification (restart steps, our own probe) and the
// same undo (the config as it was before). Commands run like a restart step: same user, same
// environment, a time limit each. File steps may only touch files inside the gateway config's folder,
// and every file they replace is kept beside it.
import path from 'node:path';
import type { Playbook } from '../../../common/knownfix.js';
import { backupFile, configDiff, readOrNull, replaceKeeping } from './config-files.js';
import { describeSteps, playbookContext, render, type PlaybookStore } from './playbooks.js';
import type { ActResult, Candidate, RungEnv } from './rungs.js';

function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, path.resolve(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

async function runPlaybook(p: Playbook, e: RungEnv, dir: string): Promise<ActResult> {
  const s = e.settings;
  const configPath = s.gateway.configPath;
  const ctx = playbookContext(e.fp, s.gateway.url, configPath);
  const backup = await backupFile(configPath, dir);
  const before = backup.backup === null ? null : await readOrNull(backup.backup);
  const done: string[] = [];
  const finish = (detail: string, failed: boolean): ActResult => ({
    acted: true,
    detail: `playbook ${p.id}: ${detail}`,
    undo: backup,
    diff: null,
    skipRestart: !p.restartAfter,
    // A step that failed: the outcome is known without waiting for the gateway.
    ...(failed ? { healthy: null } : {}),
  });
  for (const [i, step] of p.steps.entries()) {
    const n = `step ${i + 1} of ${p.steps.length}`;
    try {
      if ('run' in step) {
        const cmd = render(step.run, ctx);
        const r = await e.runCommand(cmd, step.timeoutSec, e.req.signal);
        if (!r.ok) return finish(`${n} failed: ${r.detail}`, true);
        done.push(`ran \`${cmd}\``);
      } else {
        const file = path.resolve(render('edit' in step ? step.edit : step.write, ctx));
        if (!inside(file, ctx.configDir))
          return finish(`${n} refused: ${file} is outside the gateway config's folder ${ctx.configDir}`, true);
        let text: string;
        if ('edit' in step) {
          const current = await readOrNull(file);
          if (current === null || !current.includes(step.find))
            return finish(`${n} failed: the text to replace is not in ${file}`, true);
          text = current.replace(step.find, step.replace);
        } else text = step.content;
        const aside = await replaceKeeping(file, text, 'clawmedic-playbook', e.clock.now());
        const kept = aside ? ` (the previous one kept as ${path.basename(aside)})` : '';
        done.push(`${'edit' in step ? 'edited' : 'wrote'} ${file}${kept}`);
      }
    } catch (err) {
      return finish(`${n} failed: ${(err as Error).message}`, true);
    }
  }
  const after = await readOrNull(configPath);
  const r = finish(done.join('; ') || 'nothing to do', false);
  r.diff = await configDiff(configPath, before, after, ['before the playbook', 'after'], e.secrets);
  return r;
}

/** Enabled playbooks that match the outage, as rung candidates. */
export async function playbookCandidates(store: PlaybookStore, e: RungEnv): Promise<Candidate[]> {
  const mode = e.settings.knownFixes.playbooks;
  return (await store.matching(e.fp)).map((p) => ({
    rung: `playbook:${p.id}`,
    label: `playbook ${p.id}`,
    mode,
    setting: 'knownFixes.playbooks',
    resolvedBy: `playbook:${p.id}` as const,
    plan: () =>
      Promise.resolve({
        action:
          `run playbook ${p.id} ("${p.title}"): ${describeSteps(p.steps, e.secrets).join('; ')}` +
          (p.restartAfter ? '; then start the gateway' : ''),
        diff: null,
        undo: {
          description:
            "put back the config file as it was before the playbook (the playbook's version is kept beside it); " +
            'commands it ran are not undone',
          available: true,
          why: null,
          doneAt: null,
          result: null,
        },
        act: (dir: string) => runPlaybook(p, e, dir),
      }),
  }));
}

/** After a playbook ran: its statistics, and disabled after PLAYBOOK_MAX_FAILURES failures in a row. */
export async function recordPlaybookResult(
  store: PlaybookStore,
  rung: string,
  ok: boolean,
  detail: string,
  at: string,
  maxFailures: number,
): Promise<Playbook | null> {
  if (!rung.startsWith('playbook:')) return null;
  const id = rung.slice('playbook:'.length);
  return store.update(id, (p) => {
    p.stats.runs++;
    p.stats.lastRunAt = at;
    p.stats.lastResult = detail.slice(0, 500);
    if (ok) {
      p.stats.successes++;
      p.stats.consecutiveFailures = 0;
    } else {
      p.stats.consecutiveFailures++;
      if (p.stats.consecutiveFailures >= maxFailures) {
        p.enabled = false;
        p.stats.disabledReason =
          `failed ${p.stats.consecutiveFailures} times in a row (last at ${at}); ` +
          'enable it again after checking its steps';
      }
    }
  });
}
