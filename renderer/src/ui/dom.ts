// A tiny element builder (no framework): text goes in as text nodes, never as HTML.
export type Child = Node | string | number | null | undefined | false | Child[];

/** An attribute's value: text, a number, a boolean toggle, a class list, or (for `on*`) a listener. */
export type AttrValue =
  string | number | boolean | null | undefined | (string | null | false | undefined)[] | ((ev: never) => void);

export interface Attrs {
  [name: string]: AttrValue;
}

function append(el: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(el, c);
    return;
  }
  el.appendChild(
    typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
  );
}

/**
 * h('button', {class: 'btn', onclick: fn, 'aria-label': 'Stop'}, 'Stop').
 * `on*` functions become listeners; booleans toggle attributes; `class` accepts an array; `style` is not
 * supported on purpose (inline style attributes would need a looser CSP).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
      else if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : String(v);
      else if (k === 'value') (el as HTMLInputElement).value = String(v);
      else if (k === 'checked') (el as HTMLInputElement).checked = Boolean(v);
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  for (const c of children) append(el, c);
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function replaceChildren(el: Element, ...children: Child[]): void {
  clear(el);
  for (const c of children) append(el, c);
}

let uid = 0;
/** Unique element ids for label/aria wiring. */
export function nextId(prefix: string): string {
  return `${prefix}-${++uid}`;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: (SVGElement | null)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.appendChild(c);
  return el;
}

// 16×16 line icons, drawn with currentColor so they follow the theme.
const ICONS: Record<string, string> = {
  terminal: 'M2.5 3.5h11v9h-11z M5 6.5l2 1.5-2 1.5 M8.5 10h2.5',
  pulse: 'M1.5 8.5h3l1.5-4 2.5 8 2-6 1 2h3',
  power: 'M8 2v5.5 M4.6 4.4a5 5 0 1 0 6.8 0',
  pause: 'M5.5 3.5v9 M10.5 3.5v9',
  list: 'M5.5 4.5h8 M5.5 8h8 M5.5 11.5h8 M2.5 4.5h.01 M2.5 8h.01 M2.5 11.5h.01',
  gear:
    'M8 5.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z M8 1.5v2 M8 12.5v2 M1.5 ' +
    '8h2 M12.5 8h2 M3.4 3.4l1.4 1.4 M11.2 11.2l1.4 1.4 M3.4 12.6l1.4-1.4 ' +
    'M11.2 4.8l1.4-1.4',
  play: 'M5 3.5l7 4.5-7 4.5z',
  stop: 'M4 4h8v8H4z',
  hand:
    'M5.5 8V3.5a1 1 0 0 1 2 0V7 M7.5 7V2.5a1 1 0 0 1 2 0V7 M9.5 7V3.5a1 1 0 ' +
    '0 1 2 0V9c0 3-1.5 5-4 5-2 0-3-1-4-3L2.3 8.6a1 1 0 0 1 1.6-1.2L5.5 9',
  back: 'M6 4L2 8l4 4 M2.5 8H10a3.5 3.5 0 0 1 0 7',
  copy: 'M5.5 5.5h7v8h-7z M3.5 10.5v-8h7',
  search: 'M7 2.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9z M10.3 10.3L14 14',
  chevronLeft: 'M10 3L5 8l5 5',
  chevronUp: 'M3.5 10L8 5.5l4.5 4.5',
  chevronDown: 'M3.5 6L8 10.5 12.5 6',
  close: 'M4 4l8 8 M12 4l-8 8',
  plus: 'M8 3v10 M3 8h10',
  trash: 'M3 4.5h10 M6.5 4.5V3h3v1.5 M4.5 4.5l.7 9h5.6l.7-9',
  send: 'M2.5 8L13.5 2.5 10 13.5 7.5 9z M7.5 9l6-6.5',
  refresh: 'M13 3v3.5H9.5 M12.6 6.5A5 5 0 1 0 13 9',
  arrowUp: 'M8 13V3 M4 7l4-4 4 4',
  arrowDown: 'M8 3v10 M4 9l4 4 4-4',
  check: 'M3 8.5l3 3 7-7',
  undo: 'M5.5 3.5L2.5 6.5l3 3 M2.5 6.5H10a3.5 3.5 0 0 1 0 7H7',
};

export function icon(name: string, label?: string): SVGSVGElement {
  const el = svg(
    'svg',
    { viewBox: '0 0 16 16', width: 16, height: 16, class: 'icon' },
    svg('path', { d: ICONS[name] ?? '' }),
  );
  if (label) {
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', label);
  } else el.setAttribute('aria-hidden', 'true');
  return el;
}

export function button(
  label: string,
  onClick: (ev: MouseEvent) => void,
  opts: {
    icon?: string;
    kind?: 'primary' | 'danger' | 'plain' | 'ghost';
    title?: string;
    iconOnly?: boolean;
    attrs?: Attrs;
  } = {},
): HTMLButtonElement {
  const b = h(
    'button',
    {
      type: 'button',
      class: ['btn', opts.kind ? `btn-${opts.kind}` : null, opts.iconOnly ? 'btn-icon' : null],
      title: opts.title ?? (opts.iconOnly ? label : undefined),
      'aria-label': opts.iconOnly ? label : undefined,
      onclick: onClick,
      ...opts.attrs,
    },
    opts.icon ? icon(opts.icon) : null,
    opts.iconOnly ? null : h('span', null, label),
  );
  return b;
}
