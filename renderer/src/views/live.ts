// Live terminal: the running doctor session from its first byte (replay, then live), read-only until
// the user takes over; with no doctor running, the last session's transcript and "Start doctor now".
import type { DoctorLive, Result } from '../../../common/contract.js';
import { READ_ONLY_HINT, type Ctx, type View } from '../context.js';
import { AckBatcher } from '../terminal/ack-batcher.js';
import { TerminalFeed, type FeedState } from '../terminal/feed.js';
import { createTermView } from '../terminal/xterm-view.js';
import { button, h, replaceChildren } from '../ui/dom.js';
import { pendingAction, timeLeft } from '../../../common/status-words.js';
import { clock, doctorProgress, stateLabel } from '../ui/format.js';
import { toast } from '../ui/toast.js';

// 100 ms: a window drag fires many resizes; the session only needs the final size.
const RESIZE_DEBOUNCE_MS = 100;
// 1 s: the elapsed clock shows seconds.
const TICK_MS = 1_000;

export function createLiveView(ctx: Ctx): View {
  const { api } = ctx;
  const title = h('h1', { class: 'session-title' }, 'No doctor running');
  const subtitle = h('span', { class: 'session-sub muted' });
  const fill = h('div', { class: 'progress-fill' });
  const progress = h(
    'div',
    { class: 'progress', role: 'progressbar', 'aria-label': 'Time used of the doctor time limit', 'aria-valuemin': 0 },
    fill,
  );
  const elapsed = h('span', { class: 'elapsed mono' });
  const progressRow = h('div', { class: 'progress-row', hidden: true }, progress, elapsed);

  const takeOverBtn = button('Take over', () => void toggleTakeOver(), {
    icon: 'hand',
    kind: 'primary',
    attrs: { 'aria-pressed': 'false' },
  });
  const stopBtn = button('Stop doctor', () => void stopDoctor(), { icon: 'stop', kind: 'danger' });
  const startBtn = button('Start doctor now', () => void startDoctor(), { icon: 'play', kind: 'primary' });
  const copyBtn = button('Copy attach command', () => void copyAttach(), { icon: 'copy' });
  const searchBtn = button('Find in terminal (Ctrl+F)', () => openSearch(), { icon: 'search', iconOnly: true });

  const approvalWhat = h('span');
  const approval = h(
    'div',
    { class: 'banner banner-warn inline-banner', role: 'alert', hidden: true },
    h('strong', null, 'The agent waits for your approval'),
    approvalWhat,
    '. Take over to answer it in the terminal, or let the time limit run out.',
  );

  const termHost = h('div', { class: 'term-host' });
  const emptyState = h(
    'div',
    { class: 'empty-state term-empty', hidden: true },
    h('div', { class: 'empty-title' }, 'No doctor session yet'),
    h(
      'div',
      { class: 'muted' },
      'When a restart is not enough, ClawMedic starts an AI doctor here. You ' +
        'can watch it work and take over at any time.',
    ),
  );
  const modeBadge = h('div', { class: 'term-badge' }, 'Watching · read-only');
  const searchInput = h('input', {
    type: 'search',
    class: 'search-input',
    placeholder: 'Find',
    'aria-label': 'Find in terminal',
  });
  const searchBar = h(
    'div',
    { class: 'search-bar', hidden: true, role: 'search' },
    searchInput,
    button('Previous match', () => find(false), { icon: 'chevronUp', iconOnly: true }),
    button('Next match', () => find(true), { icon: 'chevronDown', iconOnly: true }),
    button('Close search', () => closeSearch(), { icon: 'close', iconOnly: true }),
  );
  const frame = h('div', { class: 'term-frame' }, termHost, emptyState, modeBadge, searchBar);

  const el = h(
    'section',
    { class: 'view view-live', 'aria-label': 'Live terminal' },
    h(
      'div',
      { class: 'session-bar card' },
      h('div', { class: 'session-info' }, h('div', { class: 'session-head' }, title, subtitle), progressRow),
      h('div', { class: 'session-actions' }, startBtn, takeOverBtn, stopBtn, copyBtn, searchBtn),
    ),
    approval,
    frame,
  );

  // ---- terminal + stream ---------------------------------------------------------------------
  const view = createTermView(termHost);
  const term = view.term;
  const acks = new AckBatcher((n) => api.terminalAck(n));
  let feedState: FeedState = { sessionName: null, ended: false, shown: 0 };
  // Data and view are decoupled: chunks go to xterm as they come, and the bar around it (title, empty
  // state) is brought up to date at most once per animation frame, not once per chunk.
  let renderQueued = 0;
  const renderSoon = () => {
    if (renderQueued) return;
    renderQueued = requestAnimationFrame(() => {
      renderQueued = 0;
      render();
    });
  };
  const feed = new TerminalFeed(
    term,
    (n) => acks.add(n),
    (s) => {
      const was = feedState;
      const visible = s.sessionName !== was.sessionName || s.ended !== was.ended || s.shown > 0 !== was.shown > 0;
      feedState = s;
      // Only what the bar shows counts: the session, ended or not, and whether anything was shown.
      if (visible) renderSoon();
    },
  );
  let unsubscribe: (() => void) | null = null;
  const subscribe = () => {
    unsubscribe?.();
    unsubscribe = api.terminalSubscribe((chunk) => feed.push(chunk));
  };

  let controlling = false;
  /** A take-over/hand-back request is on its way; the status may still show the old state. */
  let busy = false;
  let lastEngineSays = false;
  term.onData((data) => {
    if (controlling) api.terminalInput(data);
  });
  term.attachCustomKeyEventHandler((ev) => {
    if (ev.type !== 'keydown') return true;
    // Ctrl+] always leaves the terminal, so a keyboard user is never trapped in it.
    if (ev.ctrlKey && ev.key === ']') {
      (controlling ? takeOverBtn : searchBtn).focus();
      return false;
    }
    if (controlling) return true;
    // Read-only: Tab moves focus on, Ctrl/Cmd+F searches; nothing reaches the session.
    if (ev.key === 'Tab') return false;
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 'f') {
      ev.preventDefault();
      openSearch();
      return false;
    }
    return true;
  });

  let resizeTimer: ReturnType<typeof setTimeout> | null = null;
  term.onResize(({ cols, rows }) => {
    if (resizeTimer) clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => api.terminalResize(cols, rows), RESIZE_DEBOUNCE_MS);
  });

  // ---- actions -------------------------------------------------------------------------------
  const doctor = (): DoctorLive | null => ctx.status()?.doctor ?? null;

  const report = (r: Result, okMessage?: string) => {
    if (!r.ok) toast(r.message, 'error');
    else if (okMessage) toast(okMessage, 'ok');
  };

  async function toggleTakeOver(): Promise<void> {
    const d = doctor();
    if (!d) return;
    const wasControlling = controlling;
    busy = true;
    takeOverBtn.disabled = true;
    try {
      const r = wasControlling ? await api.handBack() : await api.takeOver();
      report(r);
      if (r.ok) setControlling(!wasControlling);
    } finally {
      busy = false;
      takeOverBtn.disabled = false;
      ctx.refreshStatus();
      render();
    }
  }

  function setControlling(on: boolean): void {
    controlling = on;
    term.options.disableStdin = !on;
    term.options.cursorBlink = on;
    // A cursor only where the user can type; a read-only view shows none.
    term.options.cursorInactiveStyle = on ? 'outline' : 'none';
    frame.classList.toggle('controlling', on);
    modeBadge.textContent = on ? 'You have the keyboard · Ctrl+] leaves the terminal' : 'Watching · read-only';
    if (on) term.focus();
    render();
  }

  async function stopDoctor(): Promise<void> {
    stopBtn.disabled = true;
    try {
      report(await api.stopDoctor(), 'Doctor stopped.');
    } finally {
      ctx.refreshStatus();
      render();
    }
  }

  async function startDoctor(): Promise<void> {
    startBtn.disabled = true;
    try {
      report(await api.startDoctor());
    } finally {
      ctx.refreshStatus();
      render();
    }
  }

  async function copyAttach(): Promise<void> {
    const cmd = doctor()?.attachCommand;
    if (!cmd) return;
    try {
      await navigator.clipboard.writeText(cmd);
      toast('Attach command copied. Paste it in your terminal to join the session.', 'ok');
    } catch {
      // Clipboard access can be denied (no permission, no focus); show the command to copy by hand.
      toast(`Copy this to attach: ${cmd}`, 'info');
    }
  }

  function openSearch(): void {
    searchBar.hidden = false;
    searchInput.focus();
    searchInput.select();
  }
  function closeSearch(): void {
    searchBar.hidden = true;
    view.search.clearDecorations();
    term.focus();
  }
  function find(forward: boolean): void {
    const q = searchInput.value;
    if (!q) return;
    // Plain search (the match is selected); highlight decorations would need xterm's proposed API.
    const opts = { caseSensitive: false };
    const hit = forward ? view.search.findNext(q, opts) : view.search.findPrevious(q, opts);
    searchInput.classList.toggle('no-match', !hit);
  }
  searchInput.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      find(!ev.shiftKey);
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      closeSearch();
    }
  });
  searchInput.addEventListener('input', () => find(true));

  // ---- rendering -----------------------------------------------------------------------------
  function render(): void {
    const d = doctor();
    const s = ctx.status();
    const ro = ctx.readOnly();
    if (d) {
      title.textContent = controlling
        ? 'You have the keyboard'
        : d.takenOver
          ? 'Taken over'
          : d.needsApproval
            ? 'Needs your approval'
            : 'Doctor at work';
      const action = pendingAction(d.pendingRequest);
      const left = ` (${timeLeft(d.deadline, ctx.now())})`;
      replaceChildren(approvalWhat, action ? [' to run ', h('code', null, action)] : null, left);
      subtitle.textContent = ` · ${d.agent} · ${d.sessionName}`;
      progressRow.hidden = false;
    } else {
      title.textContent = 'No doctor running';
      const gateway = s ? `Gateway ${stateLabel(s.state).toLowerCase()}` : 'Connecting…';
      subtitle.textContent =
        feedState.shown > 0
          ? ` · ${gateway} · showing the last session${feedState.sessionName ? ` (${feedState.sessionName})` : ''}`
          : ` · ${gateway}`;
      progressRow.hidden = true;
    }
    // Follow the engine (another window may have taken over or handed back); a read-only window never types.
    // Only changes are followed, so our own request is not undone by a status read from before it.
    const engineSays = Boolean(d?.takenOver) && !ro;
    if (engineSays !== lastEngineSays) {
      lastEngineSays = engineSays;
      if (engineSays !== controlling) {
        setControlling(engineSays);
        return;
      }
    }
    startBtn.hidden = Boolean(d);
    startBtn.disabled = ro;
    startBtn.title = ro ? READ_ONLY_HINT : 'Run one doctor session now, even if the gateway looks healthy';
    takeOverBtn.hidden = !d;
    stopBtn.hidden = !d;
    copyBtn.hidden = !d;
    takeOverBtn.disabled = ro || busy;
    stopBtn.disabled = ro;
    takeOverBtn.title = ro
      ? READ_ONLY_HINT
      : controlling
        ? 'Give the keyboard back to the agent'
        : 'Type into the session yourself';
    stopBtn.title = ro ? READ_ONLY_HINT : 'End the doctor session now';
    takeOverBtn.setAttribute('aria-pressed', String(controlling));
    const label = takeOverBtn.querySelector('span');
    if (label) label.textContent = controlling ? 'Hand back' : 'Take over';
    approval.hidden = !(d?.needsApproval && !controlling);
    emptyState.hidden = feedState.shown > 0 || Boolean(d);
    tick();
  }

  function tick(): void {
    const d = doctor();
    if (!d) return;
    const p = doctorProgress(d.startedAt, d.deadline, ctx.now());
    fill.style.width = `${(p.fraction * 100).toFixed(1)}%`;
    progress.classList.toggle('late', p.fraction > 0.8);
    progress.setAttribute('aria-valuemax', String(Math.round(p.limitSec)));
    progress.setAttribute('aria-valuenow', String(Math.round(Math.min(p.elapsedSec, p.limitSec))));
    progress.setAttribute('aria-valuetext', `${clock(p.elapsedSec)} of ${clock(p.limitSec)}`);
    elapsed.textContent = `${clock(p.elapsedSec)} / ${clock(p.limitSec)}`;
  }

  ctx.onStatus(() => render());
  ctx.onReadOnly(() => render());
  ctx.onEvent((e) => {
    // A new session after the last one ended: subscribe again so its replay starts from its first byte.
    if (e.type === 'doctor' && e.phase === 'started' && (feedState.ended || feedState.shown === 0)) subscribe();
  });
  let ticker: ReturnType<typeof setInterval> | null = null;
  subscribe();
  render();

  return {
    el,
    show() {
      view.fit();
      ticker ??= setInterval(tick, TICK_MS);
      render();
    },
    hide() {
      if (ticker) clearInterval(ticker);
      ticker = null;
    },
  };
}
