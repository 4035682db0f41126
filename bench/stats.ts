// Small statistics and formatting helpers for the benchmark table. Pure, so the unit tests can pin
// how a spread is summarised and printed.

export interface Spread {
  n: number;
  min: number;
  median: number;
  max: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** min/median/max of the finite values; null when there are none. */
export function spread(values: readonly number[]): Spread | null {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return null;
  return { n: v.length, min: Math.min(...v), median: median(v), max: Math.max(...v) };
}

/** Milliseconds as a short human figure: 840 ms, 1.3 s, 3 min 27 s. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const a = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (a < 10) return `${sign}${a.toFixed(1)} ms`;
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 10_000) return `${sign}${(a / 1000).toFixed(2)} s`;
  if (a < 120_000) return `${sign}${(a / 1000).toFixed(1)} s`;
  const m = Math.floor(a / 60_000);
  const s = Math.round((a - m * 60_000) / 1000);
  return `${sign}${m} min ${s} s`;
}

export function fmtBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const a = Math.abs(bytes);
  const sign = bytes < 0 ? '−' : '';
  if (a < 1024) return `${sign}${Math.round(a)} B`;
  if (a < 1024 * 1024) return `${sign}${(a / 1024).toFixed(1)} KiB`;
  if (a < 1024 ** 3) return `${sign}${(a / 1024 / 1024).toFixed(1)} MiB`;
  return `${sign}${(a / 1024 ** 3).toFixed(2)} GiB`;
}

/** "median (min–max, n=5)" with a unit formatter; a single value prints alone. */
export function fmtSpread(s: Spread | null, fmt: (x: number) => string = fmtMs): string {
  if (!s) return '–';
  if (s.n === 1) return `${fmt(s.median)} (n=1)`;
  return `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)}, n=${s.n})`;
}

/** How many times slower `theirs` is than `ours`, as "×12" (or "–" when either is missing or not positive). */
export function fmtRatio(theirs: number | null | undefined, ours: number | null | undefined): string {
  if (theirs == null || ours == null || !(theirs > 0) || !(ours > 0)) return '–';
  const r = theirs / ours;
  return r >= 10 ? `×${Math.round(r)}` : `×${r.toFixed(1)}`;
}

/**
 * Golden-ratio fractions: well-spread offsets in [0, 1) for the i-th repetition, so runs sample every phase of a poll
 * clock.
 */
export function spreadFraction(i: number): number {
  const x = (i * 0.6180339887498949) % 1;
  return x < 0 ? x + 1 : x;
}
