// The fingerprint is pure: facts in, one kind/key/detail out. The inputs here are the real gateway's
// messages as measured (shared/reference/openclaw-gateway.md and this repo's e2e runs).
import { describe, expect, it } from 'vitest';
import type { FingerprintFacts } from '../../common/knownfix.js';
import { fingerprintOf, runtimeDetail, scanSignals } from '../../main/engine/knownfix/fingerprint.js';
import { locateKeyLine } from '../../main/engine/knownfix/json5-locate.js';
import { describeIssue, parseValidateOutput, parseVersion } from '../../main/engine/knownfix/openclaw-cli.js';
import { isOpenClawGatewayCommand, parseElapsed } from '../../main/engine/knownfix/port-owner.js';
import { installFromPath, rollbackCommand } from '../../main/engine/knownfix/rollback.js';

const AT = '2026-11-25T12:00:00.000Z';

function facts(over: Partial<FingerprintFacts> = {}): FingerprintFacts {
  return {
    probe: { kind: 'refused', detail: 'connection refused on 127.0.0.1:18789: nothing is listening' },
    restartExit: 1,
    config: { valid: true, issues: [], error: null },
    portHolder: null,
    logSignals: [],
    version: { now: '2026.9.6', lastHealthy: '2026.9.6' },
    ...over,
  };
}

const run = (stdout: string, code = 1) => ({ code, stdout, stderr: '', error: null });

describe('config validate --json', () => {
  const text = '{\n  // comment\n  gateway: {\n    mode: "local",\n    port: "18789",\n  },\n}\n';

  it("reads the real CLI's issues and locates the key's line in the JSON5 file", () => {
    const out = JSON.stringify({
      ok: false,
      error: { type: 'cli_error', message: 'OpenClaw config is invalid: $OPENCLAW_HOME/.openclaw/openclaw.json' },
      valid: false,
      path: '/x/openclaw.json',
      issues: [{ path: 'gateway.port', message: 'Invalid input: expected number, received string' }],
    });
    const v = parseValidateOutput(run(out), text);
    expect(v).toEqual({
      valid: false,
      error: null,
      issues: [{ path: 'gateway.port', message: 'Invalid input: expected number, received string', line: 5 }],
    });
    expect(describeIssue(v.issues[0]!)).toBe('gateway.port: expected number, received string (line 5)');
  });

  it('takes the line of a parse error from the message', () => {
    const out = JSON.stringify({
      valid: false,
      issues: [{ path: '<root>', message: "JSON5 parse failed: SyntaxError: JSON5: invalid character 'o' at 3:11" }],
    });
    const issue = parseValidateOutput(run(out), null).issues[0]!;
    expect(issue).toMatchObject({ path: '<root>', line: 3 });
    // What the config guard's warning says (its title was "…: JSON5 parse failed: SyntaxError: JSON5: …").
    expect(describeIssue(issue)).toBe("syntax error: JSON5: invalid character 'o' at 3:11");
  });

  it('a valid config, a missing file, a CLI that could not run', () => {
    expect(parseValidateOutput(run('{"valid":true,"path":"/x","warnings":[]}', 0), null)).toEqual({
      valid: true,
      issues: [],
      error: null,
    });
    const missing = parseValidateOutput(
      run('{"ok":false,"error":{"type":"cli_error","message":"file not found"},"valid":false,"path":"/x"}'),
      null,
    );
    expect(missing.issues[0]!.message).toBe('file not found');
    expect(
      parseValidateOutput(
        { code: null, stdout: '', stderr: '', error: 'openclaw is not installed (not on PATH)' },
        null,
      ),
    ).toEqual({
      valid: null,
      issues: [],
      error: 'openclaw is not installed (not on PATH)',
    });
  });

  it('locates nested, quoted and array keys, and ignores keys inside strings and comments', () => {
    const t = '{\n  "a": { b: 1, // c: 2\n    "c": [ {x: 1}, {x: "y: 3"} ]\n  },\n  /* d: 4 */ d: 5\n}';
    expect(locateKeyLine(t, 'a.b')).toBe(2);
    expect(locateKeyLine(t, 'a.c')).toBe(3);
    expect(locateKeyLine(t, 'a.c.1.x')).toBe(3);
    expect(locateKeyLine(t, 'd')).toBe(5);
    expect(locateKeyLine(t, 'y')).toBeNull();
  });

  it('versions and process ages', () => {
    expect(parseVersion('OpenClaw 2026.9.6 (eb377ac)\n')).toBe('2026.9.6');
    expect(parseVersion('2026.9.6-fake')).toBe('2026.9.6-fake');
    expect(parseElapsed('   01:02\n')).toBe(62);
    expect(parseElapsed('3-04:05:06')).toBe(3 * 86400 + 4 * 3600 + 5 * 60 + 6);
    expect(parseElapsed('nonsense')).toBeNull();
  });
});

describe('signals and commands', () => {
  it('finds the known error lines, each kind once', () => {
    const text = [
      'openclaw: Node 20.20.2: node:sqlite is unavailable; use 24.16+/26.1+ or a build with the fix.',
      'Error: listen EADDRINUSE: address already in use 127.0.0.1:18789',
      'Gateway failed to start: Doctor could not enter maintenance. ' +
        'StateDatabaseCoordinatorContentionError: another OpenClaw process owns gateway-lifecycle',
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@openclaw/sdk' " +
        'imported from /usr/lib/node_modules/openclaw/dist/x.mjs',
      'Invalid config at /x/openclaw.json: gateway.port: Invalid input: expected number, received string',
      'ordinary line',
    ].join('\n');
    expect(
      scanSignals(text)
        .map((s) => s.kind)
        .sort(),
    ).toEqual(['config-invalid', 'eaddrinuse', 'engine-version', 'module-not-found', 'state-locked']);
  });

  it('says which Node is needed and which was found', () => {
    expect(
      runtimeDetail('openclaw: Node 20.20.2: node:sqlite is unavailable; use 24.16+/26.1+ or a build with the fix.'),
    ).toBe('OpenClaw needs Node 24.16+/26.1+; the gateway was started with Node 20.20.2');
  });

  it('recognises the gateway by its process title or its command line, and nothing else', () => {
    expect(isOpenClawGatewayCommand('openclaw-gateway')).toBe(true);
    expect(
      isOpenClawGatewayCommand('/usr/bin/node /usr/lib/node_modules/openclaw/openclaw.mjs gateway run --port 18789'),
    ).toBe(true);
    expect(isOpenClawGatewayCommand('python3 -m http.server 18789')).toBe(false);
    expect(isOpenClawGatewayCommand('vim /home/me/.openclaw/openclaw.json')).toBe(false);
  });
});

describe('fingerprintOf', () => {
  it('config: syntax, wrong type (with its line), unknown key, missing file', () => {
    const syntax = fingerprintOf(
      facts({
        restartExit: 78,
        config: {
          valid: false,
          error: null,
          issues: [
            {
              path: '<root>',
              message: "JSON5 parse failed: SyntaxError: JSON5: invalid character 'o' at 3:11",
              line: 3,
            },
          ],
        },
      }),
      AT,
    );
    expect(syntax).toMatchObject({
      kind: 'config-syntax',
      key: 'config-syntax',
      detail: "syntax error: JSON5: invalid character 'o' at 3:11",
    });
    const type = fingerprintOf(
      facts({
        config: {
          valid: false,
          error: null,
          issues: [{ path: 'gateway.port', message: 'Invalid input: expected number, received string', line: 4 }],
        },
      }),
      AT,
    );
    expect(type).toMatchObject({
      kind: 'config-invalid',
      key: 'config-invalid:gateway.port',
      detail: 'gateway.port: expected number, received string (line 4)',
    });
    const unknown = fingerprintOf(
      facts({
        config: {
          valid: false,
          error: null,
          issues: [{ path: '<root>', message: 'Unrecognized key: "x"', line: null }],
        },
      }),
      AT,
    );
    expect(unknown.key).toBe('config-invalid:x');
    expect(
      fingerprintOf(
        facts({
          config: { valid: false, error: null, issues: [{ path: '<root>', message: 'file not found', line: null }] },
        }),
        AT,
      ).kind,
    ).toBe('config-missing');
  });

  it('a stale OpenClaw gateway versus a stranger on the port', () => {
    const stale = fingerprintOf(
      facts({
        probe: { kind: 'timeout', detail: 'no answer within 5000 ms' },
        portHolder: { pid: 42, command: 'openclaw-gateway', openclaw: true, ageSec: 600 },
      }),
      AT,
    );
    expect(stale).toMatchObject({ kind: 'stale-gateway', key: 'stale-gateway' });
    const stranger = fingerprintOf(
      facts({
        probe: { kind: 'stranger', detail: 'answered 200 but not with the health JSON' },
        portHolder: { pid: 7, command: '/usr/bin/python3 -m http.server 18789', openclaw: false, ageSec: 5 },
      }),
      AT,
    );
    expect(stranger).toMatchObject({ kind: 'port-foreign', key: 'port-foreign:python3' });
    expect(stranger.detail).toContain('pid 7');
  });

  it('runtime mismatch comes first; then an update; the same facts give the same fingerprint', () => {
    const f = facts({
      version: { now: '2026.10.1', lastHealthy: '2026.9.6' },
      logSignals: [
        { kind: 'engine-version', line: 'openclaw: Node 20.20.2: node:sqlite is unavailable; use 24.16+/26.1+' },
      ],
    });
    expect(fingerprintOf(f, AT).kind).toBe('runtime-mismatch');
    const upd = fingerprintOf({ ...f, logSignals: [] }, AT);
    expect(upd).toMatchObject({ kind: 'update-broke', key: 'update-broke' });
    expect(upd.detail).toContain('from 2026.9.6 to 2026.10.1');
    expect(fingerprintOf({ ...f, logSignals: [] }, AT)).toEqual(upd);
  });

  it('a missing module, a locked state, and nothing known', () => {
    const mod = fingerprintOf(
      facts({
        logSignals: [
          {
            kind: 'module-not-found',
            line: "Error: Cannot find module '/usr/lib/node_modules/openclaw/node_modules/@scope/pkg/index.js'",
          },
        ],
      }),
      AT,
    );
    expect(mod.key).toBe('module-missing:@scope/pkg');
    expect(
      fingerprintOf(
        facts({
          logSignals: [
            {
              kind: 'state-locked',
              line: 'StateDatabaseCoordinatorContentionError: another OpenClaw process owns gateway-lifecycle',
            },
          ],
        }),
        AT,
      ).kind,
    ).toBe('state-locked');
    expect(fingerprintOf(facts({ restartExit: 137 }), AT)).toMatchObject({
      kind: 'unknown',
      key: 'unknown:refused:exit-137',
    });
  });
});

describe('rollback', () => {
  it('detects the install method from where the executable lives', () => {
    expect(installFromPath('/usr/local/lib/node_modules/openclaw/openclaw.mjs')).toMatchObject({
      method: 'npm-global',
      prefix: '/usr/local',
    });
    expect(installFromPath('/home/me/.cache/x/openclaw/node_modules/openclaw/openclaw.mjs')).toMatchObject({
      method: 'npm-local',
      prefix: '/home/me/.cache/x/openclaw',
    });
    expect(
      installFromPath('/home/me/.local/share/pnpm/global/5/.pnpm/openclaw@1/node_modules/openclaw/openclaw.mjs').method,
    ).toBe('pnpm-global');
    expect(installFromPath('/opt/homebrew/Cellar/openclaw/2026.9.6/libexec/openclaw.mjs').method).toBe('homebrew');
    expect(installFromPath('/opt/weird/openclaw').method).toBe('unknown');
  });

  it('builds the command, honours the setting, and says why when it cannot', () => {
    expect(
      rollbackCommand(installFromPath('/usr/local/lib/node_modules/openclaw/x.mjs'), '2026.9.6', ''),
    ).toMatchObject({
      ok: true,
      command: 'npm install -g --prefix /usr/local openclaw@2026.9.6',
    });
    expect(rollbackCommand(installFromPath('/opt/weird/openclaw'), '2026.9.6', 'my-install {{version}}')).toMatchObject(
      { ok: true, command: 'my-install 2026.9.6' },
    );
    const brew = rollbackCommand(installFromPath('/opt/homebrew/Cellar/openclaw/1/x'), '2026.9.6', '');
    expect(brew.ok).toBe(false);
    expect(rollbackCommand(installFromPath('/usr/local/lib/node_modules/openclaw/x.mjs'), '1; rm -rf /', '').ok).toBe(
      false,
    );
  });
});
