// Turns the tray model's plain-data menu into Electron's menu template. Pure (types only from electron),
// so the exact template Electron receives is unit-tested.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuItemModel, TrayAction } from './tray-model.js';

export function menuTemplate(items: MenuItemModel[], dispatch: (action: TrayAction) => void): MenuItemConstructorOptions[] {
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
          ...(item.action.type === 'quit' ? { accelerator: 'CommandOrControl+Q' } : {}),
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
