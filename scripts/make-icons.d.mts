// Types for scripts/make-icons.mjs, so the icon tests are type-checked like the rest.
export declare const ROOT: string;
export declare const TRAY_PT: number;
export declare const APP_ICON_PX: number;
export declare const LINUX_ICON_SIZES: number[];
export declare function traySources(): { name: string; frames: string[] }[];
export declare function renderAll(): { file: string; png: Buffer }[];
export declare function samePixels(a: Buffer, b: Buffer): boolean;
export declare function contactSheet(files: string[]): Buffer;
