// The scripted Messages API stand-in, exercised over real HTTP the way Claude Code talks to it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EXHAUSTED_TEXT,
  startFakeAnthropic,
  unwrapPasted,
  type FakeAnthropic,
  type Step,
} from '../fixtures/fake-anthropic.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let api: FakeAnthropic | null = null;
afterEach(async () => {
  await api?.stop();
  api = null;
});

/** A content block as the API sends it; a streamed tool_use gets its input from the JSON deltas. */
interface WireBlock {
  type: string;
  id?: string;
  name?: string;
  text?: string;
  input?: Record<string, unknown>;
}

/** A non-streamed answer, as far as these tests read it. */
interface WireMessage {
  type: string;
  role: string;
  stop_reason: string;
  content: WireBlock[];
  usage: { output_tokens: number };
}

/** The stream's event payloads, as far as these tests read them. */
type SseData =
  | { type: 'message_start'; message: unknown }
  | { type: 'content_block_start'; index: number; content_block: WireBlock }
  | {
      type: 'content_block_delta';
      index: number;
      delta: { type: 'text_delta'; text: string } | { type: 'input_json_delta'; partial_json: string };
    }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: string } }
  | { type: 'message_stop' | 'ping' };

interface SseEvent {
  event: string;
  data: SseData;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((f) => f.trim())
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
      const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)) as SseData;
      return { event, data };
    });
}

/** Rebuilds the assistant message from the stream, as the SDK does. */
function assemble(events: SseEvent[]) {
  const blocks: WireBlock[] = [];
  const partial: string[] = [];
  let stopReason: string | null = null;
  for (const { data } of events) {
    if (data.type === 'content_block_start') {
      blocks[data.index] = { ...data.content_block };
      partial[data.index] = '';
    } else if (data.type === 'content_block_delta') {
      const block = blocks[data.index]!;
      if (data.delta.type === 'text_delta') block.text = (block.text ?? '') + data.delta.text;
      else partial[data.index] += data.delta.partial_json;
    } else if (data.type === 'content_block_stop') {
      const block = blocks[data.index]!;
      if (block.type === 'tool_use') block.input = JSON.parse(partial[data.index]!) as Record<string, unknown>;
    } else if (data.type === 'message_delta') {
      stopReason = data.delta.stop_reason;
    }
  }
  return { blocks, stopReason };
}

const BASH_TOOL = { name: 'Bash', description: 'run a command', input_schema: { type: 'object' } };

function toolResultTurns(n: number) {
  const msgs: { role: string; content: Record<string, unknown>[] }[] = [
    { role: 'user', content: [{ type: 'text', text: 'fix the gateway' }] },
  ];
  for (let i = 0; i < n; i++) {
    msgs.push({
      role: 'assistant',
      content: [{ type: 'tool_use', id: `t${i}`, name: 'Bash', input: { command: 'x' } }],
    });
    msgs.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: 'ok' }] });
  }
  return msgs;
}

async function post(url: string, body: object, pathName = '/v1/messages?beta=true', signal?: AbortSignal) {
  return fetch(`${url}${pathName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-secret-key-1234' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

async function mainTurn(url: string, toolResults: number) {
  const res = await post(url, {
    model: 'claude-test',
    stream: true,
    max_tokens: 100,
    tools: [BASH_TOOL],
    messages: toolResultTurns(toolResults),
  });
  const text = await res.text();
  return { res, text, events: res.headers.get('content-type') === 'text/event-stream' ? parseSse(text) : [] };
}

const SCRIPT: Step[] = [
  { bash: 'openclaw config validate', description: 'Validate the config' },
  { bash: 'openclaw gateway restart', text: 'Restarting now.' },
  { text: 'Fixed it. REPAIR_RESULT: {"status":"fixed"}' },
];

describe('fake Anthropic Messages API', () => {
  it('streams the SSE event sequence of a Bash tool call for a fresh conversation', async () => {
    api = await startFakeAnthropic(SCRIPT);
    const { res, events } = await mainTurn(api.url, 0);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const types = events.map((e) => e.event);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(new Set(types)).toEqual(
      new Set([
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]),
    );
    for (const e of events) expect(e.data.type).toBe(e.event);
    expect(events[0]?.data).toMatchObject({ type: 'message_start' });
    expect((events[0]?.data as { message?: unknown }).message).toMatchObject({
      role: 'assistant',
      model: 'claude-test',
      content: [],
    });
    const msg = assemble(events);
    expect(msg.stopReason).toBe('tool_use');
    expect(msg.blocks).toHaveLength(1);
    expect(msg.blocks[0]).toMatchObject({
      type: 'tool_use',
      name: 'Bash',
      input: { command: 'openclaw config validate', description: 'Validate the config' },
    });
    expect(msg.blocks[0]?.id).toMatch(/^toolu_/);
  });

  it('picks the step from how many tool results the conversation holds', async () => {
    api = await startFakeAnthropic(SCRIPT);
    const second = assemble((await mainTurn(api.url, 1)).events);
    expect(second.stopReason).toBe('tool_use');
    expect(second.blocks.map((b) => b.type)).toEqual(['text', 'tool_use']);
    expect(second.blocks[0]?.text).toBe('Restarting now.');
    expect(second.blocks[1]?.input?.command).toBe('openclaw gateway restart');

    const last = assemble((await mainTurn(api.url, 2)).events);
    expect(last).toEqual({
      stopReason: 'end_turn',
      blocks: [{ type: 'text', text: 'Fixed it. REPAIR_RESULT: {"status":"fixed"}' }],
    });

    const beyond = assemble((await mainTurn(api.url, 3)).events);
    expect(beyond.blocks[0]?.text).toBe(EXHAUSTED_TEXT);
    expect(api.mainRequests().map((r) => [r.toolResults, r.stepIndex, r.answer])).toEqual([
      [1, 1, 'tool_use:Bash'],
      [2, 2, 'text'],
      [3, null, 'exhausted'],
    ]);
  });

  it('answers the JSON-schema side request with schema-shaped JSON, without using a step', async () => {
    api = await startFakeAnthropic({ steps: SCRIPT, title: 'Gateway down' });
    const res = await post(api.url, {
      model: 'claude-small',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Generate a title' }],
      output_config: {
        format: {
          type: 'json_schema',
          schema: {
            type: 'object',
            properties: { title: { type: 'string' }, confident: { type: 'boolean' }, tags: { type: 'array' } },
            required: ['title'],
          },
        },
      },
    });
    expect(res.status).toBe(200);
    const msg = (await res.json()) as WireMessage;
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn' });
    expect(JSON.parse(msg.content[0]?.text ?? '')).toEqual({ title: 'Gateway down', confident: false, tags: [] });
    expect(api.requests.map((r) => r.kind)).toEqual(['title']);
    // The conversation still starts at the first step.
    expect(assemble((await mainTurn(api.url, 0)).events).blocks[0]?.input?.command).toBe('openclaw config validate');
  });

  it('answers preconnects and count_tokens, refuses unknown routes, and records it all', async () => {
    api = await startFakeAnthropic(SCRIPT);
    expect((await fetch(`${api.url}/`, { method: 'HEAD' })).status).toBe(200);
    const count = await post(
      api.url,
      { model: 'm', messages: [{ role: 'user', content: 'hello' }] },
      '/v1/messages/count_tokens?beta=true',
    );
    expect(((await count.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0);
    const unknown = await fetch(`${api.url}/v1/models`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
    expect(api.requests.map((r) => r.kind)).toEqual(['preconnect', 'count_tokens', 'other']);
    // Keys never sit whole in the record.
    expect(api.requests[1]!.headers['x-api-key']).toBe('…1234');
  });

  it('records the prompt a person typed, skipping system entries and system reminders', async () => {
    api = await startFakeAnthropic(SCRIPT);
    await post(api.url, {
      model: 'm',
      stream: true,
      tools: [BASH_TOOL],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>\nnoise\n</system-reminder>' },
            { type: 'text', text: 'Recover the gateway.\nLine 2' },
          ],
        },
        { role: 'system', content: 'local command output' },
      ],
    }).then((r) => r.text());
    expect(api.mainRequests()[0]!.userText).toBe('Recover the gateway.\nLine 2');
  });

  it('unwraps the pasted_content envelope Claude Code puts around a bracketed paste', () => {
    const pasted = 'line 1\nline 2 with "quotes"';
    expect(unwrapPasted(`\n\n<pasted_content id="46e7">\n${pasted}\n</pasted_content id="46e7">\n`)).toBe(pasted);
    expect(unwrapPasted('typed by hand')).toBe('typed by hand');
  });

  it('serves scripted API errors with the real error bodies and retry headers', async () => {
    api = await startFakeAnthropic([
      { error: 'rate_limit', retryAfterSec: 7, shouldRetry: false, times: 1 },
      { error: 'auth', times: 1 },
      { error: 'overloaded', times: 1 },
      { text: 'recovered' },
    ]);
    const r429 = (await mainTurn(api.url, 0)).res;
    expect(r429.status).toBe(429);
    expect(r429.headers.get('retry-after')).toBe('7');
    expect(r429.headers.get('x-should-retry')).toBe('false');
    const r401 = (await mainTurn(api.url, 0)).res;
    expect(r401.status).toBe(401);
    const r529 = (await mainTurn(api.url, 0)).res;
    expect(r529.status).toBe(529);
    // Each error step was used up after one hit: the same turn now gets the text.
    const ok = await mainTurn(api.url, 0);
    expect(ok.res.status).toBe(200);
    expect(assemble(ok.events).blocks[0]?.text).toBe('recovered');
    expect(api.mainRequests().map((r) => r.answer)).toEqual(['error:429', 'error:401', 'error:529', 'text']);

    // Bodies: parse one of each kind directly.
    api.setScenario([{ error: 'rate_limit' }]);
    const body = (await (
      await post(api.url, { model: 'm', stream: true, tools: [BASH_TOOL], messages: toolResultTurns(0) })
    ).json()) as unknown;
    expect(body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    api.setScenario([{ error: 'auth', message: 'invalid x-api-key' }]);
    expect((await mainTurn(api.url, 0)).text).toContain('authentication_error');
    api.setScenario([{ error: 'overloaded' }]);
    expect((await mainTurn(api.url, 0)).text).toContain('overloaded_error');
  });

  it('can hang a request forever, and stop() still ends it at once', async () => {
    api = await startFakeAnthropic([{ hang: true }]);
    const pending = post(api.url, { model: 'm', stream: true, tools: [BASH_TOOL], messages: toolResultTurns(0) }).then(
      (r) => `answered ${r.status}`,
      (err: Error) => `failed: ${err.message}`,
    );
    await api.waitForRequest((r) => r.answer === 'hang', 5_000);
    const raced = await Promise.race([pending, new Promise((r) => setTimeout(() => r('still waiting'), 300))]);
    expect(raced).toBe('still waiting');
    const t = Date.now();
    await api.stop();
    expect(await pending).toMatch(/^failed/);
    expect(Date.now() - t).toBeLessThan(2_000);
    api = null;
  });

  it('delays a step by delayMs', async () => {
    api = await startFakeAnthropic([{ text: 'slow', delayMs: 400 }]);
    const t = Date.now();
    const { events } = await mainTurn(api.url, 0);
    expect(Date.now() - t).toBeGreaterThanOrEqual(380);
    expect(assemble(events).blocks[0]?.text).toBe('slow');
  });

  it('answers non-streaming requests with a whole message', async () => {
    api = await startFakeAnthropic(SCRIPT);
    const res = await post(api.url, { model: 'm', tools: [BASH_TOOL], messages: toolResultTurns(0) });
    const msg = (await res.json()) as WireMessage;
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'Bash',
      input: { command: 'openclaw config validate' },
    });
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  it('rejects a malformed scenario naming the bad step', async () => {
    await expect(startFakeAnthropic([{ text: 'ok' }, { nonsense: 1 } as unknown as Step])).rejects.toThrow(/step 1/);
  });

  it('binds loopback only', async () => {
    api = await startFakeAnthropic(SCRIPT);
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('fake Anthropic CLI', () => {
  const cli = path.join(REPO, 'dist/test/fixtures/fake-anthropic.js');

  it('serves a scenario file, writes its port file and request log, and exits on SIGTERM', async () => {
    expect(existsSync(cli), `${cli} is missing: run \`npx tsc -b\` first`).toBe(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-anthropic-cli-'));
    let child: ReturnType<typeof spawn> | null = null;
    try {
      writeFileSync(path.join(dir, 'scenario.json'), JSON.stringify({ steps: [{ text: 'from the file' }] }));
      child = spawn(
        process.execPath,
        [
          cli,
          '--scenario',
          path.join(dir, 'scenario.json'),
          '--port-file',
          path.join(dir, 'port'),
          '--log',
          path.join(dir, 'requests.jsonl'),
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const proc = child;
      const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      const firstLine = await new Promise<string>((resolve, reject) => {
        let out = '';
        proc.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        proc.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const { url, port } = JSON.parse(firstLine) as { url: string; port: number };
      expect(Number(readFileSync(path.join(dir, 'port'), 'utf8'))).toBe(port);
      const { events } = await mainTurn(url, 0);
      expect(assemble(events).blocks[0]?.text).toBe('from the file');
      const logged = readFileSync(path.join(dir, 'requests.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { answer: string });
      expect(logged.map((r) => r.answer)).toEqual(['text']);
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child?.exitCode === null) child.kill('SIGKILL'); // a failed assertion must not leave it running
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad scenario file with exit 2 and the reason', async () => {
    expect(existsSync(cli), `${cli} is missing: run \`npx tsc -b\` first`).toBe(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-anthropic-cli-'));
    try {
      writeFileSync(path.join(dir, 'bad.json'), '[{"bogus": true}]');
      const child = spawn(process.execPath, [cli, '--scenario', path.join(dir, 'bad.json')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      expect(code).toBe(2);
      expect(err).toMatch(/step 0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
