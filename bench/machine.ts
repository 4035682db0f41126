// The machine the numbers come from: cores, RAM, OS, Node, tmux and Chromium versions.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    // A missing tool is shown as such in the description; the benchmark that needs it reports its own error.
    return 'not found';
  }
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return `${m[1]} (${os.type()} ${os.release()})`;
  } catch {
    // Not Linux, or no os-release: the kernel name is still worth showing.
  }
  return `${os.type()} ${os.release()}`;
}

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  tmux: string;
  chromium: string;
  load: string;
}

export function describeMachine(chromiumPath: string): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: osName(),
    node: process.version,
    tmux: run('tmux', ['-V']),
    chromium: run(chromiumPath, ['--version']),
    load: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
  };
}

export function machineMarkdown(m: Machine): string {
  return [
    `- CPU: ${m.cpu}, ${m.cores} cores; RAM: ${m.ramGiB} GiB`,
    `- OS: ${m.os}`,
    `- Node ${m.node}; ${m.tmux}; ${m.chromium}`,
    `- Load average when the run started: ${m.load}`,
  ].join('\n');
}
