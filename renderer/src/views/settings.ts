// Settings: a form over the engine's settings schema, one module per section (views/settings/), over one form
// store (settings/form-store.ts). Errors show next to their field, from the compiled schema validator while
// typing and from the engine when saving (it validates everything and saves nothing invalid). Unset keys keep
// their defaults, so the file stays as small as the user made it. A change rebuilds only what depends on it.
import { READ_ONLY_HINT, type Ctx, type View } from '../context.js';
import { SettingsFormStore, type FormChange } from '../settings/form-store.js';
import { placeProblems } from '../settings/paths.js';
import { button, h, replaceChildren } from '../ui/dom.js';
import { toast } from '../ui/toast.js';
import { appAndToolsSections } from './settings/app.js';
import { doctorSection } from './settings/doctor.js';
import { FormRoot } from './settings/form.js';
import { gatewaySection } from './settings/gateway.js';
import { knownFixesSection, playbooksSection, preventionSection } from './settings/knownfix.js';
import { notificationsSection } from './settings/notifications.js';
import { promptSection } from './settings/prompt.js';
import { restartSection } from './settings/restart.js';

/**
 * 150 ms: a field's error appears after a pause in typing, not at every keystroke: a half-typed value
 * (`http:/`) is not worth a red message yet, and 150 ms is still below what reads as a delay.
 */
const PROBLEMS_DEBOUNCE_MS = 150;

export function createSettingsView(ctx: Ctx): View {
  const { api } = ctx;
  const store = new SettingsFormStore();
  const el = h('section', { class: 'view view-settings', 'aria-label': 'Settings' });
  let loaded = false;
  let root: FormRoot | null = null;
  let problemsTimer: ReturnType<typeof setTimeout> | null = null;

  const summary = h('div', { class: 'problems-summary', role: 'alert', hidden: true });
  const dirtyLabel = h('span', { class: 'save-state muted' });
  const revertBtn = button('Revert', () => store.revert(), { kind: 'ghost' });
  const saveBtn = button('Save', () => void save(), { kind: 'primary' });
  const saveBar = h('div', { class: 'save-bar' }, dirtyLabel, h('span', { class: 'spacer' }), revertBtn, saveBtn);
  const formHost = h('div', { class: 'settings-form' });
  const roBanner = h('div', { class: 'banner banner-info inline-banner', hidden: true }, READ_ONLY_HINT);
  const fileLabel = h('span', { class: 'muted small settings-file' });
  el.append(
    h(
      'div',
      { class: 'settings-scroll' },
      h('div', { class: 'page-head' }, h('h1', null, 'Settings'), fileLabel),
      roBanner,
      summary,
      formHost,
    ),
    saveBar,
  );

  // ---- loading and saving ----------------------------------------------------------------------
  async function load(): Promise<void> {
    try {
      store.load(await api.getSettings());
    } catch (err) {
      replaceChildren(
        formHost,
        h(
          'div',
          { class: 'empty-state' },
          h('div', { class: 'empty-title' }, 'Could not load the settings'),
          h('div', { class: 'muted' }, (err as Error).message),
        ),
      );
    }
  }

  async function save(): Promise<void> {
    if (store.snapshot().problems.length) {
      showProblems();
      focusFirstProblem();
      return;
    }
    store.setSaving(true);
    let r;
    try {
      r = await api.saveSettings(store.document());
    } catch (err) {
      r = { ok: false as const, message: (err as Error).message };
    }
    if (r.ok) {
      store.setSaving(false);
      toast('Settings saved.', 'ok');
      await load();
      return;
    }
    store.refused(r.message, r.problems ?? []);
    toast(r.message, 'error');
    focusFirstProblem();
  }

  function focusFirstProblem(): void {
    const row = formHost.querySelector<HTMLElement>('.row.invalid');
    const target = (row?.querySelector('input, select, textarea, [tabindex]') as HTMLElement | null) ?? summary;
    target.scrollIntoView({ block: 'center' });
    target.focus();
  }

  // ---- showing the state -----------------------------------------------------------------------
  function showProblems(): void {
    if (problemsTimer) clearTimeout(problemsTimer);
    problemsTimer = null;
    if (!root) return;
    const fields = root.fields();
    const snap = store.snapshot();
    const { byField, unplaced } = placeProblems([...fields.keys()], store.allProblems());
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
    if (unplaced.length || snap.serverMessage) {
      summary.hidden = false;
      if (snap.serverMessage) summary.append(h('strong', null, snap.serverMessage));
      if (unplaced.length) {
        summary.append(h('ul', null, ...unplaced.map((p) => h('li', null, h('code', null, p.path), ' ', p.message))));
      }
    } else summary.hidden = true;
  }

  function updateSaveBar(): void {
    const { dirty, saving, problems } = store.snapshot();
    const n = problems.length;
    const ro = ctx.readOnly();
    dirtyLabel.textContent = ro
      ? 'Read-only'
      : saving
        ? 'Saving…'
        : n
          ? `${n} problem${n === 1 ? '' : 's'} to fix before saving`
          : dirty
            ? 'Unsaved changes'
            : 'All changes saved';
    dirtyLabel.classList.toggle('has-problems', n > 0 && !ro);
    saveBtn.disabled = ro || saving || !dirty || n > 0;
    revertBtn.disabled = ro || saving || !dirty;
    saveBtn.title = ro ? READ_ONLY_HINT : n ? 'Fix the highlighted fields first' : '';
  }

  /** The whole form, from the store: on load, revert and when read-only changes. */
  function render(): void {
    const ro = ctx.readOnly();
    root = new FormRoot(store, ctx, formHost);
    const f = root.form;
    const body = h(
      'fieldset',
      { class: 'settings-fieldset', disabled: ro },
      gatewaySection(f),
      restartSection(f),
      knownFixesSection(f),
      playbooksSection(f),
      preventionSection(f),
      doctorSection(f),
      promptSection(f),
      notificationsSection(f),
      appAndToolsSections(f),
    );
    replaceChildren(formHost, body);
    roBanner.hidden = !ro;
    showProblems();
    updateSaveBar();
  }

  store.subscribe((change: FormChange) => {
    switch (change.kind) {
      case 'loaded':
        loaded = true;
        fileLabel.textContent = store.snapshot().view?.file ?? '';
        render();
        return;
      case 'status':
        showProblems();
        updateSaveBar();
        return;
      case 'restructured':
        root?.dispatch(change);
        showProblems();
        updateSaveBar();
        return;
      case 'edited':
        root?.dispatch(change);
        updateSaveBar();
        if (problemsTimer) clearTimeout(problemsTimer);
        problemsTimer = setTimeout(showProblems, PROBLEMS_DEBOUNCE_MS);
        return;
    }
  });

  ctx.onReadOnly(() => {
    if (loaded) render();
  });
  ctx.onEvent((e) => {
    // Saved elsewhere (the app, the CLI, an editor): reload unless the user is in the middle of edits.
    if (e.type === 'settings-changed' && !store.isDirty() && !el.hidden) void load();
  });

  return {
    el,
    show() {
      if (!loaded || !store.isDirty()) void load();
    },
    hide() {
      // Unsaved edits stay in the form until the user saves or reverts.
    },
  };
}
