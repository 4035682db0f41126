// Settings → Doctor: the agents, in the order they are tried, and one card per agent profile.
// Regions: the agent list (follows the list, the profiles and their kinds), the set of profile cards (follows
// adding and removing profiles), and each card (follows its own kind, which decides its fields).
import { button, h } from '../../ui/dom.js';
import { toast } from '../../ui/toast.js';
import { formatValue, labelOf, type Form, type PathChange } from './form.js';

const AGENTS = 'doctor.agents';
const PROFILES = 'doctor.profiles';

export const PERMISSION_MODES = [
  ['dontAsk', 'Allow-list only (recommended)'],
  ['acceptEdits', 'Accept edits, ask for commands'],
  ['default', 'Ask for everything'],
  ['plan', 'Plan only, change nothing'],
  ['bypassPermissions', 'Bypass all checks (dangerous)'],
] as const;
export const AGENT_KINDS = [
  ['claude', 'Claude Code'],
  ['codex', 'Codex CLI'],
  ['generic', 'Other CLI'],
] as const;

type Profile = Record<string, unknown>;

function profiles(form: Form): Record<string, Profile> {
  const p = form.value(PROFILES);
  return p && typeof p === 'object' ? (p as Record<string, Profile>) : {};
}

function agentOrder(form: Form): string[] {
  const a = form.value(AGENTS);
  return Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : [];
}

/** The enabled profiles in their order, then the others. */
function profileNames(form: Form): string[] {
  const all = profiles(form);
  const order = agentOrder(form);
  return [...order.filter((n) => n in all), ...Object.keys(all).filter((n) => !order.includes(n))];
}

const isKindPath = (path: string) => /^doctor\.profiles\.[^.]+\.kind$/.test(path);

function agentRows(form: Form): HTMLElement[] {
  const all = profiles(form);
  const order = agentOrder(form);
  return profileNames(form).map((name) => {
    const on = order.includes(name);
    const idx = order.indexOf(name);
    const cb = h('input', {
      type: 'checkbox',
      class: 'check',
      checked: on,
      'aria-label': `Use ${name}`,
      'data-focus-key': `use-${name}`,
    });
    cb.addEventListener('change', () => {
      form.store.changeList(AGENTS, (agents) => {
        if (cb.checked) agents.push(name);
        else agents.splice(agents.indexOf(name), 1);
      });
      form.focus(`use-${name}`);
    });
    const move = (delta: number) => {
      form.store.changeList(AGENTS, (agents) => {
        const i = agents.indexOf(name);
        const j = i + delta;
        if (i < 0 || j < 0 || j >= agents.length) return;
        [agents[i], agents[j]] = [agents[j], agents[i]];
      });
      form.focus(`${delta < 0 ? 'up' : 'down'}-${name}`);
    };
    return h(
      'div',
      { class: ['list-item', 'agent', on ? null : 'agent-off'] },
      cb,
      h('span', { class: 'agent-rank muted' }, on ? `${idx + 1}.` : '–'),
      h('span', { class: 'agent-name' }, name),
      h('span', { class: 'muted small' }, labelOf(AGENT_KINDS, all[name]?.kind)),
      h('span', { class: 'spacer' }),
      button(`Move ${name} up`, () => move(-1), {
        icon: 'arrowUp',
        iconOnly: true,
        kind: 'ghost',
        attrs: { disabled: !on || idx === 0, 'data-focus-key': `up-${name}` },
      }),
      button(`Move ${name} down`, () => move(1), {
        icon: 'arrowDown',
        iconOnly: true,
        kind: 'ghost',
        attrs: { disabled: !on || idx === order.length - 1, 'data-focus-key': `down-${name}` },
      }),
    );
  });
}

function agentList(form: Form): HTMLElement {
  const affects = (c: PathChange) =>
    c.kind === 'restructured' && (c.path === AGENTS || c.path === PROFILES || isKindPath(c.path));
  return h('div', { class: 'list agent-order', role: 'group' }, form.region(affects, agentRows));
}

function profileSummary(form: Form, base: string): string {
  const command = formatValue(form.value(`${base}.command`) ?? '');
  const permissionMode = formatValue(form.value(`${base}.permissionMode`) ?? '');
  return ` ${command} · ${permissionMode}`;
}

function profileCard(form: Form, name: string, wasOpen: boolean): HTMLDetailsElement {
  const base = `${PROFILES}.${name}`;
  const kind = formatValue(form.value(`${base}.kind`) ?? '');
  const summaryText = h('span', { class: 'muted small' }, profileSummary(form, base));
  form.watch(
    (c) => c.path === `${base}.command` || c.path === `${base}.permissionMode`,
    () => (summaryText.textContent = profileSummary(form, base)),
  );
  const remove = () => {
    form.store.changeMap(PROFILES, (all) => delete all[name]);
    if (agentOrder(form).includes(name))
      form.store.changeList(AGENTS, (agents) => agents.splice(agents.indexOf(name), 1));
    form.focus('new-profile');
  };
  return h(
    'details',
    { class: 'profile', open: wasOpen || form.hasProblemsUnder(base) || undefined },
    h(
      'summary',
      { 'data-focus-key': `profile-${name}` },
      h('span', { class: 'profile-name' }, `Profile “${name}”`),
      summaryText,
    ),
    h(
      'div',
      { class: 'profile-body' },
      form.row('Kind', `${base}.kind`, form.select(`${base}.kind`, AGENT_KINDS, { restructures: true })),
      form.row('Command', `${base}.command`, form.text(`${base}.command`, { mono: true })),
      form.row(
        'Arguments',
        `${base}.args`,
        form.lines(`${base}.args`, 2, 'one per line'),
        'Extra arguments, one per line.',
      ),
      kind === 'claude'
        ? [
            form.row('Permissions', `${base}.permissionMode`, form.select(`${base}.permissionMode`, PERMISSION_MODES)),
            form.row(
              'Allowed tools',
              `${base}.allowedTools`,
              form.lines(`${base}.allowedTools`, 5),
              'Tool patterns the agent may use without asking, one per line, e.g. Bash(openclaw status:*).',
            ),
            form.row(
              'Allow bypass mode',
              `${base}.allowBypass`,
              form.toggle(`${base}.allowBypass`),
              'Required before “Bypass all checks” is accepted.',
            ),
          ]
        : null,
      kind === 'generic'
        ? [
            form.row(
              'Done pattern',
              `${base}.donePattern`,
              form.text(`${base}.donePattern`, { mono: true }),
              'A regular expression for the line the agent prints when finished (not in the brief).',
            ),
            form.numRow('Idle means done after', `${base}.idleSec`, 's'),
          ]
        : null,
      h('div', { class: 'row-actions' }, button(`Remove profile ${name}`, remove, { icon: 'trash', kind: 'ghost' })),
    ),
  );
}

/** One card per profile; each is rebuilt when its kind changes, keeping it open. */
function profileCards(form: Form): Node[] {
  return profileNames(form).flatMap((name) => {
    let open = false;
    return form.region(
      (c) => c.kind === 'restructured' && c.path === `${PROFILES}.${name}.kind`,
      (f) => {
        const card = profileCard(f, name, open);
        card.addEventListener('toggle', () => (open = card.open));
        open = card.open;
        return [card];
      },
    );
  });
}

function addProfileRow(form: Form): HTMLElement {
  const newName = h('input', {
    type: 'text',
    class: 'input mono',
    placeholder: 'new profile name',
    'aria-label': 'New profile name',
    'data-focus-key': 'new-profile',
  });
  const add = () => {
    const name = newName.value.trim();
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(name))
      return toast('A profile name uses letters, digits, - or _ (up to 40).', 'error');
    if (name in profiles(form)) return toast(`There is already a profile named ${name}.`, 'error');
    form.store.changeMap(
      PROFILES,
      (all) => (all[name] = { kind: 'generic', command: name, args: [], donePattern: '' }),
    );
    form.focus(`profile-${name}`);
  };
  newName.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      add();
    }
  });
  return h(
    'div',
    { class: 'row add-row' },
    h('span', { class: 'row-label' }, 'Add a profile'),
    h('div', { class: 'row-control inline' }, newName, button('Add', add, { icon: 'plus' })),
  );
}

export function doctorSection(form: Form): HTMLElement {
  const minutes = () => `${Math.round(Number(form.value('doctor.timeoutSec')) / 60) || '?'} minutes now.`;
  return form.group(
    'Doctor',
    'The AI agent that investigates and fixes the gateway when restarts do not help. It runs in tmux; you can ' +
      'watch and take over.',
    form.row('Doctor enabled', 'doctor.enabled', form.toggle('doctor.enabled')),
    form.row(
      'Agents, in order',
      AGENTS,
      agentList(form),
      'The first is tried first; the next takes over on quota or login errors.',
      {
        wide: true,
      },
    ),
    form.numRow('Time limit', 'doctor.timeoutSec', 's', minutes),
    form.numRow('Sessions per day', 'doctor.maxPerDay', undefined, 'More than this and ClawMedic stops and asks you.'),
    form.row(
      'Work folder',
      'doctor.workDir',
      form.text('doctor.workDir', { mono: true, placeholder: '(inside the data folder)' }),
    ),
    form.region((c) => c.kind === 'restructured' && c.path === PROFILES, profileCards),
    addProfileRow(form),
  );
}
