// The interactive Telegram channel: buttons on ClawMedic's messages, and the long-polling loop that reads
// the presses. A press acts only when its chat or user is on the channel's allow-list, its button is bound
// to the incident (or the pending prompt) it was sent for, has not expired, and was not answered before;
// then it runs one operation of the table through the same dispatch as every other transport (transport
// "chat"), and the action is recorded on the incident with who and when. Nothing a chat sends is ever
// passed on: callback data only selects one of the buttons registered here.
import os from 'node:os';
import type { Answer } from '../../operations.js';
import type { StatusSnapshot } from '../../../../common/contract.js';
import type { NotifyChannel, Settings } from '../../../../common/settings-schema.js';
import type { PermissionPrompt } from '../../agents/screens.js';
import { redact } from '../../redact.js';
import { escapeHtml, formatDuration, truncate } from '../format.js';
import { telegramKeyboard, telegramText } from '../channels/telegram.js';
import { redactMessage, type ChatButton, type Message } from '../policy.js';
import { BotApi, type CallbackQuery, type Update } from './bot-api.js';
import { CallbackRegistry, type Binding, type ChatAction } from './callbacks.js';
import { sharedTokenProblem, type GatewayTokens } from './gateway-token.js';
import { UpdatePoller, type PollTiming, type PollTrouble } from './poller.js';

/** A pending permission prompt as the engine identifies it. */
export interface PendingPrompt extends PermissionPrompt {
  /** Changes whenever the prompt does (another question, or the same one asked again). */
  id: string;
  incidentId: string;
  /** The doctor's hard time limit (ISO 8601). */
  deadline: string;
}

export interface DeskHost {
  /** Runs an operation of the table for this transport ("chat"). */
  dispatch(name: string, args: unknown[]): Promise<Answer>;
  status(): StatusSnapshot;
  pendingPrompt(): Promise<PendingPrompt | null>;
  /** Adds a timeline entry to an incident (open or closed). */
  note(incidentId: string, type: string, detail: string): Promise<void>;
  /** The gateway log's last lines, redacted. */
  logTail(lines: number): Promise<string>;
  /** Literal secrets to scrub from what is sent. */
  secrets(): string[];
  /** Telegram tokens the gateway's own config uses. */
  gatewayTokens(): Promise<GatewayTokens>;
}

export interface DeskTiming {
  poll: Partial<PollTiming>;
  /**
   * How long the buttons of a "down" or "needs attention" message work: 6 h. Older alerts are stale;
   * whoever acts on them should look at the current state (a newer message) first.
   */
  incidentTtlMs: number;
  /** Longest life of an approval's buttons: 1 h, and never past the doctor's own deadline. */
  approvalTtlMs: number;
  /** Each send/answer/edit request: 10 s, as for the other channels (notify/send.ts). */
  requestTimeoutMs: number;
}

export const DEFAULT_DESK_TIMING: DeskTiming = {
  poll: {},
  incidentTtlMs: 6 * 60 * 60_000,
  approvalTtlMs: 60 * 60_000,
  requestTimeoutMs: 10_000,
};

export interface DeskOptions {
  getSettings: () => Settings;
  host: DeskHost;
  /** <dataDir>/telegram: update offsets (0600 files in a 0700 folder). */
  stateDir: string;
  apiBase: string;
  fetchImpl?: typeof fetch;
  /** One line for the log (stderr of the watcher): refusals, ignored presses, polling trouble. */
  log: (line: string) => void;
  /** Lasting trouble on a channel (conflict, bad token, state folder): reported like a failed delivery. */
  onFailure: (channel: string, detail: string) => void;
  timing?: Partial<DeskTiming>;
}

/** The lines `Last 30 lines` shows. */
export const TAIL_LINES = 30;
/** The log excerpt's share of one message (Telegram allows 4096 characters). */
const TAIL_MAX_CHARS = 3500;
/** Pause length of the "Pause 1 h" button, in minutes. */
const PAUSE_MINUTES = 60;

const LABEL: Record<ChatAction, string> = {
  approve: 'Approve once',
  deny: 'Deny',
  stop: 'Stop doctor',
  restart: 'Restart',
  doctor: 'Start doctor',
  pause: 'Pause 1 h',
  tail: 'Last 30 lines',
};

const isInteractive = (c: NotifyChannel) =>
  c.enabled && c.type === 'telegram' && c.interactive && /^\d+:[\w-]+$/.test(c.token);
const botIdOf = (token: string) => token.split(':')[0] ?? '';
const label = (c: NotifyChannel) => c.name || c.type;

function who(q: CallbackQuery): string {
  const chat = String(q.message?.chat.id ?? '?');
  const user = q.from.username ? `@${q.from.username}` : q.from.first_name ? q.from.first_name : `user ${q.from.id}`;
  return String(q.from.id) === chat ? `chat ${chat} (${user})` : `chat ${chat} (${user}, user id ${q.from.id})`;
}

interface PollerEntry {
  poller: UpdatePoller;
  api: BotApi;
  trouble: PollTrouble | null;
}

export class TelegramDesk {
  private readonly registry = new CallbackRegistry();
  private readonly pollers = new Map<string, PollerEntry>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly t: DeskTiming;
  private running = false;
  private reconciling: Promise<void> = Promise.resolve();

  constructor(private readonly o: DeskOptions) {
    this.t = { ...DEFAULT_DESK_TIMING, ...o.timing };
  }

  private channels(): NotifyChannel[] {
    return this.o.getSettings().notify.channels.filter(isInteractive);
  }

  private api(token: string): BotApi {
    return this.pollers.get(token)?.api ?? new BotApi(this.o.apiBase, token, this.o.fetchImpl);
  }

  /** Starts polling every interactive channel's bot (watchers only: one poller per bot). */
  start(): Promise<void> {
    this.running = true;
    return this.reconcile();
  }

  /** Follows the settings: starts pollers for new bots, stops those no longer configured. */
  reconcile(): Promise<void> {
    this.reconciling = this.reconciling
      .then(() => this.reconcileNow())
      .catch((err: unknown) => {
        this.o.log(`Telegram: could not update the pollers: ${(err as Error).message}`);
      });
    return this.reconciling;
  }

  private async reconcileNow(): Promise<void> {
    const wanted = new Map<string, NotifyChannel>();
    if (this.running) {
      const shared = await this.o.host.gatewayTokens();
      for (const c of this.channels()) {
        const problem = sharedTokenProblem(c.token, shared);
        if (problem) {
          // Polling OpenClaw's bot would break its Telegram channel: messages still go out, buttons do not.
          this.o.onFailure(label(c), `not reading button presses: ${problem}`);
          continue;
        }
        if (!wanted.has(c.token)) wanted.set(c.token, c);
      }
    }
    for (const [token, entry] of this.pollers) {
      if (!wanted.has(token)) {
        this.pollers.delete(token);
        await entry.poller.close();
      }
    }
    for (const [token, c] of wanted) {
      if (this.pollers.has(token)) continue;
      const api = new BotApi(this.o.apiBase, token, this.o.fetchImpl);
      const entry: PollerEntry = {
        api,
        trouble: null,
        poller: new UpdatePoller({
          api,
          stateDir: this.o.stateDir,
          timing: this.t.poll,
          onUpdate: (u) => this.handleUpdate(u, token),
          onTrouble: (kind, detail, waitMs) => {
            const wait = waitMs ? `; retrying in ${formatDuration(waitMs)}` : '';
            this.o.log(`Telegram (${label(c)}): ${redact(detail, { secrets: [token] })}${wait}`);
            // Lasting trouble is reported once per episode; a dropped connection is only logged.
            if (entry.trouble !== kind && (kind === 'conflict' || kind === 'unauthorized' || kind === 'storage')) {
              this.o.onFailure(label(c), `cannot read button presses: ${redact(detail, { secrets: [token] })}`);
            }
            entry.trouble = kind;
          },
          onRecovered: () => {
            entry.trouble = null;
            this.o.log(`Telegram (${label(c)}): reading button presses again`);
          },
        }),
      };
      this.pollers.set(token, entry);
      entry.poller.start();
    }
  }

  /** Stops polling (no new presses are read). Actions already under way go on: see settle(). */
  async close(): Promise<void> {
    this.running = false;
    await this.reconcile();
  }

  /** Resolves when the actions presses started have ended (a restart ends once the engine stops it). */
  async settle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  // ---- outgoing: buttons on the Notifier's messages ----------------------------------------------

  /**
   * Adds what an interactive channel shows to a message: for "needs approval" the pending request and
   * the time left, with Approve once / Deny / Stop doctor; for "down" and "needs attention" Restart, Start
   * doctor, Pause 1 h and Last 30 lines. Null when the news is stale (the prompt was answered meanwhile).
   */
  async decorate(msg: Message, ch: NotifyChannel): Promise<Message | null> {
    if (!msg.incidentId || !isInteractive(ch)) return msg;
    const now = Date.now();
    const bind = (action: ChatAction, expiresAt: number, extra: Partial<Binding> = {}): ChatButton => {
      const data = this.registry.add({
        action,
        incidentId: msg.incidentId!,
        promptId: null,
        chatId: ch.chatId.trim(),
        botId: botIdOf(ch.token),
        expiresAt,
        group: `${action}:${now}:${Math.random()}`,
        ...extra,
      });
      return { text: LABEL[action], data };
    };
    if (msg.kind === 'needs-approval') {
      const live = this.o.host.status().doctor;
      if (!live?.needsApproval || live.incidentId !== msg.incidentId) return null;
      const p = await this.o.host.pendingPrompt();
      return this.approvalMessage(msg, ch, p, live.deadline, bind);
    }
    if (msg.kind === 'down' || msg.kind === 'failed') {
      const expires = now + this.t.incidentTtlMs;
      const tail = bind('tail', expires);
      const buttons = ch.allowActions
        ? [
            [bind('restart', expires), bind('doctor', expires)],
            [bind('pause', expires), tail],
          ]
        : [[tail]];
      return { ...msg, buttons };
    }
    return msg;
  }

  private approvalMessage(
    msg: Message,
    ch: NotifyChannel,
    p: PendingPrompt | null,
    deadlineIso: string,
    bind: (action: ChatAction, expiresAt: number, extra?: Partial<Binding>) => ChatButton,
  ): Message {
    const now = Date.now();
    const deadline = Date.parse(deadlineIso);
    const left = Number.isFinite(deadline) ? Math.max(0, deadline - now) : null;
    const expires = Math.min(now + this.t.approvalTtlMs, Number.isFinite(deadline) ? deadline : Infinity);
    const lines = [msg.body];
    if (left !== null)
      lines.push(`Time left: ${formatDuration(left)} before the doctor's time limit ends the session.`);
    if (!p) lines.push('ClawMedic could not read the prompt off the screen: answer it in the live terminal.');
    else if (!p.approveKey) lines.push('This prompt has no plain "Yes" choice: approve it in the live terminal.');
    if (!ch.allowActions)
      lines.push('The buttons are off for this chat (allowActions), so this message is for reading only.');
    const buttons: ChatButton[][] = [];
    if (ch.allowActions) {
      const group = p ? `prompt:${p.id}` : '';
      const answer: ChatButton[] = [];
      if (p?.approveKey) answer.push(bind('approve', expires, { promptId: p.id, group }));
      if (p) answer.push(bind('deny', expires, { promptId: p.id, group }));
      if (answer.length) buttons.push(answer);
      buttons.push([bind('stop', expires)]);
    }
    return {
      ...msg,
      body: lines.join('\n'),
      ...(p
        ? { code: `${p.request}\n\n${p.question}\n${p.options.map((o) => `  ${o.key}. ${o.label}`).join('\n')}` }
        : {}),
      ...(buttons.length ? { buttons } : {}),
    };
  }

  // ---- incoming: button presses -----------------------------------------------------------------

  private async handleUpdate(u: Update, token: string): Promise<void> {
    const q = u.callback_query;
    if (!q) return;
    const chatId = String(q.message?.chat.id ?? '');
    const userId = String(q.from.id);
    const mine = this.channels().filter((c) => c.token === token);
    const allowed = mine.filter((c) => c.allowChatIds.includes(userId) || c.allowChatIds.includes(chatId));
    if (!allowed.length) {
      // Not answered: a stranger learns nothing, not even that this bot listens.
      this.o.log(`Telegram: ignored a button press from ${who(q)}: not in allowChatIds`);
      return;
    }
    const api = this.api(token);
    const answer = (text: string) =>
      api.call(
        'answerCallbackQuery',
        { callback_query_id: q.id, text: truncate(text, 200) },
        { timeoutMs: this.t.requestTimeoutMs },
      );
    const seen = this.registry.peek(q.data);
    if (seen && (seen.botId !== botIdOf(token) || seen.chatId !== chatId)) {
      this.o.log(`Telegram: refused a button press from ${who(q)}: the button belongs to another chat`);
      await answer('This button belongs to another chat.');
      return;
    }
    const taken = this.registry.take(q.data, Date.now());
    if (!taken.ok) {
      const why =
        taken.why === 'used'
          ? 'This was answered already.'
          : taken.why === 'expired'
            ? 'This button has expired; look at the newest message.'
            : 'This button is no longer valid (ClawMedic restarted since).';
      this.o.log(
        `Telegram: refused a press of "${taken.binding ? LABEL[taken.binding.action] : '?'}" from ${who(q)}: ${why}`,
      );
      await answer(why);
      return;
    }
    const b = taken.binding;
    const ch = allowed.find((c) => c.chatId.trim() === b.chatId) ?? allowed[0]!;
    if (b.action !== 'tail' && !ch.allowActions) {
      this.o.log(`Telegram: refused "${LABEL[b.action]}" from ${who(q)}: allowActions is off`);
      await answer('Buttons are read-only here (allowActions is off in the settings).');
      return;
    }
    await answer(`${LABEL[b.action]}: on it…`);
    await this.dropButtons(api, q, b);
    // Long actions (a restart waits for the gateway) must not hold up the next press: run them aside.
    const p = this.perform(api, q, b).catch((err: unknown) =>
      this.o.log(`Telegram: "${LABEL[b.action]}" failed: ${(err as Error).message}`),
    );
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Takes the used button (for a prompt: both Approve and Deny) off the message. */
  private async dropButtons(api: BotApi, q: CallbackQuery, b: Binding): Promise<void> {
    const msg = q.message;
    if (!msg) return;
    const rows = msg.reply_markup?.inline_keyboard ?? [];
    const keep = rows
      .map((row) =>
        row.filter((btn) => {
          if (btn.callback_data === q.data) return false;
          const other = this.registry.peek(btn.callback_data);
          return !(other && b.promptId && other.promptId === b.promptId);
        }),
      )
      .filter((row) => row.length);
    await api.call(
      'editMessageReplyMarkup',
      { chat_id: msg.chat.id, message_id: msg.message_id, reply_markup: { inline_keyboard: keep } },
      { timeoutMs: this.t.requestTimeoutMs },
    );
  }

  private async perform(api: BotApi, q: CallbackQuery, b: Binding): Promise<void> {
    const by = `from Telegram by ${who(q)}`;
    const result = async (name: string, args: unknown[]): Promise<{ ok: boolean; message: string }> => {
      const a = await this.o.host.dispatch(name, args);
      if (!a.ok) return { ok: false, message: a.message };
      const v = a.value as { ok?: boolean; message?: string } | undefined;
      return v && v.ok === false ? { ok: false, message: v.message ?? 'refused' } : { ok: true, message: '' };
    };
    let r: { ok: boolean; message: string };
    let done: string;
    switch (b.action) {
      case 'approve':
        done = 'approved once';
        r = await result('approvePrompt', [b.promptId]);
        break;
      case 'deny':
        done = 'denied';
        r = await result('denyPrompt', [b.promptId]);
        break;
      case 'stop':
        done = 'stopped the doctor';
        r = await result('stopDoctor', []);
        break;
      case 'restart':
        done = 'restart requested';
        // Recorded now: the restart itself runs as its own incident and may take minutes.
        await this.o.host.note(b.incidentId, 'chat-action', `restart requested ${by}`);
        r = await result('restartNow', []);
        break;
      case 'doctor':
        done = 'doctor started';
        r = await result('startDoctor', []);
        break;
      case 'pause':
        done = `monitoring paused for ${PAUSE_MINUTES} min`;
        r = await result('pause', [PAUSE_MINUTES]);
        break;
      case 'tail': {
        const text = await this.o.host.logTail(TAIL_LINES);
        await this.send(
          api,
          b.chatId,
          q,
          `<b>Last lines of the gateway log</b>\n<pre>${escapeHtml(truncate(this.scrub(text), TAIL_MAX_CHARS))}</pre>`,
        );
        await this.o.host.note(b.incidentId, 'chat-action', `last ${TAIL_LINES} log lines sent ${by}`);
        return;
      }
    }
    const outcome = r.ok ? done : `${LABEL[b.action]} refused: ${r.message}`;
    if (b.action !== 'restart' || !r.ok) await this.o.host.note(b.incidentId, 'chat-action', `${outcome} ${by}`);
    else await this.o.host.note(b.incidentId, 'chat-action', `the restart ${by} brought the gateway back`);
    const reply = `${r.ok ? '✅' : '⚠️'} ${r.ok ? capital(done) : outcome} (${by})`;
    await this.send(api, b.chatId, q, escapeHtml(reply));
    if (r.ok && (b.action === 'approve' || b.action === 'deny')) await this.announceNextPrompt(b);
  }

  /**
   * After an answer the agent may ask again at once, before the doctor noticed the first prompt went
   * (no new "needs approval" then): announce a different prompt that shows right away.
   */
  private async announceNextPrompt(answered: Binding): Promise<void> {
    const p = await this.o.host.pendingPrompt();
    if (!p || p.id === answered.promptId) return;
    const ch = this.channels().find((c) => c.chatId.trim() === answered.chatId && botIdOf(c.token) === answered.botId);
    const live = this.o.host.status().doctor;
    if (!ch || !live) return;
    const base: Message = {
      kind: 'needs-approval',
      incidentId: p.incidentId,
      title: 'The AI doctor asks for approval again',
      body: `${live.agent} is waiting at another permission prompt. Until it is answered the repair is on hold.`,
      severity: 'warning',
      dedupeKey: `${p.incidentId}:needs-approval:${p.id}`,
      at: new Date().toISOString(),
      host: os.hostname(),
      attachCommand: live.attachCommand,
    };
    const msg = await this.decorate(base, ch);
    if (!msg) return;
    const clean = redactMessage(msg, this.o.host.secrets());
    const keyboard = telegramKeyboard(clean);
    await this.api(ch.token).call(
      'sendMessage',
      {
        chat_id: ch.chatId.trim(),
        text: telegramText(clean),
        parse_mode: 'HTML',
        ...(keyboard ? { reply_markup: keyboard } : {}),
      },
      { timeoutMs: this.t.requestTimeoutMs },
    );
  }

  private scrub(text: string): string {
    return redact(text, { secrets: [...this.o.host.secrets(), ...this.channels().map((c) => c.token)] });
  }

  private async send(api: BotApi, chatId: string, q: CallbackQuery, html: string): Promise<void> {
    const r = await api.call(
      'sendMessage',
      {
        chat_id: chatId,
        text: html,
        parse_mode: 'HTML',
        ...(q.message
          ? { reply_parameters: { message_id: q.message.message_id, allow_sending_without_reply: true } }
          : {}),
      },
      { timeoutMs: this.t.requestTimeoutMs },
    );
    if (!r.ok) this.o.log(`Telegram: could not send the answer to chat ${chatId}: ${r.description}`);
  }
}

function capital(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}
