// A stand-in for launchd/systemd around the REAL gateway, as ClawMedic's restart command. The real
// `openclaw gateway restart` refuses to manage a gateway with a non-default state dir (every e2e gateway
// has one), so the restart step is this script instead: it stops the gateway it started before (its
// whole session), starts `openclaw gateway run` in a new session, and waits until /healthz answers
// (exit 0) or the gateway exits (its exit code, 78 for a config error), as `openclaw gateway restart`
// does. A gateway started some other way (a person's terminal, a stale one) is not its business.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Gateway } from './gateway.js';
import { isAlive, killGroup, pollUntil, runCommand, type RunResult } from './procs.js';
import type { Toolchain } from './toolchain.js';

// The script's own waits (it is shell, so these are its loop counts; see the comments in it):
// 150 s for health covers the 46-51 s start measured under load three times over.
const HEALTH_WAIT_SEC = 150;
// The restart step's limit must outlast the script's own wait.
export const SERVICE_STEP_TIMEOUT_SEC = HEALTH_WAIT_SEC + 30;

export interface GatewayService {
  /** The shell command ClawMedic runs as its restart step. */
  command: string;
  /** The same command with `start` (starts only when nothing of this service runs). */
  startCommand: string;
  /** Process group (= session) of the gateway the service started, or null when none runs. */
  pgid(): number | null;
  /** Runs `restart` now (the way ClawMedic would) and returns its result. */
  restart(): Promise<RunResult>;
  /** SIGKILL to the service's gateway group, like a crash; resolves once the leader is gone. */
  crash(): Promise<void>;
}

const script = (o: { dir: string; openclaw: string; port: number; url: string; home: string }) => `#!/bin/sh
# ClawMedic e2e: a service manager for one real gateway (test/e2e/harness/service.ts).
set -u
pidfile='${o.dir}/service.pid'
exitfile='${o.dir}/service.exit'
out='${o.dir}/service.out'
running() { [ -s "$pidfile" ] && kill -0 -"$(cat "$pidfile")" 2>/dev/null; }
stop() {
  running || { rm -f "$pidfile"; return 0; }
  pg=$(cat "$pidfile")
  kill -TERM -"$pg" 2>/dev/null
  kill -CONT -"$pg" 2>/dev/null
  # 75 x 0.2 s = 15 s: SIGTERM ends the real gateway in 0.3-3 s; a stuck one is killed after that.
  n=0
  while kill -0 -"$pg" 2>/dev/null && [ "$n" -lt 75 ]; do sleep 0.2; n=$((n + 1)); done
  kill -KILL -"$pg" 2>/dev/null
  rm -f "$pidfile"
}
case "\${1:-restart}" in
  stop) stop; exit 0 ;;
  start) if running; then echo "already running (group $(cat "$pidfile"))"; exit 0; fi ;;
  restart) stop ;;
  *) echo "usage: $0 restart|start|stop" >&2; exit 2 ;;
esac
rm -f "$exitfile" "$pidfile"
cd '${o.home}' || exit 1
setsid sh -c 'echo $$ > "$1"; "$2" gateway run --port "$3" --bind loopback >> "$4" 2>&1; echo $? > "$5"' \\
  sh "$pidfile" '${o.openclaw}' '${o.port}' "$out" "$exitfile" < /dev/null > /dev/null 2>&1 &
# ${HEALTH_WAIT_SEC * 4} x 0.25 s = ${HEALTH_WAIT_SEC} s (HEALTH_WAIT_SEC); 0.25 s polls cost nothing next to a start.
n=0
while [ "$n" -lt ${HEALTH_WAIT_SEC * 4} ]; do
  if [ -s "$exitfile" ]; then
    code=$(cat "$exitfile")
    echo "the gateway exited with code $code before it answered /healthz; its last lines:"
    tail -n 5 "$out"
    exit "$code"
  fi
  if curl -fsS -m 2 '${o.url}/healthz' 2>/dev/null | grep -q '"status":"live"'; then
    echo "gateway healthy (group $(cat "$pidfile" 2>/dev/null))"
    exit 0
  fi
  sleep 0.25
  n=$((n + 1))
done
echo "the gateway did not answer /healthz within ${HEALTH_WAIT_SEC} s; its last lines:"
tail -n 5 "$out"
exit 1
`;

/** True while any process of the group exists (zombies count until init reaps them, which is immediate). */
function groupAlive(pg: number): boolean {
  try {
    process.kill(-pg, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes `<gw.dir>/service.sh` (0700) for this gateway. */
export function installService(gw: Gateway, tc: Toolchain): GatewayService {
  const file = path.join(gw.dir, 'service.sh');
  writeFileSync(file, script({ dir: gw.dir, openclaw: tc.openclaw, port: gw.port, url: gw.url, home: gw.home }), {
    mode: 0o700,
  });
  chmodSync(file, 0o700);
  const pidfile = path.join(gw.dir, 'service.pid');
  const pgid = (): number | null => {
    try {
      const pg = Number(readFileSync(pidfile, 'utf8').trim());
      return pg > 0 && isAlive(pg) ? pg : null;
    } catch {
      return null; // no pid file: the service has not started a gateway (or stopped it)
    }
  };
  return {
    command: `sh ${file} restart`,
    startCommand: `sh ${file} start`,
    pgid,
    restart: () =>
      runCommand('/bin/sh', [file, 'restart'], {
        env: gw.env,
        cwd: gw.home,
        timeoutMs: SERVICE_STEP_TIMEOUT_SEC * 1000,
      }),
    async crash() {
      const pg = pgid();
      if (!pg) throw new Error('the service has no gateway running to crash');
      killGroup(pg, 'SIGKILL');
      // The group's processes are not our children, so there is no exit event: poll until none is left
      // (the gateway frees its port only once it is gone, which can take a moment after its parent `sh`).
      // 20 ms: SIGKILL takes effect in milliseconds even for the 1 GB gateway; 10 s bounds one stuck in the kernel.
      await pollUntil(() => (groupAlive(pg) ? undefined : true), {
        timeoutMs: 10_000,
        intervalMs: 20,
        what: `process group ${pg} to die`,
      });
    },
  };
}
