// Types for scripts/after-pack.mjs, so its tests are type-checked like the rest.
export declare function checkPackagedNodePty(o: {
  resourcesDir: string;
  platform: string;
  arch: string;
}): Promise<string[]>;
export interface MacSigningOptions {
  identity?: string | null;
  forceCodeSigning?: boolean;
  hardenedRuntime?: boolean;
  entitlements?: string | null;
  entitlementsInherit?: string | null;
  notarize?: boolean;
}
export declare function describeMacSigning(mac: MacSigningOptions): string;
export default function afterPack(context: {
  arch: number;
  appOutDir: string;
  electronPlatformName: string;
  packager: { getResourcesDir(appOutDir: string): string; platformSpecificBuildOptions: MacSigningOptions };
}): Promise<void>;
