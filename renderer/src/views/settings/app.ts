// Settings → App: what the menu-bar app does at login, and where ClawMedic keeps its data.
import type { Form } from './form.js';

export function appSection(form: Form): HTMLElement {
  return form.group(
    'App',
    null,
    form.row(
      'Launch at login',
      'app.launchAtLogin',
      form.toggle('app.launchAtLogin'),
      'Start the menu-bar app when you log in (Mac app only).',
    ),
    form.row(
      'Data folder',
      'dataDir',
      form.text('dataDir', { mono: true }),
      'Incidents, transcripts and reports (kept private: 0700).',
    ),
  );
}
