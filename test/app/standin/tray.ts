// Stand-in for Electron's Tray: every image is checked (see image.ts) and recorded, as are the tooltip,
// title and menus. The harness clicks it as a person would: a right-click shows the menu (the one the app
// pops up, or the context menu it set), whose items are then clicked by label.
import { EventEmitter } from 'node:events';
import { preventable, provide, record } from './control.js';
import { checkTrayImage } from './image.js';
import { activate, StandinMenu } from './menu.js';
import { StandinBrowserWindow } from './window.js';

let nextId = 1;
const live = new Set<StandinTray>();

/** Where the icon sits in the menu bar (a 1440-wide screen, near the clock). */
const TRAY_BOUNDS = { x: 1200, y: 0, width: 24, height: 24 };

export class StandinTray extends EventEmitter {
  readonly id = nextId++;
  private contextMenu: StandinMenu | null = null;
  /** The menu on screen right now (popped up by the app, or opened by a click on a tray with a context menu). */
  openMenu: StandinMenu | null = null;
  private title = '';
  private destroyed = false;

  constructor(image: unknown) {
    super();
    const name = checkTrayImage(image, `new Tray(${this.id})`);
    live.add(this);
    record('tray.created', { tray: this.id, image: name });
  }

  setImage(image: unknown): void {
    record('tray.image', { tray: this.id, image: checkTrayImage(image, `tray ${this.id} setImage`) });
  }

  setPressedImage(image: unknown): void {
    checkTrayImage(image, `tray ${this.id} setPressedImage`);
  }

  setToolTip(text: string): void {
    record('tray.tooltip', { tray: this.id, text });
  }

  setTitle(text: string): void {
    this.title = text;
    record('tray.title', { tray: this.id, text });
  }

  getTitle(): string {
    return this.title;
  }

  setContextMenu(menu: StandinMenu | null): void {
    this.contextMenu = menu;
    record('tray.context-menu', { tray: this.id, menu: menu ? menu.snapshot() : null });
  }

  /** Not in Electron's API: the menu set with setContextMenu, for the harness. */
  getContextMenu(): StandinMenu | null {
    return this.contextMenu;
  }

  popUpContextMenu(menu?: StandinMenu): void {
    const m = menu ?? this.contextMenu;
    if (!m) return;
    this.openMenu = m;
    record('tray.popup', { tray: this.id, menu: m.snapshot() });
  }

  closeContextMenu(): void {
    this.openMenu = null;
  }

  getBounds(): typeof TRAY_BOUNDS {
    return { ...TRAY_BOUNDS };
  }

  setIgnoreDoubleClickEvents(): void {
    // Double clicks are never sent unless the harness is asked to.
  }

  focus(): void {
    // The menu bar has no focus to give in the stand-in.
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    live.delete(this);
    this.openMenu = null;
    record('tray.destroyed', { tray: this.id });
  }
}

/** The app's tray (the newest live one). */
function currentTray(): StandinTray {
  const trays = [...live];
  const t = trays[trays.length - 1];
  if (!t) throw new Error('the app has no tray icon');
  return t;
}

provide({
  clickTray(kind) {
    const t = currentTray();
    t.emit(kind, preventable(), t.getBounds(), { x: TRAY_BOUNDS.x + 10, y: 10 });
  },
  openTrayMenu() {
    const t = currentTray();
    t.openMenu = null;
    t.emit('right-click', preventable(), t.getBounds());
    // A tray with a context menu opens it itself; otherwise the app has to pop one up.
    const menu = t.openMenu ?? t.getContextMenu();
    if (!menu) throw new Error('right-clicking the tray showed no menu');
    t.openMenu = menu;
    return menu.snapshot();
  },
  clickMenuItem(labels) {
    const t = currentTray();
    const menu = t.openMenu;
    if (!menu) throw new Error(`no tray menu is open to click "${labels.join(' › ')}" in`);
    const item = menu.find(labels);
    // The menu closes as the click lands, like a real one.
    t.openMenu = null;
    record('menu.clicked', { path: labels });
    activate(item, StandinBrowserWindow.getFocusedWindow() ?? undefined);
  },
});
