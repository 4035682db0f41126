// Settings → Known fixes (what each rung may do without asking), Prevention (the config guard and the
// resource thresholds) and Playbooks (learned from the doctor: enable, disable, see the steps). The first
// two are settings keys like any other; playbooks are files of their own, changed through the engine at
// once (they are not part of the settings document, so Save does not apply to them).
import type { PlaybookStep, PlaybookView } from '../../../../common/knownfix.js';
import { READ_ONLY_HINT } from '../../context.js';
import { button, h, replaceChildren } from '../../ui/dom.js';
import { when } from '../../ui/format.js';
import { toast } from '../../ui/toast.js';
import type { Form } from './form.js';

const MODES = [
  ['auto', 'Automatic'],
  ['ask', 'Ask me first'],
  ['off', 'Off'],
] as const;

export function knownFixesSection(form: Form): HTMLElement {
  const mode = (label: string, key: string, hint: string, options: readonly (readonly [string, string])[] = MODES) =>
    form.row(label, `knownFixes.${key}`, form.select(`knownFixes.${key}`, options), hint);
  return form.group(
    'Known fixes',
    'Deterministic repairs between the restart and the doctor: each one checks the outage’s fingerprint first, ' +
      'and ClawMedic’s own probe decides whether it worked. Every change can be undone from the incident.',
    form.row(
      'Known fixes',
      'knownFixes.enabled',
      form.toggle('knownFixes.enabled'),
      'Off: the fingerprint is still recorded, then the doctor runs.',
    ),
    mode(
      'Stale gateway on the port',
      'staleGateway',
      'Stops an OpenClaw gateway process that holds the port but does not answer, then starts the gateway.',
    ),
    mode(
      'Another program on the port',
      'portForeign',
      'Never stopped without your yes: the question names its pid and command line.',
      MODES.filter(([v]) => v !== 'auto'),
    ),
    mode(
      'openclaw doctor --fix',
      'configDoctorFix',
      'OpenClaw’s own repair, only when its .last-good copy exists; it keeps the broken file as .clobbered.*.',
    ),
    mode(
      'Last-known-good config',
      'configRestore',
      'Restores ClawMedic’s copy of a config that worked; your edit is kept beside the file.',
    ),
    mode(
      'Roll back an update',
      'updateRollback',
      'Reinstalls the version last seen healthy when a new one does not start.',
    ),
    mode(
      'Playbooks',
      'playbooks',
      'Enabled playbooks (below) run before the doctor.',
      MODES.filter(([v]) => v !== 'ask'),
    ),
    form.numRow('Wait for an answer', 'knownFixes.askTimeoutSec', 's', 'Then ClawMedic goes on without the fix.'),
    form.numRow('Stop grace', 'knownFixes.stopGraceSec', 's', 'SIGTERM, then SIGKILL after this long.'),
    form.numRow('Healthy before a config counts as good', 'knownFixes.lastGoodAfterSec', 's'),
    form.numRow('Last-known-good copies kept', 'knownFixes.lastGoodKeep', undefined),
    form.row(
      'Rollback command',
      'knownFixes.rollbackCommand',
      form.text('knownFixes.rollbackCommand', { mono: true, placeholder: 'detected (npm, pnpm)' }),
      '{{version}} is filled in; empty: from how OpenClaw was installed.',
    ),
  );
}

export function preventionSection(form: Form): HTMLElement {
  return form.group(
    'Prevention',
    'Warnings before an outage, in a notification and on the incident list.',
    form.row(
      'Config guard',
      'guard.config',
      form.toggle('guard.config'),
      'Validates every edit of the gateway config the way the gateway will at its next start.',
    ),
    form.row(
      'Memory and disk',
      'guard.resources',
      form.toggle('guard.resources'),
      'The gateway process’s memory, and the free space where it writes.',
    ),
    form.numRow('Memory above', 'guard.memoryWarnMb', 'MB'),
    form.numRow('Memory growing faster than', 'guard.memoryGrowthMbPerHour', 'MB/h', 'Measured over at least an hour.'),
    form.numRow('Free disk below', 'guard.diskFreeWarnMb', 'MB'),
    form.numRow('Sample every', 'guard.sampleIntervalSec', 's'),
  );
}

function stateOf(v: PlaybookView): [string, string] {
  if (!v.playbook) return ['Invalid', 'bad'];
  if (v.playbook.enabled) return ['Enabled', 'ok'];
  return v.playbook.stats.disabledReason ? ['Disabled by ClawMedic', 'bad'] : ['Proposed', 'busy'];
}

function stepText(s: PlaybookStep): string {
  if ('run' in s) return `$ ${s.run}`;
  if ('edit' in s) return `edit ${s.edit}: ${JSON.stringify(s.find)} → ${JSON.stringify(s.replace)}`;
  return `write ${s.write} (${s.content.length} characters)`;
}

/** Settings → Playbooks: a list with each one's trigger, steps, origin, record, and Enable/Disable. */
export function playbooksSection(form: Form): HTMLElement {
  const { api } = form.ctx;
  const body = h(
    'div',
    { class: 'playbook-list', 'aria-live': 'polite' },
    h('div', { class: 'muted small' }, 'Loading playbooks…'),
  );
  const load = async () => {
    let list: PlaybookView[];
    try {
      list = await api.listPlaybooks();
    } catch (err) {
      replaceChildren(
        body,
        h('div', { class: 'field-error' }, `Could not list the playbooks: ${(err as Error).message}`),
      );
      return;
    }
    if (list.length === 0) {
      replaceChildren(
        body,
        h(
          'div',
          { class: 'muted small list-empty' },
          'None yet. When the doctor fixes an outage, ClawMedic proposes what the agent did as a playbook here.',
        ),
      );
      return;
    }
    replaceChildren(body, ...list.map((v) => item(v)));
  };
  const toggle = async (v: PlaybookView, on: boolean) => {
    let r;
    try {
      r = await api.setPlaybookEnabled(v.id, on);
    } catch (err) {
      r = { ok: false as const, message: (err as Error).message };
    }
    toast(r.ok ? `${v.id} is ${on ? 'enabled' : 'disabled'}.` : r.message, r.ok ? 'ok' : 'error');
    await load();
  };
  const item = (v: PlaybookView): HTMLElement => {
    const [label, tone] = stateOf(v);
    const p = v.playbook;
    const control = p
      ? button(p.enabled ? 'Disable' : 'Enable', () => void toggle(v, !p.enabled), {
          kind: p.enabled ? 'ghost' : 'primary',
          attrs: { 'data-playbook': v.id },
        })
      : null;
    if (control && form.ctx.readOnly()) {
      control.disabled = true;
      control.title = READ_ONLY_HINT;
    }
    return h(
      'div',
      { class: 'list-item playbook', 'data-playbook-id': v.id },
      h(
        'div',
        { class: 'playbook-head' },
        h('strong', { class: 'mono' }, v.id),
        h('span', { class: ['badge', `tone-${tone}`] }, label),
        h('span', { class: 'spacer' }),
        control,
      ),
      p
        ? h(
            'div',
            { class: 'playbook-body small' },
            h('div', null, p.title),
            h('div', { class: 'muted' }, `When the fingerprint is ${p.when.key || p.when.kind}`),
            h('ol', { class: 'playbook-steps mono' }, ...p.steps.map((s) => h('li', null, stepText(s)))),
            h(
              'div',
              { class: 'muted' },
              p.restartAfter
                ? 'Then the restart steps; ClawMedic’s probe decides.'
                : 'ClawMedic’s probe decides (it starts the gateway itself).',
            ),
            h(
              'div',
              { class: 'muted' },
              `Learned ${when(p.source.learnedAt)}` +
                (p.source.incidentId ? ` from incident ${p.source.incidentId}` : '') +
                (p.source.agent ? ` (${p.source.agent})` : '') +
                ` · ${p.stats.successes} of ${p.stats.runs} runs fixed it`,
            ),
            p.stats.disabledReason ? h('div', { class: 'field-error' }, p.stats.disabledReason) : null,
          )
        : h('div', { class: 'field-error small' }, `${v.file}: ${v.problems.join('; ')}`),
    );
  };
  void load();
  return h(
    'section',
    { class: 'group', 'aria-label': 'Playbooks' },
    h('h2', null, 'Playbooks'),
    h(
      'p',
      { class: 'group-desc muted' },
      'Learned from the doctor: what the agent did, as steps you can read. ' +
        'A proposed playbook runs only once you enable it; one that fails twice is disabled again. ' +
        'Changes here apply at once.',
    ),
    h('div', { class: 'card' }, body),
  );
}
