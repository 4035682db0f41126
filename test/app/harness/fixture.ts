// The per-test scaffolding every app scenario file shares: start a Scenario, and after the test end it
// whatever happened, failing the test if the stand-in saw something a real Mac would not accept (a
// missing tray image, an API misused). A failing test also prints the app's log and the records.
import { afterEach, beforeEach, expect } from 'vitest';
import { Scenario, type ScenarioOptions } from './scenario.js';

/** The end of the app's log a failing test prints: its last few dozen lines. */
const FAILURE_LOG_CHARS = 6000;

export function useScenarios(): (o?: ScenarioOptions) => Promise<Scenario> {
  let current: Scenario | null = null;
  let last: Scenario | null = null;
  beforeEach((ctx) => {
    ctx.onTestFailed(() => {
      if (!last) return;
      const log = last.app.output.slice(-FAILURE_LOG_CHARS);
      console.error(`--- the app's log ---\n${log}\n--- stand-in records ---\n${last.records.story(80)}`);
    });
  });
  afterEach(async () => {
    const s = current;
    current = null;
    if (!s) return;
    const problems = s.records.problems().filter((p) => !s.expectedProblems.some((re) => re.test(p)));
    await s.stop();
    expect(problems, 'the stand-in Electron saw what a real Mac would not accept').toEqual([]);
  });
  return async (o) => {
    current = last = await Scenario.start(o);
    return current;
  };
}
