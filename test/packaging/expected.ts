// What app.asar must hold, worked out from the checkout (the built dist/, the icons, package.json), so the
// packaging tests compare the archive with an exact list instead of looking for a few names.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SupervisorState, StatusSnapshot } from '../../common/contract.js';
import { trayIcon, trayIconFile } from '../../main/shell/tray-model.js';
import { ROOT } from './harness.js';

function walk(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`],
  );
}

/** The app's own files (everything but node_modules/) a package for this platform must carry. */
export function expectedAppFiles(platform: 'darwin' | 'linux'): string[] {
  const compiled = [...walk('dist/main'), ...walk('dist/common'), ...walk('dist/preload')].filter((f) =>
    /\.(js|cjs)$/.test(f),
  );
  const page = walk('dist/renderer').filter((f) => !f.endsWith('.map'));
  const tray = walk(platform === 'darwin' ? 'assets/tray' : 'assets/tray-linux');
  return ['package.json', 'assets/icon.png', ...compiled, ...page, ...tray].sort();
}

const STATES: SupervisorState[] = [
  'starting',
  'healthy',
  'degraded',
  'failing',
  'restarting',
  'recovering',
  'needs-attention',
  'paused',
  'stopped',
];

/** Every tray icon file (1x and 2x) the app asks for on a platform, relative to the app root. */
export function trayFilesInUse(platform: 'darwin' | 'linux'): string[] {
  const files = new Set<string>();
  for (const state of STATES) {
    const icon = trayIcon({ state, doctor: null } as StatusSnapshot);
    for (let frame = 0; frame < icon.frames; frame++) {
      const rel = `assets/${trayIconFile(icon, frame, platform)}`;
      files.add(rel);
      files.add(rel.replace('.png', '@2x.png'));
    }
  }
  return [...files].sort();
}

interface PackageJson {
  version: string;
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

export const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** node-pty's runtime JavaScript (lib/, without its tests), relative to node_modules/node-pty. */
export function nodePtyLib(): string[] {
  return walk('node_modules/node-pty/lib')
    .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js'))
    .map((f) => f.replace('node_modules/node-pty/', ''));
}
