// System tools some tests drive (promtool, systemd-analyze). A missing tool fails the test with what
// to install, never a skip: a skipped check looks like a passed one in a summary.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The tool's full path on PATH, or an Error that names the Debian package to install. */
export function requireTool(command: string, debianPackage: string, env: NodeJS.ProcessEnv = process.env): string {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, command);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {
      // Not in this folder: try the next one.
    }
  }
  throw new Error(
    `${command} is not installed (not on PATH), and this test needs it. Install the Debian package ` +
      `"${debianPackage}" (apt-get install ${debianPackage}); .ci/run installs it for CI.`,
  );
}
