// A skeleton unpacked Electron distribution for electron-builder's `electronDist` option, so a real
// packaging run needs no Electron download. It has the layout electron-builder reads and renames - for
// macOS an Electron.app with its framework's Info.plist and the four helper apps, for Linux the top-level
// files of Electron's linux zip - with tiny shell scripts where the binaries would be.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The helper apps Electron ships in Electron.app/Contents/Frameworks (electron-builder renames each). */
export const MAC_HELPERS = [
  'Electron Helper',
  'Electron Helper (GPU)',
  'Electron Helper (Renderer)',
  'Electron Helper (Plugin)',
];

function put(file: string, text: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
}

function executable(file: string): void {
  put(file, '#!/bin/sh\necho "skeleton Electron for packaging tests: not runnable" >&2\nexit 1\n', 0o755);
}

function infoPlist(entries: Record<string, string>): string {
  const body = Object.entries(entries)
    .map(([k, v]) => `  <key>${k}</key>\n  <string>${v}</string>`)
    .join('\n');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
    `<plist version="1.0">\n<dict>\n${body}\n</dict>\n</plist>\n`
  );
}

/** Writes the skeleton under `root` and returns the folder to pass as electronDist. */
export function makeElectronDist(root: string, platform: 'mac' | 'linux', electronVersion: string): string {
  const dist = path.join(root, `electron-${platform}`);
  // Electron's license files sit next to the app; electron-builder keeps them (moved into the bundle on mac).
  put(path.join(dist, 'LICENSE'), 'skeleton license\n');
  put(path.join(dist, 'LICENSES.chromium.html'), '<html></html>\n');
  if (platform === 'linux') {
    executable(path.join(dist, 'electron'));
    executable(path.join(dist, 'chrome_crashpad_handler'));
    // Shipped 0755 in Electron's zip; the deb's install script decides whether it needs setuid.
    executable(path.join(dist, 'chrome-sandbox'));
    for (const f of ['resources.pak', 'icudtl.dat', 'v8_context_snapshot.bin', 'libffmpeg.so', 'locales/en-US.pak']) {
      put(path.join(dist, f), 'skeleton\n');
    }
    put(path.join(dist, 'version'), `${electronVersion}\n`);
    // No resources/default_app.asar: electron-builder hashes every asar in resources/ for the asar
    // integrity data, and a placeholder would not parse.
    mkdirSync(path.join(dist, 'resources'), { recursive: true });
    return dist;
  }
  const contents = path.join(dist, 'Electron.app', 'Contents');
  const version = { CFBundleVersion: electronVersion, CFBundleShortVersionString: electronVersion };
  put(
    path.join(contents, 'Info.plist'),
    infoPlist({
      CFBundleExecutable: 'Electron',
      CFBundleIdentifier: 'com.github.Electron',
      CFBundleName: 'Electron',
      CFBundleIconFile: 'electron.icns',
      CFBundlePackageType: 'APPL',
      ...version,
    }),
  );
  executable(path.join(contents, 'MacOS', 'Electron'));
  put(path.join(contents, 'Resources', 'electron.icns'), 'skeleton\n');
  put(path.join(contents, 'PkgInfo'), 'APPL????');
  const framework = path.join(contents, 'Frameworks', 'Electron Framework.framework');
  put(
    path.join(framework, 'Versions', 'A', 'Resources', 'Info.plist'),
    infoPlist({
      CFBundleExecutable: 'Electron Framework',
      CFBundleIdentifier: 'com.github.Electron.framework',
      ...version,
    }),
  );
  for (const helper of MAC_HELPERS) {
    const app = path.join(contents, 'Frameworks', `${helper}.app`, 'Contents');
    const suffix = helper.replace('Electron Helper', '').trim().replace(/[()]/g, '').toLowerCase();
    put(
      path.join(app, 'Info.plist'),
      infoPlist({
        CFBundleExecutable: helper,
        CFBundleIdentifier: `com.github.Electron.helper${suffix ? `.${suffix}` : ''}`,
        CFBundleName: helper,
        ...version,
      }),
    );
    executable(path.join(app, 'MacOS', helper));
  }
  return dist;
}
