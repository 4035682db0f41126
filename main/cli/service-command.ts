// `clawmedic service install|uninstall|status`: the headless watcher as a background service (a systemd user
// unit on Linux, a launchd agent on macOS), with the settings file and data dir baked in.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolvePaths, settingsFilePath } from '../engine/settings/index.js';
import { bold, dim, green, red, yellow } from './format.js';
import { CliExit, EXIT_FAIL, EXIT_OK, EXIT_USAGE, loadOrExit } from './index.js';
import {
  defaultHost,
  defaultManager,
  installService,
  ServiceError,
  serviceStatus,
  uninstallService,
  unitPath,
  unitText,
  type ServiceHost,
} from './service/manager.js';
import { SYSTEMD_UNIT_NAME, type Manager, type ServiceSpec } from './service/units.js';

export interface ServiceOptions {
  json?: boolean;
  print?: boolean;
  manager?: Manager;
}

/** bin/clawmedic.js of this installation, with symlinks resolved (npm links global bins). */
function cliEntry(): string {
  // dist/main/cli/service-command.js → <package>/bin/clawmedic.js
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const bin = path.join(root, 'bin', 'clawmedic.js');
  try {
    return realpathSync(bin);
  } catch {
    // Not there (an unusual layout): the unit still names the expected path, and the service says what is missing.
    return bin;
  }
}

function hostFor(o: ServiceOptions): ServiceHost {
  const manager = o.manager ?? defaultManager();
  if (!manager) {
    throw new CliExit(
      EXIT_USAGE,
      `clawmedic service supports Linux (systemd) and macOS (launchd), not ${process.platform}. ` +
        'Run `clawmedic watch` under your own supervisor, or pass --manager to print a unit for another system.',
    );
  }
  return defaultHost(manager);
}

async function specFor(config: string | undefined): Promise<{ spec: ServiceSpec; exists: boolean }> {
  const { settings, exists } = await loadOrExit(config);
  const s = resolvePaths(settings);
  return {
    exists,
    spec: {
      node: process.execPath,
      cli: cliEntry(),
      settingsFile: settingsFilePath(config),
      dataDir: s.dataDir,
      path: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      gatewayUrl: s.gateway.url,
      logFile: path.join(s.dataDir, 'logs', 'watch.log'),
    },
  };
}

function fail(err: unknown): never {
  if (err instanceof ServiceError) throw new CliExit(EXIT_FAIL, err.message);
  throw err;
}

function logHint(host: ServiceHost, spec: ServiceSpec): string {
  return host.manager === 'systemd' ? `journalctl --user -u ${SYSTEMD_UNIT_NAME} -f` : `tail -f ${spec.logFile}`;
}

export async function runServiceInstall(config: string | undefined, o: ServiceOptions): Promise<void> {
  const host = hostFor(o);
  const { spec, exists } = await specFor(config);
  if (o.print) {
    const content = unitText(host, spec);
    if (o.json) console.log(JSON.stringify({ manager: host.manager, path: unitPath(host), content }, null, 2));
    else process.stdout.write(content);
    return;
  }
  const r = await installService(host, spec).catch(fail);
  if (!exists) {
    r.advice.push(`${spec.settingsFile} does not exist yet: the watcher runs on the defaults until you create it.`);
  }
  if (o.json) {
    console.log(JSON.stringify({ ...r, settingsFile: spec.settingsFile, dataDir: spec.dataDir }, null, 2));
  } else {
    console.log(`${green('Installed')} ${r.unitPath}: enabled and started.`);
    console.log(`  Watches ${spec.gatewayUrl} · settings ${spec.settingsFile} · data ${spec.dataDir}`);
    console.log(dim(`  Logs: ${logHint(host, spec)} · state: clawmedic service status`));
    for (const a of r.advice) console.log(yellow(a));
  }
  process.exitCode = EXIT_OK;
}

export async function runServiceUninstall(o: ServiceOptions): Promise<void> {
  const host = hostFor(o);
  const r = await uninstallService(host).catch(fail);
  if (o.json) console.log(JSON.stringify(r, null, 2));
  else
    console.log(
      r.removed ? `${green('Removed')} ${r.unitPath}: stopped and disabled.` : `Not installed (no ${r.unitPath}).`,
    );
  process.exitCode = EXIT_OK;
}

export async function runServiceStatus(o: ServiceOptions): Promise<void> {
  const host = hostFor(o);
  const st = await serviceStatus(host);
  if (o.json) {
    console.log(JSON.stringify(st, null, 2));
  } else {
    const yn = (v: boolean) => (v ? green('yes') : red('no'));
    console.log(`${bold('Service')}   ${st.unitPath} (${host.manager})`);
    console.log(
      `${bold('Installed')} ${yn(st.installed)}   ${bold('Enabled')} ${yn(st.enabled)}   ` +
        `${bold('Running')} ${yn(st.running)}${st.pid ? ` (pid ${st.pid})` : ''}`,
    );
    console.log(`${bold('State')}     ${st.state}`);
    if (st.settingsFile) console.log(`${bold('Settings')}  ${st.settingsFile}`);
    if (st.dataDir) console.log(`${bold('Data')}      ${st.dataDir}`);
    if (st.lastLines.length) {
      console.log(bold('Last lines'));
      for (const l of st.lastLines) console.log(dim(`  ${l}`));
    }
    for (const n of st.notes) console.log(yellow(n));
    if (!st.installed) console.log(dim('Install it with: clawmedic service install'));
  }
  process.exitCode = st.installed && st.running ? EXIT_OK : EXIT_FAIL;
}
