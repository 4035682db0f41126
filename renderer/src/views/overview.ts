// Overview, the first view: is the gateway up, why not, and what next. The condition and what ClawMedic is doing
// about it in words, the last check, uptime over a day and a week, the current (or last) incident, one next step
// that links to what fixes it, the actions a person may take from here, and the setup as the preflight found it.
import type { Incident, PreflightItem, PreflightReport, StatusSnapshot } from '../../../common/contract.js';
import { incidentTitle, resolvedByWords } from '../../../common/incident-words.js';
import { describeCondition, pendingAction, timeLeft } from '../../../common/status-words.js';
import { READ_ONLY_HINT, type Ctx, type View } from '../context.js';
import { percent, uptimeOver } from '../incidents/history.js';
import { button, h, icon, replaceChildren } from '../ui/dom.js';
import { ago, durationBetween, outcomeLabel, outcomeTone, when } from '../ui/format.js';
import { toast } from '../ui/toast.js';
import { pendingQuestion, warningsBanner } from './knownfix.js';

// 1 s: "last check 12 s ago" and an approval's time left count seconds.
const TICK_MS = 1_000;
const DAY_MS = 86_400_000;

/** One next step: what to do, and where (a link into the window, or an action). */
interface NextStep {
  text: string;
  link?: { href: string; label: string };
  tone: 'bad' | 'warn' | 'ok' | 'idle';
}

/** A settings key → its field in the settings view (the view focuses it). */
export const settingsLink = (key: string) => `#/settings/${encodeURIComponent(key)}`;

/** What a person should do first, from everything the window knows. Pure. */
export function nextStep(
  s: StatusSnapshot | null,
  connected: boolean,
  preflight: PreflightReport | null,
  last: Incident | null,
): NextStep {
  if (!connected) {
    return {
      text: 'Check that `clawmedic watch --dashboard` still runs on that machine; this page reconnects by itself.',
      tone: 'warn',
    };
  }
  if (!s) return { text: 'Waiting for the watcher.', tone: 'idle' };
  const d = s.doctor;
  if (d?.needsApproval) {
    const action = pendingAction(d.pendingRequest);
    return {
      text:
        `Answer the agent's prompt${action ? ` to run \`${action}\`` : ''}: ` +
        `take over, then choose (${timeLeft(d.deadline, Date.now())}).`,
      link: { href: '#/live', label: 'Open the live terminal' },
      tone: 'bad',
    };
  }
  const fix = s.pendingFix;
  if (fix) {
    return {
      text: `A known fix waits for your yes: ${fix.action} (${timeLeft(fix.expiresAt, Date.now())}).`,
      link: { href: `#/incidents/${encodeURIComponent(fix.incidentId)}`, label: 'Open the incident' },
      tone: 'bad',
    };
  }
  const settingsProblem = s.settingsProblems[0];
  if (settingsProblem) {
    return {
      text: `The settings file has a problem: ${settingsProblem.path}: ${settingsProblem.message}.`,
      link: { href: settingsLink(settingsProblem.path), label: 'Fix it in Settings' },
      tone: 'bad',
    };
  }
  const broken = preflight?.items.find((x) => x.status === 'fail');
  if (broken) return stepFor(broken, 'bad');
  if (s.state === 'needs-attention') {
    return {
      text: 'ClawMedic stopped trying: read what it tried, fix the cause, and it notices within one check.',
      ...(last ? { link: { href: `#/incidents/${encodeURIComponent(last.id)}`, label: 'Open the incident' } } : {}),
      tone: 'bad',
    };
  }
  if (d)
    return {
      text: 'The doctor is working on it; you can watch, and take over at any time.',
      link: { href: '#/live', label: 'Watch live' },
      tone: 'idle',
    };
  if (s.state === 'paused') return { text: 'Resume monitoring when the maintenance is done.', tone: 'warn' };
  const config = s.warnings?.find((w) => w.kind === 'config');
  if (config) {
    const how = config.canRevert ? 'fix the file, or Revert it below' : 'fix the file';
    return { text: `Before the gateway restarts, ${how}: the edit would stop it.`, tone: 'warn' };
  }
  const other = s.warnings?.[0];
  if (other) return { text: `${other.title}.`, tone: 'warn' };
  const warning = preflight?.items.find((x) => x.status === 'warn');
  if (warning) return stepFor(warning, 'warn');
  return { text: 'Nothing to do: ClawMedic watches the gateway and acts on its own.', tone: 'ok' };
}

/** A preflight finding as a next step: "`openclaw` is not on PATH → set the restart command". */
function stepFor(x: PreflightItem, tone: 'bad' | 'warn'): NextStep {
  const text = `${x.label}: ${x.detail}.`;
  if (x.setting)
    return { text, link: { href: settingsLink(x.setting), label: `Set the ${x.label.toLowerCase()}` }, tone };
  return { text: x.fix ? `${text} ${x.fix}` : text, tone };
}

const MARK: Record<PreflightItem['status'], { glyph: string; words: string }> = {
  ok: { glyph: '✓', words: 'OK' },
  warn: { glyph: '!', words: 'Warning' },
  fail: { glyph: '✗', words: 'Problem' },
  off: { glyph: '–', words: 'Not used' },
};

export function createOverviewView(ctx: Ctx): View {
  const { api } = ctx;
  const glyph = h('span', { class: 'glyph', 'aria-hidden': 'true' });
  const headline = h('span', { class: 'hero-headline' });
  const title = h('h1', { class: 'hero-title', id: 'overview-title' }, glyph, headline);
  const reason = h('p', { class: 'hero-reason' });
  const facts = h('dl', { class: 'hero-facts' });
  const next = h('div', { class: 'next-step', role: 'note', 'aria-label': 'Next step' });
  const checkBtn = button('Check now', () => void act('checkNow', () => api.checkNow().then(checked)), {
    icon: 'pulse',
  });
  const restartBtn = button(
    'Restart',
    () => void act('restartNow', () => api.restartNow(), 'The gateway answers healthy again.'),
    {
      icon: 'power',
    },
  );
  const doctorBtn = button('Start doctor', () => void toggleDoctor(), { icon: 'play' });
  const resumeBtn = button('Resume', () => void act('resume', () => api.resume(), 'Monitoring resumed.'), {
    icon: 'play',
    kind: 'primary',
  });
  const pauseHour = h('button', { type: 'button', class: 'menu-item', role: 'menuitem' }, 'For 1 hour');
  const pauseOpen = h('button', { type: 'button', class: 'menu-item', role: 'menuitem' }, 'Until resumed');
  const pauseSummary = h('summary', { class: 'btn', 'aria-haspopup': 'menu' }, icon('pause'), h('span', null, 'Pause'));
  const pauseMenu = h(
    'details',
    { class: 'menu-button' },
    pauseSummary,
    h('div', { class: 'menu', role: 'menu' }, pauseHour, pauseOpen),
  );
  const watchLink = h(
    'a',
    { class: 'btn btn-primary', href: '#/live' },
    icon('terminal'),
    h('span', null, 'Watch live'),
  );
  const actions = h(
    'div',
    { class: 'hero-actions', role: 'group', 'aria-label': 'Actions' },
    checkBtn,
    restartBtn,
    doctorBtn,
    pauseMenu,
    resumeBtn,
    watchLink,
  );
  const hero = h(
    'section',
    { class: 'hero card', 'aria-labelledby': 'overview-title' },
    title,
    reason,
    facts,
    next,
    actions,
  );

  const incidentBody = h('div', { class: 'incident-card-body' });
  const incidentHead = h('h2', { id: 'overview-incident' }, 'Last incident');
  const incidentCard = h(
    'section',
    { class: 'card overview-card', 'aria-labelledby': 'overview-incident' },
    incidentHead,
    incidentBody,
  );

  const setupList = h('ul', { class: 'preflight-list' });
  const setupState = h('span', { class: 'muted small' });
  const recheck = button('Check again', () => void loadPreflight(true), { icon: 'refresh', kind: 'ghost' });
  const setupCard = h(
    'section',
    { class: 'card overview-card', 'aria-labelledby': 'overview-setup' },
    h('div', { class: 'card-head' }, h('h2', { id: 'overview-setup' }, 'Setup'), setupState, recheck),
    setupList,
  );

  // Before an outage, the config guard's and the resources' warnings; during one, a known fix waiting for a yes.
  const knownFixSlot = h('div', { class: 'overview-knownfix' });
  const el = h(
    'section',
    { class: 'view view-overview', 'aria-label': 'Overview' },
    hero,
    knownFixSlot,
    h('div', { class: 'overview-grid' }, incidentCard, setupCard),
  );

  let preflight: PreflightReport | null = null;
  let incidents: Incident[] = [];
  let busy = false;

  // ---- actions -------------------------------------------------------------------------------
  function checked(c: Awaited<ReturnType<typeof api.checkNow>>): { ok: true; value: undefined } {
    toast(
      `Checked: the gateway is ${c.condition} (${c.health.latencyMs} ms).`,
      c.condition === 'healthy' ? 'ok' : 'info',
    );
    return { ok: true, value: undefined };
  }

  async function act(
    op: string,
    run: () => Promise<{ ok: boolean; message?: string } | void>,
    okMessage?: string,
  ): Promise<void> {
    if (busy) return;
    busy = true;
    render();
    try {
      const r = await run();
      if (r && r.ok === false) toast(r.message ?? `${op} was refused.`, 'error');
      else if (okMessage) toast(okMessage, 'ok');
    } catch (err) {
      toast(`ClawMedic could not do that: ${(err as Error).message}`, 'error');
    } finally {
      busy = false;
      ctx.refreshStatus();
      render();
    }
  }

  async function toggleDoctor(): Promise<void> {
    if (ctx.status()?.doctor) await act('stopDoctor', () => api.stopDoctor(), 'Doctor stopped.');
    else await act('startDoctor', () => api.startDoctor());
  }

  const pause = (minutes: number | null) => {
    pauseMenu.open = false;
    void act(
      'pause',
      () => api.pause(minutes),
      minutes ? 'Monitoring paused for 1 hour.' : 'Monitoring paused until you resume it.',
    );
  };
  // A <summary> cannot be disabled: a disabled Pause refuses to open instead.
  pauseSummary.addEventListener('click', (ev) => {
    if (pauseSummary.getAttribute('aria-disabled') === 'true') ev.preventDefault();
  });
  pauseHour.addEventListener('click', () => pause(60));
  pauseOpen.addEventListener('click', () => pause(null));

  // ---- data ----------------------------------------------------------------------------------
  async function loadPreflight(fresh: boolean): Promise<void> {
    if (fresh) setupState.textContent = 'checking…';
    try {
      preflight = fresh ? await api.preflight({ fresh: true }) : await api.preflight();
    } catch (err) {
      setupState.textContent = `could not check: ${(err as Error).message}`;
      return;
    }
    render();
  }

  async function loadIncidents(): Promise<void> {
    try {
      incidents = await api.listIncidents();
    } catch {
      // The incident card keeps what it had; the connection banner explains a lost connection.
      return;
    }
    render();
  }

  // ---- rendering -----------------------------------------------------------------------------
  /** Everything: after new data (status, incidents, the preflight, the connection). */
  function render(): void {
    tick();
    renderKnownFixes();
    renderIncident(ctx.now());
    renderPreflight();
  }

  /** Rebuilt only when the warnings or the question changed, so a focused button keeps its focus. */
  let shownKnownFix = '';
  function renderKnownFixes(): void {
    const s = ctx.status();
    const key = JSON.stringify([s?.warnings ?? [], s?.pendingFix ?? null, ctx.readOnly()]);
    if (key === shownKnownFix) return;
    shownKnownFix = key;
    const done = () => ctx.refreshStatus();
    replaceChildren(
      knownFixSlot,
      warningsBanner(ctx, s?.warnings ?? [], done),
      s?.pendingFix ? pendingQuestion(ctx, s.pendingFix, done) : null,
    );
  }

  /**
   * What time changes (ages, the approval's time left). Each part is rebuilt only when its words changed, so the
   * link a keyboard user is on keeps its focus.
   */
  function tick(): void {
    const s = ctx.status();
    const connected = ctx.connected();
    const now = ctx.now();
    const c = describeCondition(s, now, connected);
    hero.className = `hero card hero-${c.tone}`;
    if (headline.textContent !== c.headline.replace(/`/g, '')) replaceChildren(headline, ...codeSpans(c.headline));
    if (reason.textContent !== c.detail.replace(/`/g, '')) replaceChildren(reason, ...codeSpans(c.detail));
    renderFacts(s, now);
    renderNext(nextStep(s, connected, preflight, incidents[0] ?? null));
    renderActions(s, connected);
  }

  function renderFacts(s: StatusSnapshot | null, now: number): void {
    const items: [string, string, string?][] = [];
    const check = s?.lastCheck;
    if (check) {
      const lat = check.condition === 'down' ? check.health.detail : `${check.health.latencyMs} ms`;
      items.push(['Last check', `${ago(check.at, now)} · ${lat}`, when(check.at)]);
    } else items.push(['Last check', 'not yet']);
    const withIncidents = incidents.length > 0 || s !== null;
    if (withIncidents) {
      items.push(['Uptime 24 h', percent(uptimeOver(incidents, now, DAY_MS))]);
      items.push(['Uptime 7 d', percent(uptimeOver(incidents, now, 7 * DAY_MS))]);
    }
    if (s) items.push(['Gateway', s.gatewayUrl]);
    replaceChildren(
      facts,
      ...items.map(([k, v, tip]) =>
        h('div', { class: 'fact' }, h('dt', null, k), h('dd', { class: 'mono-num', title: tip }, v)),
      ),
    );
  }

  let shownStep = '';
  function renderNext(step: NextStep): void {
    const key = JSON.stringify(step);
    if (key === shownStep) return;
    shownStep = key;
    next.className = `next-step next-${step.tone}`;
    replaceChildren(
      next,
      h('strong', null, 'Next: '),
      h('span', null, ...codeSpans(step.text)),
      step.link ? [' ', h('a', { href: step.link.href, class: 'next-link' }, `${step.link.label} →`)] : null,
    );
  }

  function renderActions(s: StatusSnapshot | null, connected: boolean): void {
    const ro = ctx.readOnly();
    const off = !connected || !s;
    const stopped = s?.state === 'stopped';
    const working = s?.state === 'restarting' || s?.state === 'recovering' || !!s?.doctor;
    const paused = s?.state === 'paused';
    const why = (canReadOnly: boolean, base: string) => (ro && !canReadOnly ? READ_ONLY_HINT : base);
    checkBtn.disabled = off || busy || stopped;
    checkBtn.title = 'Probe the gateway once now';
    restartBtn.disabled = off || busy || ro || stopped || working;
    restartBtn.title = why(
      false,
      working ? 'A restart or doctor session is running' : 'Run the restart steps now and wait for healthy',
    );
    const label = doctorBtn.querySelector('span')!;
    label.textContent = s?.doctor ? 'Stop doctor' : 'Start doctor';
    doctorBtn.classList.toggle('btn-danger', !!s?.doctor);
    doctorBtn.disabled = off || busy || ro || stopped || (!s?.doctor && working);
    doctorBtn.title = why(false, s?.doctor ? 'End the doctor session now' : 'Run one doctor session now');
    pauseMenu.hidden = paused;
    const pauseOff = off || busy || ro || stopped;
    pauseSummary.setAttribute('aria-disabled', String(pauseOff));
    pauseSummary.classList.toggle('disabled', pauseOff);
    pauseSummary.title = why(false, 'Stop checks, restarts, the doctor and alerts for a while');
    if (pauseOff) pauseMenu.open = false;
    resumeBtn.hidden = !paused;
    resumeBtn.disabled = off || busy || ro;
    resumeBtn.title = why(false, 'Start checking again now');
    watchLink.hidden = !s?.doctor;
  }

  let shownIncident = '';
  function renderIncident(now: number): void {
    const s = ctx.status();
    const inc = incidents.find((i) => i.id === s?.openIncidentId) ?? incidents[0] ?? null;
    // Rebuilt only when what it shows changed (its "ago" to the minute), so a focused link keeps its focus.
    const key = JSON.stringify([inc?.id, inc?.outcome, inc?.endedAt, inc?.resolvedBy, inc && ago(inc.startedAt, now)]);
    if (key === shownIncident) return;
    shownIncident = key;
    incidentHead.textContent = inc && inc.outcome === 'open' ? 'Current incident' : 'Last incident';
    if (!inc) {
      replaceChildren(
        incidentBody,
        h(
          'p',
          { class: 'muted' },
          'None yet. When the gateway fails, what happened and what ClawMedic did appears here.',
        ),
      );
      return;
    }
    const href = `#/incidents/${encodeURIComponent(inc.id)}`;
    replaceChildren(
      incidentBody,
      h(
        'div',
        { class: 'incident-card-head' },
        h(
          'span',
          { class: ['badge', `tone-${outcomeTone(inc.outcome)}`] },
          h('span', { class: 'glyph', 'aria-hidden': 'true' }),
          outcomeLabel(inc.outcome),
        ),
        h('a', { href, class: 'incident-link' }, incidentTitle(inc)),
      ),
      h('p', { class: 'muted small incident-card-sub' }, inc.summary),
      h(
        'p',
        { class: 'small' },
        h('span', { title: when(inc.startedAt) }, ago(inc.startedAt, now)),
        ` · took ${durationBetween(inc.startedAt, inc.endedAt, now)}${inc.endedAt ? '' : ' so far'}`,
        inc.outcome === 'recovered'
          ? ` · resolved by ${resolvedByWords(inc).replace(/^[A-Z]/, (x) => x.toLowerCase())}`
          : '',
      ),
    );
  }

  let shownPreflight: PreflightReport | null = null;
  function renderPreflight(): void {
    if (!preflight) {
      setupState.textContent = 'checking…';
      return;
    }
    if (preflight === shownPreflight) return;
    shownPreflight = preflight;
    const fails = preflight.items.filter((x) => x.status === 'fail').length;
    const warns = preflight.items.filter((x) => x.status === 'warn').length;
    setupState.textContent =
      fails + warns === 0
        ? `all ${preflight.items.length} checks passed`
        : [
            fails ? `${fails} problem${fails === 1 ? '' : 's'}` : '',
            warns ? `${warns} warning${warns === 1 ? '' : 's'}` : '',
          ]
            .filter(Boolean)
            .join(', ');
    replaceChildren(
      setupList,
      ...preflight.items.map((x) =>
        h(
          'li',
          { class: ['preflight-item', `pf-${x.status}`], 'data-check': x.id },
          h('span', { class: 'pf-mark', role: 'img', 'aria-label': MARK[x.status].words }, MARK[x.status].glyph),
          h(
            'span',
            { class: 'pf-body' },
            h('span', { class: 'pf-label' }, x.label),
            h('span', { class: 'pf-detail' }, ...codeSpans(x.detail)),
            x.status === 'fail' || x.status === 'warn'
              ? h(
                  'span',
                  { class: 'pf-fix' },
                  ...codeSpans(x.fix ?? ''),
                  x.setting ? [' ', h('a', { href: settingsLink(x.setting) }, 'Open the setting →')] : null,
                )
              : null,
          ),
        ),
      ),
    );
  }

  ctx.onStatus(() => render());
  ctx.onReadOnly(() => render());
  ctx.onConnection(() => {
    render();
    if (ctx.connected()) {
      void loadIncidents();
      void loadPreflight(false);
    }
  });
  ctx.onEvent((e) => {
    if (e.type === 'preflight') {
      preflight = e.report;
      render();
    }
    if (e.type === 'incident-opened' || e.type === 'incident-closed') void loadIncidents();
    // Warnings and a known fix's question live in the status: ask for it when they change.
    if (e.type === 'warnings' || e.type === 'known-fix') ctx.refreshStatus();
    if (e.type === 'settings-changed') void loadPreflight(false);
  });

  let ticker: ReturnType<typeof setInterval> | null = null;
  render();
  return {
    el,
    show() {
      ticker ??= setInterval(tick, TICK_MS);
      void loadIncidents();
      void loadPreflight(false);
      render();
    },
    hide() {
      if (ticker) clearInterval(ticker);
      ticker = null;
      pauseMenu.open = false;
    },
  };
}

/** "`openclaw` is not on PATH" → text with <code> for each `…` span. */
export function codeSpans(text: string): (string | HTMLElement)[] {
  return text
    .split(/(`[^`]+`)/)
    .filter(Boolean)
    .map((part) => (part.startsWith('`') ? h('code', null, part.slice(1, -1)) : part));
}
