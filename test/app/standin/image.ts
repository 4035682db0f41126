// Stand-in for Electron's nativeImage: createFromPath reads the real file (PNG or JPEG, as Electron
// decodes) and isEmpty() is true when it is missing or unreadable. checkTrayImage holds a tray image to
// what a Mac needs: the file exists and has its @2x sibling (Retina menu bars use it), or it fails the scenario.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { problem } from './control.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function decodable(buf: Buffer): boolean {
  const png = buf.length > 24 && buf.subarray(0, 8).equals(PNG_SIGNATURE);
  const jpeg = buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
  return png || jpeg;
}

export class StandinNativeImage {
  private template = false;

  constructor(
    /** The file it was created from (null for buffers and empty images). */
    readonly sourcePath: string | null,
    private readonly data: Buffer | null,
  ) {}

  static createFromPath(p: string): StandinNativeImage {
    let data: Buffer | null = null;
    try {
      const buf = readFileSync(p);
      data = decodable(buf) ? buf : null;
    } catch {
      // Electron returns an empty image for a file it cannot read; so does the stand-in.
    }
    return new StandinNativeImage(p, data);
  }

  static createEmpty(): StandinNativeImage {
    return new StandinNativeImage(null, null);
  }

  static createFromBuffer(buf: Buffer): StandinNativeImage {
    return new StandinNativeImage(null, decodable(buf) ? buf : null);
  }

  static createFromDataURL(url: string): StandinNativeImage {
    const m = /^data:image\/(?:png|jpeg);base64,(.*)$/.exec(url);
    return StandinNativeImage.createFromBuffer(Buffer.from(m?.[1] ?? '', 'base64'));
  }

  isEmpty(): boolean {
    return this.data === null;
  }

  getSize(): { width: number; height: number } {
    if (!this.data || !this.data.subarray(0, 8).equals(PNG_SIGNATURE)) return { width: 0, height: 0 };
    return { width: this.data.readUInt32BE(16), height: this.data.readUInt32BE(20) };
  }

  getAspectRatio(): number {
    const { width, height } = this.getSize();
    return height ? width / height : 1;
  }

  toPNG(): Buffer {
    return this.data ?? Buffer.alloc(0);
  }

  toDataURL(): string {
    return `data:image/png;base64,${this.toPNG().toString('base64')}`;
  }

  setTemplateImage(on: boolean): void {
    this.template = on;
  }

  isTemplateImage(): boolean {
    return this.template;
  }

  resize(): StandinNativeImage {
    return this;
  }

  crop(): StandinNativeImage {
    return this;
  }

  addRepresentation(): void {
    // Extra scale factors change nothing the harness checks.
  }
}

export const nativeImage = {
  createFromPath: (p: string) => StandinNativeImage.createFromPath(p),
  createEmpty: () => StandinNativeImage.createEmpty(),
  createFromBuffer: (b: Buffer) => StandinNativeImage.createFromBuffer(b),
  createFromDataURL: (u: string) => StandinNativeImage.createFromDataURL(u),
};

/** The @2x file macOS loads next to `name.png` on a Retina screen. */
export function retinaSibling(file: string): string {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}@2x${ext}`;
}

/** Checks a tray image as given to new Tray()/setImage(); returns how to name it in records. */
export function checkTrayImage(image: unknown, where: string): string {
  if (image instanceof StandinNativeImage) {
    const from = image.sourcePath ? ` (${image.sourcePath} is missing or not an image)` : '';
    if (image.isEmpty()) problem(`${where}: an empty image${from}`);
    if (image.sourcePath) checkImageFile(image.sourcePath, where, false);
    return image.sourcePath ?? '(image from a buffer)';
  }
  if (typeof image !== 'string') {
    problem(`${where}: not an image path or NativeImage: ${String(image)}`);
    return String(image);
  }
  checkImageFile(image, where, true);
  return image;
}

function checkImageFile(file: string, where: string, mustExist: boolean): void {
  if (!path.isAbsolute(file)) problem(`${where}: ${file} is not absolute (it depends on the working directory)`);
  if (mustExist && !existsSync(file)) problem(`${where}: ${file} does not exist`);
  const retina = retinaSibling(file);
  if (!existsSync(retina)) problem(`${where}: ${file} has no @2x sibling (${path.basename(retina)})`);
}
