// The few Telegram Bot API methods the interactive channel uses (getUpdates, sendMessage,
// answerCallbackQuery, editMessageReplyMarkup), over fetch. Never throws: every answer, failures included,
// comes back as a value the caller can decide on (back off, report, give up). The URL holds the bot token,
// so it never appears in a detail.

export type BotReply<T> =
  | { ok: true; result: T }
  | {
      ok: false;
      /** HTTP status, or null for a network error or timeout. */
      status: number | null;
      /** Telegram's description, or what went wrong on the way. */
      description: string;
      /** Telegram's retry_after hint (429), in ms. */
      retryAfterMs: number | null;
      /** Aborted by the caller (shutdown). */
      aborted?: boolean;
    };

export interface TelegramUser {
  id: number;
  username?: string;
  first_name?: string;
}

export interface CallbackQuery {
  id: string;
  from: TelegramUser;
  data?: string;
  message?: {
    message_id: number;
    chat: { id: number; type?: string };
    /** The buttons the message carries (dropButtons takes the used one off). */
    reply_markup?: { inline_keyboard?: { callback_data?: string }[][] };
  };
}

export interface Update {
  update_id: number;
  callback_query?: CallbackQuery;
  message?: { message_id: number; chat: { id: number }; from?: TelegramUser; text?: string };
}

export class BotApi {
  constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The bot's numeric id (the part of the token before the colon): not a secret, names the offset file. */
  get botId(): string {
    return this.token.split(':')[0] ?? 'bot';
  }

  async call<T>(
    method: string,
    body: Record<string, unknown>,
    opts: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<BotReply<T>> {
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, opts.timeoutMs);
    try {
      const res = await this.fetchImpl(`${this.base.replace(/\/+$/, '')}/bot${this.token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: ctl.signal,
        redirect: 'manual',
      });
      const text = await res.text();
      let json: { ok?: boolean; result?: T; description?: string; parameters?: { retry_after?: number } } = {};
      try {
        json = JSON.parse(text) as typeof json;
      } catch {
        // Not JSON (a proxy's error page): reported with the status below.
      }
      if (res.ok && json.ok === true) return { ok: true, result: json.result as T };
      const retry = json.parameters?.retry_after;
      return {
        ok: false,
        status: res.status,
        description: json.description ?? `HTTP ${res.status}${text ? `: ${text.slice(0, 120)}` : ''}`,
        retryAfterMs: typeof retry === 'number' && retry >= 0 ? Math.ceil(retry * 1000) : null,
      };
    } catch (err) {
      if (opts.signal?.aborted)
        return { ok: false, status: null, description: 'stopped', retryAfterMs: null, aborted: true };
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const host = (() => {
        try {
          return new URL(this.base).host;
        } catch {
          // Only for the message; a bad base fails the request itself.
          return 'the Bot API';
        }
      })();
      return {
        ok: false,
        status: null,
        description: timedOut
          ? `no answer from ${host} within ${Math.round(opts.timeoutMs / 1000)} s`
          : `cannot reach ${host}${cause ? ` (${cause})` : ''}: ${(err as Error).message}`,
        retryAfterMs: null,
      };
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}
