// xterm.js set up the way every ClawMedic terminal needs it: theme from the system appearance, fit to
// its box, search, clickable http(s) links, read-only unless the caller lets keystrokes through.
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';

const LIGHT: ITheme = {
  background: '#ffffff',
  foreground: '#1d1d1f',
  cursor: '#1d1d1f',
  cursorAccent: '#ffffff',
  selectionBackground: '#b3d7ff',
  // The ruler's border in the background colour: xterm cannot draw 'transparent' (falls back to white).
  overviewRulerBorder: '#ffffff',
  scrollbarSliderBackground: 'rgba(0, 0, 0, 0.16)',
  scrollbarSliderHoverBackground: 'rgba(0, 0, 0, 0.28)',
  scrollbarSliderActiveBackground: 'rgba(0, 0, 0, 0.36)',
  black: '#1d1d1f',
  red: '#c41a16',
  green: '#1a7f37',
  yellow: '#8a6100',
  blue: '#0b57d0',
  magenta: '#a626a4',
  cyan: '#0e7490',
  white: '#6e6e73',
  brightBlack: '#6e6e73',
  brightRed: '#d70015',
  brightGreen: '#248a3d',
  brightYellow: '#9a6700',
  brightBlue: '#0040dd',
  brightMagenta: '#8e44ad',
  brightCyan: '#00707a',
  brightWhite: '#3a3a3c',
};

const DARK: ITheme = {
  background: '#161618',
  foreground: '#e5e5ea',
  cursor: '#e5e5ea',
  cursorAccent: '#161618',
  selectionBackground: '#3a4d6b',
  overviewRulerBorder: '#161618',
  scrollbarSliderBackground: 'rgba(255, 255, 255, 0.16)',
  scrollbarSliderHoverBackground: 'rgba(255, 255, 255, 0.28)',
  scrollbarSliderActiveBackground: 'rgba(255, 255, 255, 0.36)',
  black: '#2c2c2e',
  red: '#ff6961',
  green: '#4ad66d',
  yellow: '#ffd426',
  blue: '#64a8ff',
  magenta: '#da8fff',
  cyan: '#5ed5e6',
  white: '#d1d1d6',
  brightBlack: '#8e8e93',
  brightRed: '#ff8a80',
  brightGreen: '#6ee68a',
  brightYellow: '#ffe066',
  brightBlue: '#8cc1ff',
  brightMagenta: '#e5b3ff',
  brightCyan: '#8eeaf5',
  brightWhite: '#ffffff',
};

/** The terminal's fonts: the system's monospace font first, then the bundled glyphs it lacks. */
export const MONO_FONTS =
  'ui-monospace, "SF Mono", Menlo, Monaco, "DejaVu Sans Mono", "Liberation Mono", "ClawMedic Glyphs", monospace';

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

export function currentTheme(): ITheme {
  return darkQuery?.matches ? DARK : LIGHT;
}

export interface TermView {
  term: Terminal;
  search: SearchAddon;
  fit(): void;
  dispose(): void;
}

export interface TermViewOptions {
  /** Scrollback lines kept (a whole recovery session fits in the default). */
  scrollback?: number;
  fontSize?: number;
}

export function openLink(uri: string): void {
  if (!/^https?:\/\//i.test(uri)) return;
  window.open(uri, '_blank', 'noopener,noreferrer');
}

export function createTermView(host: HTMLElement, opts: TermViewOptions = {}): TermView {
  const term = new Terminal({
    // 20k lines: a long Claude Code session redraws a lot; this keeps all of it for the replay.
    scrollback: opts.scrollback ?? 20_000,
    // "ClawMedic Glyphs" (styles/glyphs.css) only supplies ⎿ and ⏺, which the system monospace fonts lack.
    fontFamily: MONO_FONTS,
    fontSize: opts.fontSize ?? 12.5,
    lineHeight: 1.15,
    theme: currentTheme(),
    disableStdin: true,
    cursorBlink: false,
    cursorInactiveStyle: 'none',
    allowProposedApi: false,
    convertEol: false,
    screenReaderMode: false,
    // WCAG AA for what the agent prints: xterm lifts a colour (dim text, a dark ANSI blue on black) until it
    // reaches 4.5:1 against the background, in both themes.
    minimumContrastRatio: 4.5,
    // Also sets the scrollbar's width (xterm uses the ruler's): 10 px reads as a macOS overlay scrollbar.
    overviewRuler: { width: 10 },
  });
  const fitAddon = new FitAddon();
  const search = new SearchAddon();
  term.loadAddon(fitAddon);
  term.loadAddon(search);
  term.loadAddon(new WebLinksAddon((_ev, uri) => openLink(uri)));
  term.open(host);
  const onScheme = () => (term.options.theme = currentTheme());
  darkQuery?.addEventListener('change', onScheme);
  let frame = 0;
  const fit = () => {
    // A hidden view has no size; fitting it would shrink the terminal to nothing.
    if (host.clientWidth === 0 || host.clientHeight === 0) return;
    try {
      fitAddon.fit();
    } catch {
      // fit() throws while the renderer has not measured a character yet; the next resize fits.
    }
  };
  const ro = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(fit);
  });
  ro.observe(host);
  return {
    term,
    search,
    fit,
    dispose() {
      ro.disconnect();
      cancelAnimationFrame(frame);
      darkQuery?.removeEventListener('change', onScheme);
      term.dispose();
    },
  };
}
