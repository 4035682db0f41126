// Rolling OpenClaw back to the version last seen healthy: how it was installed (npm global or local,
// pnpm global, Homebrew) from where the `openclaw` executable really lives, and the command that puts
// the old version back. `knownFixes.rollbackCommand` overrides the detection.
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export type InstallMethod = 'npm-global' | 'npm-local' | 'pnpm-global' | 'homebrew' | 'unknown';

export interface InstallInfo {
  method: InstallMethod;
  /** The npm prefix (npm-global) or project folder (npm-local). */
  prefix: string | null;
  /** Where the executable resolves to. */
  resolved: string;
}

/** From the executable's real path: …/lib/node_modules/openclaw/… is npm -g, …/pnpm/… pnpm, …/Cellar/… Homebrew. */
export function installFromPath(resolved: string): InstallInfo {
  const p = resolved.split(path.sep).join('/');
  if (/\/Cellar\/openclaw\//.test(p) || /\/homebrew\/opt\/openclaw\//.test(p))
    return { method: 'homebrew', prefix: null, resolved };
  if (/\/pnpm\/(?:global\/)?/.test(p) && /\/node_modules\/openclaw\//.test(p))
    return { method: 'pnpm-global', prefix: null, resolved };
  const m = /^(.*)\/node_modules\/openclaw\//.exec(p);
  if (m) {
    const parent = m[1]!;
    if (parent.endsWith('/lib'))
      return { method: 'npm-global', prefix: parent.slice(0, -'/lib'.length) || '/', resolved };
    return { method: 'npm-local', prefix: parent, resolved };
  }
  return { method: 'unknown', prefix: null, resolved };
}

export async function detectInstall(openclaw: string): Promise<InstallInfo> {
  const resolved = await fsp.realpath(openclaw).catch(() => openclaw);
  return installFromPath(resolved);
}

/** Single-quotes a value for /bin/sh. */
function sh(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export type RollbackPlan = { ok: true; command: string; how: string } | { ok: false; why: string };

/** The command that installs `version`, or why there is none. */
export function rollbackCommand(info: InstallInfo, version: string, setting: string): RollbackPlan {
  if (!/^[\w.+-]+$/.test(version))
    return { ok: false, why: `the recorded version "${version}" does not look like a version` };
  if (setting.trim())
    return { ok: true, command: setting.replaceAll('{{version}}', version), how: 'knownFixes.rollbackCommand' };
  switch (info.method) {
    case 'npm-global':
      return {
        ok: true,
        command: `npm install -g --prefix ${sh(info.prefix!)} openclaw@${version}`,
        how: `npm (global, prefix ${info.prefix})`,
      };
    case 'npm-local':
      return {
        ok: true,
        command: `npm install --prefix ${sh(info.prefix!)} openclaw@${version}`,
        how: `npm (in ${info.prefix})`,
      };
    case 'pnpm-global':
      return { ok: true, command: `pnpm add -g openclaw@${version}`, how: 'pnpm (global)' };
    case 'homebrew':
      return {
        ok: false,
        why:
          'OpenClaw came from Homebrew, which cannot install an older version by name; ' +
          'set knownFixes.rollbackCommand (e.g. to an npm install of openclaw@{{version}})',
      };
    case 'unknown':
      return {
        ok: false,
        why:
          `ClawMedic cannot tell how OpenClaw was installed (${info.resolved}); ` +
          'set knownFixes.rollbackCommand, e.g. "npm install -g openclaw@{{version}}"',
      };
  }
}
