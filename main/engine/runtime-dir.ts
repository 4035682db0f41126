// Where ClawMedic's sockets live (the control socket, its own tmux server). Inside the data dir when the
// path is short enough for a Unix socket; otherwise in a per-user folder that ClawMedic creates 0700 and
// verifies before use, under a tag derived from a hash of the data dir's whole real path — never a
// shared name in /tmp that another local user could create first, and never a suffix two data dirs share.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePrivateDirSync, verifyPrivateDirSync } from './fsutil.js';

/** sun_path is 104 bytes on macOS, 108 on Linux; keep a margin for the socket's own name. */
export const MAX_SOCKET_PATH = 100;
/** The longest socket name we put in a runtime folder ('control.sock', 'tmux.sock'). */
const LONGEST_SOCKET_NAME = 'control.sock'.length;

/** 16 hex digits of SHA-256 over the data dir's real path: distinct data dirs never share a folder. */
export function dataDirTag(dataDir: string): string {
  let real = path.resolve(dataDir);
  try {
    real = realpathSync(real);
  } catch {
    // Not created yet: the resolved path names it as well as its real path will once it exists.
  }
  return createHash('sha256').update(real).digest('hex').slice(0, 16);
}

/**
 * The per-user base for runtime folders: $XDG_RUNTIME_DIR (systemd makes it 0700 for the user) when it is
 * set and private, else <tmpdir>/clawmedic-<uid>, created 0700 and verified (refused if another user made it).
 */
export function userRuntimeBase(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && path.isAbsolute(xdg)) {
    try {
      verifyPrivateDirSync(xdg);
      return path.join(xdg, 'clawmedic');
    } catch {
      // Not usable (missing, shared): fall back to our own folder in the temp dir.
    }
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(os.tmpdir(), `clawmedic-${uid}`);
}

/** The folder for this data dir's sockets, created 0700 and verified. */
export function runtimeDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const inside = path.join(dataDir, 'run');
  if (fitsSocket(inside)) {
    ensurePrivateDirSync(inside);
    return inside;
  }
  const base = userRuntimeBase(env);
  ensurePrivateDirSync(base);
  const dir = path.join(base, dataDirTag(dataDir));
  ensurePrivateDirSync(dir);
  return dir;
}

/** True when a socket of ours fits in `dir` (sun_path limits). */
export function fitsSocket(dir: string): boolean {
  return path.join(dir, 'x'.repeat(LONGEST_SOCKET_NAME)).length <= MAX_SOCKET_PATH;
}
