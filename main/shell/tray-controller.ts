// Applies the tray model to a real Tray: icon (animated while restarting or recovering), tooltip, menu,
// and the click behaviour. Electron objects come in as parameters, so tests drive it with fakes.
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from './tray-menu.js';
import { trayIconFile, trayModel, type TrayAction, type TrayInput, type TrayModel } from './tray-model.js';
import { systemClock, type Clock, type TimerHandle } from '../../common/clock.js';

/** 300 ms per frame: one turn of the 4-frame arrow every 1.2 s reads as "working" without flicker. */
export const ANIMATION_FRAME_MS = 300;

/** The parts of Electron's Tray the controller uses. */
export interface TrayLike<M> {
  setImage(image: string): void;
  setToolTip(text: string): void;
  setContextMenu(menu: M | null): void;
  popUpContextMenu(menu?: M): void;
  on(event: 'click' | 'right-click' | 'mouse-enter', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayControllerOptions<M> {
  tray: TrayLike<M>;
  /** Menu.buildFromTemplate. */
  buildMenu: (template: MenuItemConstructorOptions[]) => M;
  /** Folder holding tray/ (macOS) and tray-linux/ (other platforms); see trayIconFile. */
  assetsDir: string;
  /** macOS pops the menu up on click itself; Linux app indicators only show a context menu. */
  platform: NodeJS.Platform;
  /** Current input (status, last incident, now, …), read at every refresh. */
  input: () => TrayInput;
  dispatch: (action: TrayAction) => void;
  clock?: Clock;
}

export class TrayController<M> {
  private model: TrayModel | null = null;
  private menu: M | null = null;
  private frame = 0;
  private animation: TimerHandle | null = null;
  private readonly clock: Clock;

  constructor(private readonly opts: TrayControllerOptions<M>) {
    this.clock = opts.clock ?? systemClock;
    const { tray } = opts;
    if (opts.platform === 'linux') {
      // App indicators send 'click' only on some desktops; the menu (set in refresh) is the way in.
    } else {
      tray.on('click', () => this.onClick());
      tray.on('right-click', () => this.popUp());
      // The tooltip says "last checked N s ago": bring it up to date when the pointer arrives.
      tray.on('mouse-enter', () => this.refresh());
    }
    this.refresh();
  }

  /** Recomputes the model from current state and applies what changed. */
  refresh(): TrayModel {
    const next = trayModel(this.opts.input());
    const prev = this.model;
    this.model = next;
    const { tray } = this.opts;
    if (!prev || prev.icon.name !== next.icon.name) {
      this.frame = 0;
      this.setFrame();
      this.animate(next.icon.frames > 1);
    }
    if (!prev || prev.tooltip !== next.tooltip) tray.setToolTip(next.tooltip);
    if (!prev || JSON.stringify(prev.menu) !== JSON.stringify(next.menu)) {
      this.menu = this.opts.buildMenu(menuTemplate(next.menu, this.opts.dispatch));
      if (this.opts.platform === 'linux') tray.setContextMenu(this.menu);
    }
    return next;
  }

  dispose(): void {
    this.animate(false);
    this.opts.tray.destroy();
  }

  private onClick(): void {
    const model = this.refresh();
    if (model.click === 'menu') this.popUp();
    else this.opts.dispatch(model.click);
  }

  private popUp(): void {
    this.refresh();
    if (this.menu) this.opts.tray.popUpContextMenu(this.menu);
  }

  private setFrame(): void {
    if (!this.model) return;
    const file = trayIconFile(this.model.icon, this.frame, this.opts.platform);
    this.opts.tray.setImage(path.join(this.opts.assetsDir, file));
  }

  private animate(on: boolean): void {
    if (!on) {
      this.animation?.cancel();
      this.animation = null;
      return;
    }
    if (this.animation !== null) return;
    const tick = () => {
      this.frame += 1;
      this.setFrame();
      this.animation = this.clock.schedule(ANIMATION_FRAME_MS, tick);
    };
    this.animation = this.clock.schedule(ANIMATION_FRAME_MS, tick);
  }
}
