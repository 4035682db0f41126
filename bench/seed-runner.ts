// Runs the seed model against one scripted session of the stand-in agent in its own tmux server:
// launch, fixed sleep, blind Enter, brief, then pane polling until the seed's detector says "done",
// then kill the session (the seed's cleanup), exactly as the seed would.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Tmux } from '../main/engine/tmux/tmux.js';
import { ensurePrivateDir } from '../main/engine/fsutil.js';
import { createHarness, FAKE_AGENT_JS, readAgentLog } from '../test/fixtures/fake-agent-harness.js';
import { SeedDetector, seedBrief, type SeedConstants } from './seed-model.js';
import { sessionScript, type SessionKind } from './sessions.js';
import { onCleanup, sleep, until } from './util.js';

export interface SeedRun {
  kind: SessionKind;
  withPhrase: boolean;
  thinkMs: number;
  launchedAt: number;
  sentAt: number;
  closedAt: number;
  by: 'phrase' | 'idle' | 'timeout' | 'gone';
  /** Phrases on the pane when it ended by a phrase. */
  matched: string[];
  /** When the agent's fix made the gateway healthy (the marker's mtime), or null if it never did. */
  fixAt: number | null;
  /** The gateway's health when the seed declared the session done. */
  healthyAtClose: boolean;
  polls: number;
  /** When a permission prompt appeared on the agent's screen (from the stand-in's log), if one did. */
  promptShownAt: number | null;
}

/** Fake agent's input box footer: the brief is pasted once it shows. */
const INPUT_READY = '? for shortcuts';
/** How long the (not measured) delivery of the brief may take: the stand-in is ready in well under a second. */
const DELIVERY_TIMEOUT_MS = 15_000;

export async function runSeedSession(o: {
  kind: SessionKind;
  thinkMs: number;
  withPhrase: boolean;
  constants: SeedConstants;
}): Promise<SeedRun> {
  const h = await createHarness();
  const closeHarness = onCleanup(() => h.close());
  const tmux = new Tmux(path.join(h.dir, 'seed'));
  await ensurePrivateDir(tmux.runtimeDir);
  const killServer = onCleanup(() => tmux.run(['kill-server']).catch(() => undefined));
  try {
    const session = `seed-${randomBytes(3).toString('hex')}`;
    const env: Record<string, string> = {
      // The 2.1.197 layout: "Yes" is pre-selected, so the seed's blind Enter works (its best case).
      FAKE_AGENT_TRUST: 'numbered',
      FAKE_AGENT_SCRIPT: JSON.stringify(sessionScript(o.kind, o.thinkMs, h.marker)),
      FAKE_AGENT_LOG: h.agentLog,
      // Real Claude Code sends its permission notification ~6 s after the prompt shows.
      FAKE_AGENT_NOTIFY_MS: '6000',
    };
    // The seed's launch: a detached session (200 × 50), the agent started directly.
    const size = ['-x', String(o.constants.cols), '-y', String(o.constants.rows)];
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const argv = ['--', process.execPath, FAKE_AGENT_JS];
    await tmux.run(['new-session', '-d', '-s', session, ...size, '-c', h.dir, ...envArgs, ...argv]);
    const launchedAt = Date.now();
    const capture = () => tmux.capture(session).catch(() => null);

    await sleep(o.constants.trustSleepMs);
    await tmux.sendKeys(session, ['Enter']);

    // Delivery of the brief, made reliable on purpose (the seed typed text and Enter in one send-keys,
    // which loses the Enter on real Claude Code): only the detection design is compared here.
    await until(
      async () => (await capture())?.includes(INPUT_READY),
      'the stand-in agent to show its input box',
      DELIVERY_TIMEOUT_MS,
      50,
    );
    const brief = seedBrief({
      port: Number(new URL(h.url).port),
      reportPath: path.join(h.dir, 'report.md'),
      withPhrase: o.withPhrase,
    });
    await tmux.paste(session, brief);
    await until(
      async () => (await capture())?.includes('[Pasted text'),
      'the pasted brief to show',
      DELIVERY_TIMEOUT_MS,
      50,
    );
    await tmux.sendKeys(session, ['Enter']);
    const sentAt = Date.now();

    const det = new SeedDetector(o.constants, sentAt);
    let k = 0;
    for (;;) {
      k++;
      const wait = sentAt + k * o.constants.pollMs - Date.now();
      if (wait > 0) await sleep(wait);
      const v = det.observe(Date.now(), await capture());
      if (!v.done) continue;
      await tmux.killSession(session);
      const closedAt = Date.now();
      const healthyAtClose = (await h.check()).condition === 'healthy';
      const shown = readAgentLog(h.agentLog).find((e) => e.ev === 'permission-prompt');
      return {
        kind: o.kind,
        withPhrase: o.withPhrase,
        thinkMs: o.thinkMs,
        launchedAt,
        sentAt,
        closedAt,
        by: v.by,
        matched: v.by === 'phrase' ? v.matched : [],
        fixAt: existsSync(h.marker) ? statSync(h.marker).mtimeMs : null,
        healthyAtClose,
        polls: det.polls,
        promptShownAt: shown ? Number(shown.at) : null,
      };
    }
  } finally {
    await killServer();
    await closeHarness();
  }
}
