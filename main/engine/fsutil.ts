// Private-by-default file helpers: every file ClawMedic writes is 0600 in a 0700 folder,
// written atomically so a crash never leaves half a JSON document behind.
import { randomBytes } from 'node:crypto';
import {
  promises as fsp,
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}

/**
 * A path ClawMedic refuses to use: another user's, readable or writable by others, or a symbolic link it
 * did not expect. Never "fixed" silently: the files inside may already have been planted or read.
 */
export class PrivatePathError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'PrivatePathError';
  }
}

const myUid = (): number | null => (typeof process.getuid === 'function' ? process.getuid() : null);

function modeText(st: Stats): string {
  return (st.mode & 0o777).toString(8).padStart(3, '0');
}

/**
 * Checks that `dir` is a folder of ours that nobody else can read or write. A symbolic link is accepted
 * only when it is our own and leads to such a folder (a user may move the data dir to another disk); a
 * link another user planted is refused.
 */
export function verifyPrivateDirSync(dir: string): void {
  const uid = myUid();
  if (uid === null) return; // Windows: no uids or POSIX modes to check.
  let st = lstatSync(dir);
  if (st.isSymbolicLink()) {
    if (st.uid !== uid) {
      throw new PrivatePathError(
        `${dir} is a symbolic link owned by another user (uid ${st.uid}); ClawMedic will not follow it. ` +
          'Remove it, or point dataDir at a folder of your own.',
        dir,
      );
    }
    st = statSync(dir);
  }
  if (!st.isDirectory())
    throw new PrivatePathError(`${dir} is not a folder. Move it aside or choose another path.`, dir);
  if (st.uid !== uid) {
    throw new PrivatePathError(
      `${dir} belongs to another user (uid ${st.uid}), so files in it could have been planted or read. ` +
        'ClawMedic keeps its data only in folders of your own: choose another dataDir.',
      dir,
    );
  }
  if (st.mode & 0o077) {
    throw new PrivatePathError(
      `${dir} is open to other users (mode ${modeText(st)}), so files in it could have been planted or read. ` +
        `Check what is inside, then run \`chmod 700 '${dir}'\` (or choose another dataDir).`,
      dir,
    );
  }
}

/** Creates the folder (and missing parents) as 0700, then verifies it (verifyPrivateDirSync). */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  verifyPrivateDirSync(dir);
}

export function ensurePrivateDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  verifyPrivateDirSync(dir);
}

/**
 * Checks a file ClawMedic reads back (learnings it feeds the agent, status, locks): a regular file of ours
 * that nobody else can write. Returns why not, or null when it is fine (or missing: `missing` says so).
 */
export function privateFileProblem(file: string): string | null {
  const uid = myUid();
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return `${file} cannot be checked: ${(err as Error).message}`;
  }
  if (!st.isFile()) return `${file} is not a regular file (a link or a device is never read)`;
  if (uid !== null && st.uid !== uid) return `${file} belongs to another user (uid ${st.uid})`;
  if (uid !== null && st.mode & 0o022) return `${file} is writable by other users (mode ${modeText(st)})`;
  return null;
}

function tmpName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Write to a temp file beside the target, fsync, then rename over it (atomic on POSIX). */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  mode = PRIVATE_FILE_MODE,
): Promise<void> {
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
