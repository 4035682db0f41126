// Text from outside never reaches the terminal with control sequences in it: the window title (OSC 0),
// the clipboard (OSC 52), cursor moves (CSI), raw C0/C1 controls.
import { describe, expect, it } from 'vitest';
import { clean, eventLine, incidentTimeline } from '../../main/cli/format.js';
import type { Incident } from '../../common/contract.js';

const HOSTILE = [
  'restart said \x1b]0;pwned title\x07',
  'copy \x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07 this',
  'move \x1b[2J\x1b[H cursor',
  'bell \x07 backspace \x08 c1 \u009b31m',
  'st-terminated \x1b]0;x\x1b\\ end',
].join(' | ');

// C0 controls but tab and newline, DEL, and C1 controls: built from their codes, as a regular expression
// literal may not hold control characters.
const ch = (code: number) => String.fromCharCode(code);
const ESC_OR_CONTROL = new RegExp(`[${ch(0x00)}-${ch(0x08)}${ch(0x0b)}-${ch(0x1f)}${ch(0x7f)}-${ch(0x9f)}]`);

describe('clean', () => {
  it('removes every control sequence and control character, keeping the words', () => {
    const out = clean(HOSTILE);
    expect(out).not.toMatch(ESC_OR_CONTROL);
    expect(out).toContain('restart said');
    expect(out).toContain('this');
    expect(clean('line one\n\tline two')).toBe('line one\n\tline two');
  });

  it('applies to what `watch` prints and to `incidents <id>`', () => {
    const at = new Date().toISOString();
    const line = eventLine({
      type: 'incident-event',
      incidentId: 'i1',
      event: { at, type: 'restart-step', detail: HOSTILE },
    });
    expect(line).not.toMatch(ESC_OR_CONTROL);
    const inc = {
      id: 'i1',
      trigger: 'health',
      startedAt: at,
      endedAt: at,
      outcome: 'failed',
      resolvedBy: null,
      agent: null,
      reportPath: null,
      transcriptPath: null,
      summary: HOSTILE,
      events: [{ at, type: 'restart-step', detail: HOSTILE }],
      restarts: 1,
      doctor: null,
      owner: { pid: 1, hostname: 'h' },
    } as unknown as Incident;
    // No colours when stdout is not a terminal (as in the test run): the whole text must be clean.
    expect(incidentTimeline(inc)).not.toMatch(ESC_OR_CONTROL);
  });
});
