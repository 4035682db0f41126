// Incident history numbers, diff colouring, and the report's Markdown rendering (untrusted input).
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../common/contract.js';
import { diffLines, diffStats } from '../../renderer/src/incidents/diff.js';
import { percent, summarize } from '../../renderer/src/incidents/history.js';
import { renderMarkdown } from '../../renderer/src/ui/markdown.js';

const H = 3_600_000;
function inc(id: string, start: number, end: number | null, outcome: Incident['outcome'] = 'recovered'): Incident {
  return {
    id,
    trigger: 'health',
    startedAt: new Date(start).toISOString(),
    endedAt: end === null ? null : new Date(end).toISOString(),
    outcome,
    resolvedBy: outcome === 'recovered' ? 'restart' : null,
    agent: null,
    reportPath: null,
    transcriptPath: null,
    events: [],
    summary: '',
    restarts: 0,
    doctor: null,
    owner: { pid: 1, hostname: 'h' },
  };
}

describe('summarize', () => {
  // Noon local time, so "today" has room on both sides whatever the machine's zone.
  const now = new Date(2025, 5, 14, 12, 0, 0).getTime();

  it('bins incidents by local day and outcome, oldest day first', () => {
    const s = summarize(
      [
        inc('a', now - 1 * H, now - 0.5 * H),
        inc('b', now - 30 * H, now - 29 * H, 'failed'),
        inc('old', now - 40 * 24 * H, now - 40 * 24 * H + H),
      ],
      now,
    );
    expect(s.days).toHaveLength(14);
    expect(s.days[13]!.counts.recovered).toBe(1);
    expect(s.days[12]!.counts.failed).toBe(1);
    expect(s.incidents).toBe(2);
    expect(s.recovered).toBe(1);
    expect(s.days.reduce((n, d) => n + d.total, 0)).toBe(2);
    expect(s.days[13]!.label).toBe('6/14');
  });

  it('uptime counts overlapping incidents once and an open one until now', () => {
    const from = new Date(2025, 5, 1).getTime();
    const windowMs = now - from;
    const s = summarize(
      [
        inc('a', now - 4 * H, now - 2 * H),
        inc('b', now - 3 * H, now - 1 * H),
        inc('open', now - 0.5 * H, null, 'open'),
      ],
      now,
    );
    expect(s.uptime).toBeCloseTo(1 - (3 * H + 0.5 * H) / windowMs, 10);
    expect(s.medianRecoveryMs).toBe(2 * H);
    expect(summarize([], now).uptime).toBe(1);
    expect(summarize([], now).medianRecoveryMs).toBeNull();
  });

  it('percent never rounds a bad week up to 100 %', () => {
    expect(percent(1)).toBe('100 %');
    expect(percent(0.99999)).toBe('99.99 %');
    expect(percent(0.9973)).toBe('99.7 %');
    expect(percent(0.5)).toBe('50.0 %');
  });
});

describe('diff', () => {
  it('classifies unified diff lines', () => {
    const lines = diffLines('--- a\n+++ b\n@@ -1,2 +1,2 @@\n ctx\n-old\n+new\n');
    expect(lines.map((l) => l.kind)).toEqual(['meta', 'meta', 'hunk', 'ctx', 'del', 'add']);
    expect(diffStats(lines)).toEqual({ added: 1, removed: 1 });
  });
});

describe('renderMarkdown', () => {
  it('escapes raw HTML instead of rendering it', () => {
    const html = renderMarkdown(
      'Hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div onclick="x()">block</div>',
    );
    expect(html).not.toMatch(/<script|<img|<div/);
    expect(html).toContain('&lt;script&gt;');
  });

  it('links only http(s), opening in a new window without referrer', () => {
    const html = renderMarkdown(
      '[ok](https://example.com/a) [js](javascript:alert(1)) [data](data:text/html,x) [file](file:///etc/passwd)',
    );
    expect(html).toContain('<a href="https://example.com/a" target="_blank" rel="noopener noreferrer">ok</a>');
    expect(html).not.toMatch(/href="(javascript|data|file):/);
    expect((html.match(/<a /g) ?? []).length).toBe(1);
  });

  it('renders no images (no tracking pixels from a report)', () => {
    expect(renderMarkdown('![x](https://tracker.example/p.png)')).not.toContain('<img');
  });
});
