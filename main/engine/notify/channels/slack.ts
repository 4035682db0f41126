// Slack incoming webhook: POST <hooks.slack.com/services/…> with Block Kit blocks plus a plain `text`
// fallback (shown in notifications and by clients without blocks). Success is 200 "ok".
import type { Message, Severity } from '../policy.js';
import { escapeSlack, oneLine, renderWithCode, truncate, unlinkLocalUrls } from '../format.js';
import { headerSafe, requireHttpUrl, type ChannelFormatter } from './types.js';

const EMOJI: Record<Severity, string> = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':information_source:',
  success: ':white_check_mark:',
};

// Slack's documented Block Kit limits.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FALLBACK_MAX = 3000;

export function slackPayload(msg: Message): Record<string, unknown> {
  const body = renderWithCode(
    unlinkLocalUrls(msg.body),
    msg.attachCommand,
    escapeSlack,
    (s) => `\`${escapeSlack(s)}\``,
  );
  const title = unlinkLocalUrls(msg.title);
  return {
    text: truncate(escapeSlack(`${title}: ${oneLine(unlinkLocalUrls(msg.body))}`), FALLBACK_MAX),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(title, HEADER_MAX), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`${EMOJI[msg.severity]} ${body}`, SECTION_MAX) } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: escapeSlack(
              `ClawMedic · ${msg.host}${msg.incidentId ? ` · incident ${msg.incidentId}` : ''} · ${msg.at}`,
            ),
          },
        ],
      },
    ],
  };
}

export const slack: ChannelFormatter = {
  service: 'Slack',
  build(msg, channel) {
    const url = requireHttpUrl(channel.url, 'url (the Slack incoming-webhook URL)');
    return {
      url: url.toString(),
      method: 'POST',
      headers: { ...headerSafe(channel.headers), 'content-type': 'application/json' },
      body: JSON.stringify(slackPayload(msg)),
    };
  },
};
