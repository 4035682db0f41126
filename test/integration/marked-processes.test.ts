// The helper the leak checks rely on: it must see a process of ours by its planted variable (also one that
// left our process group), and stop seeing it once it has exited.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { processesWithEnv } from '../helpers/marked-processes.js';

describe('processesWithEnv', () => {
  it('finds a detached child by its planted variable, and not once it has exited', async () => {
    const mark = randomBytes(8).toString('hex');
    const child = spawn('sleep', ['30'], { env: { ...process.env, CM_TEST_MARK: mark }, detached: true });
    await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
    const pid = child.pid!;
    expect(processesWithEnv('CM_TEST_MARK', mark)).toEqual([`${pid} sleep 30`]);
    expect(processesWithEnv('CM_TEST_MARK', `${mark}-other`)).toEqual([]);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(pid, 'SIGKILL');
    await exited;
    expect(processesWithEnv('CM_TEST_MARK', mark)).toEqual([]);
  });
});
