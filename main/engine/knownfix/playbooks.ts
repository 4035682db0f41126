// Playbooks learned from the doctor: when the doctor recovers the gateway, what the agent actually did
// (the commands and file edits in its own transcript, the JSONL session file Claude Code writes) becomes
// a proposed playbook "when fingerprint X, do Y", disabled until a person enables it. Enabled playbooks
// run as a rung before the doctor with the same verification; one that fails twice in a row is
// disabled. They are plain files a person can read and version: <dataDir>/playbooks/<id>.json (0600,
// folder 0700), validated before every use, run as ClawMedic's own user like the restart command.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Fingerprint, Playbook, PlaybookStep, PlaybookView } from '../../../common/knownfix.js';
// The schema itself (TypeBox) is imported only when a playbook is written: the watcher starts without it.
import { PLAYBOOK_KEYS, PLAYBOOK_VARIABLES } from '../../../common/knownfix-kinds.js';
import { FINGERPRINT_KINDS } from '../../../common/knownfix-kinds.js';
import { gatewayPort } from '../doctor/brief.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE, writeFileAtomic } from '../fsutil.js';
import { redact } from '../redact.js';

/** A transcript past this size is not read: a recovery session is kilobytes to a few MB. */
const MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024;
/** Failures in a row after which ClawMedic disables a playbook and leaves the outage to the doctor. */
export const PLAYBOOK_MAX_FAILURES = 2;
/** A learned command gets the restart step's default time limit: 120 s. */
const LEARNED_STEP_TIMEOUT_SEC = 120;

/**
 * Commands that only look (diagnosis): not part of a fix. The first word, or the first two for
 * `openclaw <sub>`; anything else the agent ran is kept.
 */
const READ_ONLY = new Set([
  'lsof',
  'ps',
  'cat',
  'ls',
  'tail',
  'head',
  'less',
  'grep',
  'rg',
  'find',
  'stat',
  'pwd',
  'echo',
  'whoami',
  'id',
  'which',
  'curl',
  'wget',
  'ss',
  'netstat',
  'df',
  'du',
  'free',
  'uptime',
  'date',
  'env',
  'printenv',
  'node',
  'npm',
  'jq',
  'diff',
  'wc',
  'openclaw status',
  'openclaw health',
  'openclaw logs',
  'openclaw config',
  'openclaw --version',
  'openclaw gateway status',
]);
/** Commands that write are kept even if their first word is in READ_ONLY (`npm install`, `openclaw config set`). */
const WRITES =
  /^(?:npm\s+(?:install|i|ci|uninstall|update)|openclaw\s+config\s+(?:set|unset|apply)|node\s+\S+\.m?js)\b/;

export function isReadOnlyCommand(cmd: string): boolean {
  const t = cmd.trim().replace(/^(?:\w+=\S*\s+)*/, '');
  if (WRITES.test(t)) return false;
  // A redirect or a pipe into a writer is a write.
  if (/(?:^|[^<>&\d])>{1,2}\s*[^&\s]|\|\s*(?:tee|sh|bash|xargs)\b/.test(t)) return false;
  const words = t.split(/\s+/);
  const first = words[0]?.split('/').pop() ?? '';
  return READ_ONLY.has(first) || READ_ONLY.has(`${first} ${words[1] ?? ''}`.trim());
}

/** The values a playbook's placeholders stand for in this outage. */
export interface PlaybookContext {
  port: string;
  configPath: string;
  configDir: string;
  holderPid: string;
  gatewayUrl: string;
}

export function playbookContext(fp: Fingerprint | null, gatewayUrl: string, configPath: string): PlaybookContext {
  return {
    port: gatewayPort(gatewayUrl),
    configPath,
    configDir: path.dirname(configPath),
    holderPid: fp?.facts.portHolder ? String(fp.facts.portHolder.pid) : '',
    gatewayUrl,
  };
}

/** Fills in `{{name}}` placeholders; an unknown or empty one is an error (never run half a command). */
export function render(text: string, ctx: PlaybookContext): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => {
    const v = (ctx as unknown as Record<string, string>)[name];
    if (!(PLAYBOOK_VARIABLES as readonly string[]).includes(name))
      throw new Error(`unknown placeholder {{${name}}} (known: ${PLAYBOOK_VARIABLES.join(', ')})`);
    if (!v) throw new Error(`{{${name}}} has no value in this outage`);
    return v;
  });
}

/** Literal values of this outage → placeholders, longest first, so the playbook fits the next one. */
export function generalise(text: string, ctx: PlaybookContext): string {
  let out = text;
  const pairs: [string, string][] = [
    [ctx.configPath, '{{configPath}}'],
    [ctx.gatewayUrl, '{{gatewayUrl}}'],
    [ctx.configDir, '{{configDir}}'],
  ];
  for (const [v, ph] of pairs) if (v) out = out.split(v).join(ph);
  const word = (v: string, ph: string) => {
    if (v) out = out.replace(new RegExp(`(?<![\\w.])${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`, 'g'), ph);
  };
  word(ctx.holderPid, '{{holderPid}}');
  word(ctx.port, '{{port}}');
  return out;
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Why a playbook file cannot be used ([] = it can). */
export function playbookProblems(v: unknown): string[] {
  const out: string[] = [];
  const obj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (!obj(v)) return ['the file must hold a JSON object'];
  const allowed = new Set<string>(PLAYBOOK_KEYS);
  for (const k of Object.keys(v)) if (!allowed.has(k)) out.push(`${k}: unknown key`);
  if (v.version !== 1) out.push('version: must be 1');
  if (typeof v.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(v.id))
    out.push('id: lower-case letters, digits and dashes (at most 63)');
  if (typeof v.title !== 'string' || !v.title.trim()) out.push('title: must not be empty');
  const when = v.when;
  if (!obj(when) || !(FINGERPRINT_KINDS as readonly unknown[]).includes(when.kind) || typeof when.key !== 'string') {
    out.push(`when: {kind, key} with kind one of ${FINGERPRINT_KINDS.join(', ')}`);
  }
  if (!Array.isArray(v.steps) || v.steps.length === 0 || v.steps.length > 20) out.push('steps: 1 to 20 steps');
  else {
    v.steps.forEach((s: unknown, i: number) => {
      const at = `steps.${i}`;
      if (!obj(s)) return out.push(`${at}: must be an object`);
      const keys = Object.keys(s).sort().join(',');
      if (keys === 'run,timeoutSec') {
        if (typeof s.run !== 'string' || !s.run.trim()) out.push(`${at}.run: must not be empty`);
        // Never more privilege than the restart command: no sudo, doas, su, pkexec.
        else if (/(?:^|[;&|(]\s*)(?:sudo|doas|su|pkexec)\b/.test(s.run))
          out.push(
            `${at}.run: a playbook runs as ClawMedic's own user ` +
              `and may not raise its privileges (${s.run.trim().split(/\s+/)[0]})`,
          );
        if (!Number.isInteger(s.timeoutSec) || (s.timeoutSec as number) < 1 || (s.timeoutSec as number) > 3600)
          out.push(`${at}.timeoutSec: a whole number from 1 to 3600`);
      } else if (keys === 'edit,find,replace') {
        if (typeof s.edit !== 'string' || typeof s.find !== 'string' || !s.find || typeof s.replace !== 'string')
          out.push(`${at}: edit, find (not empty) and replace are text`);
      } else if (keys === 'content,write') {
        if (typeof s.write !== 'string' || typeof s.content !== 'string') out.push(`${at}: write and content are text`);
      } else out.push(`${at}: one of {run, timeoutSec}, {edit, find, replace} or {write, content}`);
    });
  }
  if (typeof v.restartAfter !== 'boolean') out.push('restartAfter: true or false');
  if (typeof v.enabled !== 'boolean') out.push('enabled: true or false');
  const src = v.source;
  if (
    !obj(src) ||
    typeof src.learnedAt !== 'string' ||
    !(src.incidentId === null || typeof src.incidentId === 'string') ||
    !(src.agent === null || typeof src.agent === 'string')
  ) {
    out.push('source: {incidentId, agent, learnedAt}');
  }
  const st = v.stats;
  const n = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
  const sn = (x: unknown) => x === null || typeof x === 'string';
  if (
    !obj(st) ||
    !n(st.runs) ||
    !n(st.successes) ||
    !n(st.consecutiveFailures) ||
    !sn(st.lastRunAt) ||
    !sn(st.lastResult) ||
    !sn(st.disabledReason)
  ) {
    out.push('stats: {runs, successes, consecutiveFailures, lastRunAt, lastResult, disabledReason}');
  }
  return out;
}

interface ToolCall {
  name: string;
  input: Record<string, unknown>;
  ok: boolean;
}

/** The tool calls in a Claude Code session file (JSONL), each with whether its result was an error. */
export async function toolCallsFromTranscript(file: string): Promise<ToolCall[]> {
  const st = await fsp.stat(file);
  if (st.size > MAX_TRANSCRIPT_BYTES) return [];
  const calls = new Map<string, ToolCall>();
  const order: string[] = [];
  for (const line of (await fsp.readFile(file, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    let v: { type?: unknown; message?: { content?: unknown } };
    try {
      v = JSON.parse(line) as typeof v;
    } catch {
      continue; // a line cut short by a crash
    }
    const content = Array.isArray(v.message?.content) ? (v.message.content as Record<string, unknown>[]) : [];
    for (const b of content) {
      if (
        b.type === 'tool_use' &&
        typeof b.id === 'string' &&
        typeof b.name === 'string' &&
        b.input &&
        typeof b.input === 'object'
      ) {
        if (!calls.has(b.id)) order.push(b.id);
        calls.set(b.id, { name: b.name, input: b.input as Record<string, unknown>, ok: false });
      } else if (b.type === 'tool_result' && typeof b.tool_use_id === 'string') {
        const c = calls.get(b.tool_use_id);
        if (c) c.ok = b.is_error !== true;
      }
    }
  }
  return order.map((id) => calls.get(id)!);
}

/** What the agent did that changed something, as playbook steps (placeholders for this outage's values). */
export function stepsFromCalls(calls: ToolCall[], ctx: PlaybookContext): PlaybookStep[] {
  const steps: PlaybookStep[] = [];
  for (const c of calls) {
    if (!c.ok) continue;
    if (c.name === 'Bash' && typeof c.input.command === 'string') {
      const cmd = c.input.command.trim();
      if (!cmd || isReadOnlyCommand(cmd)) continue;
      steps.push({ run: generalise(cmd, ctx), timeoutSec: LEARNED_STEP_TIMEOUT_SEC });
    } else if (
      (c.name === 'Edit' || c.name === 'MultiEdit') &&
      typeof c.input.file_path === 'string' &&
      isInside(c.input.file_path, ctx.configDir)
    ) {
      const edits =
        c.name === 'Edit'
          ? [c.input]
          : Array.isArray(c.input.edits)
            ? (c.input.edits as Record<string, unknown>[])
            : [];
      for (const e of edits) {
        if (typeof e.old_string === 'string' && e.old_string && typeof e.new_string === 'string') {
          steps.push({ edit: generalise(c.input.file_path, ctx), find: e.old_string, replace: e.new_string });
        }
      }
    } else if (
      c.name === 'Write' &&
      typeof c.input.file_path === 'string' &&
      typeof c.input.content === 'string' &&
      isInside(c.input.file_path, ctx.configDir)
    ) {
      steps.push({ write: generalise(c.input.file_path, ctx), content: c.input.content });
    }
  }
  return steps;
}

/**
 * Does this learned command start the gateway? OpenClaw's own start commands, or one of ClawMedic's restart
 * steps (a service's `systemctl --user restart …`, a launchd kickstart, a script): a playbook whose steps
 * already started the gateway must not restart it once more afterwards (a second start-up, 15-50 s, for nothing).
 */
export function startsGateway(run: string, restartCommands: string[], ctx: PlaybookContext): boolean {
  const norm = (c: string) => c.trim().replace(/\s+/g, ' ');
  if (/\bopenclaw\s+gateway\s+(?:restart|start|run)\b/.test(run)) return true;
  return restartCommands.some((c) => c.trim() !== '' && norm(generalise(c, ctx)) === norm(run));
}

function sameSteps(a: PlaybookStep[], b: PlaybookStep[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One line per step, redacted, for the incident, the CLI and the UIs. */
export function describeSteps(steps: PlaybookStep[], secrets: string[] = []): string[] {
  return steps.map((s) => {
    if ('run' in s) return redact(`run \`${s.run}\` (at most ${s.timeoutSec} s)`, { secrets });
    if ('edit' in s)
      return redact(
        `edit ${s.edit}: replace ${JSON.stringify(s.find.slice(0, 60))} with ${JSON.stringify(s.replace.slice(0, 60))}`,
        { secrets },
      );
    return `write ${s.write} (${s.content.length} characters)`;
  });
}

export class PlaybookStore {
  readonly dir: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'playbooks');
  }

  file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  async list(): Promise<PlaybookView[]> {
    let names: string[];
    try {
      names = (await fsp.readdir(this.dir)).filter((n) => n.endsWith('.json') && n !== 'playbook.schema.json').sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: PlaybookView[] = [];
    for (const n of names) out.push(await this.read(n.slice(0, -'.json'.length)));
    return out;
  }

  async read(id: string): Promise<PlaybookView> {
    const file = this.file(id);
    let v: unknown;
    try {
      v = JSON.parse(await fsp.readFile(file, 'utf8'));
    } catch (err) {
      return { id, file, playbook: null, problems: [`cannot be read as JSON: ${(err as Error).message}`] };
    }
    const problems = playbookProblems(v);
    if (!problems.length && (v as Playbook).id !== id)
      problems.push(`id: "${(v as Playbook).id}" must match the file name (${id}.json)`);
    return { id, file, playbook: problems.length ? null : (v as Playbook), problems };
  }

  /** Writes a playbook (validated first), 0600; the folder gets the schema for editors. */
  write(p: Playbook): Promise<void> {
    const problems = playbookProblems(p);
    if (problems.length) return Promise.reject(new Error(`invalid playbook ${p.id}: ${problems.join('; ')}`));
    const run = this.chain.then(async () => {
      await ensurePrivateDir(this.dir);
      const { playbookSchema } = await import('../../../common/playbook-schema.js');
      const schemaText = `${JSON.stringify(playbookSchema, null, 2)}\n`;
      await writeFileAtomic(path.join(this.dir, 'playbook.schema.json'), schemaText, PRIVATE_FILE_MODE);
      await writeFileAtomic(this.file(p.id), `${JSON.stringify(p, null, 2)}\n`, PRIVATE_FILE_MODE);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Changes a playbook through a read-modify-write; null when it does not exist or does not validate. */
  async update(id: string, change: (p: Playbook) => void): Promise<Playbook | null> {
    const v = await this.read(id);
    if (!v.playbook) return null;
    change(v.playbook);
    await this.write(v.playbook);
    return v.playbook;
  }

  /** Enabled, valid playbooks that match the fingerprint, in file-name order. */
  async matching(fp: Fingerprint): Promise<Playbook[]> {
    return (await this.list())
      .map((v) => v.playbook)
      .filter(
        (p): p is Playbook =>
          !!p && p.enabled && p.when.kind === fp.kind && (p.when.key === '' || p.when.key === fp.key),
      );
  }

  /**
   * Proposes a playbook from a doctor's recovery: what the agent did, generalised. Returns null when
   * the agent changed nothing a playbook could repeat, or an identical one exists already.
   */
  async propose(o: {
    fp: Fingerprint;
    transcript: string;
    incidentId: string;
    agent: string | null;
    at: string;
    ctx: PlaybookContext;
    /** ClawMedic's own restart steps: an agent that ran one of them has started the gateway already. */
    restartCommands?: string[];
  }): Promise<Playbook | null> {
    const steps = stepsFromCalls(await toolCallsFromTranscript(o.transcript), o.ctx);
    if (steps.length === 0) return null;
    for (const v of await this.list()) {
      if (v.playbook && v.playbook.when.key === o.fp.key && sameSteps(v.playbook.steps, steps)) return null;
    }
    const starts = steps.some((s) => 'run' in s && startsGateway(s.run, o.restartCommands ?? [], o.ctx));
    const base =
      o.fp.key
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40) || 'outage';
    const existing = new Set((await this.list()).map((v) => v.id));
    let id = base;
    for (let n = 2; existing.has(id); n++) id = `${base}-${n}`;
    const p: Playbook = {
      version: 1,
      id,
      title: `${o.fp.kind}: what ${o.agent ?? 'the doctor'} did in incident ${o.incidentId}`,
      when: { kind: o.fp.kind, key: o.fp.key },
      steps,
      restartAfter: !starts,
      enabled: false,
      source: { incidentId: o.incidentId, agent: o.agent, learnedAt: o.at },
      stats: { runs: 0, successes: 0, consecutiveFailures: 0, lastRunAt: null, lastResult: null, disabledReason: null },
    };
    await this.write(p);
    return p;
  }
}
