// Incidents: a chart of the last two weeks, the list (newest first), and one incident in detail:
// timeline, the agent's report (Markdown, rendered safely), the transcript in a read-only terminal,
// and what the doctor changed in the gateway config.
import type { Incident, IncidentDetail } from '../../../common/contract.js';
import type { Ctx, View } from '../context.js';
import { diffLines, diffStats } from '../incidents/diff.js';
import { percent, summarize, type HistorySummary } from '../incidents/history.js';
import { createTermView, type TermView } from '../terminal/xterm-view.js';
import { button, h, icon, replaceChildren, svg, type Child } from '../ui/dom.js';
import {
  ago,
  duration,
  durationBetween,
  eventTypeLabel,
  outcomeLabel,
  outcomeTone,
  resolvedByLabel,
  timeOfDay,
  when,
} from '../ui/format.js';
import { incidentTitle } from '../../../common/incident-words.js';
import { renderMarkdown } from '../ui/markdown.js';
import { knownFixSection, pendingQuestion, warningsBanner } from './knownfix.js';

// 60 s: "5 min ago" labels and the open incident's duration stay current without a reload.
const RELATIVE_TIME_REFRESH_MS = 60_000;

function outcomeBadge(outcome: string): HTMLElement {
  return h(
    'span',
    { class: ['badge', `tone-${outcomeTone(outcome)}`] },
    h('span', { class: 'glyph', 'aria-hidden': 'true' }),
    outcomeLabel(outcome),
  );
}

/** Stacked bars per day; labels are HTML below the SVG so they never stretch with it. */
export function historyChart(summary: HistorySummary): HTMLElement {
  const W = 560;
  const H = 80;
  const n = summary.days.length;
  const slot = W / n;
  const barW = Math.max(4, Math.min(24, slot * 0.56));
  const max = Math.max(2, ...summary.days.map((d) => d.total));
  const scale = (H - 6) / max;
  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart',
    role: 'img',
    preserveAspectRatio: 'none',
    'aria-label':
      `Incidents per day over the last ${n} days: ${summary.incidents} in ` + `total, ${summary.recovered} recovered.`,
  });
  chart.appendChild(svg('line', { x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5, class: 'chart-axis' }));
  summary.days.forEach((d, i) => {
    const x = i * slot + (slot - barW) / 2;
    let y = H;
    const g = svg('g');
    const title = svg('title');
    title.textContent =
      `${d.label}: ${d.total} ` +
      `incident${d.total === 1 ? '' : 's'}${d.downMs ? `, ${duration(d.downMs)} down` : ''}`;
    g.appendChild(title);
    // Invisible full-height target so the tooltip works on empty days too.
    g.appendChild(svg('rect', { x: i * slot, y: 0, width: slot, height: H, class: 'chart-hit' }));
    for (const [outcome, cls] of [
      ['recovered', 'bar-ok'],
      ['open', 'bar-busy'],
      ['cancelled', 'bar-idle'],
      ['interrupted', 'bar-warn'],
      ['timeout', 'bar-bad'],
      ['failed', 'bar-bad'],
    ] as const) {
      const c = d.counts[outcome];
      if (!c) continue;
      const hgt = c * scale;
      y -= hgt;
      g.appendChild(svg('rect', { x, y: y + 1, width: barW, height: Math.max(1, hgt - 1), class: cls }));
    }
    chart.appendChild(g);
  });
  const labels = h(
    'div',
    { class: 'chart-labels', 'aria-hidden': 'true' },
    ...summary.days.map((d, i) => h('span', null, (n - 1 - i) % 2 === 0 ? d.label : '')),
  );
  return h('div', { class: 'chart-wrap' }, chart, labels);
}

export function createIncidentsView(ctx: Ctx): View {
  const { api } = ctx;
  const el = h('section', { class: 'view view-incidents', 'aria-label': 'Incidents' });
  let incidents: Incident[] = [];
  let openId: string | null = null;
  let transcriptView: TermView | null = null;
  let refreshTimer: ReturnType<typeof setInterval> | null = null;

  const disposeTranscript = () => {
    transcriptView?.dispose();
    transcriptView = null;
  };

  async function loadList(): Promise<void> {
    try {
      incidents = await api.listIncidents();
    } catch (err) {
      replaceChildren(
        el,
        h(
          'div',
          { class: 'empty-state' },
          h('div', { class: 'empty-title' }, 'Could not load incidents'),
          h('div', { class: 'muted' }, (err as Error).message),
        ),
      );
      return;
    }
    if (openId === null) renderList();
  }

  function renderList(): void {
    disposeTranscript();
    const now = ctx.now();
    const summary = summarize(incidents, now);
    const stats = h(
      'div',
      { class: 'stats' },
      stat('Incidents', String(summary.incidents), 'last 14 days'),
      stat(
        'Recovered',
        summary.incidents ? `${summary.recovered} of ${summary.incidents}` : '—',
        summary.incidents ? `${summary.withoutYou} without you` : 'none yet',
      ),
      stat('Uptime', percent(summary.uptime), 'estimated from incidents'),
      stat(
        'Median recovery',
        summary.medianRecoveryMs === null ? '—' : duration(summary.medianRecoveryMs),
        'to healthy',
      ),
    );
    const chartCard = h(
      'div',
      { class: 'card chart-card' },
      h('div', { class: 'card-head' }, h('h2', null, 'Last 14 days'), legend()),
      historyChart(summary),
    );
    let list: HTMLElement;
    if (incidents.length === 0) {
      list = h(
        'div',
        { class: 'card empty-state' },
        h('div', { class: 'empty-title' }, 'No incidents yet'),
        h(
          'div',
          { class: 'muted' },
          'When the gateway fails a health check, the incident and everything ClawMedic did about it appears here.',
        ),
      );
    } else {
      list = h(
        'div',
        { class: 'card incident-list', role: 'table', 'aria-label': 'Incidents, newest first' },
        h(
          'div',
          { class: 'incident-row incident-head', role: 'row' },
          ...['Outcome', 'What happened', 'When', 'Took', 'Resolved by', 'Agent'].map((c) =>
            h('span', { role: 'columnheader' }, c),
          ),
        ),
        ...incidents.map((inc) => incidentRow(inc, now)),
      );
    }
    const st = ctx.status();
    const refresh = () => {
      ctx.refreshStatus();
      void loadList();
    };
    replaceChildren(
      el,
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, 'Incidents'),
        button('Refresh', () => void loadList(), { icon: 'refresh', kind: 'ghost' }),
      ),
      // Before an outage: the guard's and the resources' warnings; during one: a known fix waiting for a yes.
      warningsBanner(ctx, st?.warnings ?? [], refresh),
      st?.pendingFix ? pendingQuestion(ctx, st.pendingFix, refresh) : null,
      stats,
      chartCard,
      list,
    );
  }

  /** A row: a link on the title for keyboards and screen readers; a click anywhere on the row opens it too. */
  function incidentRow(inc: Incident, now: number): HTMLElement {
    const href = `#/incidents/${encodeURIComponent(inc.id)}`;
    const row = h(
      'div',
      { class: 'incident-row', role: 'row', 'data-incident-id': inc.id },
      h('span', { role: 'cell' }, outcomeBadge(inc.outcome)),
      h(
        'span',
        { role: 'cell', class: 'incident-summary' },
        h('a', { class: 'summary-text incident-link', href }, incidentTitle(inc)),
        h('span', { class: 'muted small summary-sub' }, `${triggerWords(inc)} · ${inc.summary || '—'}`),
      ),
      h('span', { role: 'cell', class: 'mono-num', title: when(inc.startedAt) }, ago(inc.startedAt, now)),
      h('span', { role: 'cell', class: 'mono-num' }, durationBetween(inc.startedAt, inc.endedAt, now)),
      h('span', { role: 'cell' }, resolvedByLabel(inc)),
      h('span', { role: 'cell', class: 'muted' }, inc.agent ?? '—'),
    );
    row.addEventListener('click', (ev) => {
      if ((ev.target as Element).closest('a')) return;
      ctx.navigate(href);
    });
    return row;
  }

  async function renderDetail(id: string): Promise<void> {
    disposeTranscript();
    replaceChildren(el, h('div', { class: 'loading muted' }, 'Loading incident…'));
    let detail: IncidentDetail | null;
    try {
      detail = await api.getIncident(id);
    } catch (err) {
      replaceChildren(
        el,
        backLink(),
        h(
          'div',
          { class: 'empty-state' },
          h('div', { class: 'empty-title' }, 'Could not load the incident'),
          h('div', { class: 'muted' }, (err as Error).message),
        ),
      );
      return;
    }
    if (openId !== id) return;
    if (!detail) {
      replaceChildren(
        el,
        backLink(),
        h(
          'div',
          { class: 'empty-state' },
          h('div', { class: 'empty-title' }, 'Incident not found'),
          h('div', { class: 'muted' }, `No incident with id ${id}. It may have been pruned from the history.`),
        ),
      );
      return;
    }
    const inc = detail.incident;
    const now = ctx.now();
    const meta = h(
      'dl',
      { class: 'meta-grid' },
      metaItem('Started', when(inc.startedAt)),
      metaItem('Took', durationBetween(inc.startedAt, inc.endedAt, now) + (inc.endedAt ? '' : ' so far')),
      metaItem('Trigger', inc.trigger === 'manual' ? 'Started by hand' : 'Health check'),
      metaItem('Resolved by', resolvedByLabel(inc)),
      metaItem('Restarts', String(inc.restarts)),
      metaItem('Agent', inc.agent ?? '—'),
      inc.doctor?.costUsd != null ? metaItem('Doctor cost', `$${inc.doctor.costUsd.toFixed(2)}`) : null,
      inc.doctor?.tokens
        ? metaItem(
            'Tokens',
            `${inc.doctor.tokens.input.toLocaleString()} in · ${inc.doctor.tokens.output.toLocaleString()} out`,
          )
        : null,
    );
    const timeline = h(
      'ol',
      { class: 'timeline' },
      ...inc.events.map((e) =>
        h(
          'li',
          { class: ['tl-item', `tl-${e.type.replace(/[^a-z0-9-]/gi, '')}`] },
          h('time', { datetime: e.at, class: 'tl-time mono-num', title: when(e.at) }, timeOfDay(e.at)),
          h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
          h(
            'span',
            { class: 'tl-body' },
            h('span', { class: 'tl-type' }, eventTypeLabel(e.type)),
            e.detail ? h('span', { class: 'tl-detail' }, e.detail) : null,
          ),
        ),
      ),
    );
    const reportBody = h('div', { class: 'markdown' });
    // Safe: renderMarkdown escapes all input HTML; only markdown-it's own tags reach the DOM.
    if (detail.report) reportBody.innerHTML = renderMarkdown(detail.report);
    const termHost = h('div', { class: 'transcript-host' });
    const diff = inc.doctor?.configDiff ?? null;
    const diffBody = diff
      ? renderDiff(diff)
      : h('p', { class: 'muted' }, 'The doctor did not change the gateway config.');
    replaceChildren(
      el,
      backLink(),
      h(
        'div',
        { class: 'detail-head' },
        outcomeBadge(inc.outcome),
        h('h1', { class: 'detail-title' }, incidentTitle(inc)),
        h('span', { class: 'muted small mono' }, inc.id),
      ),
      h('p', { class: 'detail-sub muted' }, `${triggerWords(inc)}: ${inc.summary || '—'}`),
      h('div', { class: 'card' }, meta),
      knownFixSection(ctx, inc, () => {
        ctx.refreshStatus();
        void renderDetail(id);
      }),
      section('Timeline', inc.events.length ? timeline : h('p', { class: 'muted' }, 'No events were recorded.')),
      section(
        'Doctor’s report',
        detail.report
          ? reportBody
          : h(
              'p',
              { class: 'muted' },
              inc.doctor ? 'The agent did not write a report.' : 'No doctor ran for this incident.',
            ),
      ),
      section(
        'Session transcript',
        detail.transcript ? termHost : h('p', { class: 'muted' }, 'No terminal session was recorded.'),
      ),
      section('Config changes', diffBody),
    );
    if (detail.transcript) {
      transcriptView = createTermView(termHost, { fontSize: 12 });
      transcriptView.fit();
      transcriptView.term.write(detail.transcript);
    }
  }

  const backLink = () => h('a', { href: '#/incidents', class: 'back-link' }, icon('chevronLeft'), 'All incidents');

  // Warnings and a pending question change the list's banners and the open incident's question.
  let shownStatusKey = '';
  ctx.onStatus((st) => {
    const key = JSON.stringify([st?.warnings ?? [], st?.pendingFix ?? null]);
    if (key === shownStatusKey || el.hidden) return;
    shownStatusKey = key;
    if (openId === null) renderList();
    else void renderDetail(openId);
  });

  ctx.onEvent((e) => {
    // Warnings and questions live in the status: the list shows them as they come and go.
    if (!el.hidden && openId === null && (e.type === 'warnings' || e.type === 'known-fix')) {
      ctx.refreshStatus();
      return;
    }
    if (!el.hidden && openId !== null && e.type === 'known-fix' && e.incidentId === openId) {
      ctx.refreshStatus();
      return;
    }
    if (el.hidden || (e.type !== 'incident-opened' && e.type !== 'incident-closed' && e.type !== 'incident-event'))
      return;
    if (openId === null) void loadList();
    else if ((e.type === 'incident-event' ? e.incidentId : e.incident.id) === openId) void renderDetail(openId);
  });

  return {
    el,
    show(arg) {
      openId = arg;
      refreshTimer ??= setInterval(() => {
        if (openId === null) renderList();
      }, RELATIVE_TIME_REFRESH_MS);
      if (arg) void renderDetail(arg);
      else {
        if (incidents.length) renderList();
        void loadList();
      }
    },
    hide() {
      if (refreshTimer) clearInterval(refreshTimer);
      refreshTimer = null;
      disposeTranscript();
    },
  };
}

function triggerWords(inc: Incident): string {
  return inc.trigger === 'manual' ? 'Started by hand' : 'Health check';
}

function stat(label: string, value: string, hint: string): HTMLElement {
  return h(
    'div',
    { class: 'stat card' },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, value),
    h('div', { class: 'stat-hint muted' }, hint),
  );
}

function legend(): HTMLElement {
  return h(
    'div',
    { class: 'legend', 'aria-hidden': 'true' },
    h('span', { class: 'legend-item' }, h('span', { class: 'swatch bar-ok' }), 'Recovered'),
    h('span', { class: 'legend-item' }, h('span', { class: 'swatch bar-bad' }), 'Failed'),
    h('span', { class: 'legend-item' }, h('span', { class: 'swatch bar-warn' }), 'Other'),
  );
}

function metaItem(label: string, value: string): Child[] {
  return [h('div', { class: 'meta-item' }, h('dt', null, label), h('dd', null, value))];
}

function section(title: string, body: HTMLElement): HTMLElement {
  return h('section', { class: 'card detail-section' }, h('h2', null, title), body);
}

function renderDiff(diff: string): HTMLElement {
  const lines = diffLines(diff);
  const { added, removed } = diffStats(lines);
  return h(
    'div',
    null,
    h(
      'div',
      { class: 'diff-stats small' },
      h('span', { class: 'diff-add-count' }, `+${added}`),
      ' ',
      h('span', { class: 'diff-del-count' }, `−${removed}`),
    ),
    h(
      'pre',
      { class: 'diff mono', tabindex: 0, 'aria-label': 'Config diff' },
      ...lines.map((l) => h('span', { class: `diff-${l.kind}` }, l.text + '\n')),
    ),
  );
}
