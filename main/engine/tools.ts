// The external programs the engine runs, found once to an absolute path. A menu-bar app started from
// Finder has launchd's minimal PATH; the engine gets the login shell's PATH (login-shell.ts) and looks
// each tool up in it, so every later call (execFile, node-pty, tmux itself) runs a full path and no
// lookup depends on which process happens to do it. A setting may name a tool explicitly.
import { accessSync, constants as fsc, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Finds a command on a PATH string (or checks an explicit path); null when it is not there or not an
 * executable file. Written out rather than taken from `which`: it must search a PATH we pass in, not
 * the process's own, and this is all of it.
 */
export function resolveCommand(command: string, envPath: string | undefined): string | null {
  const executable = (p: string) => {
    try {
      accessSync(p, fsc.X_OK);
      return statSync(p).isFile();
    } catch {
      // Not there or not executable: keep looking.
      return false;
    }
  };
  if (command.includes('/')) return executable(command) ? path.resolve(command) : null;
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    const p = path.join(dir, command);
    if (executable(p)) return p;
  }
  return null;
}

export type ToolName = 'tmux' | 'openclaw';

const INSTALL_HINT: Record<ToolName, string> = {
  tmux: 'Install it (macOS: `brew install tmux`; Debian/Ubuntu: `apt install tmux`)',
  openclaw: 'Install OpenClaw (`npm install -g openclaw`)',
};

export type ToolLookup = { ok: true; path: string } | { ok: false; problem: string };

/** One tool: the explicit setting when given (it must exist), else the first match on PATH. */
export function findTool(name: ToolName, explicit: string, envPath: string | undefined): ToolLookup {
  if (explicit.trim()) {
    const p = resolveCommand(explicit.trim(), envPath);
    if (p) return { ok: true, path: p };
    return {
      ok: false,
      problem:
        `${name} was not found at tools.${name} = "${explicit}" (no executable ` +
        `file there). Fix or clear that setting.`,
    };
  }
  const p = resolveCommand(name, envPath);
  if (p) return { ok: true, path: p };
  const dirs = (envPath ?? '').split(path.delimiter).filter(Boolean);
  return {
    ok: false,
    problem:
      `${name} is not installed or not on PATH (looked in ${dirs.join(', ') || 'no folders'}). ` +
      `${INSTALL_HINT[name]}, or set tools.${name} in the settings to its full path.`,
  };
}

/**
 * Resolves tools on demand and remembers the answer for the same setting and PATH, so a lookup costs a
 * few stat calls once, and installing a missing tool (or changing the setting) is picked up next time.
 */
export class ToolPaths {
  private cache = new Map<string, ToolLookup>();

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly explicit: () => Partial<Record<ToolName, string>> = () => ({}),
  ) {}

  lookup(name: ToolName): ToolLookup {
    const explicit = this.explicit()[name] ?? '';
    const key = `${name}\0${explicit}\0${this.env.PATH ?? ''}`;
    const hit = this.cache.get(key);
    if (hit?.ok) return hit;
    const found = findTool(name, explicit, this.env.PATH);
    this.cache.set(key, found);
    return found;
  }

  /** The absolute path, or the bare name when not found (running it then fails with ENOENT, reported by the caller). */
  path(name: ToolName): string {
    const r = this.lookup(name);
    return r.ok ? r.path : name;
  }
}
