// clawmedic://app/…: what each request gets, and the real handler against a built-page folder, including
// traversal attempts and a symlink that points outside it.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appProtocolHandler, decideAppRequest, isAppUrl } from '../../main/shell/app-protocol.js';

let dir: string;
let page: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cm-proto-'));
  page = path.join(dir, 'renderer');
  mkdirSync(path.join(page, 'assets'), { recursive: true });
  writeFileSync(path.join(page, 'index.html'), '<!doctype html><title>ClawMedic</title>');
  writeFileSync(path.join(page, 'assets', 'index-1.js'), 'console.log(1)');
  writeFileSync(path.join(page, 'assets', 'index-1.js.map'), '{}');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the app scheme', () => {
  it('recognises only clawmedic://app', () => {
    expect(isAppUrl(new URL('clawmedic://app/index.html#/live'))).toBe(true);
    for (const u of [
      'clawmedic://other/index.html',
      'clawmedic://u:p@app/',
      'clawmedic://app:81/',
      'file:///x',
      'https://app/',
    ]) {
      expect(isAppUrl(new URL(u)), u).toBe(false);
    }
  });

  it('maps paths inside the page folder, refuses everything else with a status', () => {
    expect(decideAppRequest('GET', 'clawmedic://app/', page)).toMatchObject({
      kind: 'file',
      file: path.join(page, 'index.html'),
    });
    expect(decideAppRequest('GET', 'clawmedic://app/assets/index-1.js', page)).toMatchObject({
      kind: 'file',
      contentType: 'text/javascript; charset=utf-8',
    });
    const refused: [string, string, number][] = [
      ['POST', 'clawmedic://app/index.html', 405],
      ['GET', 'clawmedic://app/assets/index-1.js.map', 404],
      ['GET', 'clawmedic://app/%2e%2e/secret.txt', 404],
      ['GET', 'clawmedic://app/..%2f..%2fsecret.txt', 404],
      ['GET', 'clawmedic://app/a%5c..%5csecret.txt', 404],
      ['GET', 'clawmedic://app/%E0%A4%A', 404],
      ['GET', 'clawmedic://evil/index.html', 403],
    ];
    for (const [m, u, status] of refused)
      expect(decideAppRequest(m, u, page), u).toMatchObject({ kind: 'refuse', status });
  });

  it('serves files with the CSP and nosniff, and refuses a symlink out of the folder', async () => {
    symlinkSync(path.join(dir, 'secret.txt'), path.join(page, 'leak.html'));
    const handle = appProtocolHandler(page, "default-src 'none'");
    const ok = await handle(new Request('clawmedic://app/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await ok.text()).toContain('<title>ClawMedic</title>');
    const leak = await handle(new Request('clawmedic://app/leak.html'));
    expect(leak.status).toBe(403);
    expect(await leak.text()).toBe('');
    expect((await handle(new Request('clawmedic://app/missing.html'))).status).toBe(404);
  });
});
