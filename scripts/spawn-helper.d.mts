// Types for scripts/spawn-helper.mjs, so its tests are type-checked like the rest.
export interface SpawnHelperState {
  /** The folder holding it, relative to the node-pty folder: 'prebuilds/darwin-arm64', 'build/Release'. */
  dir: string;
  file: string;
  mode: number;
  executable: boolean;
}
export declare function modeString(mode: number): string;
export declare function nativeDirFor(ptyDir: string, platform: string, arch: string): string | null;
export declare function inspectSpawnHelpers(ptyDir: string): SpawnHelperState[];
export declare function repairSpawnHelpers(ptyDir: string): { file: string; from: number; to: number }[];
