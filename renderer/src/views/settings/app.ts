// Settings → App and Tools: what the menu-bar app does at login, where ClawMedic keeps its data, and the
// programs it runs itself (a full path, or empty for the one found on the login shell's PATH).
import type { Form } from './form.js';

const ON_PATH = '(found on your login shell’s PATH)';

export function appAndToolsSections(form: Form): HTMLElement[] {
  return [
    form.group(
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
    ),
    form.group(
      'Tools',
      'The programs ClawMedic runs itself. Leave a path empty to use the one found on your login shell’s PATH.',
      form.row(
        'tmux',
        'tools.tmux',
        form.text('tools.tmux', { mono: true, placeholder: ON_PATH }),
        'Runs the doctor’s sessions, which you can watch and take over.',
      ),
      form.row(
        'openclaw',
        'tools.openclaw',
        form.text('tools.openclaw', { mono: true, placeholder: ON_PATH }),
        'The OpenClaw CLI, for what the doctor’s context needs (openclaw config validate).',
      ),
    ),
  ];
}
