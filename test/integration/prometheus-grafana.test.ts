// The shipped Prometheus rules and Grafana dashboard, checked with the real promtool: the rules load,
// their unit tests (docs/prometheus/clawmedic-rules.test.yml) pass and can fail, and every expression in
// both files names metrics that ClawMedic really exports (main/engine/metrics.ts).
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../main/engine/metrics.js';
import { repoRoot } from '../helpers/cli.js';
import { requireTool } from '../helpers/tools.js';

const RULES = path.join(repoRoot, 'docs/prometheus/clawmedic-rules.yml');
const RULES_TEST = path.join(repoRoot, 'docs/prometheus/clawmedic-rules.test.yml');
const DASHBOARD = path.join(repoRoot, 'docs/grafana/clawmedic.json');

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'cm-prom-'));
  scratch.push(d);
  return d;
}

function run(cmd: string, args: string[], cwd?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, encoding: 'utf8' }, (err, stdout, stderr) => {
      const raw = (err as NodeJS.ErrnoException | null)?.code;
      const code = err ? (typeof raw === 'number' ? raw : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

/** Every series name ClawMedic exports: each metric, and a histogram's _bucket/_sum/_count. */
async function exportedNames(): Promise<Set<string>> {
  const m = createMetrics();
  const names = new Set<string>();
  for (const f of await m.registry.getMetricsAsJSON()) {
    names.add(f.name);
    if (String(f.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(f.name + s);
  }
  return names;
}

/** Metric names an expression selects: identifiers before `{` plus every clawmedic_* identifier. */
function metricsIn(expr: string): string[] {
  const found = new Set<string>();
  for (const m of expr.matchAll(/\b(clawmedic_[a-z_]+)\b/g)) found.add(m[1]!);
  for (const m of expr.matchAll(/(?<![\w$])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)) found.add(m[1]!);
  // Grouping clauses (`by (…)`, `on (…)`) name labels, not metrics; they are never followed by `{`.
  return [...found];
}

/** The `expr:` of each rule, inline or as a `|` block (the rules file's own layout; no YAML parser needed). */
function ruleExprs(yaml: string): string[] {
  const out: string[] = [];
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)expr:\s*(.*)$/.exec(lines[i]!);
    if (!m) continue;
    if (m[2] !== '|' && m[2] !== '>') {
      out.push(m[2]!);
      continue;
    }
    const block: string[] = [];
    const inside = (l: string) => l.trim() === '' || l.search(/\S/) > m[1]!.length;
    while (i + 1 < lines.length && inside(lines[i + 1]!)) block.push(lines[++i]!.trim());
    out.push(block.join(' ').trim());
  }
  return out;
}

interface Target {
  panel: string;
  expr: string;
}
function dashboardTargets(d: { panels?: unknown[] }): Target[] {
  const out: Target[] = [];
  const visit = (panels: unknown[] | undefined) => {
    for (const p of (panels ?? []) as { title?: string; targets?: { expr?: string }[]; panels?: unknown[] }[]) {
      for (const t of p.targets ?? []) {
        if (typeof t.expr === 'string') out.push({ panel: p.title ?? '?', expr: t.expr });
      }
      visit(p.panels);
    }
  };
  visit(d.panels);
  return out;
}

describe('Prometheus rules (docs/prometheus)', () => {
  it('load in promtool and their unit tests pass', async () => {
    const promtool = requireTool('promtool', 'prometheus');
    const check = await run(promtool, ['check', 'rules', RULES]);
    expect(check.out).toContain('SUCCESS');
    expect(check.code, check.out).toBe(0);
    const t = await run(promtool, ['test', 'rules', path.basename(RULES_TEST)], path.dirname(RULES_TEST));
    expect(t.code, t.out).toBe(0);
    expect(t.out).toContain('SUCCESS');
  });

  it('cover each alert the issue asks for, and the unit tests fail when a rule changes', async () => {
    const promtool = requireTool('promtool', 'prometheus');
    const text = readFileSync(RULES, 'utf8');
    const alerts = [...text.matchAll(/^\s*- alert: (\w+)$/gm)].map((m) => m[1]);
    expect(alerts).toEqual(
      expect.arrayContaining([
        'ClawMedicGatewayDown',
        'ClawMedicNeedsAttention',
        'ClawMedicDoctorRunningLong',
        'ClawMedicRestartStorm',
        'ClawMedicNotificationChannelFailing',
      ]),
    );
    const tests = readFileSync(RULES_TEST, 'utf8');
    for (const a of alerts) expect(tests, `no unit test for ${a}`).toContain(`alertname: ${a}`);
    // The same tests against rules that alert too early and too late: promtool must report both.
    const dir = tempDir();
    writeFileSync(path.join(dir, 'clawmedic-rules.yml'), text.replace('for: 5m', 'for: 3m').replace('>= 5', '>= 50'));
    copyFileSync(RULES_TEST, path.join(dir, 'clawmedic-rules.test.yml'));
    const t = await run(promtool, ['test', 'rules', 'clawmedic-rules.test.yml'], dir);
    expect(t.code).not.toBe(0);
    expect(t.out).toContain('alertname: ClawMedicGatewayDown, time: 5m');
    expect(t.out).toContain('alertname: ClawMedicRestartStorm, time: 20m');
  });

  it("name only metrics ClawMedic exports (plus Prometheus's own `up`)", async () => {
    const names = await exportedNames();
    const exprs = ruleExprs(readFileSync(RULES, 'utf8'));
    expect(exprs).toHaveLength(6);
    for (const e of exprs) {
      const used = metricsIn(e);
      expect(used.length, e).toBeGreaterThan(0);
      expect(
        used.filter((n) => !names.has(n) && n !== 'up'),
        e,
      ).toEqual([]);
    }
  });
});

describe('Grafana dashboard (docs/grafana/clawmedic.json)', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels?: unknown[];
    templating?: { list?: { name: string }[] };
    uid?: string;
    title?: string;
  };
  const targets = dashboardTargets(dashboard);

  it('is a dashboard with panels, a data-source variable and a host variable', () => {
    expect(dashboard.title).toMatch(/ClawMedic/);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(targets.length).toBeGreaterThanOrEqual(10);
    const vars = dashboard.templating?.list?.map((v) => v.name) ?? [];
    expect(vars).toEqual(expect.arrayContaining(['datasource', 'instance']));
  });

  it('every query names at least one metric, and only metrics main/engine/metrics.ts exports', async () => {
    const names = await exportedNames();
    const bad: string[] = [];
    for (const t of targets) {
      const used = metricsIn(t.expr);
      if (used.length === 0) bad.push(`${t.panel}: names no metric: ${t.expr}`);
      for (const n of used) if (!names.has(n)) bad.push(`${t.panel}: ${n} is not exported by ClawMedic`);
    }
    expect(bad).toEqual([]);
    // Every exported metric appears somewhere on the dashboard.
    const all = targets.map((t) => t.expr).join('\n');
    const suffix = /_(bucket|sum|count)$/;
    const families = [...names].filter((n) => !suffix.test(n) || !names.has(n.replace(suffix, '')));
    expect(families.filter((n) => !all.includes(n))).toEqual([]);
  });

  it('every query is valid PromQL (promtool parses it as a recording rule)', async () => {
    const promtool = requireTool('promtool', 'prometheus');
    // Grafana's variables, as Grafana would fill them in.
    const concrete = (e: string) =>
      e
        .replace(/\$__rate_interval|\$__interval/g, '1m')
        .replace(/\$__range/g, '1h')
        .replace(/\$instance/g, '.*');
    const rule = (t: Target, i: number) =>
      `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(concrete(t.expr))}`;
    const rules = targets.map(rule).join('\n');
    const dir = tempDir();
    writeFileSync(path.join(dir, 'dashboard.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    const r = await run(promtool, ['check', 'rules', 'dashboard.yml'], dir);
    expect(r.code, r.out).toBe(0);
    // …and the check itself rejects a broken query.
    const broken = 'groups:\n  - name: b\n    rules:\n      - record: x\n        expr: "sum(clawmedic_gateway_up"\n';
    writeFileSync(path.join(dir, 'broken.yml'), broken);
    expect((await run(promtool, ['check', 'rules', 'broken.yml'], dir)).code).not.toBe(0);
  });

  it('the state timeline turns clawmedic_state into one number per host (evaluated by promtool)', async () => {
    const promtool = requireTool('promtool', 'prometheus');
    const state = targets.find((t) => t.panel === 'Supervisor state')!.expr.replace(/\$instance/g, '.*');
    const STATES = ['starting', 'healthy', 'degraded', 'failing', 'restarting', 'recovering', 'needs-attention'];
    STATES.push('paused', 'stopped');
    // Host a is recovering (6), host b healthy (2): every state's series exists, as createMetrics() makes them.
    const series = (host: string, current: string) =>
      STATES.map(
        (s) =>
          `      - series: 'clawmedic_state{instance="${host}", job="clawmedic", state="${s}"}'\n` +
          `        values: '${s === current ? 1 : 0}x2'`,
      ).join('\n');
    const dir = tempDir();
    const head = 'groups:\n  - name: s\n    rules:\n      - record: dashboard:state\n';
    const rule = `${head}        expr: ${JSON.stringify(state)}\n`;
    writeFileSync(path.join(dir, 'state.yml'), rule);
    writeFileSync(
      path.join(dir, 'state.test.yml'),
      [
        'rule_files: [state.yml]',
        'evaluation_interval: 1m',
        'tests:',
        '  - interval: 1m',
        '    input_series:',
        series('a', 'recovering'),
        series('b', 'healthy'),
        '    promql_expr_test:',
        '      - expr: dashboard:state',
        '        eval_time: 1m',
        '        exp_samples:',
        '          - labels: \'dashboard:state{instance="a"}\'',
        '            value: 6',
        '          - labels: \'dashboard:state{instance="b"}\'',
        '            value: 2',
        '',
      ].join('\n'),
    );
    const r = await run(promtool, ['test', 'rules', 'state.test.yml'], dir);
    expect(r.code, r.out).toBe(0);
  });
});

describe('a missing tool', () => {
  it('fails the test with what to install instead of skipping it', () => {
    const missing = () => requireTool('promtool', 'prometheus', { PATH: '' });
    expect(missing).toThrow(/promtool is not installed.*apt-get install prometheus/);
  });
});
