// Successful recoveries, summarised into a bounded Markdown file the next brief includes
// ({{learnings}}): the seed's "learn from what worked", without letting the file grow forever.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { privateFileProblem, writeFileAtomic } from '../fsutil.js';
import { redact } from '../redact.js';

/** 8 entries: enough to show recurring causes; each one costs the agent tokens on every run. */
export const LEARNINGS_MAX_ENTRIES = 8;
/** One entry's summary is cut here so one long report cannot crowd out the others. */
const ENTRY_MAX_CHARS = 600;
const HEADER =
  '# ClawMedic learnings\n\nSummaries of recent successful recoveries ' +
  '(newest last). Written by ClawMedic; edit freely.\n';

export interface Learning {
  at: string;
  incidentId: string;
  agent: string;
  summary: string;
}

export function learningsFile(dataDir: string): string {
  return path.join(dataDir, 'learnings.md');
}

function entries(text: string): string[] {
  return text
    .split(/^(?=## )/m)
    .filter((s) => s.startsWith('## '))
    .map((s) => s.trimEnd());
}

/**
 * The entries as the brief shows them ('' when none). The file goes into the agent's prompt, so it is
 * read only when it is ours and nobody else can write it; otherwise `refused` gets why and '' is used.
 */
export async function readLearnings(dataDir: string, refused: (why: string) => void = () => {}): Promise<string> {
  const problem = privateFileProblem(learningsFile(dataDir));
  if (problem) {
    refused(`${problem}: its text was not given to the agent. Check it, then fix its owner and mode (chmod 600).`);
    return '';
  }
  try {
    return entries(await fsp.readFile(learningsFile(dataDir), 'utf8')).join('\n\n');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

export async function appendLearning(dataDir: string, l: Learning, secrets: string[] = []): Promise<void> {
  let existing: string[] = [];
  try {
    existing = entries(await fsp.readFile(learningsFile(dataDir), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  let summary = redact(l.summary.replace(/\s+/g, ' ').trim(), { secrets }) || 'no summary given';
  if (summary.length > ENTRY_MAX_CHARS) summary = `${summary.slice(0, ENTRY_MAX_CHARS - 1)}…`;
  const entry = `## ${l.at} · ${l.agent} · incident ${l.incidentId}\n${summary}`;
  const kept = [...existing, entry].slice(-LEARNINGS_MAX_ENTRIES);
  await writeFileAtomic(learningsFile(dataDir), `${HEADER}\n${kept.join('\n\n')}\n`);
}
