// Level 4: turns engine events into messages on the configured channels. The engine calls handle()
// for every event and never waits: each channel has its own bounded queue and worker, so a slow or
// failing service delays nobody else, and its failures come back through onFailure (the engine
// records them on the incident as `notification-failed`).
import os from 'node:os';
import type { EngineEvent, StatusSnapshot } from '../../../common/contract.js';
import { iso, sleep, type Clock } from '../../../common/clock.js';
import { collectSecrets, MIN_SECRET_LENGTH, redact } from '../redact.js';
import type { NotifyChannel, Settings } from '../../../common/settings-schema.js';
import type { ChannelContext } from './channels/index.js';
import { TELEGRAM_API } from './channels/telegram.js';
import { NotificationGate } from './gate.js';
import { FINAL_KINDS, messageFor, redactMessage, testMessage, type Message } from './policy.js';
import { DEFAULT_RETRY, sendWithRetry, type RetryPolicy, type SendResult } from './send.js';

export interface NotificationFailure {
  /** The channel's name (its `name`, or its type when unnamed). */
  channel: string;
  incidentId: string | null;
  /** What happened and what to do, redacted. */
  detail: string;
}

export interface NotifierOptions {
  getSettings: () => Settings;
  clock: Clock;
  /** Values to scrub from every message (e.g. collectSecrets() of the gateway config); read at each message. */
  getSecrets: () => string[];
  onFailure: (failure: NotificationFailure) => void;
  fetchImpl?: typeof fetch;
  /** The engine's status, so messages can carry the doctor's attach command. */
  getStatus?: () => StatusSnapshot | null;
  /** The dashboard's address (without its token) while `watch --dashboard` serves it: where to watch from afar. */
  getDashboardUrl?: () => string | null;
  /**
   * Every message that passed the gate (deduplicated, not paused), already redacted: the Electron shell
   * shows these as native notifications when `notify.native` is on.
   */
  onMessage?: (message: Message) => void;
  /** Shown in every message; defaults to os.hostname(). */
  hostname?: string;
  /** Telegram Bot API base; defaults to env CLAWMEDIC_TELEGRAM_API, then https://api.telegram.org. */
  telegramApiBase?: string;
  /** Overrides for timeouts and retries (tests shorten them). */
  retry?: Partial<RetryPolicy>;
  /** Interactive channels (Telegram with `interactive`): adds buttons and details when a message goes out. */
  interactive?: InteractiveHook;
}

export interface InteractiveHook {
  /** The message as an interactive channel shows it; null when it is stale (a prompt answered meanwhile). */
  decorate(msg: Message, channel: NotifyChannel): Promise<Message | null>;
}

const isInteractive = (c: NotifyChannel) => c.type === 'telegram' && c.interactive;

export interface ChannelTestResult {
  channel: string;
  ok: boolean;
  detail: string;
}

/**
 * 20 messages per channel: a normal incident produces at most about five; a queue that long means the
 * service is down or throttling, and older news is stale, so the oldest is dropped (and reported).
 */
const QUEUE_LIMIT = 20;

/**
 * A test waits at most 15 s in retries: a person is looking at the CLI or the settings window, and a
 * service that needs longer than that is worth reporting as failing.
 */
const TEST_MAX_TOTAL_WAIT_MS = 15_000;

interface ChannelQueue {
  name: string;
  items: Message[];
  active: boolean;
  done: Promise<void>;
}

export function channelLabel(c: Pick<NotifyChannel, 'name' | 'type'>): string {
  return c.name || c.type;
}

/** The channels' own credentials: URLs (webhook tokens, ntfy topics), bot tokens, secret-named headers. */
function channelSecrets(channels: readonly NotifyChannel[]): string[] {
  const out = collectSecrets(channels.map((c) => ({ token: c.token, headers: c.headers, url: c.url })));
  for (const c of channels) {
    if (c.url) out.push(c.url);
    if (c.type === 'ntfy') {
      try {
        const topic = new URL(c.url).pathname.replace(/^\/+|\/+$/g, '');
        // An ntfy topic works like a password: anyone who knows it can read the alerts.
        if (topic) out.push(topic);
      } catch {
        // An invalid URL fails when sending, with its own message.
      }
    }
  }
  return out;
}

export class Notifier {
  private readonly gate: NotificationGate;
  private readonly queues = new Map<string, ChannelQueue>();
  private readonly fetchImpl: typeof fetch;
  private readonly hostname: string;
  private readonly ctx: ChannelContext;
  private readonly retry: RetryPolicy;
  private stopCtl = new AbortController();

  constructor(private readonly o: NotifierOptions) {
    this.gate = new NotificationGate(o.clock);
    this.fetchImpl = o.fetchImpl ?? fetch;
    this.hostname = o.hostname ?? os.hostname();
    this.ctx = { telegramApiBase: o.telegramApiBase ?? process.env.CLAWMEDIC_TELEGRAM_API ?? TELEGRAM_API };
    this.retry = { ...DEFAULT_RETRY, ...o.retry };
  }

  /** Feeds one engine event; returns at once and never throws. */
  handle(event: EngineEvent): void {
    // Failing to notify about a failed notification would loop; a routine check is never news (and this
    // runs on every check: nothing is built or redacted for it).
    if (event.type === 'notification-failed' || event.type === 'check') return;
    // Follows the supervisor's pause by itself, so quiet-while-paused needs no extra wiring.
    if (event.type === 'state') {
      if (event.state === 'paused') this.gate.setPaused(true);
      else if (event.previous === 'paused') this.gate.setPaused(false);
    }
    try {
      const secrets = this.secrets();
      const clean = messageFor(event, {
        hostname: this.hostname,
        status: this.o.getStatus?.() ?? null,
        secrets,
        dashboardUrl: this.o.getDashboardUrl?.() ?? null,
      });
      if (!clean) return;
      const admitted = this.gate.admit(clean);
      // Each permission prompt is news where it can be answered: the gate's once-per-session rule is for
      // people watching the terminal, not for someone answering from a phone.
      const perPrompt = !admitted && clean.kind === 'needs-approval' && !this.gate.paused && !!this.o.interactive;
      if (!admitted && !perPrompt) return;
      for (const ch of this.o.getSettings().notify.channels) {
        if (ch.enabled && (admitted || isInteractive(ch))) this.enqueue(channelLabel(ch), clean);
      }
      if (admitted && this.o.onMessage) {
        try {
          this.o.onMessage(clean);
        } catch (err) {
          // The native-notification adapter failing must not stop the remote channels.
          process.emitWarning(`ClawMedic: the message listener failed: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      // A bug here must never reach the engine's event loop; it is reported, not swallowed.
      process.emitWarning(
        `ClawMedic: notifying about "${event.type}" failed: ` +
          `${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    }
  }

  /** While paused nothing is sent (and nothing is remembered as sent). */
  setPaused(paused: boolean): void {
    this.gate.setPaused(paused);
  }

  /**
   * Sends a clearly-labelled test message to one channel (by name, even if disabled) or to every
   * enabled channel, bypassing dedupe, pause and rate limits. Resolves when every send finished.
   * An empty array means no channel is enabled.
   */
  async test(channelName?: string): Promise<ChannelTestResult[]> {
    const channels = this.o.getSettings().notify.channels;
    const targets =
      channelName !== undefined
        ? channels.filter((c) => channelLabel(c) === channelName)
        : channels.filter((c) => c.enabled);
    if (channelName !== undefined && targets.length === 0) {
      const known = channels.map(channelLabel);
      return [
        {
          channel: channelName,
          ok: false,
          detail:
            `no channel named "${channelName}" in notify.channels (configured: ` +
            `${known.length ? known.join(', ') : 'none'})`,
        },
      ];
    }
    const secrets = this.secrets();
    const policy: RetryPolicy = {
      ...this.retry,
      maxTotalWaitMs: Math.min(this.retry.maxTotalWaitMs, TEST_MAX_TOTAL_WAIT_MS),
    };
    return Promise.all(
      targets.map(async (c) => {
        const name = channelLabel(c);
        const msg = testMessage(name, { hostname: this.hostname, secrets }, iso(this.o.clock.now()));
        const r = await this.deliver(c, msg, policy, secrets);
        return {
          channel: name,
          ok: r.ok,
          detail: r.ok
            ? `delivered (HTTP ${r.status}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''})`
            : redact(r.detail, { secrets }),
        };
      }),
    );
  }

  /**
   * Resolves when every queued message was delivered or given up on. With timeoutMs, whatever is still
   * pending then is abandoned (and reported through onFailure): for a bounded shutdown.
   */
  async drain(opts: { timeoutMs?: number } = {}): Promise<void> {
    const pending = () => [...this.queues.values()].filter((q) => q.active).map((q) => q.done);
    const settle = async () => {
      for (let p = pending(); p.length; p = pending()) await Promise.all(p);
    };
    if (opts.timeoutMs === undefined) return settle();
    const timer = new AbortController();
    const finished = settle().then(() => timer.abort());
    await Promise.race([finished, sleep(this.o.clock, opts.timeoutMs, timer.signal)]);
    if (pending().length) {
      this.stopCtl.abort();
      await settle();
      // Usable again afterwards (e.g. a test that drains with a deadline and carries on).
      this.stopCtl = new AbortController();
    }
  }

  // ---- internals -------------------------------------------------------------------------------

  private secrets(): string[] {
    try {
      return [...this.o.getSecrets(), ...channelSecrets(this.o.getSettings().notify.channels)];
    } catch (err) {
      // Without the secret list, pattern-based redaction still applies; say so rather than stop notifying.
      process.emitWarning(`ClawMedic: could not read the secrets to redact: ${(err as Error).message}`);
      return [];
    }
  }

  private fail(channel: string, incidentId: string | null, detail: string): void {
    try {
      this.o.onFailure({ channel, incidentId, detail: redact(detail, { secrets: this.secrets() }) });
    } catch (err) {
      // The engine's recorder failing must not kill the channel worker.
      process.emitWarning(`ClawMedic: recording a notification failure failed: ${(err as Error).message}`);
    }
  }

  private enqueue(name: string, msg: Message): void {
    let q = this.queues.get(name);
    if (!q) {
      q = { name, items: [], active: false, done: Promise.resolve() };
      this.queues.set(name, q);
    }
    // The end of an incident's story supersedes its unsent beginnings ("down" then "restarted").
    if (FINAL_KINDS.has(msg.kind) && msg.incidentId) q.items = q.items.filter((m) => m.incidentId !== msg.incidentId);
    if (q.items.length >= QUEUE_LIMIT) {
      const dropped = q.items.shift()!;
      this.fail(
        name,
        dropped.incidentId,
        `dropped "${dropped.title}": ${QUEUE_LIMIT} messages were waiting for ` +
          `this channel (it is failing or rate-limited)`,
      );
    }
    q.items.push(msg);
    if (!q.active) {
      q.active = true;
      q.done = this.work(q);
    }
  }

  private channelNamed(name: string): NotifyChannel | undefined {
    return this.o.getSettings().notify.channels.find((c) => c.enabled && channelLabel(c) === name);
  }

  private async work(q: ChannelQueue): Promise<void> {
    try {
      while (q.items.length) {
        const ch = this.channelNamed(q.name);
        // Removed or disabled in the settings since: the user no longer wants messages there.
        if (!ch) {
          q.items = [];
          break;
        }
        const wait = this.gate.delayFor(q.name, ch.minIntervalSec);
        const signal = this.stopCtl.signal;
        if (wait > 0) {
          await sleep(this.o.clock, wait, signal);
          if (signal.aborted) {
            for (const m of q.items.splice(0))
              this.fail(
                q.name,
                m.incidentId,
                `not sent: ClawMedic stopped while "${m.title}" waited for the channel's rate limit`,
              );
            break;
          }
          // The settings may have changed while waiting (interval, URL, or the channel switched off).
          continue;
        }
        const msg = q.items.shift()!;
        this.gate.recordSend(q.name);
        const r = await this.deliver(ch, msg, this.retry, this.secrets());
        if (!r.ok) this.fail(q.name, msg.incidentId, `"${msg.title}" not delivered: ${r.detail}`);
      }
    } catch (err) {
      // deliver() does not throw; anything here is a bug, reported so it is seen.
      this.fail(q.name, null, `the channel worker crashed: ${(err as Error).message}`);
      q.items = [];
    } finally {
      q.active = false;
    }
  }

  private async deliver(ch: NotifyChannel, msg: Message, policy: RetryPolicy, secrets: string[]): Promise<SendResult> {
    const name = channelLabel(ch);
    // The formatters load with the first message, not at start-up: most checks send nothing.
    const { FORMATTERS } = await import('./channels/index.js');
    const formatter = FORMATTERS[ch.type];
    const label = `${formatter?.service ?? ch.type} (${name})`;
    if (!formatter)
      return { ok: false, status: null, attempts: 0, detail: `${label}: unknown channel type "${ch.type}"` };
    if (this.o.interactive && isInteractive(ch) && msg.kind !== 'test') {
      try {
        const shown = await this.o.interactive.decorate(msg, ch);
        // Stale news (the prompt was answered while the message waited): nothing to send.
        if (!shown) return { ok: true, status: 0, attempts: 0 };
        msg = shown;
      } catch (err) {
        // Without its buttons the message still carries the news.
        process.emitWarning(`ClawMedic: could not add buttons to "${msg.title}": ${(err as Error).message}`);
      }
    }
    let req;
    try {
      // Redacted again with the secrets known now: the list may have grown while the message waited.
      req = formatter.build(redactMessage(msg, secrets), ch, this.ctx);
    } catch (err) {
      return {
        ok: false,
        status: null,
        attempts: 0,
        detail: `${label}: ${(err as Error).message}; fix this channel in notify.channels`,
      };
    }
    // Last line of defence: a configured secret must not be in what we send (the channel's own
    // credentials live in the URL and its configured headers, which are not checked).
    const configured = new Set(Object.keys(ch.headers).map((k) => k.toLowerCase()));
    const outgoing = [
      req.body,
      ...Object.entries(req.headers)
        .filter(([k]) => !configured.has(k.toLowerCase()))
        .map(([, v]) => v),
    ];
    if (secrets.some((s) => s.length >= MIN_SECRET_LENGTH && outgoing.some((text) => text.includes(s)))) {
      return {
        ok: false,
        status: null,
        attempts: 0,
        detail:
          `${label}: not sent because the message still contained a secret after ` +
          `redaction (a ClawMedic bug: please report it)`,
      };
    }
    return sendWithRetry(req, {
      fetchImpl: this.fetchImpl,
      clock: this.o.clock,
      policy,
      signal: this.stopCtl.signal,
      label,
    });
  }
}
