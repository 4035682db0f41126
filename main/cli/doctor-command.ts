// `clawmedic doctor`: one doctor session now. Shows the live session in this terminal (read-only;
// the attach command lets a person take over), or the timeline as JSON lines with --json.
import { callControl } from '../engine/control.js';
import type { DoctorOutcome } from '../engine/doctor/port.js';
import { Engine } from '../engine/engine.js';
import { checkGateway } from '../engine/probe.js';
import { resolvePaths, settingsFilePath } from '../engine/settings/index.js';
import { bold, clean, describeCheck, dim, eventLine, Said } from './format.js';
import { EXIT_FAIL, EXIT_OK, loadOrExit } from './index.js';

export async function runDoctorCommand(
  config: string | undefined,
  o: { json?: boolean; live?: boolean; force?: boolean },
): Promise<void> {
  const force = { force: o.force === true };
  const { settings } = await loadOrExit(config);
  const s = resolvePaths(settings);
  // Every reason once: the events of one failure repeat it (fallback, end, needs-attention, state, result).
  const said = new Said();
  // A running watcher runs it (one session, one incident); we follow its progress here.
  const delegated = await callControl(s.dataDir, 'runDoctor', [force], (e) => {
    if (o.json) process.stdout.write(JSON.stringify(e) + '\n');
    else {
      const line = eventLine(e, said);
      if (line) process.stdout.write(line + '\n');
    }
  });
  if (delegated) {
    const check = await checkGateway(s.gateway.url, s.gateway.timeoutSec * 1000);
    const healthy = check.condition === 'healthy' || check.condition === 'degraded';
    const outcome: DoctorOutcome | null = delegated.ok ? delegated.value : null;
    if (o.json)
      process.stdout.write(
        JSON.stringify({
          type: 'result',
          ok: delegated.ok,
          outcome,
          message: delegated.ok ? null : delegated.message,
          check,
        }) + '\n',
      );
    else {
      const how = delegated.ok ? `${outcome!.outcome}: ${said.shorten(clean(outcome!.detail))}` : '';
      const line = delegated.ok ? `${bold('Doctor')} (run by the watcher): ${how}` : delegated.message;
      process.stdout.write(`${line}\n`);
      process.stdout.write(`${bold('Gateway')}: ${describeCheck(check)}\n`);
    }
    process.exitCode = healthy ? EXIT_OK : EXIT_FAIL;
    return;
  }
  const engine = await Engine.create({ settingsFile: settingsFilePath(config), onInvalidSettings: 'throw' });
  const out = (s: string) => process.stdout.write(s);
  // Live view only on a terminal: piping raw TUI bytes into a file or a pipe helps no one.
  const live = !o.json && o.live !== false && process.stdout.isTTY;
  let unsubscribeTerminal: (() => void) | null = null;
  engine.on((e) => {
    if (o.json) {
      if (e.type !== 'check') out(JSON.stringify(e) + '\n');
      return;
    }
    if (e.type === 'doctor' && e.phase === 'agent-started' && live && !unsubscribeTerminal) {
      const sub = engine.terminal.subscribe((chunk) => {
        if (chunk.data) out(chunk.data);
        // The terminal writes synchronously enough; ack at once so flow control never pauses us.
        sub.ack(chunk.data.length);
      });
      unsubscribeTerminal = () => sub.close();
      return;
    }
    if (live && unsubscribeTerminal) {
      if (e.type !== 'incident-closed') return;
      // The session is over: stop mirroring it and start our own lines on a clean one.
      unsubscribeTerminal();
      unsubscribeTerminal = null;
      out('\x1b[0m\r\n\n');
    }
    const line = eventLine(e, said);
    if (line) out(line + '\n');
  });
  const onSignal = () => void engine.stopDoctor();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A closed terminal must not leave the agent working unsupervised in tmux.
  process.once('SIGHUP', onSignal);
  const r = await engine.runDoctor(force);
  (unsubscribeTerminal as (() => void) | null)?.();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('SIGHUP', onSignal);
  const check = await engine.probeOnce();
  await engine.stop('doctor command finished');
  const healthy = check.condition === 'healthy' || check.condition === 'degraded';
  if (o.json) {
    out(
      JSON.stringify({
        type: 'result',
        ok: r.ok,
        outcome: r.ok ? r.value : null,
        message: r.ok ? null : r.message,
        check,
      }) + '\n',
    );
  } else {
    if (!r.ok) out(`${r.message}\n`);
    else if (r.value.outcome === 'not-needed') {
      out(`${bold('Doctor')}: not needed: ${r.value.detail}. (\`clawmedic doctor --force\` runs a check-up anyway.)\n`);
    } else out(`${bold('Doctor')}: ${r.value.outcome}: ${said.shorten(clean(r.value.detail))}\n`);
    out(`${bold('Gateway')}: ${describeCheck(check)}\n`);
    const [inc] = r.ok && r.value.outcome === 'not-needed' ? [] : await engine.listIncidents();
    if (inc)
      out(
        dim(
          `Incident ${inc.id}: \`clawmedic incidents ${inc.id}\` shows the timeline` +
            (inc.reportPath ? `; report: ${inc.reportPath}` : '') +
            '\n',
        ),
      );
  }
  process.exitCode = healthy ? EXIT_OK : EXIT_FAIL;
}
