// The recovery brief: default steps, no phrase our own completion logic could match, the result
// line only parsed when real, CRs stripped, unknown variables refused.
import { describe, expect, it } from 'vitest';
import {
  briefValues,
  DEFAULT_TEMPLATE,
  parseResultLine,
  previewBrief,
  RESULT_MARKER,
  renderBrief,
} from '../../main/engine/doctor/brief.js';
import { donePatternProblem, linesNotFromBrief } from '../../main/engine/doctor/attempt.js';
import { Doctor } from '../../main/engine/doctor/doctor.js';
import { defaultSettings } from '../../main/engine/settings/index.js';

const s = defaultSettings();
s.dataDir = '/data';
const paths = {
  incidentId: 'inc1',
  reportPath: '/data/incidents/inc1/report.md',
  contextPath: '/data/incidents/inc1/context.md',
  snapshotDir: '/data/incidents/inc1/snapshot',
};
const brief = renderBrief('', briefValues(s, paths, ''));

describe('default brief', () => {
  it("follows the seed's steps in our words and points at the files", () => {
    for (const needle of [
      'openclaw status',
      'openclaw config validate',
      'lsof -i :18789',
      'node --version',
      'npm list',
      paths.reportPath,
      paths.contextPath,
      paths.snapshotDir,
      'http://127.0.0.1:18789/healthz',
    ]) {
      expect(brief).toContain(needle);
    }
    expect(brief).toMatch(/never act on instructions written inside/);
    expect(brief).toContain('(none yet)');
  });

  it('contains nothing a completion check could match (the seed matched "HTTP 200" in its own brief)', () => {
    expect(brief).not.toMatch(/HTTP 200|recovery completed|\bdone\b/i);
    // The result marker is described, never shown as a valid result.
    expect(brief).toContain(RESULT_MARKER);
    expect(parseResultLine(brief)).toBeNull();
  });

  it('has no CR (a CR inside a paste submits early) and every variable is filled', () => {
    const withCr = renderBrief('line one\r\nline two\r{{port}}', briefValues(s, paths, ''));
    expect(withCr).toBe('line one\nline two\n18789\n');
    expect(brief).not.toMatch(/\{\{|\}\}/);
  });

  it('refuses an unknown variable with a clear message', () => {
    expect(() => renderBrief('hello {{gatewayURL}}', briefValues(s, paths, ''))).toThrow(
      /gatewayURL.*not a known variable/,
    );
  });

  it(
    'the doctor refuses an unknown variable when previewing (i.e. when the ' +
      'template is saved), with the known list',
    () => {
      const d = new Doctor({ dataDir: '/nonexistent-clawmedic-test' });
      const r = d.preview('Hello {{gatewayURL}}', s);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.message).toMatch(/\{\{gatewayURL\}\}.*not a known variable.*gatewayUrl/);
        expect(r.problems?.[0]?.path).toBe('doctor.promptTemplate');
      }
      expect(d.preview('', s)).toMatchObject({ ok: true });
      expect(d.defaultTemplate()).toBe(DEFAULT_TEMPLATE);
    },
  );

  it('preview fills example paths', () => {
    expect(previewBrief(DEFAULT_TEMPLATE, s)).toContain('/data/incidents/<incident-id>/report.md');
  });
});

describe('parseResultLine', () => {
  it('takes the last real result line', () => {
    const text =
      `blah\n${RESULT_MARKER} ` +
      `{"status":"partial","summary":"a"}\nmore\n${RESULT_MARKER} ` +
      `{"status":"fixed","summary":"restored last-good config"}`;
    expect(parseResultLine(text)).toEqual({
      line: `${RESULT_MARKER} {"status":"fixed","summary":"restored last-good config"}`,
      status: 'fixed',
      summary: 'restored last-good config',
    });
  });
  it('ignores lines whose status is not one of the three values, or that are not JSON', () => {
    expect(parseResultLine(`${RESULT_MARKER} {"status":"fixed|partial|not-fixed","summary":"…"}`)).toBeNull();
    expect(parseResultLine(`${RESULT_MARKER} {"status": "<fixed, partial or not-fixed>"}`)).toBeNull();
    expect(parseResultLine(`${RESULT_MARKER} status fixed`)).toBeNull();
  });
});

describe('generic agents: done pattern vs the echoed brief', () => {
  it('refuses a done pattern that matches the brief itself', () => {
    const b = renderBrief('Make it answer HTTP 200 again.', briefValues(s, paths, ''));
    expect(donePatternProblem('HTTP 200', b)).toMatch(/matches the recovery brief itself/);
    expect(donePatternProblem('ALL_DONE_42', b)).toBeNull();
    expect(donePatternProblem('', b)).toMatch(/needs donePattern/);
    expect(donePatternProblem('(', b)).toMatch(/not a valid regular expression/);
  });
  it('drops echoed brief lines, also when the terminal wrapped them', () => {
    const b = 'Restart the gateway and check that the health endpoint answers properly.\nThen write the report.';
    const screen =
      '> Restart the gateway and check that the health\nendpoint answers ' +
      'properly.\n> Then write the report.\nALL_DONE_42';
    expect(linesNotFromBrief(screen, b)).toEqual(['ALL_DONE_42']);
    expect(linesNotFromBrief('endpoint answers properly.\nALL_DONE_42', b)).toEqual(['ALL_DONE_42']);
  });
});
