// Private-by-default file helpers: every file ClawMedic writes is 0600 in a 0700 folder,
// written atomically so a crash never leaves half a JSON document behind.
import { randomBytes } from 'node:crypto';
import { promises as fsp, mkdirSync, chmodSync, writeFileSync, renameSync, openSync, closeSync, fsyncSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}

/** Creates the folder (and parents) as 0700 and tightens it if it already existed looser. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await fsp.chmod(dir, PRIVATE_DIR_MODE);
}

export function ensurePrivateDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

function tmpName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Write to a temp file beside the target, fsync, then rename over it (atomic on POSIX). */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): Promise<void> {
  const tmp = tmpName(file);
  const fh = await fsp.open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/** Synchronous twin for exit paths (signal handlers cannot await). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): void {
  const tmp = tmpName(file);
  writeFileSync(tmp, data, { mode });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export async function fileExists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    // Any access failure means "not usable as an existing file" for our callers.
    return false;
  }
}

/**
 * Checks that a path ClawMedic keeps private is what it should be: not a symlink (which could point a
 * write anywhere), owned by this user, and without group or other permission bits. Returns what is wrong
 * and how to fix it, or null when it is fine.
 */
export async function privatePathProblem(p: string, kind: 'dir' | 'file'): Promise<string | null> {
  let st;
  try {
    st = await fsp.lstat(p);
  } catch (err) {
    return `${p} cannot be checked: ${(err as Error).message}`;
  }
  if (st.isSymbolicLink()) {
    return `${p} is a symbolic link; ClawMedic keeps private data only in real files and folders: remove the link`;
  }
  if (kind === 'dir' ? !st.isDirectory() : !st.isFile()) {
    return `${p} is not a ${kind === 'dir' ? 'folder' : 'regular file'}`;
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  if (uid !== null && st.uid !== uid) {
    return `${p} belongs to uid ${st.uid}, not to this user (uid ${uid}): remove it or fix its owner`;
  }
  const mode = st.mode & 0o777;
  if (mode & 0o077) {
    const want = kind === 'dir' ? '700' : '600';
    return `${p} has mode ${mode.toString(8).padStart(4, '0')}, so others may read it: run chmod ${want} ${p}`;
  }
  return null;
}
