// Settings: a form over the engine's settings schema. Errors show next to their field, from the
// client-side schema check while typing and from the engine when saving (it validates everything and
// saves nothing invalid). Unset keys keep their defaults, so the file stays as small as the user made it.
import type { Problem, SettingsView } from '../../../common/contract.js';
import { READ_ONLY_HINT, type Ctx, type View } from '../context.js';
import { getAt, placeProblems, setAt, unsetAt, type Doc } from '../settings/paths.js';
import { parseHeaders, parseLines, parseNumber } from '../settings/parse.js';
import { checkSettings, schemaAt, withDefaults } from '../settings/schema-check.js';
import { button, h, nextId, replaceChildren, type Child } from '../ui/dom.js';
import { toast } from '../ui/toast.js';

// 150 ms: validation feels immediate but does not run on every keystroke of a fast typist.
const VALIDATE_DEBOUNCE_MS = 150;
// 400 ms: the brief preview asks the engine; wait for a pause in typing.
const PREVIEW_DEBOUNCE_MS = 400;

const PERMISSION_MODES: [string, string][] = [
  ['dontAsk', 'Allow-list only (recommended)'],
  ['acceptEdits', 'Accept edits, ask for commands'],
  ['default', 'Ask for everything'],
  ['plan', 'Plan only, change nothing'],
  ['bypassPermissions', 'Bypass all checks (dangerous)'],
];
const AGENT_KINDS: [string, string][] = [
  ['claude', 'Claude Code'],
  ['codex', 'Codex CLI'],
  ['generic', 'Other CLI'],
];
const CHANNEL_TYPES: [string, string][] = [
  ['discord', 'Discord'],
  ['slack', 'Slack'],
  ['telegram', 'Telegram'],
  ['ntfy', 'ntfy'],
  ['webhook', 'Webhook'],
];

interface Field {
  input: HTMLElement;
  error: HTMLElement;
  row: HTMLElement;
}

export function createSettingsView(ctx: Ctx): View {
  const { api } = ctx;
  const el = h('section', { class: 'view view-settings', 'aria-label': 'Settings' });
  let view: SettingsView | null = null;
  let saved: Doc = {};
  let working: Doc = {};
  let clientProblems: Problem[] = [];
  let serverProblems: Problem[] = [];
  let serverMessage: string | null = null;
  let fields = new Map<string, Field>();
  let validateTimer: ReturnType<typeof setTimeout> | null = null;
  let previewTimer: ReturnType<typeof setTimeout> | null = null;
  let saving = false;

  const summary = h('div', { class: 'problems-summary', role: 'alert', hidden: true });
  const dirtyLabel = h('span', { class: 'save-state muted' });
  const revertBtn = button('Revert', () => revert(), { kind: 'ghost' });
  const saveBtn = button('Save', () => void save(), { kind: 'primary' });
  const saveBar = h('div', { class: 'save-bar' }, dirtyLabel, h('span', { class: 'spacer' }), revertBtn, saveBtn);
  const formHost = h('div', { class: 'settings-form' });
  const roBanner = h('div', { class: 'banner banner-info inline-banner', hidden: true }, READ_ONLY_HINT);
  el.append(h('div', { class: 'settings-scroll' }, h('div', { class: 'page-head' }, h('h1', null, 'Settings'), h('span', { class: 'muted small settings-file' })), roBanner, summary, formHost), saveBar);
  const fileLabel = el.querySelector('.settings-file') as HTMLElement;

  const effective = (): Doc => withDefaults(working);
  const valueAt = (path: string): unknown => getAt(effective(), path);
  const isDirty = () => JSON.stringify(working) !== JSON.stringify(saved);

  // ---- loading -------------------------------------------------------------------------------
  async function load(): Promise<void> {
    try {
      view = await api.getSettings();
    } catch (err) {
      replaceChildren(formHost, h('div', { class: 'empty-state' }, h('div', { class: 'empty-title' }, 'Could not load the settings'), h('div', { class: 'muted' }, (err as Error).message)));
      return;
    }
    const doc = view.settings && typeof view.settings === 'object' ? (view.settings as Doc) : {};
    saved = structuredClone(doc);
    working = structuredClone(doc);
    serverProblems = view.problems.slice();
    serverMessage = view.problems.length ? 'The settings file on disk has problems; ClawMedic uses the last valid settings until they are fixed.' : null;
    fileLabel.textContent = view.file;
    render();
  }

  function revert(): void {
    working = structuredClone(saved);
    serverProblems = [];
    serverMessage = null;
    render();
  }

  // ---- editing -------------------------------------------------------------------------------
  function edited(path: string): void {
    serverProblems = serverProblems.filter((p) => !(p.path === path || p.path.startsWith(path + '.')));
    if (validateTimer) clearTimeout(validateTimer);
    validateTimer = setTimeout(validate, VALIDATE_DEBOUNCE_MS);
    updateSaveBar();
  }

  function put(path: string, value: unknown): void {
    if (value === undefined) unsetAt(working, path);
    else setAt(working, path, value);
    edited(path);
  }

  /** Structural change (add/remove/reorder): rebuild the form and put focus back where it was. */
  function restructure(mutate: () => void, focusKey?: string): void {
    mutate();
    render();
    validate();
    if (focusKey) formHost.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  function validate(): void {
    validateTimer = null;
    clientProblems = checkSettings(working);
    showProblems();
    updateSaveBar();
  }

  function showProblems(): void {
    const all = [...clientProblems, ...serverProblems.filter((s) => !clientProblems.some((c) => c.path === s.path && c.message === s.message))];
    const { byField, unplaced } = placeProblems([...fields.keys()], all);
    const invalidRows = new Set<HTMLElement>();
    for (const [path, f] of fields) {
      const msgs = byField.get(path);
      f.error.textContent = msgs ? msgs.join(' · ') : '';
      if (msgs) {
        invalidRows.add(f.row);
        f.input.setAttribute('aria-invalid', 'true');
      } else f.input.removeAttribute('aria-invalid');
    }
    for (const f of fields.values()) f.row.classList.toggle('invalid', invalidRows.has(f.row));
    replaceChildren(summary);
    if (unplaced.length || serverMessage) {
      summary.hidden = false;
      if (serverMessage) summary.append(h('strong', null, serverMessage));
      if (unplaced.length) summary.append(h('ul', null, ...unplaced.map((p) => h('li', null, h('code', null, p.path), ' ', p.message))));
    } else summary.hidden = true;
  }

  function updateSaveBar(): void {
    const dirty = isDirty();
    const nProblems = clientProblems.length;
    const ro = ctx.readOnly();
    dirtyLabel.textContent = ro
      ? 'Read-only'
      : saving
        ? 'Saving…'
        : nProblems
          ? `${nProblems} problem${nProblems === 1 ? '' : 's'} to fix before saving`
          : dirty
            ? 'Unsaved changes'
            : 'All changes saved';
    dirtyLabel.classList.toggle('has-problems', nProblems > 0 && !ro);
    saveBtn.disabled = ro || saving || !dirty || nProblems > 0;
    revertBtn.disabled = ro || saving || !dirty;
    saveBtn.title = ro ? READ_ONLY_HINT : nProblems ? 'Fix the highlighted fields first' : '';
  }

  async function save(): Promise<void> {
    validate();
    if (clientProblems.length) {
      focusFirstProblem();
      return;
    }
    saving = true;
    updateSaveBar();
    let r;
    try {
      r = await api.saveSettings(structuredClone(working));
    } catch (err) {
      r = { ok: false as const, message: (err as Error).message };
    } finally {
      saving = false;
    }
    if (r.ok) {
      toast('Settings saved.', 'ok');
      await load();
      return;
    }
    serverProblems = r.problems ?? [];
    serverMessage = r.message;
    showProblems();
    updateSaveBar();
    toast(r.message, 'error');
    focusFirstProblem();
  }

  function focusFirstProblem(): void {
    const row = formHost.querySelector<HTMLElement>('.row.invalid');
    const target = (row?.querySelector('input, select, textarea, [tabindex]') as HTMLElement | null) ?? summary;
    target.scrollIntoView({ block: 'center' });
    target.focus();
  }

  // ---- field builders ------------------------------------------------------------------------
  /** A labelled row; `input` gets the label, hint and error wiring, `container` (default: input) is what is placed. */
  function row(label: string, path: string, input: HTMLElement, hint?: string, opts: { wide?: boolean; container?: HTMLElement } = {}): HTMLElement {
    const id = input.id || nextId('field');
    input.id = id;
    input.dataset.path = path;
    const isGroup = input.getAttribute('role') === 'group';
    const error = h('div', { class: 'field-error', id: `${id}-error` });
    const hintEl = hint ? h('div', { class: 'field-hint muted', id: `${id}-hint` }, hint) : null;
    input.setAttribute('aria-describedby', [hintEl ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' '));
    const labelEl = isGroup ? h('span', { class: 'row-label', id: `${id}-label` }, label) : h('label', { for: id, class: 'row-label' }, label);
    if (isGroup) input.setAttribute('aria-labelledby', `${id}-label`);
    const r = h('div', { class: ['row', opts.wide ? 'row-wide' : null], 'data-field': path }, labelEl, h('div', { class: 'row-control' }, opts.container ?? input, hintEl, error));
    fields.set(path, { input, error, row: r });
    return r;
  }

  function text(path: string, opts: { mono?: boolean; placeholder?: string; type?: string } = {}): HTMLInputElement {
    const v = valueAt(path);
    const input = h('input', {
      type: opts.type ?? 'text',
      class: ['input', opts.mono ? 'mono' : null],
      value: typeof v === 'string' ? v : v === undefined ? '' : String(v),
      placeholder: opts.placeholder,
      spellcheck: 'false',
      autocomplete: 'off',
    });
    input.addEventListener('input', () => put(path, input.value));
    return input;
  }

  /** A number input (text, so a typo stays visible and gets its error) and its unit label. */
  function num(path: string, unit?: string): { input: HTMLInputElement; container: HTMLElement } {
    const v = valueAt(path);
    const node = schemaAt(path);
    const input = h('input', {
      type: 'text',
      inputmode: node?.type === 'integer' ? 'numeric' : 'decimal',
      class: 'input input-num',
      value: v === undefined ? '' : String(v),
      placeholder: node?.default !== undefined ? String(node.default) : undefined,
      autocomplete: 'off',
    });
    input.addEventListener('input', () => put(path, parseNumber(input.value)));
    return { input, container: unit ? h('span', { class: 'num-wrap' }, input, h('span', { class: 'unit muted' }, unit)) : input };
  }

  function numRow(label: string, path: string, unit: string | undefined, hint?: string): HTMLElement {
    const node = schemaAt(path);
    const range = node && node.minimum !== undefined && node.maximum !== undefined ? `${node.minimum}–${node.maximum}${unit ? ` ${unit}` : ''}` : null;
    const { input, container } = num(path, unit);
    return row(label, path, input, [hint, range ? `Range ${range}.` : null].filter(Boolean).join(' ') || undefined, { container });
  }

  function toggle(path: string): HTMLInputElement {
    const input = h('input', { type: 'checkbox', role: 'switch', class: 'switch', checked: valueAt(path) === true });
    input.addEventListener('change', () => put(path, input.checked));
    return input;
  }

  function select(path: string, options: [string, string][]): HTMLSelectElement {
    const v = valueAt(path);
    const s = h('select', { class: 'input select' }, ...options.map(([value, label]) => h('option', { value, selected: value === v }, label)));
    s.addEventListener('change', () => put(path, s.value));
    return s;
  }

  function lines(path: string, rows = 3, placeholder?: string): HTMLTextAreaElement {
    const v = valueAt(path);
    const t = h('textarea', { class: 'input mono', rows, spellcheck: 'false', placeholder }, Array.isArray(v) ? v.join('\n') : '');
    t.addEventListener('input', () => put(path, parseLines(t.value)));
    return t;
  }

  // ---- sections ------------------------------------------------------------------------------
  function group(title: string, description: string | null, ...rows: Child[]): HTMLElement {
    const id = nextId('group');
    return h('section', { class: 'group', 'aria-labelledby': id }, h('h2', { id }, title), description ? h('p', { class: 'group-desc muted' }, description) : null, h('div', { class: 'card rows' }, ...rows));
  }

  function gatewaySection(): HTMLElement {
    return group(
      'Gateway',
      'Where the OpenClaw gateway answers and how ClawMedic checks it.',
      row('Gateway URL', 'gateway.url', text('gateway.url', { mono: true, type: 'url' }), 'ClawMedic probes /healthz, /readyz and /startupz under it.'),
      numRow('Check every', 'gateway.checkIntervalSec', 's'),
      numRow('Retry every', 'gateway.retryIntervalSec', 's', 'After a failed check, while confirming.'),
      numRow('Probe timeout', 'gateway.timeoutSec', 's', 'Longer than this counts as hung.'),
      numRow('Failures before acting', 'gateway.failureThreshold', undefined, 'Consecutive failed checks before a restart.'),
      numRow('Startup grace', 'gateway.startupGraceSec', 's', 'A starting gateway is not a failure within this time.'),
      row('Gateway config', 'gateway.configPath', text('gateway.configPath', { mono: true })),
      row('Log files', 'gateway.logPaths', lines('gateway.logPaths', 3), 'One path or glob per line; their tail goes into the doctor’s context.'),
    );
  }

  function restartSection(): HTMLElement {
    const steps = (valueAt('restart.steps') as { command: string; timeoutSec?: number }[] | undefined) ?? [];
    const stepList = h(
      'div',
      { class: 'list', role: 'group' },
      steps.length === 0 ? h('div', { class: 'muted small list-empty' }, 'No steps: the restart command above is the only step.') : null,
      ...steps.map((_, i) => {
        const base = `restart.steps.${i}`;
        const cmd = text(`${base}.command`, { mono: true, placeholder: 'command' });
        cmd.setAttribute('aria-label', `Step ${i + 1} command`);
        cmd.dataset.focusKey = `step-${i}`;
        const timeout = num(`${base}.timeoutSec`, 's');
        timeout.input.setAttribute('aria-label', `Step ${i + 1} time limit in seconds`);
        const cmdErr = h('div', { class: 'field-error', id: nextId('err') });
        const timeoutErr = h('div', { class: 'field-error', id: nextId('err') });
        cmd.setAttribute('aria-describedby', cmdErr.id);
        timeout.input.setAttribute('aria-describedby', timeoutErr.id);
        const r = h(
          'div',
          { class: 'list-item step' },
          h('span', { class: 'step-n muted' }, `${i + 1}.`),
          cmd,
          timeout.container,
          button(`Remove step ${i + 1}`, () => restructure(() => effectiveArray('restart.steps').splice(i, 1), 'add-step'), { icon: 'trash', iconOnly: true, kind: 'ghost' }),
          cmdErr,
          timeoutErr,
        );
        fields.set(`${base}.command`, { input: cmd, error: cmdErr, row: r });
        fields.set(`${base}.timeoutSec`, { input: timeout.input, error: timeoutErr, row: r });
        return r;
      }),
      button('Add step', () => restructure(() => effectiveArray('restart.steps').push({ command: '', timeoutSec: 120 }), `step-${steps.length}`), {
        icon: 'plus',
        kind: 'ghost',
        attrs: { 'data-focus-key': 'add-step' },
      }),
    );
    return group(
      'Restart',
      'What ClawMedic runs when the gateway is confirmed down, before it calls the doctor.',
      row('Restart command', 'restart.command', text('restart.command', { mono: true }), 'Used when no steps are listed.'),
      row('Restart steps', 'restart.steps', stepList, 'Run in order, each with its own time limit.', { wide: true }),
      numRow('Attempts', 'restart.attempts', undefined, '0 skips restarts and goes straight to the doctor.'),
      numRow('Wait for healthy', 'restart.waitHealthySec', 's'),
      numRow('Backoff', 'restart.backoffSec', 's', 'Doubled after each attempt.'),
      numRow('Restarts per hour', 'restart.maxPerHour', undefined, 'More than this and ClawMedic stops and asks you.'),
    );
  }

  /** The array at path in the working doc, created from the effective value if missing (for in-place edits). */
  function effectiveArray(path: string): unknown[] {
    const cur = getAt(working, path);
    if (Array.isArray(cur)) return cur;
    const arr = structuredClone((valueAt(path) as unknown[] | undefined) ?? []);
    setAt(working, path, arr);
    return arr;
  }

  function profilesDoc(): Record<string, Record<string, unknown>> {
    const cur = getAt(working, 'doctor.profiles');
    if (cur && typeof cur === 'object') return cur as Record<string, Record<string, unknown>>;
    const all = structuredClone((valueAt('doctor.profiles') as Record<string, Record<string, unknown>>) ?? {});
    setAt(working, 'doctor.profiles', all);
    return all;
  }

  function doctorSection(): HTMLElement {
    const profiles = (valueAt('doctor.profiles') as Record<string, Record<string, unknown>>) ?? {};
    const order = ((valueAt('doctor.agents') as string[]) ?? []).slice();
    const names = [...order.filter((n) => n in profiles), ...Object.keys(profiles).filter((n) => !order.includes(n))];
    const agentList = h(
      'div',
      { class: 'list agent-order', role: 'group' },
      ...names.map((name) => {
        const on = order.includes(name);
        const idx = order.indexOf(name);
        const cb = h('input', { type: 'checkbox', class: 'check', checked: on, 'aria-label': `Use ${name}`, 'data-focus-key': `use-${name}` });
        cb.addEventListener('change', () =>
          restructure(() => {
            const agents = effectiveArray('doctor.agents') as string[];
            if (cb.checked) agents.push(name);
            else agents.splice(agents.indexOf(name), 1);
          }, `use-${name}`),
        );
        const move = (delta: number) =>
          restructure(() => {
            const agents = effectiveArray('doctor.agents') as string[];
            const i = agents.indexOf(name);
            const j = i + delta;
            if (i < 0 || j < 0 || j >= agents.length) return;
            [agents[i], agents[j]] = [agents[j]!, agents[i]!];
          }, `${delta < 0 ? 'up' : 'down'}-${name}`);
        return h(
          'div',
          { class: ['list-item', 'agent', on ? null : 'agent-off'] },
          cb,
          h('span', { class: 'agent-rank muted' }, on ? `${idx + 1}.` : '–'),
          h('span', { class: 'agent-name' }, name),
          h('span', { class: 'muted small' }, AGENT_KINDS.find(([k]) => k === profiles[name]?.kind)?.[1] ?? String(profiles[name]?.kind ?? '')),
          h('span', { class: 'spacer' }),
          button(`Move ${name} up`, () => move(-1), { icon: 'arrowUp', iconOnly: true, kind: 'ghost', attrs: { disabled: !on || idx === 0, 'data-focus-key': `up-${name}` } }),
          button(`Move ${name} down`, () => move(1), { icon: 'arrowDown', iconOnly: true, kind: 'ghost', attrs: { disabled: !on || idx === order.length - 1, 'data-focus-key': `down-${name}` } }),
        );
      }),
    );
    const newName = h('input', { type: 'text', class: 'input mono', placeholder: 'new profile name', 'aria-label': 'New profile name', 'data-focus-key': 'new-profile' });
    const addProfile = () => {
      const name = newName.value.trim();
      if (!/^[A-Za-z0-9_-]{1,40}$/.test(name)) return toast('A profile name uses letters, digits, - or _ (up to 40).', 'error');
      if (name in profiles) return toast(`There is already a profile named ${name}.`, 'error');
      restructure(() => {
        profilesDoc()[name] = { kind: 'generic', command: name, args: [], donePattern: '' };
      }, `profile-${name}`);
    };
    newName.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        addProfile();
      }
    });
    return group(
      'Doctor',
      'The AI agent that investigates and fixes the gateway when restarts do not help. It runs in tmux; you can watch and take over.',
      row('Doctor enabled', 'doctor.enabled', toggle('doctor.enabled')),
      row('Agents, in order', 'doctor.agents', agentList, 'The first is tried first; the next takes over on quota or login errors.', { wide: true }),
      numRow('Time limit', 'doctor.timeoutSec', 's', `${Math.round(Number(valueAt('doctor.timeoutSec')) / 60) || '?'} minutes now.`),
      numRow('Sessions per day', 'doctor.maxPerDay', undefined, 'More than this and ClawMedic stops and asks you.'),
      row('Work folder', 'doctor.workDir', text('doctor.workDir', { mono: true, placeholder: '(inside the data folder)' })),
      ...names.map((name) => profileCard(name, profiles[name]!)),
      h('div', { class: 'row add-row' }, h('span', { class: 'row-label' }, 'Add a profile'), h('div', { class: 'row-control inline' }, newName, button('Add', addProfile, { icon: 'plus' }))),
    );
  }

  function profileCard(name: string, p: Record<string, unknown>): HTMLElement {
    const base = `doctor.profiles.${name}`;
    const kind = String(p.kind ?? '');
    const details = h(
      'details',
      { class: 'profile', open: fieldsHaveProblems(base) || undefined },
      h('summary', { 'data-focus-key': `profile-${name}` }, h('span', { class: 'profile-name' }, `Profile “${name}”`), h('span', { class: 'muted small' }, ` ${String(p.command ?? '')} · ${String(p.permissionMode ?? '')}`)),
      h(
        'div',
        { class: 'profile-body' },
        row('Kind', `${base}.kind`, select(`${base}.kind`, AGENT_KINDS)),
        row('Command', `${base}.command`, text(`${base}.command`, { mono: true })),
        row('Arguments', `${base}.args`, lines(`${base}.args`, 2, 'one per line'), 'Extra arguments, one per line.'),
        kind === 'claude' ? row('Permissions', `${base}.permissionMode`, select(`${base}.permissionMode`, PERMISSION_MODES)) : null,
        kind === 'claude' ? row('Allowed tools', `${base}.allowedTools`, lines(`${base}.allowedTools`, 5), 'Tool patterns the agent may use without asking, one per line, e.g. Bash(openclaw status:*).') : null,
        kind === 'claude' ? row('Allow bypass mode', `${base}.allowBypass`, toggle(`${base}.allowBypass`), 'Required before “Bypass all checks” is accepted.') : null,
        kind === 'generic' ? row('Done pattern', `${base}.donePattern`, text(`${base}.donePattern`, { mono: true }), 'A regular expression for the line the agent prints when finished (not in the brief).') : null,
        kind === 'generic' ? numRow('Idle means done after', `${base}.idleSec`, 's') : null,
        h(
          'div',
          { class: 'row-actions' },
          button(`Remove profile ${name}`, () =>
            restructure(() => {
              delete profilesDoc()[name];
              const agents = effectiveArray('doctor.agents') as string[];
              const i = agents.indexOf(name);
              if (i >= 0) agents.splice(i, 1);
            }, 'new-profile'),
          { icon: 'trash', kind: 'ghost' }),
        ),
      ),
    );
    return details;
  }

  function fieldsHaveProblems(prefix: string): boolean {
    return [...clientProblems, ...serverProblems].some((p) => p.path.startsWith(prefix + '.'));
  }

  function promptSection(): HTMLElement {
    const path = 'doctor.promptTemplate';
    const current = String(valueAt(path) ?? '');
    const ta = h('textarea', {
      class: 'input mono prompt-editor',
      rows: 14,
      spellcheck: 'false',
      placeholder: view?.defaultPromptTemplate || 'The built-in recovery brief',
    }, current);
    const preview = h('pre', { class: 'preview mono', tabindex: 0, 'aria-label': 'Preview of the brief the agent will get', 'aria-live': 'polite' });
    const previewNote = h('div', { class: 'muted small' });
    const refreshPreview = async () => {
      previewTimer = null;
      const template = ta.value || view?.defaultPromptTemplate || '';
      let r;
      try {
        r = await api.previewBrief(template);
      } catch (err) {
        r = { ok: false as const, message: (err as Error).message };
      }
      preview.textContent = r.ok ? r.value : '';
      preview.classList.toggle('preview-error', !r.ok);
      previewNote.textContent = r.ok ? `With today’s values${ta.value ? '' : ' (built-in prompt)'}.` : `Cannot preview: ${r.message}`;
    };
    const schedulePreview = () => {
      if (previewTimer) clearTimeout(previewTimer);
      previewTimer = setTimeout(() => void refreshPreview(), PREVIEW_DEBOUNCE_MS);
    };
    ta.addEventListener('input', () => {
      put(path, ta.value);
      schedulePreview();
    });
    const vars = Object.entries(view?.templateVariables ?? {}).map(([name, desc]) =>
      h(
        'button',
        {
          type: 'button',
          class: 'chip mono',
          title: desc,
          'aria-label': `Insert {{${name}}}: ${desc}`,
          onclick: () => {
            const token = `{{${name}}}`;
            const start = ta.selectionStart ?? ta.value.length;
            const end = ta.selectionEnd ?? start;
            ta.setRangeText(token, start, end, 'end');
            ta.dispatchEvent(new Event('input'));
            ta.focus();
          },
        },
        `{{${name}}}`,
      ),
    );
    void refreshPreview();
    return group(
      'Recovery prompt',
      'The brief the doctor gets. Leave it empty for the built-in one (shown greyed); placeholders are filled in for each incident.',
      row('Prompt template', path, ta, undefined, { wide: true }),
      h(
        'div',
        { class: 'row row-wide' },
        h('span', { class: 'row-label' }, 'Variables'),
        h('div', { class: 'row-control' }, h('div', { class: 'chips' }, ...vars), h('div', { class: 'field-hint muted' }, 'Click one to insert it at the cursor.')),
      ),
      h(
        'div',
        { class: 'row-actions' },
        button('Start from the built-in prompt', () => {
          ta.value = view?.defaultPromptTemplate ?? '';
          ta.dispatchEvent(new Event('input'));
          ta.focus();
        }, { kind: 'ghost' }),
        button('Use the built-in prompt', () => {
          ta.value = '';
          ta.dispatchEvent(new Event('input'));
          ta.focus();
        }, { kind: 'ghost' }),
      ),
      h('div', { class: 'row row-wide' }, h('span', { class: 'row-label' }, 'Preview'), h('div', { class: 'row-control' }, preview, previewNote)),
    );
  }

  function channelsSection(): HTMLElement {
    const channels = (valueAt('notify.channels') as Record<string, unknown>[]) ?? [];
    const dirty = isDirty();
    const cards = channels.map((c, i) => {
      const base = `notify.channels.${i}`;
      const type = String(c.type ?? '');
      const label = String(c.name || CHANNEL_TYPES.find(([t]) => t === type)?.[1] || type);
      const headers = c.headers && typeof c.headers === 'object' ? (c.headers as Record<string, string>) : {};
      const headersTa = h('textarea', { class: 'input mono', rows: 2, spellcheck: 'false', placeholder: 'Authorization: Bearer …' }, Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n'));
      headersTa.addEventListener('input', () => put(`${base}.headers`, parseHeaders(headersTa.value)));
      const testBtn = button('Send test', () => void sendTest(label, testBtn), {
        icon: 'send',
        attrs: { disabled: dirty || ctx.readOnly(), title: dirty ? 'Save first: the test uses the saved settings.' : `Send a test message via ${label}` },
      });
      return h(
        'div',
        { class: 'channel card-inner' },
        h('div', { class: 'channel-head' }, h('strong', null, label), h('span', { class: 'spacer' }), testBtn, button(`Remove channel ${label}`, () => restructure(() => effectiveArray('notify.channels').splice(i, 1), 'add-channel'), { icon: 'trash', iconOnly: true, kind: 'ghost' })),
        row('Name', `${base}.name`, text(`${base}.name`, { placeholder: type })),
        row('Type', `${base}.type`, select(`${base}.type`, CHANNEL_TYPES)),
        row('Enabled', `${base}.enabled`, toggle(`${base}.enabled`)),
        type === 'telegram'
          ? [row('Bot token', `${base}.token`, text(`${base}.token`, { mono: true, type: 'password' })), row('Chat id', `${base}.chatId`, text(`${base}.chatId`, { mono: true }))]
          : row(type === 'ntfy' ? 'Topic URL' : 'Webhook URL', `${base}.url`, text(`${base}.url`, { mono: true, type: 'url' })),
        type === 'webhook' || type === 'ntfy' ? row('Headers', `${base}.headers`, headersTa, 'One “Name: value” per line.') : null,
        numRow('At most one message per', `${base}.minIntervalSec`, 's'),
      );
    });
    const newType = h('select', { class: 'input select', 'aria-label': 'Type of the new channel' }, ...CHANNEL_TYPES.map(([value, label]) => h('option', { value }, label)));
    return group(
      'Notifications',
      'How ClawMedic tells you what happened. Secrets are redacted from every message.',
      row('Native notifications', 'notify.native', toggle('notify.native'), 'macOS notifications from the menu-bar app.'),
      channels.length ? cards : h('div', { class: 'muted small list-empty' }, 'No channels yet.'),
      h(
        'div',
        { class: 'row add-row' },
        h('span', { class: 'row-label' }, 'Add a channel'),
        h(
          'div',
          { class: 'row-control inline' },
          newType,
          button('Add', () =>
            restructure(() => {
              const list = effectiveArray('notify.channels') as Record<string, unknown>[];
              list.push({ type: newType.value, name: uniqueName(list, newType.value), enabled: true, url: '' });
            }, 'add-channel'),
          { icon: 'plus', attrs: { 'data-focus-key': 'add-channel' } }),
        ),
      ),
    );
  }

  async function sendTest(name: string, btn: HTMLButtonElement): Promise<void> {
    btn.disabled = true;
    try {
      const r = await api.testNotification(name);
      if (r.ok) toast(`Test message sent via ${name}.`, 'ok');
      else toast(r.message, 'error');
    } finally {
      btn.disabled = isDirty() || ctx.readOnly();
    }
  }

  function appSection(): HTMLElement {
    return group(
      'App',
      null,
      row('Launch at login', 'app.launchAtLogin', toggle('app.launchAtLogin'), 'Start the menu-bar app when you log in (Mac app only).'),
      row('Data folder', 'dataDir', text('dataDir', { mono: true }), 'Incidents, transcripts and reports (kept private: 0700).'),
    );
  }

  function render(): void {
    fields = new Map();
    const ro = ctx.readOnly();
    const body = h('fieldset', { class: 'settings-fieldset', disabled: ro }, gatewaySection(), restartSection(), doctorSection(), promptSection(), channelsSection(), appSection());
    replaceChildren(formHost, body);
    roBanner.hidden = !ro;
    clientProblems = checkSettings(working);
    showProblems();
    updateSaveBar();
  }

  ctx.onReadOnly(() => {
    if (view) render();
  });
  ctx.onEvent((e) => {
    // Saved elsewhere (the app, the CLI, an editor): reload unless the user is in the middle of edits.
    if (e.type === 'settings-changed' && !isDirty() && !el.hidden) void load();
  });

  return {
    el,
    show() {
      if (!view || !isDirty()) void load();
    },
    hide() {
      // Unsaved edits stay in the form until the user saves or reverts.
    },
  };
}

function uniqueName(list: Record<string, unknown>[], type: string): string {
  const used = new Set(list.map((c) => String(c.name || c.type)));
  if (!used.has(type)) return type;
  for (let i = 2; ; i++) if (!used.has(`${type}-${i}`)) return `${type}-${i}`;
}
