// Stand-in for Electron's Menu and MenuItem: built from templates, kept as data so the harness can see
// them, and clickable by label path as a person would (a checkbox toggles before its click handler runs).
import { EventEmitter } from 'node:events';
import { note } from './control.js';
import type { MenuItemSnapshot } from './wire.js';

export interface MenuItemOptions {
  label?: string;
  type?: string;
  enabled?: boolean;
  visible?: boolean;
  checked?: boolean;
  accelerator?: string;
  id?: string;
  role?: string;
  submenu?: MenuItemOptions[] | StandinMenu;
  click?: (item: StandinMenuItem, window: unknown, event: unknown) => void;
}

export class StandinMenuItem {
  label: string;
  type: string;
  enabled: boolean;
  visible: boolean;
  checked: boolean;
  readonly accelerator: string | null;
  readonly id: string | null;
  readonly role: string | null;
  readonly submenu: StandinMenu | null;
  click: ((item: StandinMenuItem, window: unknown, event: unknown) => void) | undefined;

  constructor(o: MenuItemOptions) {
    const sub = o.submenu;
    this.submenu = sub ? (sub instanceof StandinMenu ? sub : StandinMenu.buildFromTemplate(sub)) : null;
    this.label = o.label ?? '';
    this.type = o.type ?? (this.submenu ? 'submenu' : 'normal');
    this.enabled = o.enabled ?? true;
    this.visible = o.visible ?? true;
    this.checked = o.checked ?? false;
    this.accelerator = o.accelerator ?? null;
    this.id = o.id ?? null;
    this.role = o.role ?? null;
    this.click = o.click;
  }

  snapshot(): MenuItemSnapshot {
    return {
      label: this.label,
      type: this.type,
      enabled: this.enabled,
      visible: this.visible,
      checked: this.checked,
      accelerator: this.accelerator,
      submenu: this.submenu ? this.submenu.snapshot() : null,
    };
  }
}

let applicationMenu: StandinMenu | null = null;

export class StandinMenu extends EventEmitter {
  readonly items: StandinMenuItem[] = [];

  static buildFromTemplate(template: Array<MenuItemOptions | StandinMenuItem>): StandinMenu {
    const menu = new StandinMenu();
    for (const t of template) menu.append(t instanceof StandinMenuItem ? t : new StandinMenuItem(t));
    return menu;
  }

  static setApplicationMenu(menu: StandinMenu | null): void {
    applicationMenu = menu;
  }

  static getApplicationMenu(): StandinMenu | null {
    return applicationMenu;
  }

  static sendActionToFirstResponder(action: string): void {
    note(`Menu.sendActionToFirstResponder(${action})`);
  }

  append(item: StandinMenuItem): void {
    this.items.push(item);
  }

  insert(pos: number, item: StandinMenuItem): void {
    this.items.splice(pos, 0, item);
  }

  getMenuItemById(id: string): StandinMenuItem | null {
    for (const item of this.items) {
      if (item.id === id) return item;
      const inner = item.submenu?.getMenuItemById(id);
      if (inner) return inner;
    }
    return null;
  }

  popup(): void {
    note('menu.popup() (a context menu outside the tray)');
  }

  closePopup(): void {
    // Nothing is shown, so nothing to close.
  }

  snapshot(): MenuItemSnapshot[] {
    return this.items.map((i) => i.snapshot());
  }

  /** The item a person reaches by these labels (submenus first); throws with what was there instead. */
  find(path: string[]): StandinMenuItem {
    let items = this.items;
    let item: StandinMenuItem | undefined;
    path.forEach((label, i) => {
      const shown = items.filter((x) => x.visible && x.type !== 'separator');
      item = shown.find((x) => x.label === label);
      if (!item) {
        const labels = shown.map((x) => JSON.stringify(x.label)).join(', ');
        throw new Error(`no menu item "${label}"; the menu shows: ${labels}`);
      }
      if (i < path.length - 1) {
        if (!item.submenu) throw new Error(`menu item "${label}" has no submenu`);
        if (!item.enabled) throw new Error(`menu item "${label}" is disabled: its submenu cannot open`);
        items = item.submenu.items;
      }
    });
    if (!item) throw new Error('no menu item given');
    return item;
  }
}

/** What a click on an item does in Electron: refused when disabled; checkboxes toggle first. */
export function activate(item: StandinMenuItem, focusedWindow: unknown): void {
  if (!item.enabled) throw new Error(`menu item "${item.label}" is disabled: a click does nothing`);
  if (item.type === 'checkbox') item.checked = !item.checked;
  if (item.type === 'radio') item.checked = true;
  const event = { shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, triggeredByAccelerator: false };
  item.click?.(item, focusedWindow, event);
}
