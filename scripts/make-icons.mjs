#!/usr/bin/env node
// Renders every icon from its SVG source, so no PNG in assets/ is ever hand-exported.
//   node scripts/make-icons.mjs            write assets/tray/*.png (macOS), assets/tray-linux/*.png,
//                                          assets/icon.png, assets/icons/*.png and build/icon.icns
//   node scripts/make-icons.mjs --check    exit 1 if a committed icon differs from what its source renders
//   node scripts/make-icons.mjs --sheet F  also write a contact sheet (light + dark menu bar) to F, for looking at
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TRAY_SRC = path.join(ROOT, 'assets', 'tray-src');

/**
 * macOS menu-bar extras live in a 22 pt bar (24 pt on notched displays); 18 pt leaves 2 pt above and
 * below, the size Apple's own template glyphs use. @2x is for Retina screens.
 */
export const TRAY_PT = 18;
export const APP_ICON_PX = 1024;
/** Linux desktop environments pick one of these from the icon folder electron-builder installs. */
export const LINUX_ICON_SIZES = [16, 32, 48, 64, 128, 256, 512];
/**
 * The macOS app icon: an .icns holding PNG entries, so electron-builder copies it as it is (it can only
 * convert a PNG with a tool it downloads). Type → pixel size; the 2x types are the Retina variants.
 */
export const ICNS_ENTRIES = Object.freeze([
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024], // 512 pt @2x
  ['ic11', 32], // 16 pt @2x
  ['ic12', 64], // 32 pt @2x
  ['ic13', 256], // 128 pt @2x
  ['ic14', 512], // 256 pt @2x
]);
export const ICNS_FILE = 'build/icon.icns';
/**
 * Linux panels are dark on most desktops (GNOME, Ubuntu, KDE's default) and show no template images:
 * the black macOS glyphs nearly vanish there, so Linux gets the same shapes in white.
 */
const LINUX_TRAY_RGB = [255, 255, 255];

function render(svg, widthPx) {
  const r = new Resvg(svg, { fitTo: { mode: 'width', value: widthPx }, font: { loadSystemFonts: false } });
  return r.render().asPng();
}

/** Tray sources: `{ name, frames: [svg…] }`; an SVG with data-frames="N" rotates its #spin group N times. */
export function traySources() {
  const out = [];
  for (const file of readdirSync(TRAY_SRC)
    .filter((f) => f.endsWith('.svg'))
    .sort()) {
    const name = file.slice(0, -4);
    const svg = readFileSync(path.join(TRAY_SRC, file), 'utf8');
    const m = /data-frames="(\d+)"/.exec(svg);
    if (!m) {
      out.push({ name, frames: [svg] });
      continue;
    }
    const n = Number(m[1]);
    const spin = /(<g id="spin" transform="rotate\()0( 9 9\)")/;
    if (!spin.test(svg)) throw new Error(`${file}: data-frames needs <g id="spin" transform="rotate(0 9 9)">`);
    const frames = [];
    for (let i = 0; i < n; i++) frames.push(svg.replace(spin, `$1${(360 / n) * i}$2`));
    out.push({ name, frames });
  }
  return out;
}

/** Every generated PNG: `{ file (relative to the repo), png }`. */
export function renderAll() {
  const files = [];
  for (const { name, frames } of traySources()) {
    frames.forEach((svg, i) => {
      const base = frames.length > 1 ? `${name}-${i}` : name;
      const one = render(svg, TRAY_PT);
      const two = render(svg, TRAY_PT * 2);
      files.push({ file: `assets/tray/${base}Template.png`, png: one });
      files.push({ file: `assets/tray/${base}Template@2x.png`, png: two });
      files.push({ file: `assets/tray-linux/${base}.png`, png: recolour(one, LINUX_TRAY_RGB) });
      files.push({ file: `assets/tray-linux/${base}@2x.png`, png: recolour(two, LINUX_TRAY_RGB) });
    });
  }
  const appSvg = readFileSync(path.join(ROOT, 'assets', 'icon.svg'), 'utf8');
  files.push({ file: 'assets/icon.png', png: render(appSvg, APP_ICON_PX) });
  for (const size of LINUX_ICON_SIZES) {
    files.push({ file: `assets/icons/${size}x${size}.png`, png: render(appSvg, size) });
  }
  return files;
}

/** An .icns container: 'icns' + total length, then per entry its type, its length (header included), its PNG. */
export function packIcns(entries) {
  const chunks = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

/** The entries of an .icns file; throws on anything that is not a well-formed container. */
export function parseIcns(buf) {
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== 'icns') throw new Error('not an icns file (no "icns" magic)');
  const total = buf.readUInt32BE(4);
  if (total !== buf.length) throw new Error(`icns header says ${total} bytes, the file has ${buf.length}`);
  const entries = [];
  for (let at = 8; at < total;) {
    if (at + 8 > total) throw new Error(`icns entry header at byte ${at} runs past the end`);
    const type = buf.toString('latin1', at, at + 4);
    const len = buf.readUInt32BE(at + 4);
    if (len < 8 || at + len > total) throw new Error(`icns entry ${type} at byte ${at} has a bad length ${len}`);
    entries.push({ type, png: buf.subarray(at + 8, at + len) });
    at += len;
  }
  return entries;
}

/** The macOS app icon, rendered from assets/icon.svg at every size the .icns lists. */
export function renderIcns() {
  const appSvg = readFileSync(path.join(ROOT, 'assets', 'icon.svg'), 'utf8');
  const entries = ICNS_ENTRIES.map(([type, px]) => ({ type, png: render(appSvg, px) }));
  return { file: ICNS_FILE, entries, data: packIcns(entries) };
}

/** Problems of a committed .icns against a fresh render (empty when it matches). */
export function icnsProblems(onDisk, rendered) {
  let entries;
  try {
    entries = parseIcns(onDisk);
  } catch (err) {
    return [err.message];
  }
  const problems = [];
  const types = entries.map((e) => e.type).join(',');
  const want = rendered.entries.map((e) => e.type).join(',');
  if (types !== want) problems.push(`entries ${types}, expected ${want}`);
  for (const r of rendered.entries) {
    const e = entries.find((x) => x.type === r.type);
    if (e && !samePixels(e.png, r.png)) problems.push(`entry ${r.type} differs from its source`);
  }
  return problems;
}

/** Pixel-level comparison (PNG bytes can differ with zlib settings while the image is the same). */
export function samePixels(a, b) {
  const pa = PNG.sync.read(a);
  const pb = PNG.sync.read(b);
  if (pa.width !== pb.width || pa.height !== pb.height) return false;
  for (let i = 0; i < pa.data.length; i++) {
    // ±2 of 255: tolerates rounding differences between resvg builds, not a changed shape.
    if (Math.abs(pa.data[i] - pb.data[i]) > 2) return false;
  }
  return true;
}

function recolour(png, rgb) {
  const img = PNG.sync.read(png);
  for (let i = 0; i < img.data.length; i += 4) {
    img.data[i] = rgb[0];
    img.data[i + 1] = rgb[1];
    img.data[i + 2] = rgb[2];
  }
  return PNG.sync.write(img);
}

/** A contact sheet: each tray icon at 1x, 2x and magnified, on a light and a dark menu bar. */
export function contactSheet(files) {
  const tray = files.filter((f) => f.file.startsWith('assets/tray/') && !f.file.includes('@2x'));
  const perRow = 6;
  const cell = { w: 180, h: 130 };
  const bars = [
    { bg: '#ececec', fg: [0, 0, 0], text: '#000' },
    { bg: '#2a2a2c', fg: [255, 255, 255], text: '#fff' },
  ];
  const rows = Math.ceil(tray.length / perRow);
  const width = cell.w * perRow;
  const height = cell.h * rows * bars.length;
  const uri = (png) => `data:image/png;base64,${png.toString('base64')}`;
  const PIXELATED = 'image-rendering:optimizeSpeed';
  const LABEL_FONT = 'DejaVu Sans, Helvetica, sans-serif';
  let body = '';
  bars.forEach((bar, b) => {
    const band = b * cell.h * rows;
    body += `<rect x="0" y="${band}" width="${width}" height="${cell.h * rows}" fill="${bar.bg}"/>`;
    tray.forEach((f, i) => {
      const x0 = (i % perRow) * cell.w;
      const y0 = band + Math.floor(i / perRow) * cell.h;
      const one = recolour(f.png, bar.fg);
      const two = recolour(files.find((g) => g.file === f.file.replace('.png', '@2x.png')).png, bar.fg);
      const label = path.basename(f.file, 'Template.png');
      // 1x and 2x at their pixel size, then 2x magnified without smoothing so every pixel shows.
      body += `<image x="${x0 + 8}" y="${y0 + 8}" width="18" height="18" href="${uri(one)}" style="${PIXELATED}"/>`;
      body += `<image x="${x0 + 8}" y="${y0 + 34}" width="36" height="36" href="${uri(two)}"/>`;
      body += `<image x="${x0 + 56}" y="${y0 + 8}" width="108" height="108" href="${uri(two)}" style="${PIXELATED}"/>`;
      const font = `font-size="11" font-family="${LABEL_FONT}"`;
      body += `<text x="${x0 + 8}" y="${y0 + 124}" ${font} fill="${bar.text}">${label}</text>`;
    });
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`;
  return new Resvg(svg, { font: { loadSystemFonts: true } }).render().asPng();
}

function main(argv) {
  const files = renderAll();
  const icns = renderIcns();
  if (argv.includes('--check')) {
    const stale = [];
    for (const { file, png } of files) {
      let onDisk;
      try {
        onDisk = readFileSync(path.join(ROOT, file));
      } catch {
        // A missing file is reported as stale below, like a changed one.
        stale.push(`${file} (missing)`);
        continue;
      }
      if (!samePixels(onDisk, png)) stale.push(file);
    }
    let icnsOnDisk = null;
    try {
      icnsOnDisk = readFileSync(path.join(ROOT, icns.file));
    } catch {
      // Reported as stale just below, like a changed one.
    }
    const icnsWrong = icnsOnDisk ? icnsProblems(icnsOnDisk, icns) : ['missing'];
    if (icnsWrong.length) stale.push(`${icns.file} (${icnsWrong.join('; ')})`);
    if (stale.length) {
      const fix = 'run `node scripts/make-icons.mjs` and commit the result';
      console.error(`These icons do not match their SVG sources; ${fix}:\n  ${stale.join('\n  ')}`);
      process.exit(1);
    }
    console.log(`${files.length + 1} icons match their sources.`);
  } else {
    for (const { file, png } of [...files, { file: icns.file, png: icns.data }]) {
      mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
      writeFileSync(path.join(ROOT, file), png);
    }
    console.log(`wrote ${files.length + 1} icons`);
  }
  const at = argv.indexOf('--sheet');
  if (at >= 0) {
    const out = argv[at + 1];
    if (!out) {
      console.error('--sheet needs a file name, e.g. --sheet /tmp/icons.png');
      process.exit(2);
    }
    writeFileSync(out, contactSheet(files));
    console.log(`contact sheet: ${out}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
