// The seed design's detection model (bench/seed-model.ts) decides like the seed's script: its completion
// pattern in the last 20 rows of the pane (echo included once it is there), 3 minutes of unchanged last
// 20 rows = done, nothing else. No timing here.
import { describe, expect, it } from 'vitest';
import {
  SEED_CONSTANTS,
  SeedDetector,
  scaledConstants,
  seedAnalytic,
  seedBrief,
  seedNoticeAt,
} from '../../bench/seed-model.js';
import { sessionScript, thinkTimes } from '../../bench/sessions.js';

const POLL = SEED_CONSTANTS.pollMs;

describe('SeedDetector', () => {
  it('declares done on its completion pattern in the last 20 rows, case-insensitively', () => {
    const d = new SeedDetector(SEED_CONSTANTS, 0);
    expect(d.observe(POLL, '⏺ Working on it…')).toEqual({ done: false });
    expect(d.observe(2 * POLL, '⏺ RECOVERY COMPLETED, all good')).toEqual({
      done: true,
      by: 'phrase',
      matched: ['recovery completed'],
    });
    // The script's other alternatives: "gateway … restored", "wrote … report", "task finished", "✅ … success".
    for (const [line, m] of [
      ['The gateway is restored.', 'gateway is restored'],
      ['I wrote the report to /tmp/r.md', 'wrote the report'],
      ['Task finished', 'task finished'],
      ['✅ Success', '✅ success'],
    ] as const) {
      const v = new SeedDetector(SEED_CONSTANTS, 0).observe(POLL, line);
      expect(v).toEqual({ done: true, by: 'phrase', matched: [m] });
    }
  });

  it('reads only the last 20 rows of a 200 × 50 pane: a phrase higher up, or a blank bottom, is all it sees', () => {
    const rows = (top: string[]) =>
      [...top, ...Array<string>(SEED_CONSTANTS.rows - top.length).fill('')].join('\n') + '\n';
    // An inline TUI that has drawn 10 rows: the last 20 rows are blank, so "Recovery completed" at the top is missed.
    const d = new SeedDetector(SEED_CONSTANTS, 0);
    expect(d.observe(POLL, rows(['> brief', '⏺ Recovery completed.']))).toEqual({ done: false });
    // A static blank bottom reads as idle, although the top kept changing.
    for (let k = 2; k <= 6; k++) {
      expect(d.observe(k * POLL, rows(['> brief', `⏺ step ${k}`]))).toEqual({ done: false });
    }
    expect(d.observe(7 * POLL, rows(['> brief', '⏺ step 7']))).toEqual({ done: true, by: 'idle' });
    // Once the output reaches the bottom rows, the pattern is seen there.
    const full = Array.from({ length: 49 }, (_, i) => `line ${i}`).concat('⏺ Gateway restored');
    const seen = new SeedDetector(SEED_CONSTANTS, 0).observe(POLL, full.join('\n') + '\n');
    expect(seen).toEqual({ done: true, by: 'phrase', matched: ['gateway restored'] });
  });

  it('matches its own echoed brief: a brief whose goal says "HTTP 200" is "done" at the first poll', () => {
    const brief = seedBrief({ port: 18789, reportPath: '/tmp/r/report.md', withPhrase: true });
    const pane =
      brief
        .split('\n')
        .map((l, i) => (i === 0 ? `> ${l}` : `  ${l}`))
        .join('\n') + '\n✢ Working… (3s · esc to interrupt)';
    const d = new SeedDetector(SEED_CONSTANTS, 0);
    expect(d.observe(POLL, pane)).toEqual({ done: true, by: 'phrase', matched: ['http 200'] });
    // Both on screen: the echo and the agent's own words.
    const both = new SeedDetector(SEED_CONSTANTS, 0).observe(POLL, `${pane}\n⏺ Recovery completed.`);
    expect(both).toEqual({ done: true, by: 'phrase', matched: ['http 200', 'recovery completed'] });
    // The reworded brief carries no phrase at all.
    const clean = seedBrief({ port: 18789, reportPath: '/tmp/r/report.md', withPhrase: false });
    expect(clean.match(SEED_CONSTANTS.completion)).toBeNull();
    expect(new SeedDetector(SEED_CONSTANTS, 0).observe(POLL, clean)).toEqual({ done: false });
  });

  it('reads a static pane as done after the idle window, even when it shows a permission prompt', () => {
    const prompt = '│ Bash command\n│   touch /tmp/fixed\n│ Do you want to proceed?\n│ ❯ 1. Yes\n│   2. No';
    const d = new SeedDetector(SEED_CONSTANTS, 0);
    expect(d.observe(POLL, prompt)).toEqual({ done: false }); // first look: a change
    for (let k = 2; k <= 6; k++) expect(d.observe(k * POLL, prompt)).toEqual({ done: false });
    // 180 s since the poll that saw the last change.
    expect(d.observe(7 * POLL, prompt)).toEqual({ done: true, by: 'idle' });
    expect(d.polls).toBe(7);
  });

  it('restarts the idle count whenever the pane changes', () => {
    const d = new SeedDetector(SEED_CONSTANTS, 0);
    for (let k = 1; k <= 6; k++) d.observe(k * POLL, 'a');
    expect(d.observe(7 * POLL, 'b')).toEqual({ done: false });
    for (let k = 8; k <= 12; k++) expect(d.observe(k * POLL, 'b')).toEqual({ done: false });
    expect(d.observe(13 * POLL, 'b')).toEqual({ done: true, by: 'idle' });
  });

  it('counts polls, not clock readings: a poll a few ms early still completes the idle window', () => {
    const d = new SeedDetector(SEED_CONSTANTS, 0);
    d.observe(POLL + 9, 'static');
    for (let k = 2; k <= 6; k++) d.observe(k * POLL + 2, 'static');
    expect(d.observe(7 * POLL + 3, 'static')).toEqual({ done: true, by: 'idle' });
  });

  it('ends on a vanished session and on its 30-minute limit', () => {
    expect(new SeedDetector(SEED_CONSTANTS, 0).observe(POLL, null)).toEqual({ done: true, by: 'gone' });
    const d = new SeedDetector(SEED_CONSTANTS, 0);
    let v = d.observe(POLL, 'x0');
    for (let k = 2; v.done === false; k++) v = d.observe(k * POLL, `x${k}`); // always changing
    expect(v).toEqual({ done: true, by: 'timeout' });
    expect(d.polls).toBe(SEED_CONSTANTS.timeoutMs / POLL);
  });
});

describe('what the seed constants imply', () => {
  it('phrases are seen at the next poll, idleness 180–210 s after the last change', () => {
    expect(seedNoticeAt(SEED_CONSTANTS, 0, 1, 'phrase')).toBe(POLL);
    expect(seedNoticeAt(SEED_CONSTANTS, 0, POLL, 'phrase')).toBe(POLL);
    expect(seedNoticeAt(SEED_CONSTANTS, 0, POLL + 1, 'phrase')).toBe(2 * POLL);
    expect(seedNoticeAt(SEED_CONSTANTS, 0, 10_000, 'idle')).toBe(POLL + 180_000);
    const a = seedAnalytic(SEED_CONSTANTS);
    expect(a.phrase).toEqual({ min: 0, mean: 15_000, max: 30_000 });
    expect(a.idle).toEqual({ min: 180_000, mean: 195_000, max: 210_000 });
    expect(a.trustSleep).toBe(5_000);
    expect(a.echoFalsePositiveAt).toBe(30_000);
  });

  it('--quick scales every duration, not the phrases', () => {
    const q = scaledConstants(SEED_CONSTANTS, 10);
    expect(q).toMatchObject({ pollMs: 3_000, idleMs: 18_000, trustSleepMs: 500, timeoutMs: 180_000 });
    expect(q.phrases).toEqual(SEED_CONSTANTS.phrases);
  });
});

describe('benchmark sessions', () => {
  it('spread thinking times over one 30 s poll period and every fraction of a second', () => {
    const t = thinkTimes('report', 5, POLL);
    expect(t).toHaveLength(5);
    expect(Math.max(...t) - Math.min(...t)).toBeGreaterThan(POLL / 2);
    expect(Math.max(...t)).toBeLessThan(POLL - 1000);
    const fractions = new Set(t.map((x) => Math.floor((x % 1000) / 200)));
    expect(fractions.size).toBeGreaterThanOrEqual(4);
    // The slow session is slower than the seed's first poll, so its echo is seen before the fix.
    expect(Math.min(...thinkTimes('slowfix', 3, POLL))).toBeGreaterThan(POLL);
  });

  it('script the fix only where the session is meant to fix, and keep phrases out of the wrap-up', () => {
    const fixes = (k: Parameters<typeof sessionScript>[0]) =>
      sessionScript(k, 1000, '/tmp/m').filter((s) => 'run' in s).length;
    expect(fixes('report')).toBe(1);
    expect(fixes('wrapup')).toBe(1);
    expect(fixes('permission')).toBe(0);
    expect(sessionScript('permission', 1000, '/tmp/m')).toContainEqual({ ask: 'touch /tmp/m' });
    const wrapText = JSON.stringify(sessionScript('wrapup', 1000, '/tmp/m')).toLowerCase();
    for (const p of SEED_CONSTANTS.phrases) expect(wrapText).not.toContain(p);
  });
});
