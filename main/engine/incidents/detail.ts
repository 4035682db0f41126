// An incident with the texts a UI shows beside it: the agent's report and the session transcript.
import { promises as fsp } from 'node:fs';
import type { IncidentDetail } from '../../../common/contract.js';
import type { IncidentStore } from './store.js';

/** The UI shows at most the last 2 MB of a transcript; more would stall a renderer and rarely matters. */
const MAX_TRANSCRIPT_BYTES = 2 * 1024 * 1024;
const MAX_REPORT_BYTES = 256 * 1024;

async function readTail(file: string | null, max: number): Promise<string | null> {
  if (!file) return null;
  try {
    const fh = await fsp.open(file, 'r');
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
    // A report the agent never wrote, or a transcript removed by the user: show nothing for it.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function readIncidentDetail(store: IncidentStore, id: string): Promise<IncidentDetail | null> {
  const incident = await store.get(id);
  if (!incident) return null;
  const [report, transcript] = await Promise.all([
    readTail(incident.reportPath, MAX_REPORT_BYTES),
    readTail(incident.transcriptPath, MAX_TRANSCRIPT_BYTES),
  ]);
  return { incident, report, transcript };
}
