// A Mac app started from Finder or at login gets launchd's minimal PATH (/usr/bin:/bin:…), so
// `claude`, `openclaw` and `tmux` from Homebrew or npm would be "not found". The user's login shell
// knows the real PATH; ask it once at start-up, and fall back to well-known folders if it will not say.
import { shellEnv } from 'shell-env';

/** 5 s: a login shell answers in well under a second; a broken rc file must not hold up the app. */
const LOGIN_SHELL_TIMEOUT_MS = 5000;

/** Where Homebrew (Apple silicon, Intel) and common Node installs put binaries. */
export const WELL_KNOWN_BIN_DIRS = ['/opt/homebrew/bin', '/usr/local/bin', '/opt/local/bin'];

/** The environment for restart steps and the doctor: the app's own env with the best PATH we know. */
export function mergeLoginEnv(
  appEnv: NodeJS.ProcessEnv,
  loginEnv: Record<string, string> | null,
  home: string | undefined = appEnv.HOME,
): NodeJS.ProcessEnv {
  const dirs: string[] = [];
  const add = (p: string | undefined) => {
    for (const d of (p ?? '').split(':')) if (d && !dirs.includes(d)) dirs.push(d);
  };
  add(loginEnv?.PATH);
  add(appEnv.PATH);
  for (const d of WELL_KNOWN_BIN_DIRS) add(d);
  if (home) add(`${home}/.local/bin:${home}/.npm-global/bin`);
  return { ...appEnv, PATH: dirs.join(':') };
}

export async function loginEnv(appEnv: NodeJS.ProcessEnv = process.env, warn: (m: string) => void = console.warn): Promise<NodeJS.ProcessEnv> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const fromShell = await Promise.race([
      shellEnv(),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), LOGIN_SHELL_TIMEOUT_MS);
      }),
    ]);
    if (!fromShell) warn(`ClawMedic: your login shell did not report its PATH within ${LOGIN_SHELL_TIMEOUT_MS / 1000} s; using well-known folders instead.`);
    return mergeLoginEnv(appEnv, fromShell);
  } catch (err) {
    warn(`ClawMedic: could not read your login shell's PATH (${(err as Error).message}); using well-known folders instead.`);
    return mergeLoginEnv(appEnv, null);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
