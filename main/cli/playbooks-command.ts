// `clawmedic playbooks list|show|enable|disable`: the playbook files in <dataDir>/playbooks. They are
// plain files, so these work with or without a running watcher (it reads them at every outage).
import type { PlaybookView } from '../../common/knownfix.js';
import { OPERATIONS } from '../../common/operations.js';
import { gatewaySecrets } from '../engine/doctor/context.js';
import { describeSteps, PlaybookStore } from '../engine/knownfix/playbooks.js';
import { redactDeep } from '../engine/redact.js';
import { resolvePaths } from '../engine/settings/index.js';
import { bold, clean, dim, green, red, yellow } from './format.js';
import { CliExit, EXIT_FAIL, EXIT_USAGE, loadOrExit } from './index.js';

interface JsonOpt {
  json?: boolean;
}

async function open(config: string | undefined): Promise<{ store: PlaybookStore; secrets: string[] }> {
  const s = resolvePaths((await loadOrExit(config)).settings);
  const secrets = await gatewaySecrets(s.gateway.configPath).catch(() => [] as string[]);
  return { store: new PlaybookStore(s.dataDir), secrets };
}

function state(v: PlaybookView): string {
  if (!v.playbook) return red('invalid');
  if (v.playbook.enabled) return green('enabled');
  return v.playbook.stats.disabledReason ? red('disabled') : yellow('proposed');
}

export async function runPlaybooksList(config: string | undefined, o: JsonOpt): Promise<void> {
  const { store, secrets } = await open(config);
  const list = redactDeep(await store.list(), { secrets });
  if (o.json) {
    console.log(JSON.stringify(list, null, 2));
    return;
  }
  if (list.length === 0) {
    console.log(`No playbooks in ${store.dir}. The doctor proposes one after each recovery it makes.`);
    return;
  }
  for (const v of list) {
    const p = v.playbook;
    const when = p
      ? `${p.when.kind}${p.when.key && p.when.key !== p.when.kind ? ` (${p.when.key})` : ''}`
      : v.problems.join('; ');
    const stats = p ? dim(` ${p.stats.successes}/${p.stats.runs} runs fixed it`) : '';
    console.log(`${bold(v.id.padEnd(28))} ${state(v).padEnd(18)} ${clean(when)}${stats}`);
  }
}

export async function runPlaybooksShow(config: string | undefined, id: string, o: JsonOpt): Promise<void> {
  const { store, secrets } = await open(config);
  const v = redactDeep(await store.read(id), { secrets });
  if (o.json) console.log(JSON.stringify(v, null, 2));
  if (!v.playbook) {
    if (!o.json) console.error(`Playbook ${id} (${v.file}) cannot be used: ${v.problems.join('; ')}`);
    process.exitCode = EXIT_FAIL;
    return;
  }
  if (o.json) return;
  const p = v.playbook;
  console.log(`${bold(p.id)}  ${state(v)}  ${clean(p.title)}`);
  console.log(`  file:    ${v.file}`);
  console.log(`  when:    fingerprint ${p.when.kind}${p.when.key ? `, key ${p.when.key}` : ''}`);
  describeSteps(p.steps, secrets).forEach((s, i) => console.log(`  step ${i + 1}:  ${clean(s)}`));
  console.log(
    '  then:    ' +
      (p.restartAfter
        ? "the restart steps, then ClawMedic's own probe decides"
        : "ClawMedic's own probe decides (no restart)"),
  );
  console.log(
    `  learned: ${p.source.learnedAt}` +
      (p.source.incidentId ? ` from incident ${p.source.incidentId}` : '') +
      (p.source.agent ? ` (${p.source.agent})` : ''),
  );
  console.log(
    `  runs:    ${p.stats.runs}, fixed it ${p.stats.successes}` +
      (p.stats.lastRunAt ? `; last ${p.stats.lastRunAt}: ${clean(p.stats.lastResult ?? '')}` : ''),
  );
  if (p.stats.disabledReason) console.log(`  ${red('disabled by ClawMedic')}: ${clean(p.stats.disabledReason)}`);
}

export async function runPlaybooksEnable(
  config: string | undefined,
  id: string,
  enabled: boolean,
  o: JsonOpt,
): Promise<void> {
  const v = OPERATIONS.setPlaybookEnabled.args([id, enabled]);
  if (!v.ok) throw new CliExit(EXIT_USAGE, `clawmedic playbooks: ${v.reason}.`);
  const { store, secrets } = await open(config);
  const before = await store.read(id);
  if (!before.playbook) {
    const missing = before.problems[0]?.includes('ENOENT');
    throw new CliExit(
      EXIT_FAIL,
      missing
        ? `No playbook "${id}" in ${store.dir} (list them with \`clawmedic playbooks list\`).`
        : `Playbook ${id} cannot be used: ${before.problems.join('; ')}`,
    );
  }
  const p = await store.update(id, (x) => {
    x.enabled = enabled;
    if (enabled) {
      x.stats.consecutiveFailures = 0;
      x.stats.disabledReason = null;
    }
  });
  if (o.json) console.log(JSON.stringify(redactDeep(p, { secrets }), null, 2));
  else
    console.log(
      `${id} is ${enabled ? 'enabled: it runs before the doctor when its fingerprint matches' : 'disabled'}.`,
    );
}
