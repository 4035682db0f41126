// The machine's load average, printed beside every measurement: the numbers in RESULTS.md are only
// comparable with runs at a similar load.
import os from 'node:os';

/** "1.23 0.98 0.75" (1, 5 and 15 minutes), now. */
export function loadNow(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}
