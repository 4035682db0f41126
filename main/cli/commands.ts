// The one-shot commands: check, status, restart, incidents, config validate.
import type { EngineEvent, Incident, PreflightReport } from '../../common/contract.js';
import { preflightLine, preflightProblems, runPreflight } from '../engine/preflight.js';
import { incidentTitle, resolvedByWords } from '../../common/incident-words.js';
import { Engine } from '../engine/engine.js';
import { IncidentStore } from '../engine/incidents/store.js';
import { checkGateway } from '../engine/probe.js';
import { callControl } from '../engine/control.js';
import { readStatusFile } from '../engine/status-file.js';
import { systemClock } from '../../common/clock.js';
import { fileExists } from '../engine/fsutil.js';
import { SettingsError, loadSettings, resolvePaths, settingsFilePath } from '../engine/settings/index.js';
import {
  bold,
  clean,
  clockTime,
  describeCheck,
  dim,
  displayUrl,
  eventLine,
  green,
  incidentTable,
  incidentTimeline,
  red,
  Said,
  yellow,
} from './format.js';
import { RestartProgress } from './progress.js';
import { CliExit, EXIT_FAIL, EXIT_OK, EXIT_USAGE, loadOrExit } from './index.js';

interface JsonOpt {
  json?: boolean;
}

export async function runCheck(config: string | undefined, o: JsonOpt): Promise<void> {
  const s = resolvePaths((await loadOrExit(config)).settings);
  const check = await checkGateway(s.gateway.url, s.gateway.timeoutSec * 1000);
  const alive = check.condition === 'healthy' || check.condition === 'degraded';
  if (o.json) console.log(JSON.stringify(check, null, 2));
  else console.log(`${displayUrl(s.gateway.url)}: ${describeCheck(check)}`);
  process.exitCode = alive ? EXIT_OK : EXIT_FAIL;
}

export async function runStatus(config: string | undefined, o: JsonOpt): Promise<void> {
  const { settings, file, exists } = await loadOrExit(config);
  const s = resolvePaths(settings);
  const [watcher, check, incidents, setup] = await Promise.all([
    readStatusFile(s.dataDir),
    checkGateway(s.gateway.url, s.gateway.timeoutSec * 1000),
    new IncidentStore(s.dataDir, systemClock).list(1),
    preflightFor(file, s, false),
  ]);
  const last: Incident | null = incidents[0] ?? null;
  // Like `check`: scripts read the gateway's state from the exit code (0 healthy or degraded, 1 not).
  process.exitCode = check.condition === 'healthy' || check.condition === 'degraded' ? EXIT_OK : EXIT_FAIL;
  if (o.json) {
    console.log(
      JSON.stringify(
        {
          settingsFile: file,
          settingsFileExists: exists,
          dataDir: s.dataDir,
          gateway: check,
          watcher: watcher
            ? { pid: watcher.pid, running: watcher.live, updatedAt: watcher.updatedAt, ...watcher.snapshot }
            : null,
          lastIncident: last,
          preflight: setup.report,
        },
        null,
        2,
      ),
    );
    return;
  }
  console.log(`${bold('Gateway')}   ${displayUrl(s.gateway.url)}: ${describeCheck(check)}`);
  if (watcher?.live) {
    const w = watcher.snapshot;
    console.log(`${bold('Watcher')}   pid ${watcher.pid}: ${w.state} since ${clockTime(w.since)} (${w.reason})`);
    if (w.doctor) console.log(`${bold('Doctor')}    ${w.doctor.agent} running; watch it: ${w.doctor.attachCommand}`);
  } else {
    console.log(`${bold('Watcher')}   ${red('not running')} (start it with \`clawmedic watch\` or the menu-bar app)`);
  }
  if (last) {
    const ev = last.events.at(-1);
    const by = last.resolvedBy
      ? ` by ${resolvedByWords(last)
          .toLowerCase()
          .replace(/^by itself$/, 'itself')}`
      : '';
    console.log(`${bold('Last incident')} ${last.id} (${last.outcome}${by}): ${clean(incidentTitle(last))}`);
    console.log(dim(`          ${clean(last.summary)}`));
    if (ev) console.log(dim(`          ${clockTime(ev.at)} ${ev.type}: ${ev.detail}`));
  } else {
    console.log(`${bold('Incidents')} none recorded`);
  }
  const problems = preflightProblems(setup.report);
  const checks = setup.report.items.length;
  if (problems.length === 0) console.log(`${bold('Setup')}     ${green('✓')} all ${checks} checks passed`);
  else for (const x of problems) console.log(`${bold('Setup')}     ${markLine(x)}`);
  console.log(dim(`Settings: ${file}${exists ? '' : ' (not created yet: defaults apply)'} · data: ${s.dataDir}`));
}

/** A preflight line with its mark coloured: ✗ red, ! yellow. */
function markLine(x: PreflightReport['items'][number]): string {
  const line = preflightLine(x);
  const paint = x.status === 'fail' ? red : x.status === 'warn' ? yellow : (t: string) => t;
  return paint(line.slice(0, 1)) + line.slice(1);
}

/**
 * The setup as the running watcher sees it (its PATH, its notifications), when one runs; else checked here.
 * `fresh`: check again now rather than take the watcher's last report.
 */
async function preflightFor(
  file: string,
  s: ReturnType<typeof resolvePaths>,
  fresh: boolean,
): Promise<{ report: PreflightReport; by: 'watcher' | 'here' }> {
  const r = await callControl(s.dataDir, 'preflight', [{ fresh }]).catch(() => null);
  if (r?.ok) return { report: r.value, by: 'watcher' };
  const report = await runPreflight({
    settings: s,
    settingsFile: file,
    settingsProblems: [],
    env: process.env,
    native: null,
  });
  return { report, by: 'here' };
}

/** `clawmedic preflight`: every check, ✓ or ✗ with its fix; exit 1 when something cannot work as configured. */
export async function runPreflightCommand(config: string | undefined, o: JsonOpt): Promise<void> {
  const { settings, file } = await loadOrExit(config);
  const s = resolvePaths(settings);
  const { report, by } = await preflightFor(file, s, true);
  const failed = report.items.some((x) => x.status === 'fail');
  process.exitCode = failed ? EXIT_FAIL : EXIT_OK;
  if (o.json) {
    console.log(JSON.stringify({ checkedBy: by, ...report }, null, 2));
    return;
  }
  for (const x of report.items) {
    console.log(x.status === 'ok' ? `${green('✓')}${preflightLine(x).slice(1)}` : markLine(x));
  }
  const where = by === 'watcher' ? 'as the running watcher sees it' : 'from this shell (no watcher is running)';
  console.log(dim(`Checked ${where}.`));
}

export async function runRestart(config: string | undefined, o: JsonOpt): Promise<void> {
  const s = resolvePaths((await loadOrExit(config)).settings);
  const said = new Said();
  // On a terminal, one line rewritten in place says what the restart waits for; off one, only the event lines.
  const progress =
    !o.json && process.stdout.isTTY
      ? new RestartProgress({ waitHealthySec: s.restart.waitHealthySec, write: (t) => process.stdout.write(t) })
      : null;
  const show = (e: EngineEvent) => {
    if (o.json) return;
    const line = eventLine(e, said);
    if (progress) {
      progress.observe(e);
      if (line) progress.line(line);
    } else if (line) console.log(line);
  };
  // A running watcher does it (one incident, its own restart budget); otherwise we act alone.
  const delegated = await callControl(s.dataDir, 'restartNow', [], show);
  if (delegated) {
    progress?.done();
    const [incident] = await new IncidentStore(s.dataDir, systemClock).list(1);
    if (o.json) console.log(JSON.stringify(incident ?? null, null, 2));
    else if (!delegated.ok) console.error(said.shorten(delegated.message));
    process.exitCode = delegated.ok ? EXIT_OK : EXIT_FAIL;
    return;
  }
  const engine = await Engine.create({ settingsFile: settingsFilePath(config), onInvalidSettings: 'throw' });
  engine.on(show);
  const r = await engine.restartNow();
  progress?.done();
  const [incident] = await engine.listIncidents();
  if (o.json) console.log(JSON.stringify(incident ?? null, null, 2));
  else if (!r.ok) console.error(said.shorten(r.message));
  await engine.stop('restart command finished');
  process.exitCode = r.ok ? EXIT_OK : EXIT_FAIL;
}

export async function runIncidents(
  config: string | undefined,
  id: string | undefined,
  o: JsonOpt & { limit?: number },
): Promise<void> {
  const s = resolvePaths((await loadOrExit(config)).settings);
  const store = new IncidentStore(s.dataDir, systemClock);
  if (id) {
    const inc = await store.get(id);
    if (!inc)
      throw new CliExit(EXIT_FAIL, `No incident "${id}" in ${store.root} (list them with \`clawmedic incidents\`).`);
    console.log(o.json ? JSON.stringify(withTitle(inc), null, 2) : incidentTimeline(inc));
    return;
  }
  const list = await store.list(o.limit ?? Infinity);
  console.log(o.json ? JSON.stringify(list.map(withTitle), null, 2) : incidentTable(list));
}

/** The record as stored, plus `title`: the finding in words, as the window and the tray show it. */
function withTitle(inc: Incident): Incident & { title: string } {
  return { ...inc, title: incidentTitle(inc) };
}

export async function runConfigValidate(config: string | undefined, o: JsonOpt): Promise<void> {
  const file = settingsFilePath(config);
  const exists = await fileExists(file);
  try {
    await loadSettings(file);
    if (o.json) console.log(JSON.stringify({ file, exists, valid: true, problems: [] }, null, 2));
    else console.log(exists ? `${file}: valid` : `${file} does not exist: the defaults apply (valid)`);
    process.exitCode = EXIT_OK;
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    if (o.json) console.log(JSON.stringify({ file, exists, valid: false, problems: err.problems }, null, 2));
    else console.error(err.message);
    process.exitCode = EXIT_USAGE;
  }
}

/** `clawmedic pause [minutes]` / `clawmedic resume`: tell the running watcher (there is nothing to pause otherwise). */
export async function runPause(
  config: string | undefined,
  minutes: number | null,
  o: JsonOpt & { resume?: boolean },
): Promise<void> {
  const s = resolvePaths((await loadOrExit(config)).settings);
  const r = o.resume ? await callControl(s.dataDir, 'resume', []) : await callControl(s.dataDir, 'pause', [minutes]);
  if (!r) {
    throw new CliExit(
      EXIT_FAIL,
      `No ClawMedic watcher is running with data dir ${s.dataDir}, so there ` +
        `is nothing to ${o.resume ? 'resume' : 'pause'}. Start one with ` +
        `\`clawmedic watch\` or the menu-bar app.`,
    );
  }
  if (!r.ok) throw new CliExit(EXIT_FAIL, r.message);
  const snap = r.value;
  if (o.json) console.log(JSON.stringify(snap, null, 2));
  else console.log(`${snap.state}: ${snap.reason}`);
}
