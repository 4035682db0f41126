// Telegram bot: POST <api>/bot<token>/sendMessage {chat_id, text, parse_mode: "HTML"}. HTML mode needs
// only &, < and > escaped (MarkdownV2 needs 18 characters escaped and fails the whole message on one
// miss). The API base is https://api.telegram.org unless overridden (CLAWMEDIC_TELEGRAM_API or the
// Notifier's telegramApiBase option) for tests and self-hosted Bot API servers.
import type { Message, Severity } from '../policy.js';
import { escapeHtml, renderWithCode, truncate, unlinkLocalUrls } from '../format.js';
import { ChannelConfigError, requireHttpUrl, type ChannelFormatter } from './types.js';

export const TELEGRAM_API = 'https://api.telegram.org';

const ICON: Record<Severity, string> = { critical: '🚨', warning: '⚠️', info: 'ℹ️', success: '✅' };

/** Telegram's limit on a message's text (after entity parsing; we stay under it before). */
const TEXT_MAX = 4096;

/** A code block's share of a message: the rest (title, body, footer) stays readable. */
const CODE_MAX = 2500;

export function telegramText(msg: Message): string {
  const title = `<b>${escapeHtml(`${ICON[msg.severity]} ${unlinkLocalUrls(msg.title)}`)}</b>`;
  const body = renderWithCode(
    unlinkLocalUrls(msg.body),
    msg.attachCommand,
    escapeHtml,
    (s) => `<code>${escapeHtml(s)}</code>`,
  );
  const code = msg.code ? `\n<pre>${escapeHtml(truncate(msg.code, CODE_MAX))}</pre>` : '';
  const incident = msg.incidentId ? ` · incident ${msg.incidentId}` : '';
  const footer = `<i>${escapeHtml(`ClawMedic · ${msg.host}${incident}`)}</i>`;
  const text = `${title}\n${body}${code}\n${footer}`;
  // Cutting markup could leave a tag open, which Telegram rejects: fall back to the body as plain text.
  return text.length <= TEXT_MAX ? text : escapeHtml(truncate(`${msg.title}\n${msg.body}`, TEXT_MAX - 200));
}

export type InlineKeyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

/** Telegram's inline keyboard for the message's buttons (callback buttons only: no URLs). */
export function telegramKeyboard(msg: Message): InlineKeyboard | null {
  if (!msg.buttons?.length) return null;
  return { inline_keyboard: msg.buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data }))) };
}

export const telegram: ChannelFormatter = {
  service: 'Telegram',
  build(msg, channel, ctx) {
    if (!/^\d+:[A-Za-z0-9_-]+$/.test(channel.token)) {
      throw new ChannelConfigError(
        'token must be the bot token from @BotFather (digits, a colon, then letters and digits)',
      );
    }
    if (!channel.chatId.trim())
      throw new ChannelConfigError('chatId is required (the chat, group or channel to post to)');
    const base = requireHttpUrl(ctx.telegramApiBase, 'the Telegram API base URL');
    return {
      url: `${base.toString().replace(/\/+$/, '')}/bot${channel.token}/sendMessage`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        // As a string: Telegram accepts both, and a string keeps 64-bit ids and @channel names exact.
        chat_id: channel.chatId.trim(),
        text: telegramText(msg),
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(telegramKeyboard(msg) ? { reply_markup: telegramKeyboard(msg) } : {}),
      }),
    };
  },
};
