// Settings → Recovery prompt: the brief's template, its variables, and a live preview from the engine.
// The preview follows the template only (the engine fills it from the saved settings), after a pause in typing.
import { previewScheduler } from '../../settings/preview.js';
import { button, h } from '../../ui/dom.js';
import { formatValue, type Form } from './form.js';

const PATH = 'doctor.promptTemplate';

export function promptSection(form: Form): HTMLElement {
  const view = form.view();
  const builtIn = view?.defaultPromptTemplate ?? '';
  const ta = h(
    'textarea',
    {
      class: 'input mono prompt-editor',
      rows: 14,
      spellcheck: 'false',
      placeholder: builtIn || 'The built-in recovery brief',
    },
    formatValue(form.value(PATH) ?? ''),
  );
  const preview = h('pre', {
    class: 'preview mono',
    tabindex: 0,
    'aria-label': 'Preview of the brief the agent will get',
    'aria-live': 'polite',
  });
  const previewNote = h('div', { class: 'muted small' });
  const previews = previewScheduler(
    (template) => form.ctx.api.previewBrief(template),
    (r) => {
      preview.textContent = r.ok ? r.value : '';
      preview.classList.toggle('preview-error', !r.ok);
      previewNote.textContent = r.ok
        ? `With today’s values${ta.value ? '' : ' (built-in prompt)'}.`
        : `Cannot preview: ${r.message}`;
    },
  );
  ta.addEventListener('input', () => {
    form.store.set(PATH, ta.value);
    previews.soon(ta.value || builtIn);
  });
  const replaceWith = (text: string) => {
    ta.value = text;
    ta.dispatchEvent(new Event('input'));
    ta.focus();
  };
  const vars = Object.entries(view?.templateVariables ?? {}).map(([name, desc]) =>
    h(
      'button',
      {
        type: 'button',
        class: 'chip mono',
        title: desc,
        'aria-label': `Insert {{${name}}}: ${desc}`,
        onclick: () => {
          const start = ta.selectionStart ?? ta.value.length;
          ta.setRangeText(`{{${name}}}`, start, ta.selectionEnd ?? start, 'end');
          ta.dispatchEvent(new Event('input'));
          ta.focus();
        },
      },
      `{{${name}}}`,
    ),
  );
  previews.now(ta.value || builtIn);
  return form.group(
    'Recovery prompt',
    'The brief the doctor gets. Leave it empty for the built-in one (shown greyed); placeholders are filled in for ' +
      'each incident.',
    form.row('Prompt template', PATH, ta, undefined, { wide: true }),
    h(
      'div',
      { class: 'row row-wide' },
      h('span', { class: 'row-label' }, 'Variables'),
      h(
        'div',
        { class: 'row-control' },
        h('div', { class: 'chips' }, ...vars),
        h('div', { class: 'field-hint muted' }, 'Click one to insert it at the cursor.'),
      ),
    ),
    h(
      'div',
      { class: 'row-actions' },
      button('Start from the built-in prompt', () => replaceWith(builtIn), { kind: 'ghost' }),
      button('Use the built-in prompt', () => replaceWith(''), { kind: 'ghost' }),
    ),
    h(
      'div',
      { class: 'row row-wide' },
      h('span', { class: 'row-label' }, 'Preview'),
      h('div', { class: 'row-control' }, preview, previewNote),
    ),
  );
}
