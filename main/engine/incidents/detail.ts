// An incident with the texts a UI shows beside it: the agent's report and the session transcript.
import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { IncidentDetail } from '../../../common/contract.js';
import type { IncidentStore } from './store.js';

/** The UI shows at most the last 2 MB of a transcript; more would stall a renderer and rarely matters. */
const MAX_TRANSCRIPT_BYTES = 2 * 1024 * 1024;
const MAX_REPORT_BYTES = 256 * 1024;

/**
 * The incident's own file, or null: a report or transcript path must name a regular file inside the
 * incident's folder, not a symbolic link (the agent wrote the report: a link it left there must not make
 * the dashboard serve ~/.ssh/id_ed25519).
 */
async function ownFile(dir: string, file: string | null): Promise<string | null> {
  if (!file) return null;
  const rel = path.relative(dir, path.resolve(file));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  try {
    const st = await fsp.lstat(file);
    return st.isFile() ? file : null;
  } catch {
    // Missing: nothing to show.
    return null;
  }
}

async function readTail(file: string | null, max: number): Promise<string | null> {
  if (!file) return null;
  try {
    // O_NOFOLLOW: a link swapped in after the check is refused too.
    const fh = await fsp.open(file, fsc.O_RDONLY | fsc.O_NOFOLLOW);
    try {
      const { size } = await fh.stat();
      const len = Math.min(size, max);
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, size - len);
      return buf.toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    // A report the agent never wrote, a transcript removed by the user, or a link: show nothing for it.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') return null;
    throw err;
  }
}

export async function readIncidentDetail(store: IncidentStore, id: string): Promise<IncidentDetail | null> {
  const incident = await store.get(id);
  if (!incident) return null;
  const dir = path.join(store.root, incident.id);
  const [report, transcript] = await Promise.all([
    ownFile(dir, incident.reportPath).then((f) => readTail(f, MAX_REPORT_BYTES)),
    ownFile(dir, incident.transcriptPath).then((f) => readTail(f, MAX_TRANSCRIPT_BYTES)),
  ]);
  return { incident, report, transcript };
}
