// Discord incoming webhook: POST <webhook URL> with one embed. Success is 204 No Content.
// allowed_mentions is empty so text from logs ("@everyone", "<@id>") can never ping anyone.
import type { Message, Severity } from '../policy.js';
import { escapeDiscord, renderWithCode, truncate, unlinkLocalUrls } from '../format.js';
import { headerSafe, requireHttpUrl, type ChannelFormatter } from './types.js';

const COLOR: Record<Severity, number> = {
  critical: 0xd83c3e,
  warning: 0xe8a317,
  info: 0x3b82f6,
  success: 0x2ea043,
};

// Discord's documented embed limits.
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 4096;
const FOOTER_MAX = 2048;

export function discordPayload(msg: Message): Record<string, unknown> {
  const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);
  const description = renderWithCode(unlinkLocalUrls(msg.body), msg.attachCommand, (s) => escapeDiscord(s), code);
  return {
    username: 'ClawMedic',
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: truncate(unlinkLocalUrls(msg.title), TITLE_MAX),
        description: truncate(description, DESCRIPTION_MAX),
        color: COLOR[msg.severity],
        timestamp: msg.at,
        footer: {
          text: truncate(`ClawMedic · ${msg.host}${msg.incidentId ? ` · incident ${msg.incidentId}` : ''}`, FOOTER_MAX),
        },
      },
    ],
  };
}

export const discord: ChannelFormatter = {
  service: 'Discord',
  build(msg, channel) {
    const url = requireHttpUrl(channel.url, 'url (the Discord webhook URL)');
    return {
      url: url.toString(),
      method: 'POST',
      headers: { ...headerSafe(channel.headers), 'content-type': 'application/json' },
      body: JSON.stringify(discordPayload(msg)),
    };
  },
};
