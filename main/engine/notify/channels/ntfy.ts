// ntfy: POST <server>/<topic> with the message as the plain-text body and Title / Priority / Tags headers.
// HTTP headers are Latin-1 only, so a title with other characters is sent as an RFC 2047 encoded word,
// which ntfy decodes. Channel headers (e.g. Authorization for a protected topic) are passed through.
import type { MessageKind } from '../policy.js';
import { oneLine, truncate, unlinkLocalUrls } from '../format.js';
import { ChannelConfigError, headerSafe, requireHttpUrl, type ChannelFormatter } from './types.js';

/** 1 (min) … 5 (max): what needs a human now is urgent, good news is default. */
const PRIORITY: Record<MessageKind, number> = {
  failed: 5,
  down: 4,
  'needs-approval': 4,
  'doctor-started': 3,
  restarted: 3,
  recovered: 3,
  test: 3,
  storage: 3,
  'fix-proposed': 4,
  warning: 4,
};

/** Emoji shortcodes ntfy shows in front of the title. */
const TAGS: Record<MessageKind, string> = {
  failed: 'sos',
  down: 'rotating_light',
  'needs-approval': 'raised_hand',
  'doctor-started': 'stethoscope',
  restarted: 'arrows_counterclockwise',
  recovered: 'white_check_mark',
  test: 'test_tube',
  storage: 'floppy_disk',
  'fix-proposed': 'wrench',
  warning: 'warning',
};

/** ntfy's default message size limit (bigger bodies become attachments). */
const BODY_MAX = 4096;

/** Leaves printable ASCII as is; anything else becomes `=?UTF-8?B?…?=`. */
export function encodeHeaderWord(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

export const ntfy: ChannelFormatter = {
  service: 'ntfy',
  build(msg, channel) {
    const url = requireHttpUrl(channel.url, 'url (the ntfy topic URL, e.g. https://ntfy.sh/my-topic)');
    if (url.pathname.replace(/\/+$/, '') === '')
      throw new ChannelConfigError('url must name a topic, e.g. https://ntfy.sh/my-topic');
    const body = [
      unlinkLocalUrls(msg.body),
      `(ClawMedic · ${msg.host}${msg.incidentId ? ` · incident ${msg.incidentId}` : ''})`,
    ].join('\n');
    return {
      url: url.toString(),
      method: 'POST',
      headers: {
        ...headerSafe(channel.headers),
        'content-type': 'text/plain; charset=utf-8',
        Title: encodeHeaderWord(truncate(oneLine(unlinkLocalUrls(msg.title)), 200)),
        Priority: String(PRIORITY[msg.kind]),
        Tags: TAGS[msg.kind],
      },
      body: truncate(body, BODY_MAX),
    };
  },
};
