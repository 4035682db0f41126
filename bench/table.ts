// The one results table: rows from every benchmark, rendered as a Markdown table whose columns are
// padded so it reads the same in a terminal and in bench/RESULTS.md.

export interface Row {
  /** "1a", "2", …: which benchmark of issue 7 the row belongs to. */
  id: string;
  what: string;
  ours: string;
  /** The seed design's figure, or the contrast the row is measured against. */
  other: string;
  ratio: string;
  /** The goal this figure is held to (issue "Performance"), when it has one. */
  goal?: string;
  /** What was checked on the way (correctness, bytes lost, …). */
  verified: string;
}

export const HEADER: Row = {
  id: '#',
  what: 'Measurement',
  ours: 'ClawMedic',
  other: 'Seed design / contrast',
  ratio: 'Ratio',
  goal: 'Goal',
  verified: 'Verified in the same run',
};

const COLUMNS: (keyof Row)[] = ['id', 'what', 'ours', 'other', 'ratio', 'goal', 'verified'];

/** Pipes inside a cell would split it; newlines would end the row. */
export function cell(s: string): string {
  return s
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

export function renderTable(rows: readonly Row[]): string {
  const all = [HEADER, ...rows].map((r) => COLUMNS.map((c) => cell(r[c] ?? '–')));
  const widths = COLUMNS.map((_, i) => Math.max(3, ...all.map((r) => [...r[i]!].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(all[0]!), rule, ...all.slice(1).map(line)].join('\n');
}
