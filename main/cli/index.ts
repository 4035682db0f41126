// `clawmedic`: the CLI adapter over the engine. Exit codes: 0 ok/healthy, 1 not healthy or failed,
// 2 bad usage or bad config (everywhere).
import { OPERATIONS } from '../../common/operations.js';
import { PrivatePathError } from '../engine/fsutil.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SettingsError, defaultSettings, loadSettings, settingsFilePath } from '../engine/settings/index.js';
// Each command's module is imported when that command runs (lazy import()): `watch` starts without
// loading the demo (and its test fixtures), the service installer, the notification test or the doctor
// command, and `check` without the watcher. Start-up time is what a user waits for at every launch.
// The imports below are for types only (erased at build).
import type {
  runCheck,
  runConfigValidate,
  runIncidents,
  runPause,
  runPreflightCommand,
  runRestart,
  runStatus,
} from './commands.js';
import type { DemoOptions } from './demo.js';
import type { runDoctorCommand } from './doctor-command.js';
import type { runFixAnswer, runFixUndo, runGuardRevert } from './fix-command.js';
import type { runPlaybooksEnable, runPlaybooksList, runPlaybooksShow } from './playbooks-command.js';
import type { runNotifyTest } from './notify-command.js';
import type { runServiceInstall, runServiceStatus, runServiceUninstall } from './service-command.js';
import type { runWatch } from './watch.js';
const commands = () => import('./commands.js');
const fixes = () => import('./fix-command.js');
const playbookCommands = () => import('./playbooks-command.js');

export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;

/**
 * A command function's options: its last parameter. Commander hands `.action` callbacks the options untyped;
 * the options declared on each command below are the ones its function reads.
 */
type OptionsOf<F extends (...args: never[]) => unknown> = Parameters<F> extends [...unknown[], infer O] ? O : never;

export class CliExit extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

function version(): string {
  const require = createRequire(import.meta.url);
  try {
    return (require('../../../package.json') as { version: string }).version;
  } catch {
    // Running from an unusual layout: the version is cosmetic.
    return 'unknown';
  }
}

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new InvalidArgumentError(`${name} must be a whole number from 0 to 65535.`);
    return n;
  };
}

export interface GlobalOpts {
  config?: string;
}

export function buildProgram(): Command {
  const program = new Command('clawmedic')
    .description('Keeps a personal OpenClaw gateway alive: health checks, restarts, and an AI doctor you can watch.')
    .version(version(), '-V, --version')
    .option('-c, --config <file>', 'settings file (default: $CLAWMEDIC_CONFIG or ~/.clawmedic/settings.json)')
    .showHelpAfterError('(run `clawmedic --help` for usage)')
    .exitOverride();

  const cfg = () => program.opts<GlobalOpts>().config;
  // Without --config a missing file means defaults (the first run has none). Named explicitly, a missing file
  // is a typo: running on defaults would watch the wrong gateway and say nothing, so it is bad usage.
  program.hook('preAction', (_program, action) => {
    const explicit = cfg();
    if (explicit === undefined || action.name() === 'path') return;
    const file = settingsFilePath(explicit);
    if (!existsSync(file)) {
      throw new CliExit(
        EXIT_USAGE,
        `clawmedic: --config ${file}: no such file. Check the path; to start a new settings file, create it ` +
          `with \`{}\` in it (every default applies). Without --config, ClawMedic uses ${settingsFilePath(undefined)}.`,
      );
    }
  });

  program
    .command('watch')
    .description('watch the gateway and climb the recovery ladder when it fails; runs until SIGINT/SIGTERM')
    .option('--json', 'print events as JSON lines')
    .option('--dashboard', 'serve the app window as a loopback web dashboard')
    .addOption(new Option('--port <n>', 'dashboard port (default: a free port)').argParser(positiveInt('--port')))
    .option('--allow-input', 'let the dashboard change things (take over the terminal, save settings, restart)')
    .addOption(
      new Option('--metrics-port <n>', 'serve Prometheus metrics on 127.0.0.1:<n>/metrics').argParser(
        positiveInt('--metrics-port'),
      ),
    )
    .option('-v, --verbose', 'also print every health check')
    .action(async (o: OptionsOf<typeof runWatch>) => (await import('./watch.js')).runWatch(cfg(), o));

  program
    .command('check')
    .description('probe the gateway once: exit 0 when healthy, 1 when not')
    .option('--json', 'print the check as JSON')
    .action(async (o: OptionsOf<typeof runCheck>) => (await commands()).runCheck(cfg(), o));

  program
    .command('status')
    .description('what the watcher is doing, the gateway right now, and the latest incident')
    .option('--json', 'print as JSON')
    .action(async (o: OptionsOf<typeof runStatus>) => (await commands()).runStatus(cfg(), o));

  program
    .command('preflight')
    .description(
      'check the setup: gateway, restart command, agents, tmux, data folder, notifications (exit 1 if one fails)',
    )
    .option('--json', 'print the checks as JSON')
    .action(async (o: OptionsOf<typeof runPreflightCommand>) => (await commands()).runPreflightCommand(cfg(), o));

  program
    .command('restart')
    .description('run the restart steps now and wait for healthy: exit 0 when healthy, 1 when not')
    .option('--json', 'print the incident as JSON')
    .action(async (o: OptionsOf<typeof runRestart>) => (await commands()).runRestart(cfg(), o));

  program
    .command('pause')
    .argument('[minutes]', 'how long (default: until `clawmedic resume`)')
    .description('pause the running watcher for maintenance: no checks, no restarts, no doctor, no alerts')
    .option('--json', 'print the watcher status as JSON')
    .action(async (minutes: string | undefined, o: OptionsOf<typeof runPause>) => {
      // The same check the watcher applies (the operation table), before anything is sent.
      const v = OPERATIONS.pause.args([minutes === undefined ? null : Number(minutes)]);
      if (!v.ok) throw new CliExit(EXIT_USAGE, `clawmedic pause: ${v.reason}.`);
      await (await commands()).runPause(cfg(), v.args[0], o);
    });

  program
    .command('resume')
    .description('resume a paused watcher')
    .option('--json', 'print the watcher status as JSON')
    .action(async (o: OptionsOf<typeof runPause>) => (await commands()).runPause(cfg(), null, { ...o, resume: true }));

  program
    .command('doctor')
    .description('run one doctor session now: exit 0 when the gateway is healthy at the end, 1 when not')
    .option('--json', 'print the timeline as JSON lines instead of showing the live session')
    .option('--no-live', 'print the timeline instead of the live session')
    .option('--force', 'run a check-up even when the gateway answers healthy (otherwise: nothing to do, exit 0)')
    .action(async (o: OptionsOf<typeof runDoctorCommand>) =>
      (await import('./doctor-command.js')).runDoctorCommand(cfg(), o),
    );

  program
    .command('incidents')
    .argument('[id]', 'show one incident with its timeline')
    .description('incident history, newest first')
    .option('--json', 'print as JSON (an array, newest first)')
    .addOption(new Option('-n, --limit <n>', 'show at most n incidents').argParser(positiveInt('--limit')))
    .action(async (id: string | undefined, o: OptionsOf<typeof runIncidents>) =>
      (await commands()).runIncidents(cfg(), id, o),
    );

  const config = program.command('config').description('settings file tools');
  config
    .command('validate')
    .description('check the settings file: exit 0 when valid, 2 with every problem listed')
    .option('--json', 'print the problems as JSON')
    .action(async (o: OptionsOf<typeof runConfigValidate>) => (await commands()).runConfigValidate(cfg(), o));
  config
    .command('path')
    .description('print which settings file is used')
    .action(() => {
      console.log(settingsFilePath(cfg()));
    });
  config
    .command('defaults')
    .description('print the default settings as JSON')
    .action(() => {
      console.log(JSON.stringify(defaultSettings(), null, 2));
    });

  program
    .command('demo')
    .description('show the whole ladder on this machine with a stand-in gateway and agent (nothing else needed)')
    .option('--json', 'print events as JSON lines')
    .option('--no-doctor', 'stop after the restart step')
    .option('--dashboard', 'watch it in the browser: the dashboard (input allowed) at a pace a person can follow')
    .addOption(new Option('--port <n>', 'dashboard port (default: a free port)').argParser(positiveInt('--port')))
    .addOption(
      new Option(
        '--agent-pace <seconds>',
        'seconds the stand-in agent pauses between steps (time to attach)',
      ).argParser(parseFloat),
    )
    .action(async (o: DemoOptions) => {
      // The demo is self-contained on purpose (its own gateway, agent and settings in a temp folder): a
      // --config that would silently be ignored is refused instead.
      if (cfg() !== undefined) {
        throw new CliExit(
          EXIT_USAGE,
          'clawmedic demo runs with its own stand-in settings; --config does not apply to it.',
        );
      }
      await (await import('./demo.js')).runDemo(o);
    });

  const fix = program.command('fix').description('known fixes: answer the one waiting for a yes, undo one that ran');
  fix
    .command('approve')
    .argument('[incident]', 'the incident whose fix waits (default: the one waiting now)')
    .description('say yes to the known fix waiting for an answer (the running watcher carries it out)')
    .option('--json', 'print the answer as JSON')
    .action(async (id: string | undefined, o: OptionsOf<typeof runFixAnswer>) =>
      (await fixes()).runFixAnswer(cfg(), id, true, o),
    );
  fix
    .command('decline')
    .argument('[incident]', 'the incident whose fix waits (default: the one waiting now)')
    .description('say no: ClawMedic goes on to the next rung (the doctor) without it')
    .option('--json', 'print the answer as JSON')
    .action(async (id: string | undefined, o: OptionsOf<typeof runFixAnswer>) =>
      (await fixes()).runFixAnswer(cfg(), id, false, o),
    );
  fix
    .command('undo')
    .argument('<incident>', 'the incident')
    .argument('<record>', 'the known-fix record on it (r1, r2, …: `clawmedic incidents ID`)')
    .description('undo a known fix: put back the config as it was, or the version before a rollback')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, rec: string, o: OptionsOf<typeof runFixUndo>) =>
      (await fixes()).runFixUndo(cfg(), id, rec, o),
    );

  const playbooks = program
    .command('playbooks')
    .description('playbooks learned from the doctor (<dataDir>/playbooks/*.json)');
  playbooks
    .command('list')
    .description('every playbook: enabled, proposed (waiting for you), disabled or invalid')
    .option('--json', 'print as JSON')
    .action(async (o: OptionsOf<typeof runPlaybooksList>) => (await playbookCommands()).runPlaybooksList(cfg(), o));
  playbooks
    .command('show')
    .argument('<id>', 'the playbook')
    .description('when it runs, its steps, where it came from, how it did')
    .option('--json', 'print as JSON')
    .action(async (id: string, o: OptionsOf<typeof runPlaybooksShow>) =>
      (await playbookCommands()).runPlaybooksShow(cfg(), id, o),
    );
  playbooks
    .command('enable')
    .argument('<id>', 'the playbook')
    .description('let it run before the doctor when its fingerprint matches')
    .option('--json', 'print the playbook as JSON')
    .action(async (id: string, o: OptionsOf<typeof runPlaybooksEnable>) =>
      (await playbookCommands()).runPlaybooksEnable(cfg(), id, true, o),
    );
  playbooks
    .command('disable')
    .argument('<id>', 'the playbook')
    .description('stop it from running')
    .option('--json', 'print the playbook as JSON')
    .action(async (id: string, o: OptionsOf<typeof runPlaybooksEnable>) =>
      (await playbookCommands()).runPlaybooksEnable(cfg(), id, false, o),
    );

  const guard = program.command('guard').description('the config guard');
  guard
    .command('revert')
    .description(
      "put back the gateway config's last-known-good copy (your edit is kept beside it); never touches the gateway",
    )
    .option('--json', 'print the result as JSON')
    .action(async (o: OptionsOf<typeof runGuardRevert>) => (await fixes()).runGuardRevert(cfg(), o));

  const notify = program.command('notify').description('notification channels');
  notify
    .command('test')
    .argument('[channel]', 'channel name (default: every channel)')
    .description('send a test message: exit 0 when every channel accepted it')
    .option('--json', 'print the results as JSON')
    .action(async (channel: string | undefined, o: OptionsOf<typeof runNotifyTest>) =>
      (await import('./notify-command.js')).runNotifyTest(cfg(), channel, o),
    );

  const service = program
    .command('service')
    .description(
      'run `clawmedic watch` as a background service: a systemd user unit (Linux) or a launchd agent (macOS)',
    );
  const manager = () =>
    new Option('--manager <manager>', 'service manager (default: systemd on Linux, launchd on macOS)').choices([
      'systemd',
      'launchd',
    ]);
  service
    .command('install')
    .description('install, enable and start the watcher service with this settings file and data dir baked in')
    .option('--print', 'print the unit (or plist) it would install, and install nothing')
    .option('--json', 'print the result as JSON')
    .addOption(manager())
    .action(async (o: OptionsOf<typeof runServiceInstall>) =>
      (await import('./service-command.js')).runServiceInstall(cfg(), o),
    );
  service
    .command('uninstall')
    .description('stop, disable and remove the watcher service')
    .option('--json', 'print the result as JSON')
    .addOption(manager())
    .action(async (o: OptionsOf<typeof runServiceUninstall>) =>
      (await import('./service-command.js')).runServiceUninstall(o),
    );
  service
    .command('status')
    .description('installed, enabled, running, and its last log lines: exit 0 when running, 1 when not')
    .option('--json', 'print as JSON')
    .addOption(manager())
    .action(async (o: OptionsOf<typeof runServiceStatus>) =>
      (await import('./service-command.js')).runServiceStatus(o),
    );

  return program;
}

/** Loads settings for a command; a broken file is exit 2 with every problem listed. */
export async function loadOrExit(config: string | undefined) {
  const file = settingsFilePath(config);
  try {
    return await loadSettings(file);
  } catch (err) {
    if (err instanceof SettingsError) throw new CliExit(EXIT_USAGE, err.message);
    throw err;
  }
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return 0;
      return EXIT_USAGE;
    }
    if (err instanceof CliExit) {
      if (err.message) console.error(err.message);
      return err.code;
    }
    // A data dir that is not ours or not private is a configuration problem: exit 2, with the fix.
    if (err instanceof PrivatePathError) {
      console.error(`clawmedic: ${err.message}`);
      return EXIT_USAGE;
    }
    console.error(`clawmedic: ${(err as Error).message}`);
    if (process.env.CLAWMEDIC_DEBUG) console.error((err as Error).stack);
    return EXIT_FAIL;
  }
}

// Kept for `node dist/main/cli/index.js` runs without the bin wrapper.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  void main(process.argv).then((code) => process.exit(code));
}
