// Our own processes, found by a variable this test planted in their environment (every descendant inherits it,
// including ones that daemonize and leave the process group, like a tmux server). Never by name or command line:
// other work on the machine may run the same programs.
import { readdirSync, readFileSync } from 'node:fs';

/** Live processes (not zombies) whose environment holds `name=value`, each as "pid command line". */
export function processesWithEnv(name: string, value: string): string[] {
  const want = `${name}=${value}`;
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!env.includes(want)) continue;
      // The state is the field after the parenthesised command name, which may itself hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      found.push(`${pid} ${args}`);
    } catch {
      // Gone meanwhile, or another user's (its environment is not ours to read): not one of ours.
    }
  }
  return found;
}
