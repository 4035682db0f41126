// Settings → Restart: what ClawMedic runs when the gateway is confirmed down, before it calls the doctor.
// The step list is a region: adding, removing or reordering steps rebuilds the list, nothing else.
import { button, h, nextId } from '../../ui/dom.js';
import type { Form } from './form.js';

const STEPS = 'restart.steps';

function stepRows(form: Form): HTMLElement[] {
  const steps = form.value(STEPS);
  const count = Array.isArray(steps) ? steps.length : 0;
  const rows: HTMLElement[] = [];
  for (let i = 0; i < count; i++) {
    const base = `${STEPS}.${i}`;
    const cmd = form.text(`${base}.command`, { mono: true, placeholder: 'command' });
    cmd.setAttribute('aria-label', `Step ${i + 1} command`);
    cmd.dataset.focusKey = `step-${i}`;
    const timeout = form.num(`${base}.timeoutSec`, 's');
    timeout.input.setAttribute('aria-label', `Step ${i + 1} time limit in seconds`);
    const cmdErr = h('div', { class: 'field-error', id: nextId('err') });
    const timeoutErr = h('div', { class: 'field-error', id: nextId('err') });
    cmd.setAttribute('aria-describedby', cmdErr.id);
    timeout.input.setAttribute('aria-describedby', timeoutErr.id);
    const remove = () => {
      form.store.changeList(STEPS, (list) => list.splice(i, 1));
      form.focus('add-step');
    };
    const r = h(
      'div',
      { class: 'list-item step' },
      h('span', { class: 'step-n muted' }, `${i + 1}.`),
      cmd,
      timeout.container,
      button(`Remove step ${i + 1}`, remove, { icon: 'trash', iconOnly: true, kind: 'ghost' }),
      cmdErr,
      timeoutErr,
    );
    form.register(`${base}.command`, { input: cmd, error: cmdErr, row: r });
    form.register(`${base}.timeoutSec`, { input: timeout.input, error: timeoutErr, row: r });
    rows.push(r);
  }
  return rows;
}

function stepList(form: Form): HTMLElement {
  return h(
    'div',
    { class: 'list', role: 'group' },
    form.region(
      (c) => c.kind === 'restructured' && c.path === STEPS,
      (f) => {
        const rows = stepRows(f);
        const add = () => {
          f.store.changeList(STEPS, (list) => list.push({ command: '', timeoutSec: 120 }));
          f.focus(`step-${rows.length}`);
        };
        return [
          rows.length === 0
            ? h('div', { class: 'muted small list-empty' }, 'No steps: the restart command above is the only step.')
            : null,
          ...rows,
          button('Add step', add, { icon: 'plus', kind: 'ghost', attrs: { 'data-focus-key': 'add-step' } }),
        ];
      },
    ),
  );
}

export function restartSection(form: Form): HTMLElement {
  return form.group(
    'Restart',
    'What ClawMedic runs when the gateway is confirmed down, before it calls the doctor.',
    form.row(
      'Restart command',
      'restart.command',
      form.text('restart.command', { mono: true }),
      'Used when no steps are listed.',
    ),
    form.row('Restart steps', STEPS, stepList(form), 'Run in order, each with its own time limit.', { wide: true }),
    form.numRow('Attempts', 'restart.attempts', undefined, '0 skips restarts and goes straight to the doctor.'),
    form.numRow('Wait for healthy', 'restart.waitHealthySec', 's'),
    form.numRow('Backoff', 'restart.backoffSec', 's', 'Doubled after each attempt.'),
    form.numRow(
      'Restarts per hour',
      'restart.maxPerHour',
      undefined,
      'More than this and ClawMedic stops and asks you.',
    ),
  );
}
