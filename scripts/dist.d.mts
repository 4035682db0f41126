// Types for scripts/dist.mjs, so its tests are type-checked like the rest.
export declare const LOCAL_ARGS: readonly string[];
export declare const NOTARIZE_ENV_SETS: readonly (readonly string[])[];
export declare function notarizationConfigured(env: Record<string, string | undefined>): boolean;
export declare function builderArgs(argv: string[]): string[];
export declare const MIN_NODE: string;
export declare function nodeSupported(version: string): boolean;
