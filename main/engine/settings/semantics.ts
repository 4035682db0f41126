// Checks JSON Schema cannot express: cross-references, regexes, template variables, channel needs.
// They also run on a file whose shape is wrong (so one run lists every problem), hence the guards.
import type { SettingsProblem } from './index.js';
import { templateProblems } from '../../../common/template.js';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    // Not a URL at all: the schema's format check reports it.
    return '';
  }
}

export function semanticProblems(s: unknown): SettingsProblem[] {
  const out: SettingsProblem[] = [];
  if (!isObj(s)) return out;
  const url = isObj(s.gateway) ? s.gateway.url : undefined;
  if (typeof url === 'string' && /^https?:\/\//.test(url) && !hostOf(url)) {
    // "http://" passes the schema's pattern and its uri format, but there is nothing to probe.
    out.push({ path: 'gateway.url', message: 'must name a host, e.g. http://127.0.0.1:18789' });
  }
  const doctor = isObj(s.doctor) ? s.doctor : null;
  const profiles = doctor && isObj(doctor.profiles) ? doctor.profiles : {};
  const agents: unknown[] = doctor && Array.isArray(doctor.agents) ? doctor.agents : [];
  agents.forEach((name, i) => {
    // Own keys only: profiles["constructor"] is Object's, not a profile of the user's.
    if (typeof name === 'string' && !Object.prototype.hasOwnProperty.call(profiles, name)) {
      const known = Object.keys(profiles);
      out.push({
        path: `doctor.agents.${i}`,
        message:
          `names profile "${name}", which doctor.profiles does not define ` +
          `(defined: ${known.join(', ') || 'none'})`,
      });
    }
  });
  if (new Set(agents).size !== agents.length) out.push({ path: 'doctor.agents', message: 'lists a profile twice' });
  for (const [name, raw] of Object.entries(profiles)) {
    if (!isObj(raw)) continue;
    const at = `doctor.profiles.${name}`;
    if (raw.permissionMode === 'bypassPermissions' && raw.allowBypass !== true) {
      out.push({
        path: `${at}.permissionMode`,
        message:
          'bypassPermissions lets the agent run any command unasked; ' +
          'set allowBypass: true to opt in knowingly, or use dontAsk with an allowedTools list',
      });
    }
    const donePattern = str(raw.donePattern);
    if (donePattern) {
      try {
        new RegExp(donePattern);
      } catch (err) {
        out.push({
          path: `${at}.donePattern`,
          message: `is not a valid regular expression: ${(err as Error).message}`,
        });
      }
    } else if (raw.kind === 'generic') {
      out.push({
        path: `${at}.donePattern`,
        message: 'is required for generic agents (they have no hooks): a line the agent prints when it has finished',
      });
    }
  }
  if (doctor && typeof doctor.promptTemplate === 'string') {
    out.push(...templateProblems(doctor.promptTemplate).map((message) => ({ path: 'doctor.promptTemplate', message })));
  }
  const channels: unknown[] = isObj(s.notify) && Array.isArray(s.notify.channels) ? s.notify.channels : [];
  const names = new Set<string>();
  channels.forEach((c, i) => {
    if (!isObj(c)) return;
    const at = `notify.channels.${i}`;
    const type = str(c.type);
    const label = str(c.name) || type;
    if (names.has(label))
      out.push({ path: `${at}.name`, message: `"${label}" is used by another channel; give each a unique name` });
    names.add(label);
    if (type === 'telegram') {
      if (!str(c.token))
        out.push({ path: `${at}.token`, message: 'is required for telegram (the bot token from @BotFather)' });
      if (!str(c.chatId)) out.push({ path: `${at}.chatId`, message: 'is required for telegram' });
      const allowed = Array.isArray(c.allowChatIds) ? c.allowChatIds : [];
      if (c.interactive === true && allowed.length === 0) {
        out.push({
          path: `${at}.allowChatIds`,
          message: "must list who may press the buttons (Telegram user ids, or a group's chat id)",
        });
      }
      if (c.allowActions === true && c.interactive !== true) {
        const message = 'needs interactive: true (buttons are read by polling the bot)';
        out.push({ path: `${at}.allowActions`, message });
      }
    } else {
      if (type && !/^https?:\/\/[^\s/]+/.test(str(c.url))) {
        out.push({ path: `${at}.url`, message: `is required for ${type} and must be an http(s) URL` });
      }
      if (c.interactive === true || c.allowActions === true) {
        const key = c.interactive === true ? 'interactive' : 'allowActions';
        out.push({ path: `${at}.${key}`, message: 'buttons exist only for telegram channels' });
      }
    }
  });
  return out;
}
