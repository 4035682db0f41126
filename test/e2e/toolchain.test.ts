// Smoke test of the end-to-end toolchain: the pinned real tools install and run, the real gateway
// starts isolated and reports health, a broken config is caught by `openclaw config validate`, and
// the real Claude Code CLI in tmux talks to the scripted API far enough to fire its Stop hook.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, unwrapPasted, type FakeAnthropic } from '../fixtures/fake-anthropic.js';
import {
  answerTrustPrompt,
  createGateway,
  createHookRecorder,
  e2eSkipReason,
  ensureToolchain,
  gatewayLeftovers,
  INPUT_READY_RE,
  makeTempDir,
  portAccepts,
  prepareClaudeHome,
  runCommand,
  startTmux,
  submitPrompt,
  toolchainPath,
  type Gateway,
  type Toolchain,
} from './harness/index.js';

const skip = e2eSkipReason();
// A cold install takes ~45 s (measured); allow a slow registry.
const INSTALL_TIMEOUT_MS = 10 * 60_000;

describe.skipIf(skip !== null)(`e2e toolchain${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let tc: Toolchain;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeAll(() => {
    tc = ensureToolchain();
  }, INSTALL_TIMEOUT_MS);

  afterEach(async () => {
    // Reverse order: the CLI and tmux go before the API they talk to.
    while (cleanups.length) await cleanups.pop()!();
  });
  afterAll(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('runs the pinned tool versions', async () => {
    const env = { ...process.env, PATH: toolchainPath(tc) };
    const node = await runCommand('node', ['--version'], { env, timeoutMs: 30_000 });
    expect(node.stdout.trim()).toBe(`v${tc.versions.node}`);
    const oc = await runCommand('openclaw', ['--version'], { env, timeoutMs: 60_000 });
    expect(oc.stdout).toContain(tc.versions.openclaw);
    const cl = await runCommand('claude', ['--version'], {
      env: { ...env, DISABLE_AUTOUPDATER: '1' },
      timeoutMs: 30_000,
    });
    expect(cl.stdout).toContain(tc.versions.claude);
    const cx = await runCommand('codex', ['--version'], { env, timeoutMs: 30_000 });
    expect(cx.stdout).toContain(`codex-cli ${tc.versions.codex}`);
  }, 120_000);

  it('starts the real gateway isolated, reports health, and catches a broken config', async () => {
    const gw: Gateway = await createGateway({ toolchain: tc });
    cleanups.push(() => gw.dispose());

    const health = await gw.startHealthy();
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ ok: true, status: 'live' });
    // Any other path answers the Control UI page with 200: the reason only /healthz is trusted.
    const ui = await gw.probe('/definitely-not-a-health-path');
    expect(ui.status).toBe(200);
    expect(ui.json).toBeUndefined();

    expect((await gw.openclaw(['config', 'validate'])).code).toBe(0);
    gw.breakConfig('syntax');
    const invalid = await gw.openclaw(['config', 'validate']);
    expect(invalid.code).toBe(1);
    expect(`${invalid.stdout}${invalid.stderr}`).toMatch(/JSON5 parse failed/);
    // A running gateway keeps serving its old config.
    expect((await gw.probe()).status).toBe(200);

    const stopped = await gw.stop();
    expect(stopped?.code).toBe(0);
    expect(await portAccepts(gw.port)).toBe(false);
    expect(gatewayLeftovers(gw)).toEqual([]);

    // A stray process can take the port over, and lets it go again.
    const holder = await gw.holdPort();
    expect(await portAccepts(gw.port)).toBe(true);
    await holder.stop();
    expect(await portAccepts(gw.port)).toBe(false);

    // With the broken config it refuses to start: EX_CONFIG.
    gw.start();
    expect((await gw.waitExit(60_000)).code).toBe(78);
  }, 240_000);

  it('drives the real Claude Code CLI in tmux against the scripted API until its Stop hook fires', async () => {
    const finalText = 'Checked the config. REPAIR_RESULT: {"status":"fixed"}';
    const api: FakeAnthropic = await startFakeAnthropic([
      { bash: 'openclaw --version', description: 'Show the OpenClaw version' },
      { bash: 'touch not-allowed.txt', description: 'A command outside the allowlist' },
      { text: finalText },
    ]);
    cleanups.push(() => api.stop());
    const claude = prepareClaudeHome({ toolchain: tc, apiUrl: api.url });
    cleanups.push(() => claude.dispose());
    const work = claude.makeWorkspace();
    const tmuxDir = makeTempDir('tmux');
    cleanups.push(() => tmuxDir.remove());
    const hooks = createHookRecorder(claude.dir);

    const launch = claude.launch(work, [
      '--settings',
      hooks.settingsJson,
      '--permission-mode',
      'dontAsk',
      '--allowedTools',
      'Bash(openclaw --version)',
    ]);
    const pane = await startTmux({ dir: tmuxDir.dir, command: launch.launcher });
    cleanups.push(() => pane.kill());

    await answerTrustPrompt(pane);
    await hooks.waitFor('SessionStart', { timeoutMs: 20_000 });
    await pane.waitForText(INPUT_READY_RE, 20_000);

    const marker = `e2e-smoke-${Date.now()}`;
    const prompt =
      `${marker}: the gateway is down.\nCheck it with the allowed commands ` + `only.\nEnd with a REPAIR_RESULT line.`;
    const since = Date.now();
    await submitPrompt(pane, prompt, () =>
      Promise.resolve(hooks.calls().some((c) => c.event === 'UserPromptSubmit' && c.at >= since)),
    );

    const stop = await hooks.waitFor('Stop', { timeoutMs: 60_000, since });
    expect(stop.input).toMatchObject({ last_assistant_message: finalText, permission_mode: 'dontAsk', cwd: work });

    // The prompt arrived whole, and the allowlisted command really ran with the pinned openclaw.
    const main = api.mainRequests();
    expect(unwrapPasted(main[0]!.userText ?? '')).toBe(prompt);
    const results = JSON.stringify(main.at(-1)!.body?.messages);
    expect(results).toContain(`OpenClaw ${tc.versions.openclaw}`);
    // The non-allowlisted command was denied without a prompt, and the agent carried on.
    expect(results).toMatch(/denied/i);
    expect(main.map((r) => r.answer)).toEqual(['tool_use:Bash', 'tool_use:Bash', 'text']);
  }, 180_000);
});
