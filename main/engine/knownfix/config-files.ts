// Changing the gateway's config file without ever losing a version of it: whatever is replaced is kept
// beside it (0600, a timestamped name), and every change can be undone from a private backup.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE, writeFileAtomic } from '../fsutil.js';
import { redact } from '../redact.js';

/** Diffs in records and notifications are cut here; the files themselves hold everything. */
const DIFF_MAX_CHARS = 16_000;

export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

export async function readOrNull(file: string): Promise<string | null> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * A redacted, bounded unified diff; null when the texts are equal. `diff` is imported here, on first use: a
 * watcher that never changes a config does not load it at start-up (test/integration/lazy-imports.test.ts).
 */
export async function configDiff(
  file: string,
  before: string | null,
  after: string | null,
  labels: [string, string],
  secrets: string[],
): Promise<string | null> {
  if (before === after) return null;
  const { createTwoFilesPatch } = await import('diff');
  let d = createTwoFilesPatch(
    `${file} (${labels[0]})`,
    `${file} (${labels[1]})`,
    before ?? '',
    after ?? '',
    undefined,
    undefined,
    { context: 2 },
  );
  d = redact(d, { secrets });
  return d.length > DIFF_MAX_CHARS ? `${d.slice(0, DIFF_MAX_CHARS)}\n[… diff cut …]` : d;
}

/**
 * Moves the current file aside as `<file>.<label>.<stamp>` (0600) and returns that path; null when
 * there was no file. A rename keeps the exact bytes and the inode's history.
 */
export async function keepBeside(file: string, label: string, atMs: number): Promise<string | null> {
  const aside = `${file}.${label}.${stamp(atMs)}`;
  try {
    await fsp.rename(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  await fsp.chmod(aside, PRIVATE_FILE_MODE);
  return aside;
}

/** Replaces `file` with `text`: the current content is kept beside it first. Returns where it went. */
export async function replaceKeeping(file: string, text: string, label: string, atMs: number): Promise<string | null> {
  const aside = await keepBeside(file, label, atMs);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, text, PRIVATE_FILE_MODE);
  return aside;
}

export interface FileBackup {
  kind: 'restore-file';
  /** The file that was changed. */
  target: string;
  /** The private copy of it from before the change, or null when it did not exist. */
  backup: string | null;
}

/** Copies `target` into `dir/before` (0600) for the undo. */
export async function backupFile(target: string, dir: string): Promise<FileBackup> {
  const text = await readOrNull(target);
  if (text === null) return { kind: 'restore-file', target, backup: null };
  const backup = path.join(dir, 'before');
  await writeFileAtomic(backup, text, PRIVATE_FILE_MODE);
  return { kind: 'restore-file', target, backup };
}

/** Puts the backed-up content back; what is there now is kept beside it. Returns a sentence for the record. */
export async function restoreBackup(b: FileBackup, atMs: number): Promise<string> {
  if (b.backup === null) {
    const aside = await keepBeside(b.target, 'clawmedic-undone', atMs);
    return aside
      ? `${b.target} did not exist before; the file is now kept as ${aside}`
      : `${b.target} did not exist before and does not exist now`;
  }
  const text = await fsp.readFile(b.backup, 'utf8');
  const aside = await replaceKeeping(b.target, text, 'clawmedic-undone', atMs);
  return `${b.target} is back as it was before the fix${aside ? `; the fixed version is kept as ${aside}` : ''}`;
}
