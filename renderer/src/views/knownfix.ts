// Known fixes in the window: an incident's fingerprint and the rungs tried (what each did, its result,
// the config change, an Undo), the question a known fix waits on (Approve / Decline), and the warnings
// before an outage (the config guard's, with its diff and a Revert; memory; disk). Text from outside
// (commands, diffs) arrives redacted from the engine and is only ever set as text, never as HTML.
import type { Incident, Result } from '../../../common/contract.js';
import type { GatewayWarning, PendingFix, RungRecord } from '../../../common/knownfix.js';
import type { Ctx } from '../context.js';
import { READ_ONLY_HINT } from '../context.js';
import { diffLines, diffStats } from '../incidents/diff.js';
import { button, h, type Child } from '../ui/dom.js';
import { when } from '../ui/format.js';
import { toast } from '../ui/toast.js';

const HOUR_MINUTE: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };

const STATUS_LABEL: Record<string, string> = {
  proposed: 'Waiting for your answer',
  declined: 'Declined',
  expired: 'Not answered in time',
  off: 'Applies, but switched off',
  running: 'Running',
  recovered: 'Fixed it',
  failed: 'Did not fix it',
  notified: 'Reported only',
};

const STATUS_TONE: Record<string, string> = {
  recovered: 'ok',
  failed: 'bad',
  proposed: 'busy',
  running: 'busy',
  notified: 'warn',
  declined: 'idle',
  expired: 'idle',
  off: 'idle',
};

export function rungLabel(rung: string): string {
  if (rung.startsWith('playbook:')) return `Playbook ${rung.slice('playbook:'.length)}`;
  const names: Record<string, string> = {
    'runtime-mismatch': 'Runtime check',
    'stale-gateway': 'Stale gateway on the port',
    'port-foreign': 'Another program on the port',
    'config-doctor-fix': 'openclaw doctor --fix',
    'config-restore': 'Last-known-good config',
    'update-rollback': 'Roll back the update',
  };
  return names[rung] ?? rung;
}

export function diffBlock(diff: string, label: string): HTMLElement {
  const lines = diffLines(diff);
  const { added, removed } = diffStats(lines);
  return h(
    'div',
    { class: 'kf-diff' },
    h(
      'div',
      { class: 'diff-stats small' },
      h('span', { class: 'diff-add-count' }, `+${added}`),
      ' ',
      h('span', { class: 'diff-del-count' }, `−${removed}`),
    ),
    h(
      'pre',
      { class: 'diff mono', tabindex: 0, 'aria-label': label },
      ...lines.map((l) => h('span', { class: `diff-${l.kind}` }, l.text + '\n')),
    ),
  );
}

/** Runs a Result call, shows its message, and refreshes the caller's view. */
async function act<T>(what: string, call: () => Promise<Result<T>>, done: () => void): Promise<void> {
  let r: Result<T>;
  try {
    r = await call();
  } catch (err) {
    r = { ok: false, message: (err as Error).message };
  }
  if (r.ok) toast(typeof r.value === 'string' ? r.value : what, 'ok');
  else toast(r.message, 'error');
  done();
}

function guarded(ctx: Ctx, b: HTMLButtonElement): HTMLButtonElement {
  if (ctx.readOnly()) {
    b.disabled = true;
    b.title = READ_ONLY_HINT;
  }
  return b;
}

/** Approve / Decline for the known fix waiting on a person. */
export function pendingQuestion(ctx: Ctx, p: PendingFix, done: () => void): HTMLElement {
  return h(
    'div',
    { class: 'banner banner-warn kf-question', role: 'alert', 'data-pending-fix': p.recordId },
    h('div', null, h('strong', null, 'A known fix waits for your yes: '), p.action),
    p.diff ? diffBlock(p.diff, 'The config change it would make') : null,
    h(
      'div',
      { class: 'kf-actions' },
      guarded(
        ctx,
        button(
          'Approve',
          () =>
            void act(
              'Approved: ClawMedic carries it out and checks the gateway.',
              () => ctx.api.answerFix(p.incidentId, p.recordId, true),
              done,
            ),
          { kind: 'primary', icon: 'check' },
        ),
      ),
      guarded(
        ctx,
        button(
          'Decline',
          () =>
            void act(
              'Declined: ClawMedic goes on without it.',
              () => ctx.api.answerFix(p.incidentId, p.recordId, false),
              done,
            ),
          { kind: 'ghost' },
        ),
      ),
      h(
        'span',
        { class: 'muted small' },
        `Without an answer by ${new Date(p.expiresAt).toLocaleTimeString([], HOUR_MINUTE)}, ` +
          'ClawMedic goes on without it.',
      ),
    ),
  );
}

function rungItem(ctx: Ctx, inc: Incident, r: RungRecord, done: () => void): HTMLElement {
  const undo = r.undo;
  let undoPart: Child = null;
  if (undo?.doneAt)
    undoPart = h('div', { class: 'kf-undone small' }, `Undone ${when(undo.doneAt)}: ${undo.result ?? ''}`);
  else if (undo?.available) {
    undoPart = h(
      'div',
      { class: 'kf-actions' },
      guarded(
        ctx,
        button('Undo', () => void act('Undone.', () => ctx.api.undoFix(inc.id, r.id), done), {
          kind: 'ghost',
          icon: 'undo',
          attrs: { 'data-undo': r.id },
        }),
      ),
      h('span', { class: 'muted small' }, undo.description),
    );
  } else if (undo && !undo.available)
    undoPart = h('div', { class: 'muted small' }, `Nothing to undo: ${undo.why ?? ''}`);
  return h(
    'li',
    { class: 'kf-rung', 'data-rung': r.rung },
    h(
      'div',
      { class: 'kf-rung-head' },
      h('strong', null, rungLabel(r.rung)),
      h('span', { class: ['badge', `tone-${STATUS_TONE[r.status] ?? 'idle'}`] }, STATUS_LABEL[r.status] ?? r.status),
      h('span', { class: 'muted small' }, r.mode === 'auto' ? 'automatic' : r.mode === 'ask' ? 'asks first' : 'off'),
    ),
    h('div', { class: 'kf-action' }, r.action),
    r.detail ? h('div', { class: 'kf-detail muted' }, r.detail) : null,
    r.diff ? diffBlock(r.diff, `Config change by ${rungLabel(r.rung)}`) : null,
    undoPart,
  );
}

/** The incident's "Known fixes" section: fingerprint, rungs, and the question if one waits here. */
export function knownFixSection(ctx: Ctx, inc: Incident, done: () => void): HTMLElement | null {
  const fp = inc.fingerprint;
  const rungs = inc.rungs ?? [];
  if (!fp && rungs.length === 0) return null;
  const pending = ctx.status()?.pendingFix;
  return h(
    'section',
    { class: 'card detail-section kf-section' },
    h('h2', null, 'Diagnosis and known fixes'),
    fp
      ? h(
          'dl',
          { class: 'meta-grid kf-fingerprint' },
          h('div', { class: 'meta-item' }, h('dt', null, 'Fingerprint'), h('dd', { class: 'mono' }, fp.key)),
          h('div', { class: 'meta-item kf-wide' }, h('dt', null, 'What ClawMedic found'), h('dd', null, fp.detail)),
        )
      : null,
    pending && pending.incidentId === inc.id ? pendingQuestion(ctx, pending, done) : null,
    rungs.length
      ? h('ol', { class: 'kf-rungs' }, ...rungs.map((r) => rungItem(ctx, inc, r, done)))
      : h('p', { class: 'muted' }, 'No known fix applied to this outage.'),
  );
}

/** The warnings before an outage, each with its detail, the diff (config) and a Revert. */
export function warningsBanner(ctx: Ctx, warnings: GatewayWarning[], done: () => void): HTMLElement | null {
  if (!warnings.length) return null;
  return h(
    'div',
    { class: 'kf-warnings' },
    ...warnings.map((w) =>
      h(
        'div',
        { class: 'banner banner-warn kf-warning', role: 'alert', 'data-warning': w.kind },
        h('strong', null, w.title),
        h('div', { class: 'small kf-warning-detail' }, w.detail),
        w.diff
          ? h(
              'details',
              null,
              h('summary', null, 'The change from the last-known-good copy'),
              diffBlock(w.diff, 'Config change'),
            )
          : null,
        w.canRevert
          ? h(
              'div',
              { class: 'kf-actions' },
              guarded(
                ctx,
                button('Revert', () => void act('Reverted.', () => ctx.api.revertConfig(), done), {
                  kind: 'primary',
                  icon: 'undo',
                }),
              ),
              h(
                'span',
                { class: 'muted small' },
                'Puts back the last-known-good copy; your edit is kept beside the file. ' +
                  'The running gateway is not touched.',
              ),
            )
          : null,
      ),
    ),
  );
}
