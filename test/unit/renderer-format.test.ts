// Words and numbers the window shows: durations, times, labels, the doctor's progress, routes.
import { describe, expect, it } from 'vitest';
import {
  ago,
  clock,
  doctorProgress,
  duration,
  durationBetween,
  eventTypeLabel,
  outcomeLabel,
  outcomeTone,
  stateLabel,
  stateTone,
} from '../../renderer/src/ui/format.js';
import { parseRoute } from '../../renderer/src/route.js';
import { parseHeaders, parseLines, parseNumber } from '../../renderer/src/settings/parse.js';

describe('format', () => {
  it('clock shows m:ss, and h:mm:ss past an hour', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(75.9)).toBe('1:15');
    expect(clock(1800)).toBe('30:00');
    expect(clock(3700)).toBe('1:01:40');
    expect(clock(-5)).toBe('0:00');
  });

  it('duration picks the unit a person would', () => {
    expect(duration(42_000)).toBe('42 s');
    expect(duration(310_000)).toBe('5 min');
    expect(duration(2 * 3600_000)).toBe('2 h');
    expect(duration(7260_000)).toBe('2 h 1 min');
    expect(duration(90_000_000)).toBe('1 d 1 h');
    expect(durationBetween('2025-01-01T00:00:00Z', null, Date.parse('2025-01-01T00:07:00Z'))).toBe('7 min');
    expect(durationBetween('garbage', null, 0)).toBe('—');
  });

  it('ago reads relative, then falls back to a date', () => {
    const now = Date.parse('2025-06-11T12:00:00Z');
    expect(ago('2025-06-11T11:59:30Z', now)).toBe('just now');
    expect(ago('2025-06-11T11:55:00Z', now)).toBe('5 min ago');
    expect(ago('2025-06-11T09:00:00Z', now)).toBe('3 h ago');
    expect(ago('2025-06-10T06:00:00Z', now)).toBe('yesterday');
    expect(ago('2025-06-07T12:00:00Z', now)).toBe('4 d ago');
    expect(ago('2025-05-01T12:00:00Z', now)).toBe('2025-05-01');
  });

  it('labels unknown states, outcomes and event types as readable words instead of failing', () => {
    expect(stateLabel('needs-attention')).toBe('Needs attention');
    expect(stateTone('needs-attention')).toBe('bad');
    expect(stateLabel('brand-new-state')).toBe('brand-new-state');
    expect(stateTone('brand-new-state')).toBe('idle');
    expect(outcomeLabel('timeout')).toBe('Timed out');
    expect(outcomeTone('recovered')).toBe('ok');
    expect(eventTypeLabel('doctor-agent-started')).toBe('Doctor agent started');
    expect(eventTypeLabel('some_new_type')).toBe('Some new type');
  });

  it('doctor progress: elapsed against the deadline, clamped, and late when over', () => {
    const start = '2025-06-11T12:00:00Z';
    const deadline = '2025-06-11T12:30:00Z';
    const p = doctorProgress(start, deadline, Date.parse('2025-06-11T12:04:12Z'));
    expect(p).toEqual({ elapsedSec: 252, limitSec: 1800, fraction: 0.14, overdue: false });
    const late = doctorProgress(start, deadline, Date.parse('2025-06-11T12:31:00Z'));
    expect(late.fraction).toBe(1);
    expect(late.overdue).toBe(true);
  });
});

describe('routes', () => {
  it('maps hashes to views, with the incident id decoded', () => {
    expect(parseRoute('')).toEqual({ route: 'overview', arg: null });
    expect(parseRoute('#/live')).toEqual({ route: 'live', arg: null });
    expect(parseRoute('#/settings/restart.command')).toEqual({ route: 'settings', arg: 'restart.command' });
    expect(parseRoute('#/settings')).toEqual({ route: 'settings', arg: null });
    expect(parseRoute('#/incidents')).toEqual({ route: 'incidents', arg: null });
    expect(parseRoute('#/incidents/inc%2F1')).toEqual({ route: 'incidents', arg: 'inc/1' });
    expect(parseRoute('#/incidents/%E0%A4')).toEqual({ route: 'incidents', arg: null });
    expect(parseRoute('#/nonsense')).toEqual({ route: 'overview', arg: null });
  });
});

describe('form parsing', () => {
  it('numbers: empty means default, text stays text so its error can be shown', () => {
    expect(parseNumber(' 30 ')).toBe(30);
    expect(parseNumber('0.5')).toBe(0.5);
    expect(parseNumber('')).toBeUndefined();
    expect(parseNumber('30s')).toBe('30s');
  });

  it('lines and headers', () => {
    expect(parseLines(' a \n\n b\n')).toEqual(['a', 'b']);
    expect(parseHeaders('Authorization: Bearer x:y\nX-Empty')).toEqual({ Authorization: 'Bearer x:y', 'X-Empty': '' });
  });
});
