// Generic JSON webhook: POST <url> with the payload below and `content-type: application/json`,
// plus any headers configured on the channel (e.g. Authorization). Any 2xx counts as delivered;
// 429 and 5xx are retried (Retry-After honoured), other answers are reported as failures.
//
// Payload, version 1 (fields are only ever added within a version; a breaking change bumps `version`):
//   {
//     "version": 1,
//     "source": "clawmedic",
//     "kind": "down" | "restarted" | "doctor-started" | "needs-approval" | "recovered" | "failed" | "test"
//             | "storage" | "fix-proposed" | "warning",   (new kinds are only ever added)
//     "severity": "critical" | "warning" | "info" | "success",
//     "title": string,              one line, plain text
//     "body": string,               a few lines, plain text
//     "incidentId": string | null,  null only for "test"
//     "at": string,                 ISO 8601, when it happened
//     "host": string,               the machine ClawMedic runs on
//     "attachCommand": string | null,  shell command that attaches to the doctor's tmux session on that host
//     "dedupeKey": string           identical keys describe the same news (for receivers that dedupe too)
//   }
// Every string has been through redaction (tokens, keys, secrets from the gateway config).
import type { Message } from '../policy.js';
import { unlinkLocalUrls } from '../format.js';
import { headerSafe, requireHttpUrl, type ChannelFormatter } from './types.js';

export const WEBHOOK_PAYLOAD_VERSION = 1;

export interface WebhookPayloadV1 {
  version: 1;
  source: 'clawmedic';
  kind: Message['kind'];
  severity: Message['severity'];
  title: string;
  body: string;
  incidentId: string | null;
  at: string;
  host: string;
  attachCommand: string | null;
  dedupeKey: string;
}

export function webhookPayload(msg: Message): WebhookPayloadV1 {
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    source: 'clawmedic',
    kind: msg.kind,
    severity: msg.severity,
    // Receivers often show these to people: no links to addresses only the watched machine can reach.
    title: unlinkLocalUrls(msg.title),
    body: unlinkLocalUrls(msg.body),
    incidentId: msg.incidentId,
    at: msg.at,
    host: msg.host,
    attachCommand: msg.attachCommand ?? null,
    dedupeKey: msg.dedupeKey,
  };
}

export const webhook: ChannelFormatter = {
  service: 'Webhook',
  build(msg, channel) {
    const url = requireHttpUrl(channel.url, 'url (the webhook endpoint)');
    return {
      url: url.toString(),
      method: 'POST',
      headers: { ...headerSafe(channel.headers), 'content-type': 'application/json' },
      body: JSON.stringify(webhookPayload(msg)),
    };
  },
};
