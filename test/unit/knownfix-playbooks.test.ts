// Playbooks: what the agent did (its transcript's tool calls) becomes steps with this outage's values
// replaced by placeholders; diagnosis is left out; files are validated; one that fails twice is disabled.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PLAYBOOK_KEYS } from '../../common/knownfix-kinds.js';
import type { Fingerprint } from '../../common/knownfix.js';
import { playbookSchema } from '../../common/playbook-schema.js';
import { recordPlaybookResult } from '../../main/engine/knownfix/playbook-rung.js';
import {
  PLAYBOOK_MAX_FAILURES,
  PlaybookStore,
  generalise,
  isReadOnlyCommand,
  playbookProblems,
  render,
  startsGateway,
  stepsFromCalls,
  toolCallsFromTranscript,
  type PlaybookContext,
} from '../../main/engine/knownfix/playbooks.js';

const ctx: PlaybookContext = {
  port: '18789',
  configPath: '/home/me/.openclaw/openclaw.json',
  configDir: '/home/me/.openclaw',
  holderPid: '4242',
  gatewayUrl: 'http://127.0.0.1:18789',
};
const fp: Fingerprint = {
  kind: 'port-foreign',
  key: 'port-foreign:python3',
  detail: 'another program holds the port',
  at: '2026-11-25T12:00:00.000Z',
  facts: {
    probe: { kind: 'stranger', detail: 'x' },
    restartExit: 1,
    config: { valid: true, issues: [], error: null },
    portHolder: { pid: 4242, command: 'python3 -m http.server 18789', openclaw: false, ageSec: 100 },
    logSignals: [],
    version: { now: null, lastHealthy: null },
  },
};

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** A session file as Claude Code writes it: tool_use in assistant lines, tool_result in user lines. */
function transcript(calls: { name: string; input: Record<string, unknown>; error?: boolean }[]): string {
  dir ??= mkdtempSync(path.join(os.tmpdir(), 'cm-pb-'));
  const lines: string[] = [JSON.stringify({ type: 'user', message: { role: 'user', content: 'the brief' } })];
  calls.forEach((c, i) => {
    const id = `toolu_${i}`;
    lines.push(
      JSON.stringify({
        type: 'assistant',
        message: {
          id: `msg_${i}`,
          role: 'assistant',
          content: [
            { type: 'text', text: 'checking' },
            { type: 'tool_use', id, name: c.name, input: c.input },
          ],
        },
      }),
    );
    lines.push(
      JSON.stringify({
        type: 'user',
        message: {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: id, content: 'ok', ...(c.error ? { is_error: true } : {}) }],
        },
      }),
    );
  });
  const f = path.join(dir, 'session.jsonl');
  writeFileSync(f, lines.join('\n') + '\n{"type":"assistant","mess');
  return f;
}

describe('learning from a transcript', () => {
  it("keeps what changed something, drops diagnosis and failed calls, generalises this outage's values", async () => {
    const f = transcript([
      { name: 'Bash', input: { command: 'lsof -nP -iTCP:18789 -sTCP:LISTEN' } },
      { name: 'Bash', input: { command: 'cat /home/me/.openclaw/openclaw.json' } },
      { name: 'Bash', input: { command: 'kill 4242' } },
      { name: 'Bash', input: { command: 'kill -9 999' }, error: true },
      {
        name: 'Edit',
        input: {
          file_path: '/home/me/.openclaw/openclaw.json',
          old_string: 'port: "18789"',
          new_string: 'port: 18789',
        },
      },
      { name: 'Write', input: { file_path: '/etc/hosts', content: 'nope' } },
      { name: 'Bash', input: { command: 'openclaw gateway restart' } },
      { name: 'Bash', input: { command: 'curl -s http://127.0.0.1:18789/healthz' } },
    ]);
    const calls = await toolCallsFromTranscript(f);
    expect(calls).toHaveLength(8);
    expect(stepsFromCalls(calls, ctx)).toEqual([
      { run: 'kill {{holderPid}}', timeoutSec: 120 },
      { edit: '{{configPath}}', find: 'port: "18789"', replace: 'port: 18789' },
      { run: 'openclaw gateway restart', timeoutSec: 120 },
    ]);
  });

  it('tells diagnosis from changes', () => {
    for (const c of [
      'lsof -i :18789',
      'ps aux',
      'openclaw config validate --json',
      'openclaw status',
      'tail -n 50 /tmp/x.log',
      'npm list -g openclaw',
      'FOO=1 openclaw logs --limit 5',
    ]) {
      expect(isReadOnlyCommand(c), c).toBe(true);
    }
    for (const c of [
      'kill 1',
      'openclaw gateway restart',
      'openclaw doctor --fix',
      'openclaw config set gateway.port 1',
      'cat a > b',
      'npm install -g openclaw@1',
      'mv a b',
    ]) {
      expect(isReadOnlyCommand(c), c).toBe(false);
    }
  });

  it('placeholders round-trip, and an unknown or empty one never runs', () => {
    const g = generalise('kill 4242 && curl http://127.0.0.1:18789/x --port 18789 # 142421', ctx);
    expect(g).toBe('kill {{holderPid}} && curl {{gatewayUrl}}/x --port {{port}} # 142421');
    expect(render(g, ctx)).toBe('kill 4242 && curl http://127.0.0.1:18789/x --port 18789 # 142421');
    expect(() => render('kill {{holderPid}}', { ...ctx, holderPid: '' })).toThrow(/no value/);
    expect(() => render('echo {{secret}}', ctx)).toThrow(/unknown placeholder/);
  });
});

describe('the playbook files', () => {
  it('accept exactly the keys the schema declares (the watcher checks them without loading TypeBox)', () => {
    expect([...PLAYBOOK_KEYS].sort()).toEqual(Object.keys(playbookSchema.properties).sort());
  });

  it('propose writes a disabled valid playbook (0600 in 0700, schema beside it); never proposes it twice', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cm-pb-'));
    const f = transcript([{ name: 'Bash', input: { command: 'kill 4242' } }]);
    const store = new PlaybookStore(path.join(dir, 'data'));
    const p = await store.propose({
      fp,
      transcript: f,
      incidentId: 'i1',
      agent: 'claude',
      at: '2026-11-25T12:00:00.000Z',
      ctx,
    });
    expect(p).toMatchObject({
      id: 'port-foreign-python3',
      enabled: false,
      restartAfter: true,
      when: { kind: 'port-foreign', key: 'port-foreign:python3' },
    });
    expect(statSync(store.file(p!.id)).mode & 0o777).toBe(0o600);
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(path.join(store.dir, 'playbook.schema.json'), 'utf8'))).toMatchObject({
      type: 'object',
    });
    expect(
      await store.propose({
        fp,
        transcript: f,
        incidentId: 'i2',
        agent: 'claude',
        at: '2026-11-25T13:00:00.000Z',
        ctx,
      }),
    ).toBeNull();
    expect(await store.matching(fp)).toEqual([]);
    await store.update(p!.id, (x) => (x.enabled = true));
    expect((await store.matching(fp)).map((x) => x.id)).toEqual(['port-foreign-python3']);
    expect(await store.matching({ ...fp, key: 'port-foreign:nginx' })).toEqual([]);
  });

  it(
    "an agent that ran ClawMedic's own restart step started the gateway: " + 'the playbook does not restart it again',
    async () => {
      // Measured on the real gateway (test/e2e/knownfix-real.test.ts): the agent stopped the stranger and ran
      // the configured restart command; a playbook with restartAfter would start the gateway a second time.
      dir = mkdtempSync(path.join(os.tmpdir(), 'cm-pb-'));
      const restart = 'sh /srv/openclaw/service.sh restart --port 18789';
      const f = transcript([
        { name: 'Bash', input: { command: 'kill 4242' } },
        { name: 'Bash', input: { command: restart } },
      ]);
      const store = new PlaybookStore(path.join(dir, 'data'));
      const p = await store.propose({
        fp,
        transcript: f,
        incidentId: 'i1',
        agent: 'claude',
        at: 't0',
        ctx,
        restartCommands: [restart],
      });
      expect(p).toMatchObject({
        restartAfter: false,
        steps: [{ run: 'kill {{holderPid}}' }, { run: 'sh /srv/openclaw/service.sh restart --port {{port}}' }],
      });
      expect(
        startsGateway(
          'systemctl --user restart openclaw-gateway',
          ['systemctl  --user restart openclaw-gateway '],
          ctx,
        ),
      ).toBe(true);
      expect(startsGateway('openclaw gateway restart', [], ctx)).toBe(true);
      expect(startsGateway('kill {{holderPid}}', [restart, ''], ctx)).toBe(false);
    },
  );
  it('refuses privilege, unknown keys and broken files, naming each problem', async () => {
    const ok = {
      version: 1,
      id: 'x',
      title: 't',
      when: { kind: 'unknown', key: '' },
      steps: [{ run: 'echo', timeoutSec: 5 }],
      restartAfter: true,
      enabled: true,
      source: { incidentId: null, agent: null, learnedAt: 'now' },
      stats: { runs: 0, successes: 0, consecutiveFailures: 0, lastRunAt: null, lastResult: null, disabledReason: null },
    };
    expect(playbookProblems(ok)).toEqual([]);
    expect(playbookProblems({ ...ok, steps: [{ run: 'sudo kill 1', timeoutSec: 5 }] })).toEqual([
      expect.stringContaining('may not raise its privileges (sudo)'),
    ]);
    expect(playbookProblems({ ...ok, steps: [{ run: 'true && doas rm x', timeoutSec: 5 }] })[0]).toMatch(/privileges/);
    expect(playbookProblems({ ...ok, extra: 1, when: { kind: 'nope', key: '' } })).toEqual([
      'extra: unknown key',
      expect.stringContaining('when:'),
    ]);
    dir = mkdtempSync(path.join(os.tmpdir(), 'cm-pb-'));
    const store = new PlaybookStore(dir);
    await store.write({ ...ok, id: 'good' } as never);
    writeFileSync(store.file('broken'), '{ nope');
    writeFileSync(store.file('renamed'), JSON.stringify({ ...ok, id: 'other' }));
    const list = await store.list();
    expect(list.map((v) => [v.id, v.playbook !== null, v.problems.length > 0])).toEqual([
      ['broken', false, true],
      ['good', true, false],
      ['renamed', false, true],
    ]);
  });

  it('a playbook that fails twice in a row is disabled, with the reason; a success resets the count', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cm-pb-'));
    const f = transcript([{ name: 'Bash', input: { command: 'kill 4242' } }]);
    const store = new PlaybookStore(path.join(dir, 'data'));
    const p = (await store.propose({ fp, transcript: f, incidentId: 'i1', agent: 'claude', at: 't0', ctx }))!;
    await store.update(p.id, (x) => (x.enabled = true));
    const rung = `playbook:${p.id}`;
    await recordPlaybookResult(store, rung, false, 'still down', 't1', PLAYBOOK_MAX_FAILURES);
    await recordPlaybookResult(store, rung, true, 'healthy', 't2', PLAYBOOK_MAX_FAILURES);
    let now = (await store.read(p.id)).playbook!;
    expect(now.stats).toMatchObject({ runs: 2, successes: 1, consecutiveFailures: 0 });
    await recordPlaybookResult(store, rung, false, 'still down', 't3', PLAYBOOK_MAX_FAILURES);
    now = (await recordPlaybookResult(store, rung, false, 'still down', 't4', PLAYBOOK_MAX_FAILURES))!;
    expect(now.enabled).toBe(false);
    expect(now.stats.disabledReason).toMatch(/failed 2 times in a row/);
    expect(await recordPlaybookResult(store, 'config-restore', true, 'x', 't5', 2)).toBeNull();
  });
});
