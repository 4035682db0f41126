// What the settings sections build with: labelled rows wired to the form store (label, hint, error, aria), and
// the two ways a part of the form follows the store without the whole form being rebuilt:
//   - region(): nodes rebuilt when a change they depend on happens (a step added, a profile's kind changed);
//   - watch(): a small update in place (a hint's text, a button's state), for every change it depends on.
// Typing into a field rebuilds nothing: the field already shows what was typed.
import type { SettingsView } from '../../../../common/contract.js';
import { type Ctx } from '../../context.js';
import type { FormChange, SettingsFormStore } from '../../settings/form-store.js';
import { parseLines, parseNumber } from '../../settings/parse.js';
import { schemaAt } from '../../settings/paths.js';
import { h, nextId, type Child } from '../../ui/dom.js';

/** A change that concerns one key path (what regions and watchers react to). */
export type PathChange = Extract<FormChange, { path: string }>;

export interface Field {
  input: HTMLElement;
  error: HTMLElement;
  row: HTMLElement;
}

interface Reaction {
  on: (change: PathChange) => boolean;
  run: () => void;
}

interface Region {
  on: (change: PathChange) => boolean;
  build: (form: Form) => Child[];
  start: Comment;
  end: Comment;
  scope: Scope;
}

/** What one build of a part of the form registered: its fields, watchers and nested regions. */
class Scope {
  readonly fields = new Map<string, Field>();
  readonly reactions: Reaction[] = [];
  readonly regions: Region[] = [];
}

/** The node list a Child describes (what h() would append). */
function nodes(children: Child[]): Node[] {
  const out: Node[] = [];
  const add = (c: Child) => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(add);
    else out.push(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  };
  children.forEach(add);
  return out;
}

/** Everything the sections of one rendering share: the store, the context, and where focus can go. */
export class FormRoot {
  private readonly scope = new Scope();
  readonly form: Form;

  constructor(
    readonly store: SettingsFormStore,
    readonly ctx: Ctx,
    /** Holds the whole form: focus keys are looked up in it. */
    readonly host: HTMLElement,
  ) {
    this.form = new Form(this, this.scope);
  }

  /** Tells each region and watcher about a change; a region that depends on it is rebuilt (and not told). */
  dispatch(change: PathChange): void {
    const visit = (scope: Scope) => {
      for (const r of scope.reactions) if (r.on(change)) r.run();
      for (const region of scope.regions) {
        if (region.on(change)) this.rebuild(region);
        else visit(region.scope);
      }
    };
    visit(this.scope);
  }

  /** Every field now in the form, by key path. */
  fields(): Map<string, Field> {
    const all = new Map<string, Field>();
    const visit = (scope: Scope) => {
      for (const [path, f] of scope.fields) all.set(path, f);
      for (const region of scope.regions) visit(region.scope);
    };
    visit(this.scope);
    return all;
  }

  /** Builds a region between two markers, so it needs no wrapper element (the CSS sees the same tree). */
  region(parent: Scope, on: Region['on'], build: Region['build']): Node[] {
    const region: Region = {
      on,
      build,
      start: document.createComment('region'),
      end: document.createComment('/region'),
      scope: new Scope(),
    };
    parent.regions.push(region);
    return [region.start, ...nodes(build(new Form(this, region.scope))), region.end];
  }

  private rebuild(region: Region): void {
    region.scope = new Scope();
    const next = nodes(region.build(new Form(this, region.scope)));
    const parent = region.end.parentNode;
    if (!parent) return;
    while (region.start.nextSibling && region.start.nextSibling !== region.end)
      parent.removeChild(region.start.nextSibling);
    for (const n of next) parent.insertBefore(n, region.end);
  }
}

export interface TextOptions {
  mono?: boolean;
  placeholder?: string;
  type?: string;
}

/** Builds the rows of one part of the form, registering its fields where it was built. */
export class Form {
  constructor(
    private readonly root: FormRoot,
    private readonly scope: Scope,
  ) {}

  get store(): SettingsFormStore {
    return this.root.store;
  }

  get ctx(): Ctx {
    return this.root.ctx;
  }

  /** What the engine sent with the settings (file, template variables, default prompt). */
  view(): SettingsView | null {
    return this.root.store.snapshot().view;
  }

  value(path: string): unknown {
    return this.root.store.value(path);
  }

  /** Nodes rebuilt whenever `on` says a change concerns them. */
  region(on: (change: PathChange) => boolean, build: (form: Form) => Child[]): Node[] {
    return this.root.region(this.scope, on, build);
  }

  /** Runs `run` after each change `on` accepts (for updates in place; the caller sets the first state). */
  watch(on: (change: PathChange) => boolean, run: () => void): void {
    this.scope.reactions.push({ on, run });
  }

  /** Moves focus to the element with this data-focus-key (after a rebuild replaced the one that had it). */
  focus(key: string): void {
    this.root.host.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
  }

  /** Registers a field whose row is built by hand (list items with two inputs). */
  register(path: string, field: Field): void {
    this.scope.fields.set(path, field);
  }

  /** Whether any problem (the form's or the engine's) concerns a key under `prefix`. */
  hasProblemsUnder(prefix: string): boolean {
    const s = this.root.store.snapshot();
    return [...s.problems, ...s.serverProblems].some((p) => p.path.startsWith(`${prefix}.`));
  }

  /** A labelled row; `input` gets the label, hint and error wiring, `container` (default: input) is placed. */
  row(
    label: string,
    path: string,
    input: HTMLElement,
    hint?: string,
    opts: { wide?: boolean; container?: HTMLElement } = {},
  ) {
    const id = input.id || nextId('field');
    input.id = id;
    input.dataset.path = path;
    const isGroup = input.getAttribute('role') === 'group';
    const error = h('div', { class: 'field-error', id: `${id}-error` });
    const hintEl = hint ? h('div', { class: 'field-hint muted', id: `${id}-hint` }, hint) : null;
    input.setAttribute('aria-describedby', [hintEl ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' '));
    const labelEl = isGroup
      ? h('span', { class: 'row-label', id: `${id}-label` }, label)
      : h('label', { for: id, class: 'row-label' }, label);
    if (isGroup) input.setAttribute('aria-labelledby', `${id}-label`);
    const control = h('div', { class: 'row-control' }, opts.container ?? input, hintEl, error);
    const r = h('div', { class: ['row', opts.wide ? 'row-wide' : null], 'data-field': path }, labelEl, control);
    this.scope.fields.set(path, { input, error, row: r });
    return r;
  }

  text(path: string, opts: TextOptions = {}): HTMLInputElement {
    const v = this.value(path);
    const input = h('input', {
      type: opts.type ?? 'text',
      class: ['input', opts.mono ? 'mono' : null],
      value: typeof v === 'string' ? v : v === undefined ? '' : formatValue(v),
      placeholder: opts.placeholder,
      spellcheck: 'false',
      autocomplete: 'off',
    });
    input.addEventListener('input', () => this.store.set(path, input.value));
    return input;
  }

  /** A number input (text, so a typo stays visible and gets its error) and its unit label. */
  num(path: string, unit?: string): { input: HTMLInputElement; container: HTMLElement } {
    const v = this.value(path);
    const node = schemaAt(path);
    const input = h('input', {
      type: 'text',
      inputmode: node?.type === 'integer' ? 'numeric' : 'decimal',
      class: 'input input-num',
      value: v === undefined ? '' : formatValue(v),
      placeholder: node?.default !== undefined ? formatValue(node.default) : undefined,
      autocomplete: 'off',
    });
    input.addEventListener('input', () => this.store.set(path, parseNumber(input.value)));
    const container = unit ? h('span', { class: 'num-wrap' }, input, h('span', { class: 'unit muted' }, unit)) : input;
    return { input, container };
  }

  /** A number row with the schema's range in its hint; a hint function is re-run as the value changes. */
  numRow(label: string, path: string, unit: string | undefined, hint?: string | (() => string)): HTMLElement {
    const node = schemaAt(path);
    const range =
      node && node.minimum !== undefined && node.maximum !== undefined
        ? `Range ${node.minimum}–${node.maximum}${unit ? ` ${unit}` : ''}.`
        : null;
    const hintText = () => [typeof hint === 'function' ? hint() : hint, range].filter(Boolean).join(' ');
    const { input, container } = this.num(path, unit);
    const r = this.row(label, path, input, hintText() || undefined, { container });
    if (typeof hint === 'function') {
      const hintEl = r.querySelector('.field-hint');
      this.watch(
        (c) => c.path === path,
        () => hintEl && (hintEl.textContent = hintText()),
      );
    }
    return r;
  }

  toggle(path: string): HTMLInputElement {
    const input = h('input', { type: 'checkbox', role: 'switch', class: 'switch', checked: this.value(path) === true });
    input.addEventListener('change', () => this.store.set(path, input.checked));
    return input;
  }

  /** `restructures`: other parts of the form depend on the choice (they are rebuilt when it changes). */
  select(path: string, options: readonly (readonly [string, string])[], opts: { restructures?: boolean } = {}) {
    const v = this.value(path);
    const s = h(
      'select',
      { class: 'input select', 'data-focus-key': opts.restructures ? `select-${path}` : undefined },
      ...options.map(([value, label]) => h('option', { value, selected: value === v }, label)),
    );
    s.addEventListener('change', () => {
      this.store.set(path, s.value, opts);
      if (opts.restructures) this.focus(`select-${path}`);
    });
    return s;
  }

  lines(path: string, rows = 3, placeholder?: string): HTMLTextAreaElement {
    const v = this.value(path);
    const t = h(
      'textarea',
      { class: 'input mono', rows, spellcheck: 'false', placeholder },
      Array.isArray(v) ? v.join('\n') : '',
    );
    t.addEventListener('input', () => this.store.set(path, parseLines(t.value)));
    return t;
  }

  group(title: string, description: string | null, ...rows: Child[]): HTMLElement {
    const id = nextId('group');
    return h(
      'section',
      { class: 'group', 'aria-labelledby': id },
      h('h2', { id }, title),
      description ? h('p', { class: 'group-desc muted' }, description) : null,
      h('div', { class: 'card rows' }, ...rows),
    );
  }
}

/** A label from a [value, label] list, or the value itself. */
export function labelOf(options: readonly (readonly [string, string])[], value: unknown): string {
  return options.find(([v]) => v === value)?.[1] ?? formatValue(value ?? '');
}

/**
 * A settings value as text: a string as it is, any other plain value as String() spells it, and a list or
 * object (which no field shows as text) as its JSON rather than "[object Object]".
 */
export function formatValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
    case 'symbol':
      return String(v);
    case 'function':
      return '[function]';
    case 'object':
      return v === null ? 'null' : JSON.stringify(v);
  }
}
