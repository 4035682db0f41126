// Types for scripts/make-icons.mjs, so the icon tests are type-checked like the rest.
export declare const ROOT: string;
export declare const TRAY_PT: number;
export declare const APP_ICON_PX: number;
export declare const LINUX_ICON_SIZES: number[];
export declare const ICNS_ENTRIES: readonly (readonly [string, number])[];
export declare const ICNS_FILE: string;
export interface IcnsEntry {
  type: string;
  png: Buffer;
}
export declare function traySources(): { name: string; frames: string[] }[];
export declare function renderAll(): { file: string; png: Buffer }[];
export declare function renderIcns(): { file: string; entries: IcnsEntry[]; data: Buffer };
export declare function packIcns(entries: IcnsEntry[]): Buffer;
export declare function parseIcns(buf: Buffer): IcnsEntry[];
export declare function icnsProblems(onDisk: Buffer, rendered: { entries: IcnsEntry[] }): string[];
export declare function samePixels(a: Buffer, b: Buffer): boolean;
export declare function contactSheet(files: string[]): Buffer;
