import { describe, expect, it } from 'vitest';
import { loginEnv, mergeLoginEnv } from '../../main/shell/login-env.js';

describe('the app environment for restart steps and the doctor', () => {
  it("puts the login shell's PATH first, keeps the app's, adds Homebrew, without duplicates", () => {
    const env = mergeLoginEnv({ PATH: '/usr/bin:/bin', HOME: '/Users/u', LANG: 'en_US.UTF-8' }, { PATH: '/Users/u/.npm/bin:/opt/homebrew/bin:/usr/bin' });
    expect(env.PATH!.split(':')).toEqual([
      '/Users/u/.npm/bin',
      '/opt/homebrew/bin',
      '/usr/bin',
      '/bin',
      '/usr/local/bin',
      '/opt/local/bin',
      '/Users/u/.local/bin',
      '/Users/u/.npm-global/bin',
    ]);
    expect(env.LANG).toBe('en_US.UTF-8');
  });

  it('falls back to well-known folders when the shell says nothing', () => {
    const env = mergeLoginEnv({ PATH: '/usr/bin:/bin' }, null, undefined);
    expect(env.PATH).toBe('/usr/bin:/bin:/opt/homebrew/bin:/usr/local/bin:/opt/local/bin');
  });

  it('asks the real login shell (here: this machine\'s) and keeps its PATH entries', async () => {
    const warnings: string[] = [];
    const env = await loginEnv({ PATH: '/nonexistent-app-path', HOME: process.env.HOME, SHELL: '/bin/sh' }, (m) => warnings.push(m));
    const dirs = env.PATH!.split(':');
    expect(dirs).toContain('/nonexistent-app-path');
    expect(dirs).toContain('/usr/bin');
    expect(warnings).toEqual([]);
  });
});
