// What every channel formatter provides: turning a (redacted) Message into the service's HTTP request.
import type { NotifyChannel } from '../../../../common/settings-schema.js';
import type { Message } from '../policy.js';
import type { HttpRequest } from '../send.js';

export interface ChannelContext {
  /** Base URL of the Telegram Bot API (overridable for tests). */
  telegramApiBase: string;
}

export interface ChannelFormatter {
  /** The service's name, for messages: "Discord". */
  service: string;
  /** Builds the request; throws a ChannelConfigError when the channel settings cannot work. */
  build(msg: Message, channel: NotifyChannel, ctx: ChannelContext): HttpRequest;
}

/** A channel whose settings cannot produce a request (missing URL, token, …): not worth retrying. */
export class ChannelConfigError extends Error {
  override name = 'ChannelConfigError';
}

/** Validates an http(s) URL from the settings; names the key on failure. */
export function requireHttpUrl(value: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ChannelConfigError(`${what} is not a valid URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ChannelConfigError(`${what} must be an http(s) URL`);
  return u;
}

/** Header values cannot hold line breaks (and a break would let text inject headers). */
export function headerSafe(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = String(v).replace(/[\r\n]+/g, ' ');
  return out;
}
