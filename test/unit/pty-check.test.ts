// node-pty's spawn-helper self-check, on folders laid out as node-pty 1.1.0's npm tarball has them (the
// darwin helpers arrive with mode 0644) and as a packaged app carries them.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPtyHelper, findPtyDir } from '../../main/engine/pty-check.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-pty-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** node-pty's package as npm unpacks it: prebuilds for both Mac archs, helper mode as given. */
function nodePty(root: string, helperMode: number): string {
  for (const arch of ['arm64', 'x64']) {
    const d = path.join(root, 'prebuilds', `darwin-${arch}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, 'pty.node'), '');
    writeFileSync(path.join(d, 'spawn-helper'), '#!/bin/sh\n');
    chmodSync(path.join(d, 'spawn-helper'), helperMode);
  }
  return root;
}
const mode = (f: string) => statSync(f).mode & 0o777;

describe("node-pty's spawn-helper check", () => {
  it('is not needed on Linux (forkpty)', () => {
    expect(checkPtyHelper({ ptyDir: nodePty(dir, 0o644), platform: 'linux', arch: 'x64' }).status).toBe('not-needed');
  });

  it('finds a 0644 helper, says what fails and how to fix it, and repairs it in a checkout', () => {
    const pty = nodePty(path.join(dir, 'node_modules', 'node-pty'), 0o644);
    const helper = path.join(pty, 'prebuilds', 'darwin-arm64', 'spawn-helper');
    const seen = checkPtyHelper({ ptyDir: pty, platform: 'darwin', arch: 'arm64' });
    expect(seen).toMatchObject({ status: 'broken', helper });
    expect(seen.message).toMatch(/mode 644.*posix_spawnp failed.*chmod 755/);
    const fixed = checkPtyHelper({ ptyDir: pty, platform: 'darwin', arch: 'arm64', repair: true });
    expect(fixed).toMatchObject({ status: 'repaired', helper });
    expect(mode(helper)).toBe(0o755);
    // Only the running arch's helper is touched.
    expect(mode(path.join(pty, 'prebuilds', 'darwin-x64', 'spawn-helper'))).toBe(0o644);
    expect(checkPtyHelper({ ptyDir: pty, platform: 'darwin', arch: 'arm64' }).status).toBe('ok');
  });

  it('never changes a signed app bundle: it tells the user to reinstall', () => {
    const pty = nodePty(
      path.join(dir, 'ClawMedic.app', 'Contents', 'Resources', 'app.asar.unpacked', 'node_modules', 'node-pty'),
      0o644,
    );
    const r = checkPtyHelper({ ptyDir: pty, platform: 'darwin', arch: 'x64', repair: true });
    expect(r.status).toBe('broken');
    expect(r.message).toMatch(/Reinstall ClawMedic/);
    expect(mode(path.join(pty, 'prebuilds', 'darwin-x64', 'spawn-helper'))).toBe(0o644);
  });

  it('prefers a local build over the prebuilds, as node-pty does', () => {
    const pty = nodePty(dir, 0o644);
    mkdirSync(path.join(pty, 'build', 'Release'), { recursive: true });
    writeFileSync(path.join(pty, 'build', 'Release', 'pty.node'), '');
    writeFileSync(path.join(pty, 'build', 'Release', 'spawn-helper'), '', { mode: 0o755 });
    expect(checkPtyHelper({ ptyDir: pty, platform: 'darwin', arch: 'arm64' })).toMatchObject({
      status: 'ok',
      helper: path.join(pty, 'build', 'Release', 'spawn-helper'),
    });
  });

  it('reports a missing native module or helper for this arch', () => {
    expect(checkPtyHelper({ ptyDir: dir, platform: 'darwin', arch: 'arm64' }).message).toMatch(/no native module/);
    const pty = nodePty(dir, 0o755);
    rmSync(path.join(pty, 'prebuilds', 'darwin-x64', 'spawn-helper'));
    expect(checkPtyHelper({ ptyDir: pty, platform: 'darwin', arch: 'x64' }).status).toBe('missing');
  });

  it("finds this checkout's node-pty", () => {
    expect(findPtyDir()).toMatch(/node_modules\/node-pty$/);
  });
});
