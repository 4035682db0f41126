// Turns the tray model's plain-data menu into Electron's menu template. Pure (types only from electron),
// so the exact template Electron receives is unit-tested.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuItemModel, TrayAction } from './tray-model.js';

/** The keys macOS users expect for these items (⌘Q, ⌘, for settings), shown in the menu. */
const ACCELERATORS: Partial<Record<TrayAction['type'], string>> = {
  quit: 'CommandOrControl+Q',
  'open-settings': 'CommandOrControl+,',
};

export function menuTemplate(
  items: MenuItemModel[],
  dispatch: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'action':
        return {
          label: item.label,
          enabled: item.enabled,
          click: () => dispatch(item.action),
          ...(ACCELERATORS[item.action.type] ? { accelerator: ACCELERATORS[item.action.type] } : {}),
        };
      case 'checkbox':
        return {
          type: 'checkbox',
          label: item.label,
          checked: item.checked,
          enabled: item.enabled,
          click: () => dispatch(item.action),
        };
      case 'submenu':
        return { label: item.label, enabled: item.enabled, submenu: menuTemplate(item.items, dispatch) };
    }
  });
}
