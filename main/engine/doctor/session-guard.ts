// Binds a doctor session's life to its watcher. The agent works in ClawMedic's tmux server, which outlives
// the process that started it; if that process is killed (kill -9, a crash) nothing would stop the agent,
// and it would go on changing the gateway with no deadline and nobody checking its work. A tiny detached
// guard watches the owner and ends the session within seconds of its death, noting when that happened.
import { spawn } from 'node:child_process';

/**
 * 2 s between checks: the agent is stopped within about two seconds of the watcher's death, for the
 * cost of one `kill -0` and one `tmux has-session` every two seconds while a session runs.
 */
export const GUARD_POLL_SEC = 2;

/** The guard script: env OWNER, TMUX_BIN, SOCK, SESSION, MARK (a file that receives the time of death). */
export const GUARD_SCRIPT = [
  `while kill -0 "$OWNER" 2>/dev/null && "$TMUX_BIN" -S "$SOCK" has-session -t "$SESSION" 2>/dev/null; do`,
  `  sleep ${GUARD_POLL_SEC}`,
  'done',
  'if ! kill -0 "$OWNER" 2>/dev/null; then',
  '  (umask 077; date -u +%Y-%m-%dT%H:%M:%SZ > "$MARK")',
  '  "$TMUX_BIN" -S "$SOCK" kill-session -t "$SESSION" 2>/dev/null',
  'fi',
].join('\n');

export interface GuardHandle {
  pid: number | null;
  /** The session ended normally: the guard is not needed any more. */
  stop(): void;
}

export function startSessionGuard(o: {
  tmuxBinary: string;
  socket: string;
  session: string;
  /** Written with the time the owner was found dead (the next start records it on the incident). */
  markFile: string;
  owner?: number;
}): GuardHandle {
  const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT], {
    detached: true,
    stdio: 'ignore',
    env: {
      PATH: '/usr/bin:/bin',
      OWNER: String(o.owner ?? process.pid),
      TMUX_BIN: o.tmuxBinary,
      SOCK: o.socket,
      SESSION: o.session,
      MARK: o.markFile,
    },
  });
  child.on('error', () => {
    // /bin/sh missing is not a system this runs on; without the guard the next start still cleans up.
  });
  child.unref();
  return {
    pid: child.pid ?? null,
    stop() {
      if (!child.pid) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone (it exits by itself once the session is gone).
      }
    },
  };
}

/** The file a guard writes into an incident folder when it found the watcher dead. */
export const OWNER_DIED_FILE = 'owner-died';
