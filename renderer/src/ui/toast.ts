// Short messages under the toolbar (never over the save bar), announced to screen readers.
import { h, icon } from './dom.js';

// 4 s: long enough to read a one-line confirmation, short enough not to pile up.
const TOAST_MS = 4_000;
// 12 s: errors say what to do, which takes longer to read; they can also be dismissed at once.
const ERROR_TOAST_MS = 12_000;

let host: HTMLElement | null = null;

export function mountToasts(parent: HTMLElement): void {
  host = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
  parent.appendChild(host);
}

export function toast(message: string, kind: 'info' | 'ok' | 'error' = 'info'): void {
  if (!host) return;
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss' }, icon('close'));
  const el = h(
    'div',
    { class: ['toast', `toast-${kind}`], role: kind === 'error' ? 'alert' : null },
    h('span', null, message),
    close,
  );
  const remove = () => el.remove();
  close.addEventListener('click', remove);
  host.appendChild(el);
  setTimeout(remove, kind === 'error' ? ERROR_TOAST_MS : TOAST_MS);
}
