// Types for scripts/postinstall.mjs, so its tests are type-checked like the rest.
export declare function fixSpawnHelpers(ptyDir: string): string[];
