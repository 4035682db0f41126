// The CLI as a person meets it: settings mistakes named once with their line and column or the key they meant,
// the README's commented example accepted, a mistyped --config refused.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliSandbox, cliPath, repoRoot, type CliResult } from '../helpers/cli.js';

let box: CliSandbox | null = null;

afterEach(() => {
  box?.cleanup();
  box = null;
});

/** Runs the CLI with exactly these arguments (no --config added), without a terminal. */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function sandbox(settings: Record<string, unknown>): CliSandbox {
  box = new CliSandbox(settings);
  return box;
}

describe('settings mistakes', () => {
  it('names the line and column of a syntax error, in words', async () => {
    const b = sandbox({});
    writeFileSync(b.settingsFile, '{\n  "gateway": {\n    "url": "http://127.0.0.1:18789"\n    "failureThreshold": 3\n  }\n}\n');
    const r = await b.run(['config', 'validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 4, column 5');
    expect(r.stderr).toContain('expected ","');
    expect(r.stderr).not.toMatch(/position \d+/);
  });

  it("accepts the README's commented settings example (comments and trailing commas)", async () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Settings'));
    const example = /```jsonc\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example, 'the README has a jsonc example under "## Settings"').toBeTruthy();
    expect(example).toMatch(/\/\/ /);
    const b = sandbox({});
    writeFileSync(b.settingsFile, example!);
    const r = await b.run(['config', 'validate']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    writeFileSync(b.settingsFile, '{ /* c */ "gateway": { "failureThreshold": 4, }, }\n');
    expect((await b.run(['config', 'validate'])).code).toBe(0);
  });

  it('a --config that does not exist is bad usage (exit 2), named, and nothing runs', async () => {
    const b = sandbox({});
    const missing = path.join(b.dir, 'setings.json');
    for (const cmd of [['status'], ['check'], ['config', 'validate'], ['incidents']]) {
      const r = await runCli(['--config', missing, ...cmd]);
      expect(r.code, cmd.join(' ')).toBe(2);
      expect(r.stdout, cmd.join(' ')).toBe('');
      expect(r.stderr).toContain(`${missing}: no such file`);
    }
    // Saying which file would be used still works for a file yet to be created.
    const where = await runCli(['--config', missing, 'config', 'path']);
    expect(where).toMatchObject({ code: 0, stdout: `${missing}\n` });
  });

  it('suggests the key a misspelt one meant, and says each mistake once', async () => {
    const b = sandbox({ gateway: { failureTreshold: 3, url: 'not a url' }, restart: { atempts: 1 } });
    const r = await b.run(['config', 'validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('gateway.failureTreshold: unknown key: did you mean "failureThreshold"?');
    expect(r.stderr).toContain('restart.atempts: unknown key: did you mean "attempts"?');
    const urlLines = r.stderr.split('\n').filter((l) => l.includes('gateway.url'));
    expect(urlLines).toHaveLength(1);
    // Far from every known key: no guess.
    b.write({ gateway: { zzz: 1 } });
    expect((await b.run(['config', 'validate'])).stderr).not.toContain('did you mean');
  });
});
