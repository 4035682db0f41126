// `clawmedic watch`: the headless daemon. Runs the engine until SIGINT/SIGTERM/SIGHUP, prints one line per
// state change (or JSON lines), and shuts down cleanly: no orphaned children, incidents flushed.
// The dashboard (ws) and metrics (prom-client) are imported only when asked for (--dashboard,
// --metrics-port): most watchers run without them and should not pay for loading them.
import type { Dashboard } from '../dashboard/index.js';
import { Engine, EngineBusyError } from '../engine/engine.js';
import type { MetricsServer } from '../engine/metrics.js';
import { settingsFilePath } from '../engine/settings/index.js';
import path from 'node:path';
import { writeFileAtomic } from '../engine/fsutil.js';
import { bold, dim, displayUrl, eventLine, isLoopbackUrl, red, Said, withoutToken, yellow } from './format.js';
import type { PreflightReport } from '../../common/contract.js';
import { preflightLine, preflightProblems } from '../engine/preflight.js';
import { CliExit, EXIT_FAIL, EXIT_OK, loadOrExit } from './index.js';

export interface WatchOptions {
  json?: boolean;
  verbose?: boolean;
  dashboard?: boolean;
  port?: number;
  allowInput?: boolean;
  metricsPort?: number;
}

export async function runWatch(config: string | undefined, o: WatchOptions): Promise<void> {
  await loadOrExit(config);
  const engine = await Engine.create({
    settingsFile: settingsFilePath(config),
    onInvalidSettings: 'throw',
    watchSettings: true,
    writeStatus: true,
    exclusive: true,
  });
  const s = engine.settings;
  const metrics = o.metricsPort !== undefined ? (await import('../engine/metrics.js')).createMetrics() : null;
  if (metrics) engine.on((e) => metrics.observe(e));
  // Held back until the watch lock is ours: a second watcher refuses before it prints anything else.
  let held: string[] | null = [];
  const out = (line: string) => {
    if (held) held.push(line);
    else process.stdout.write(line + '\n');
  };
  const said = new Said();
  // Each setup problem once: at start, and later only what a settings change newly broke.
  const toldSetup = new Set<string>();
  let setupChecked = false;
  const onPreflight = (report: PreflightReport) => {
    const problems = preflightProblems(report).filter((x) => !toldSetup.has(preflightLine(x)));
    if (!setupChecked && problems.length === 0 && !o.json) {
      out(dim(`✓ setup: all ${report.items.length} checks passed`));
    }
    setupChecked = true;
    for (const x of problems) {
      const line = preflightLine(x);
      toldSetup.add(line);
      // The same sentences come back in the events of an outage they cause: those point back here.
      said.remember(x.fix ? `${x.detail}. ${x.fix}` : x.detail);
      if (o.json) out(JSON.stringify({ type: 'setup-problem', ...x }));
      else out((x.status === 'fail' ? red : yellow)(line));
    }
  };
  engine.on((e) => {
    // The first report is printed in its place below; later ones (settings changed) as they come.
    if (e.type === 'preflight') return setupChecked ? onPreflight(e.report) : undefined;
    if (o.json) {
      if (e.type !== 'check' || o.verbose) out(JSON.stringify(e));
      return;
    }
    if (e.type === 'check') {
      if (o.verbose) out(dim(`${e.check.at}  check  ${e.check.condition}: ${e.check.health.detail}`));
      return;
    }
    const line = eventLine(e, said);
    if (line) out(line);
  });
  let started: Awaited<ReturnType<Engine['start']>>;
  try {
    started = await engine.start();
  } catch (err) {
    if (err instanceof EngineBusyError) throw new CliExit(EXIT_FAIL, `clawmedic watch: ${err.message}`);
    throw err;
  }
  const buffered = held;
  held = null;
  if (!o.json) {
    out(
      `${bold('ClawMedic')} watching ${displayUrl(s.gateway.url)} every ${s.gateway.checkIntervalSec} s` +
        ` · settings ${engine.settingsFile} · data ${s.dataDir}`,
    );
  }
  if (!isLoopbackUrl(s.gateway.url)) {
    // Accepted (a gateway on another host is legitimate), but never silently: restarts still run here.
    const warning =
      `gateway.url ${displayUrl(s.gateway.url)} is not on this machine: probes cross the network, while restart ` +
      'steps and the doctor run here. Make sure restart.command restarts that gateway.';
    out(o.json ? JSON.stringify({ type: 'warning', message: warning }) : yellow(`warning: ${warning}`));
  }
  // The setup first: a problem it finds is told before the outage it may cause (events wait meanwhile).
  held = [];
  const report = await engine.preflight();
  const events = held;
  held = null;
  onPreflight(report);
  for (const line of [...buffered, ...events]) out(line);
  const { interrupted, cleaned } = started;
  let metricsServer: MetricsServer | null = null;
  if (metrics) {
    metricsServer = await metrics.serve({ port: o.metricsPort! });
    if (o.json) out(JSON.stringify({ type: 'metrics', url: metricsServer.url }));
    else out(`${bold('Metrics')}: ${metricsServer.url}`);
  }
  let dashboard: Dashboard | null = null;
  if (o.dashboard) {
    const { startDashboard } = await import('../dashboard/index.js');
    dashboard = await startDashboard({ engine, port: o.port ?? 0, allowInput: !!o.allowInput });
    // Notifications point a person at the dashboard (without its token), not at a local tmux socket.
    engine.setDashboardUrl(withoutToken(dashboard.url));
    const mode = o.allowInput ? 'input allowed' : 'read-only';
    // JSON lines go to log shippers: the token (the key to the dashboard) stays out of them; the full URL is
    // in a 0600 file of the data dir for whoever may read it.
    if (o.json) {
      const file = path.join(s.dataDir, 'dashboard.url');
      await writeFileAtomic(file, `${dashboard.url}\n`);
      out(
        JSON.stringify({
          type: 'dashboard',
          url: withoutToken(dashboard.url),
          urlFile: file,
          allowInput: !!o.allowInput,
        }),
      );
    } else
      out(
        `${bold('Dashboard')} (${mode}): ${dashboard.url}\n` +
          dim('  The token in this URL is the key: share it with no one.'),
      );
  }
  for (const inc of interrupted) {
    if (o.json) out(JSON.stringify({ type: 'incident-closed', incident: inc }));
    else out(yellow(`incident ${inc.id} was left open by an earlier run: marked interrupted`));
  }
  for (const c of cleaned) if (!o.json) out(yellow(c));

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    // The terminal it ran in was closed: stop cleanly rather than die with a doctor session orphaned.
    // (Settings reload by themselves, so SIGHUP is not needed for that.)
    process.once('SIGHUP', () => resolve('SIGHUP'));
  });
  // A second signal while shutting down means "now": record what we can synchronously and go.
  const force = () => {
    engine.interruptSync(`ClawMedic was killed during shutdown`);
    process.exit(130);
  };
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  process.once('SIGHUP', force);
  if (!o.json) out(dim(`${signal}: stopping…`));
  await dashboard?.close();
  await metricsServer?.close();
  await engine.stop(signal);
  process.exitCode = EXIT_OK;
}
