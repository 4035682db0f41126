// The tray icons: every state at 1x and 2x, macOS template images (black + alpha only) and their white
// Linux twins, shapes that differ from state to state, the macOS .icns, and files that are exactly what
// their SVG sources render.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  renderAll,
  renderIcns,
  parseIcns,
  packIcns,
  icnsProblems,
  samePixels,
  TRAY_PT,
  APP_ICON_PX,
  LINUX_ICON_SIZES,
  ICNS_ENTRIES,
  ICNS_FILE,
} from '../../scripts/make-icons.mjs';
import type { SupervisorState, StatusSnapshot } from '../../common/contract.js';
import { trayIcon, trayIconFile, ANIMATION_FRAMES, type TrayIcon } from '../../main/shell/tray-model.js';

const ROOT = path.resolve(__dirname, '..', '..');
const ASSETS = path.join(ROOT, 'assets');

function read(rel: string): PNG {
  return PNG.sync.read(readFileSync(path.join(ASSETS, rel)));
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

function status(state: SupervisorState): StatusSnapshot {
  return {
    state,
    since: '2025-01-01T00:00:00.000Z',
    reason: '',
    lastCheck: null,
    consecutiveFailures: 0,
    pausedUntil: null,
    openIncidentId: null,
    doctor: null,
    gatewayUrl: 'http://127.0.0.1:18789',
    settingsProblems: [],
  };
}

/** Every icon file the tray can ask for, over all states and animation frames. */
function iconsInUse(): TrayIcon[] {
  const seen = new Map<string, TrayIcon>();
  for (const s of STATES) {
    const icon = trayIcon(status(s));
    seen.set(icon.name, icon);
  }
  return [...seen.values()];
}

function files(icon: TrayIcon, platform: NodeJS.Platform = 'darwin'): string[] {
  return Array.from({ length: icon.frames }, (_, i) => trayIconFile(icon, i, platform));
}

/** Every 1x and 2x file of every icon in use, on one platform. */
function allFiles(platform: NodeJS.Platform): string[] {
  return iconsInUse().flatMap((icon) => files(icon, platform).flatMap((f) => [f, f.replace('.png', '@2x.png')]));
}

/** Checks a glyph is one colour plus alpha, and covers a real share of its box. */
function expectGlyph(rel: string, rgb: [number, number, number]): void {
  const png = read(rel);
  let opaque = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b, a] = [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]];
    if (a === 0) continue;
    expect([r, g, b], `${rel} pixel ${i / 4}`).toEqual(rgb);
    if (a! > 128) opaque++;
  }
  // A glyph covers a real share of its box; an (almost) empty PNG would be invisible in the bar.
  expect(opaque / (png.width * png.height), rel).toBeGreaterThan(0.12);
}

describe('tray icons', () => {
  it('exist for every state and frame at 1x (18 px) and 2x (36 px)', () => {
    const icons = iconsInUse();
    expect(icons.map((i) => i.name).sort()).toEqual(
      ['attention', 'checking', 'degraded', 'healthy', 'paused', 'recovering', 'restarting', 'stopped'].sort(),
    );
    for (const icon of icons) {
      for (const rel of files(icon)) {
        const one = read(rel);
        const two = read(rel.replace('.png', '@2x.png'));
        expect([one.width, one.height], rel).toEqual([TRAY_PT, TRAY_PT]);
        expect([two.width, two.height], rel).toEqual([TRAY_PT * 2, TRAY_PT * 2]);
      }
    }
    expect(files({ name: 'restarting', frames: ANIMATION_FRAMES })).toHaveLength(4);
  });

  it('macOS: template images, black with alpha, nothing else, and not empty', () => {
    for (const rel of allFiles('darwin')) {
      expectGlyph(rel, [0, 0, 0]);
      expect(rel).toMatch(/^tray\/.*Template(@2x)?\.png$/);
    }
  });

  it('Linux: the same shapes in white, at the same sizes, without the Template name', () => {
    const mac = allFiles('darwin');
    const linux = allFiles('linux');
    expect(linux).toHaveLength(mac.length);
    linux.forEach((rel, i) => {
      expect(rel).toMatch(/^tray-linux\/[a-z]+(-\d)?(@2x)?\.png$/);
      expectGlyph(rel, [255, 255, 255]);
      const [w, t] = [read(rel), read(mac[i]!)];
      expect([w.width, w.height], rel).toEqual([t.width, t.height]);
      for (let p = 3; p < w.data.length; p += 4) expect(w.data[p], `${rel} alpha at ${p}`).toBe(t.data[p]);
    });
  });

  it('differ in shape between states (alpha, not colour, tells them apart)', () => {
    const shapes = iconsInUse().map((icon) => ({
      name: icon.name,
      png: read(files(icon)[0]!.replace('.png', '@2x.png')),
    }));
    for (let i = 0; i < shapes.length; i++) {
      for (let j = i + 1; j < shapes.length; j++) {
        const a = shapes[i]!;
        const b = shapes[j]!;
        let differing = 0;
        for (let p = 3; p < a.png.data.length; p += 4) {
          if (Math.abs(a.png.data[p]! - b.png.data[p]!) > 128) differing++;
        }
        // 36x36 = 1296 px: at least 5 % must flip between clearly on and clearly off.
        expect(differing, `${a.name} vs ${b.name}`).toBeGreaterThan(0.05 * 1296);
      }
    }
  });

  it('animate: successive frames of restarting and recovering differ', () => {
    for (const name of ['restarting', 'recovering'] as const) {
      const frames = files({ name, frames: ANIMATION_FRAMES }).map((f) => read(f.replace('.png', '@2x.png')));
      for (let i = 0; i < frames.length; i++) {
        const a = frames[i]!;
        const b = frames[(i + 1) % frames.length]!;
        let differing = 0;
        for (let p = 3; p < a.data.length; p += 4) if (Math.abs(a.data[p]! - b.data[p]!) > 128) differing++;
        expect(differing, `${name} frame ${i}`).toBeGreaterThan(20);
      }
    }
  });

  it('are what scripts/make-icons.mjs renders from the SVG sources (no hand-exported PNGs)', () => {
    const rendered = renderAll() as { file: string; png: Buffer }[];
    expect(rendered.length).toBeGreaterThan(20);
    for (const { file, png } of rendered) {
      expect(existsSync(path.join(ROOT, file)), `${file} is committed`).toBe(true);
      expect(samePixels(readFileSync(path.join(ROOT, file)), png), `${file} matches its source`).toBe(true);
    }
  });
});

describe('trayIconFile', () => {
  it('picks the template set on macOS and the white set on other platforms', () => {
    const healthy: TrayIcon = { name: 'healthy', frames: 1 };
    const spin: TrayIcon = { name: 'restarting', frames: ANIMATION_FRAMES };
    expect(trayIconFile(healthy, 0, 'darwin')).toBe('tray/healthyTemplate.png');
    expect(trayIconFile(healthy, 0, 'linux')).toBe('tray-linux/healthy.png');
    expect(trayIconFile(spin, 5, 'darwin')).toBe('tray/restarting-1Template.png');
    expect(trayIconFile(spin, 5, 'linux')).toBe('tray-linux/restarting-1.png');
    // Without a platform: the macOS file (the controller sets the platform's own one at once).
    expect(trayIconFile(healthy, 0)).toBe('tray/healthyTemplate.png');
  });
});

describe('app icon', () => {
  it('is 1024x1024 for macOS, with the Linux size set beside it', () => {
    const icon = read('icon.png');
    expect([icon.width, icon.height]).toEqual([APP_ICON_PX, APP_ICON_PX]);
    for (const size of LINUX_ICON_SIZES) {
      const png = read(`icons/${size}x${size}.png`);
      expect([png.width, png.height]).toEqual([size, size]);
    }
  });
});

describe('macOS app icon (build/icon.icns)', () => {
  it('is a well-formed icns with a PNG of the right size for every entry, matching assets/icon.svg', () => {
    const buf = readFileSync(path.join(ROOT, ICNS_FILE));
    const entries = parseIcns(buf);
    expect(entries.map((e) => e.type)).toEqual(ICNS_ENTRIES.map(([type]) => type));
    for (const { type, png } of entries) {
      const px = ICNS_ENTRIES.find(([t]) => t === type)![1];
      const img = PNG.sync.read(Buffer.from(png));
      expect([img.width, img.height], type).toEqual([px, px]);
    }
    expect(icnsProblems(buf, renderIcns())).toEqual([]);
  });

  it('the check catches a truncated file and a changed entry (it can fail)', () => {
    const fresh = renderIcns();
    expect(icnsProblems(fresh.data.subarray(0, 100), fresh)).toEqual([expect.stringMatching(/header says/)]);
    const swapped = fresh.entries.map((e) => (e.type === 'ic07' ? { type: e.type, png: fresh.entries[1]!.png } : e));
    expect(icnsProblems(packIcns(swapped), fresh)).toEqual(['entry ic07 differs from its source']);
    expect(() => parseIcns(Buffer.from('not an icon'))).toThrow(/magic/);
  });
});
