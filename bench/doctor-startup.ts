// Benchmark 7: the doctor's start-up with the REAL Claude Code (the pinned e2e toolchain, answering to
// the scripted Messages API on 127.0.0.1): doctor called → brief submitted (the agent's UserPromptSubmit
// hook or its busy line confirmed it), with production timings. Two cases: a work folder Claude Code
// has not seen (its trust prompt, "No, exit" pre-selected, must be answered) and the usual one, a work
// folder it trusts already (doctor.workDir is the same folder every time). Each run then lets the agent
// fix the stand-in gateway, so the whole session is real, and checks it recovered.
import path from 'node:path';
import { Doctor } from '../main/engine/doctor/doctor.js';
import { startFakeAnthropic } from '../test/fixtures/fake-anthropic.js';
import { createHarness } from '../test/fixtures/fake-agent-harness.js';
import { locateToolchain, prepareClaudeHome, type Toolchain } from '../test/e2e/harness/index.js';
import { loadNow } from './load.js';
import { fmtSpread, median, spread } from './stats.js';
import type { Row } from './table.js';
import { onCleanup, progress } from './util.js';

export type FolderCase = 'untrusted' | 'trusted';

export interface DoctorStartRun {
  folder: FolderCase;
  /** Doctor called → brief submitted. */
  submittedMs: number;
  /** Doctor called → agent started in tmux (our preparation: snapshot, context, tmux). */
  agentStartedMs: number;
  dialogs: number;
  recovered: boolean;
}

export interface DoctorStartResults {
  runs: DoctorStartRun[];
  errors: string[];
  version: string | null;
  loads: string[];
}

const at = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NaN);

async function runOnce(tc: Toolchain, folder: FolderCase): Promise<DoctorStartRun> {
  const h = await createHarness();
  const closeH = onCleanup(() => h.close());
  const api = await startFakeAnthropic([]);
  const closeApi = onCleanup(() => api.stop());
  const workDir = path.join(h.dir, 'work');
  const home = prepareClaudeHome({
    toolchain: tc,
    apiUrl: api.url,
    trustedDirs: folder === 'trusted' ? [workDir] : [],
  });
  const closeHome = onCleanup(() => Promise.resolve(home.dispose()));
  try {
    api.setScenario([
      { bash: `touch ${h.marker}`, description: 'Mark the gateway as repaired' },
      { text: 'Done.\nCLAWMEDIC_RESULT {"status":"fixed","summary":"touched the marker"}' },
    ]);
    // Production timings: no override.
    const d = new Doctor({ dataDir: h.dataDir, env: home.env });
    const profile = {
      kind: 'claude' as const,
      command: tc.claude,
      args: [],
      env: {},
      permissionMode: 'dontAsk' as const,
      allowedTools: ['Bash(touch:*)', 'Read'],
      allowBypass: false,
      donePattern: '',
      idleSec: 120,
    };
    const s = h.settings({ claude: profile }, { timeoutSec: 180 });
    s.doctor.workDir = workDir;
    const { req } = await h.request(s);
    const t0 = Date.now();
    const out = await d.run(req);
    await d.cleanupOrphans();
    const ev = req.incident.record.events;
    if (process.env.BENCH_DEBUG)
      console.log(ev.map((e) => `${Date.parse(e.at) - t0} ${e.type} ${e.detail.slice(0, 100)}`).join('\n'));
    const first = (type: string) => ev.find((e) => e.type === type)?.at;
    return {
      folder,
      submittedMs: at(first('doctor-prompt-sent')) - t0,
      agentStartedMs: at(first('doctor-agent-started')) - t0,
      dialogs: ev.filter((e) => e.type === 'doctor-trust-answered').length,
      recovered: out.outcome === 'recovered',
    };
  } finally {
    await closeHome();
    await closeApi();
    await closeH();
  }
}

export async function runDoctorStartup(reps: number): Promise<DoctorStartResults> {
  const out: DoctorStartResults = { runs: [], errors: [], version: null, loads: [loadNow()] };
  const tc = locateToolchain();
  if (!tc) {
    out.errors.push('the real Claude Code is not installed: run `node scripts/e2e-toolchain.mjs`');
    return out;
  }
  out.version = tc.versions.claude;
  for (let i = 0; i < reps; i++) {
    for (const folder of ['trusted', 'untrusted'] as const) {
      progress(
        `doctor start-up with the real Claude Code ${tc.versions.claude}: ${folder} work folder #${i + 1}/${reps}`,
      );
      try {
        out.runs.push(await runOnce(tc, folder));
      } catch (err) {
        out.errors.push(`${folder} #${i + 1}: ${(err as Error).message}`);
      }
    }
  }
  out.loads.push(loadNow());
  return out;
}

export function doctorStartupRows(r: DoctorStartResults): Row[] {
  const pick = (f: FolderCase) => r.runs.filter((x) => x.folder === f);
  const rows: Row[] = [];
  for (const folder of ['trusted', 'untrusted'] as const) {
    const runs = pick(folder);
    const ok = runs.filter((x) => x.recovered).length;
    const dialogs = median(runs.map((x) => x.dialogs));
    const prep = spread(runs.map((x) => x.agentStartedMs));
    const shown = Number.isFinite(dialogs) ? String(dialogs) : '–';
    rows.push({
      id: '7',
      what:
        `Doctor start-up with the real Claude Code ${r.version ?? '?'}: doctor called → brief submitted; ` +
        (folder === 'trusted'
          ? 'work folder trusted already (the usual case: doctor.workDir is fixed)'
          : 'a work folder it has not seen (trust prompt)'),
      ours: fmtSpread(spread(runs.map((x) => x.submittedMs))),
      other: `of which preparation (called → agent started in tmux) ${fmtSpread(prep)}`,
      ratio: '–',
      goal: '≤ 2 s',
      verified:
        `${ok}/${runs.length} recovered by the agent's fix (our probe); dialogs answered: ${shown} (median); ` +
        'extra folders approved through --settings, none through --add-dir; ' +
        `load average ${r.loads.join(' → ')}` +
        (r.errors.length ? `; errors: ${r.errors.join('; ')}` : ''),
    });
  }
  if (!r.runs.length) rows[0]!.ours = `not measured: ${r.errors.join('; ')}`;
  return rows;
}
