// Checks JSON Schema cannot express: cross-references, regexes, template variables, channel needs.
import type { Settings, SettingsProblem } from './index.js';
import { templateProblems } from '../doctor/template.js';

export function semanticProblems(s: Settings): SettingsProblem[] {
  const out: SettingsProblem[] = [];
  s.doctor.agents.forEach((name, i) => {
    if (!s.doctor.profiles[name]) {
      const known = Object.keys(s.doctor.profiles);
      out.push({
        path: `doctor.agents.${i}`,
        message: `names profile "${name}", which doctor.profiles does not define (defined: ${known.join(', ') || 'none'})`,
      });
    }
  });
  if (new Set(s.doctor.agents).size !== s.doctor.agents.length) {
    out.push({ path: 'doctor.agents', message: 'lists a profile twice' });
  }
  for (const [name, p] of Object.entries(s.doctor.profiles)) {
    const at = `doctor.profiles.${name}`;
    if (p.permissionMode === 'bypassPermissions' && !p.allowBypass) {
      out.push({
        path: `${at}.permissionMode`,
        message:
          'bypassPermissions lets the agent run any command unasked; set allowBypass: true to opt in knowingly, or use dontAsk with an allowedTools list',
      });
    }
    if (p.donePattern) {
      try {
        new RegExp(p.donePattern);
      } catch (err) {
        out.push({ path: `${at}.donePattern`, message: `is not a valid regular expression: ${(err as Error).message}` });
      }
    }
    if (p.kind === 'generic' && !p.donePattern) {
      out.push({
        path: `${at}.donePattern`,
        message: 'is required for generic agents (they have no hooks): a line the agent prints when it has finished',
      });
    }
  }
  out.push(...templateProblems(s.doctor.promptTemplate).map((message) => ({ path: 'doctor.promptTemplate', message })));
  const names = new Set<string>();
  s.notify.channels.forEach((c, i) => {
    const at = `notify.channels.${i}`;
    const label = c.name || c.type;
    if (names.has(label)) out.push({ path: `${at}.name`, message: `"${label}" is used by another channel; give each a unique name` });
    names.add(label);
    if (c.type === 'telegram') {
      if (!c.token) out.push({ path: `${at}.token`, message: 'is required for telegram (the bot token from @BotFather)' });
      if (!c.chatId) out.push({ path: `${at}.chatId`, message: 'is required for telegram' });
    } else if (!/^https?:\/\/[^\s/]+/.test(c.url)) {
      out.push({ path: `${at}.url`, message: `is required for ${c.type} and must be an http(s) URL` });
    }
  });
  return out;
}
