// Text helpers shared by the notification policy and the channel formatters.

/** "42 s", "6 min", "1 h 5 min": how long something took, for humans. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'an unknown time';
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return rest ? `${h} h ${rest} min` : `${h} h`;
}

/** Milliseconds between two ISO timestamps, or null when either is missing or unparseable. */
export function between(fromIso: string | null | undefined, toIso: string | null | undefined): number | null {
  if (!fromIso || !toIso) return null;
  const a = Date.parse(fromIso);
  const b = Date.parse(toIso);
  return Number.isFinite(a) && Number.isFinite(b) ? b - a : null;
}

/** Cuts text to max characters (code points), ending with an ellipsis when it had to cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

const LOCAL_HOSTS = [
  'localhost',
  '127(?:\\.\\d{1,3}){3}',
  '0\\.0\\.0\\.0',
  '\\[::1?\\]',
  '10(?:\\.\\d{1,3}){3}',
  '192\\.168(?:\\.\\d{1,3}){2}',
  '172\\.(?:1[6-9]|2\\d|3[01])(?:\\.\\d{1,3}){2}',
  '[a-z0-9-]+\\.local',
];
const LOCAL_HOST = `(?:${LOCAL_HOSTS.join('|')})`;
const LOCAL_URL = new RegExp(`\\bhttps?://(${LOCAL_HOST}(?::\\d+)?(?:/[^\\s"'<>)]*)?)`, 'gi');

/**
 * Remote services turn URLs into links. A loopback or LAN address only works on the watched machine,
 * so it is shown without its scheme: still readable, never a dead link on a phone.
 */
export function unlinkLocalUrls(text: string): string {
  return text.replace(LOCAL_URL, '$1');
}

/** One line, no control characters: for HTTP header values and titles. */
export function oneLine(text: string): string {
  return text
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Slack mrkdwn: only &, < and > are control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Discord markdown: backslash-escape what would format, quote or mention. */
export function escapeDiscord(text: string): string {
  return text.replace(/([\\*_~`|[\]<])/g, '\\$1').replace(/^(\s*)([#>-])/gm, '$1\\$2');
}

/**
 * Escapes text for a markup, rendering each occurrence of `code` (e.g. the tmux attach command) with
 * the markup's code style so it can be copied as is.
 */
export function renderWithCode(
  text: string,
  code: string | undefined,
  esc: (s: string) => string,
  wrap: (s: string) => string,
): string {
  if (!code || !text.includes(code)) return esc(text);
  return text
    .split(code)
    .map((part) => esc(part))
    .join(wrap(code));
}
