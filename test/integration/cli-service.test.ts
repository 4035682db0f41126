// `clawmedic service install|uninstall|status`, run as the real CLI. The unit passes systemd-analyze, the
// plist parses with a plist library; install/uninstall go into a temporary unit folder (XDG_CONFIG_HOME,
// HOME) with stand-in systemctl/loginctl/journalctl/launchctl first on PATH that record every call: the
// real user's service manager is never touched.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import * as plist from 'plist';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../main/engine/lock.js';
import { systemdQuote } from '../../main/cli/service/units.js';
import { CliSandbox, repoRoot } from '../helpers/cli.js';
import { requireTool } from '../helpers/tools.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/**
 * A fake service manager: each program appends its argv to calls.log and keeps its state in files, so
 * `status` reflects what install/uninstall did. systemctl `show` prints what real systemctl prints.
 */
function fakeTools(opts: { linger?: 'yes' | 'no' } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cm-svc-'));
  const bin = path.join(dir, 'bin');
  const state = path.join(dir, 'state');
  mkdirSync(bin);
  mkdirSync(state);
  const log = path.join(dir, 'calls.log');
  const script = (name: string, body: string) => {
    const f = path.join(bin, name);
    writeFileSync(f, `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${log}'\nS='${state}'\n${body}\n`);
    chmodSync(f, 0o755);
  };
  script(
    'systemctl',
    `case "$2" in
  enable) touch "$S/enabled" ;;
  restart) touch "$S/running" ;;
  disable) rm -f "$S/enabled" "$S/running" ;;
  show)
    if [ -e "$S/enabled" ]; then echo LoadState=loaded; echo UnitFileState=enabled;
    else echo LoadState=not-found; echo UnitFileState=; fi
    if [ -e "$S/running" ]; then echo ActiveState=active; echo SubState=running; echo MainPID=4242;
    else echo ActiveState=inactive; echo SubState=dead; echo MainPID=0; fi
    echo ExecMainStatus=0; echo NRestarts=0 ;;
esac
exit 0`,
  );
  script('loginctl', `echo ${opts.linger ?? 'no'}`);
  script(
    'journalctl',
    `echo '2026-03-01T10:00:00+0000 host clawmedic[4242]: ClawMedic watching http://127.0.0.1:18789 every 30 s'`,
  );
  script(
    'launchctl',
    `case "$1" in
  print) if [ -e "$S/loaded" ]; then printf '\\tstate = running\\n\\tpid = 777\\n\\tlast exit code = 0\\n'; exit 0; fi
         echo "Could not find service" >&2; exit 113 ;;
  print-disabled) echo 'disabled services = {'; echo '}' ;;
  bootstrap) touch "$S/loaded" ;;
  bootout) rm -f "$S/loaded" ;;
esac
exit 0`,
  );
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const home = path.join(dir, 'home');
  mkdirSync(home);
  return {
    dir,
    home,
    config: path.join(dir, 'xdg-config'),
    env: {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
      HOME: home,
    },
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

function sandbox(env: NodeJS.ProcessEnv): CliSandbox {
  // A path with a space, a percent sign and a dollar: the unit must quote and escape them.
  const sb = new CliSandbox({ gateway: { url: 'http://127.0.0.1:18789' } }, env);
  cleanups.push(() => rmSync(sb.dir, { recursive: true, force: true }));
  return sb;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, encoding: 'utf8' }, (err, stdout, stderr) => {
      const raw = (err as NodeJS.ErrnoException | null)?.code;
      resolve({ code: err ? (typeof raw === 'number' ? raw : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe('clawmedic service install --print', () => {
  it('prints a systemd unit that systemd-analyze verifies without a warning', async () => {
    const analyze = requireTool('systemd-analyze', 'systemd');
    const t = fakeTools();
    const sb = sandbox(t.env);
    // Settings and data in folders whose names need quoting and escaping in a unit.
    const odd = path.join(sb.dir, 'my data 100% $HOME');
    mkdirSync(odd);
    const settingsFile = path.join(odd, 'settings.json');
    writeFileSync(settingsFile, JSON.stringify({ dataDir: path.join(odd, 'data') }));
    const r = await sb.run(['--config', settingsFile, 'service', 'install', '--print', '--manager', 'systemd']);
    expect(r.code, r.stderr).toBe(0);
    const unit = r.stdout;
    expect(unit).toContain('Restart=on-failure');
    expect(unit).toContain('StandardOutput=journal');
    expect(unit).toContain('WantedBy=default.target');
    expect(unit).toContain(`ExecStart=${process.execPath} `);
    expect(unit).toContain(`--config "${settingsFile.replace(/%/g, '%%').replace(/\$/g, '$$$$')}" watch`);
    // Nothing was installed and no service manager was asked anything.
    expect(t.calls()).toEqual([]);
    expect(existsSync(path.join(t.config, 'systemd'))).toBe(false);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'cm-unit-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(path.join(dir, 'run'), { mode: 0o700 });
    mkdirSync(path.join(odd, 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'clawmedic.service'), unit);
    const env = { ...process.env, XDG_RUNTIME_DIR: path.join(dir, 'run') };
    const v = await run(analyze, ['--user', 'verify', path.join(dir, 'clawmedic.service')], env);
    expect(v.code, v.out).toBe(0);
    expect(v.out).toBe('');
    // The verifier does object: the same unit with a wrong setting fails.
    writeFileSync(
      path.join(dir, 'clawmedic.service'),
      unit.replace(/^WorkingDirectory=.*$/m, 'WorkingDirectory=relative/dir'),
    );
    const bad = await run(analyze, ['--user', 'verify', path.join(dir, 'clawmedic.service')], env);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/WorkingDirectory/);
  });

  it('prints a launchd plist that parses, with the keys launchd needs', async () => {
    const t = fakeTools();
    const sb = sandbox(t.env);
    const r = await sb.run(['service', 'install', '--print', '--manager', 'launchd', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { manager: string; path: string; content: string };
    expect(out.manager).toBe('launchd');
    expect(out.path).toBe(path.join(t.home, 'Library', 'LaunchAgents', 'dev.clawmedic.watch.plist'));
    const p = plist.parse(out.content) as Record<string, unknown>;
    expect(p.Label).toBe('dev.clawmedic.watch');
    expect(p.ProgramArguments).toEqual([
      process.execPath,
      path.join(repoRoot, 'bin', 'clawmedic.js'),
      '--config',
      sb.settingsFile,
      'watch',
    ]);
    expect(p.RunAtLoad).toBe(true);
    expect(p.KeepAlive).toEqual({ SuccessfulExit: false });
    expect(p.WorkingDirectory).toBe(sb.dataDir);
    expect(p.StandardOutPath).toBe(path.join(sb.dataDir, 'logs', 'watch.log'));
    expect(p.StandardErrorPath).toBe(p.StandardOutPath);
    expect(p.Umask).toBe(0o077);
    expect(p.EnvironmentVariables).toMatchObject({ CLAWMEDIC_CONFIG: sb.settingsFile, PATH: t.env.PATH });
    expect(t.calls()).toEqual([]);
  });

  it('quotes and escapes what systemd would otherwise interpret', () => {
    expect(systemdQuote('/usr/bin/node')).toBe('/usr/bin/node');
    expect(systemdQuote('/a b/c')).toBe('"/a b/c"');
    expect(systemdQuote('100%')).toBe('100%%');
    expect(systemdQuote('$HOME')).toBe('$$HOME');
    expect(systemdQuote('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(() => systemdQuote('a\nb')).toThrow(/control character/);
  });
});

describe('clawmedic service install / status / uninstall (systemd)', () => {
  it('installs into the user unit folder, enables and starts it, advises lingering, and uninstalls', async () => {
    const t = fakeTools({ linger: 'no' });
    const sb = sandbox(t.env);
    const r = await sb.run(['service', 'install', '--manager', 'systemd', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { unitPath: string; advice: string[]; dataDir: string };
    const unitFile = path.join(t.config, 'systemd', 'user', 'clawmedic.service');
    expect(res.unitPath).toBe(unitFile);
    expect(readFileSync(unitFile, 'utf8')).toContain(`--config ${sb.settingsFile} watch`);
    expect(statSync(unitFile).mode & 0o777).toBe(0o644);
    expect(statSync(sb.dataDir).mode & 0o777).toBe(0o700);
    expect(t.calls()).toEqual([
      'systemctl --user daemon-reload',
      'systemctl --user enable clawmedic.service',
      'systemctl --user restart clawmedic.service',
      `loginctl show-user ${os.userInfo().username} --property=Linger --value`,
    ]);
    expect(res.advice.join('\n')).toContain(`sudo loginctl enable-linger ${os.userInfo().username}`);

    const st = await sb.run(['service', 'status', '--manager', 'systemd', '--json']);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({
      installed: true,
      enabled: true,
      running: true,
      pid: 4242,
      settingsFile: sb.settingsFile,
      dataDir: sb.dataDir,
      lastLines: [expect.stringContaining('ClawMedic watching')],
    });
    const human = await sb.run(['service', 'status', '--manager', 'systemd']);
    expect(human.stdout).toMatch(/Installed yes\s+Enabled yes\s+Running yes \(pid 4242\)/);

    const u = await sb.run(['service', 'uninstall', '--manager', 'systemd']);
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toContain('Removed');
    expect(existsSync(unitFile)).toBe(false);
    expect(t.calls().slice(-3)).toEqual([
      'systemctl --user disable --now clawmedic.service',
      'systemctl --user daemon-reload',
      'systemctl --user reset-failed clawmedic.service',
    ]);
    const after = await sb.run(['service', 'status', '--manager', 'systemd', '--json']);
    expect(after.code).toBe(1);
    expect(JSON.parse(after.stdout)).toMatchObject({ installed: false, running: false });
    // A second uninstall has nothing to do and says so.
    const again = await sb.run(['service', 'uninstall', '--manager', 'systemd']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Not installed');
  });

  it('gives no lingering advice when lingering is on', async () => {
    const t = fakeTools({ linger: 'yes' });
    const sb = sandbox(t.env);
    const r = await sb.run(['service', 'install', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { advice: string[] }).advice).toEqual([]);
  });

  it('refuses to install a second watcher for a data dir another ClawMedic already watches', async () => {
    const t = fakeTools();
    const sb = sandbox(t.env);
    // This test process plays the menu-bar app: it holds the data dir's watch lock.
    const lock = acquireLock(path.join(sb.dataDir, 'watch.lock'), { purpose: 'watch' });
    if (!lock.ok) throw new Error(lock.message);
    cleanups.push(() => lock.release());
    const r = await sb.run(['service', 'install', '--manager', 'systemd']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Another ClawMedic already watches data dir ${sb.dataDir} (pid ${process.pid}`);
    expect(existsSync(path.join(t.config, 'systemd', 'user', 'clawmedic.service'))).toBe(false);
    // Only the status query that tells "our own service" from another watcher ran.
    expect(t.calls().every((c) => c.startsWith('systemctl --user show'))).toBe(true);
  });

  it('bad usage is exit 2; a missing systemctl is exit 1 with what to do', async () => {
    const t = fakeTools();
    const sb = sandbox(t.env);
    const bad = await sb.run(['service', 'install', '--manager', 'upstart']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--manager.*upstart/);
    // PATH with nothing on it (the CLI itself runs by its full path): no systemctl, real or fake.
    const empty = path.join(t.dir, 'empty');
    mkdirSync(empty);
    const noSystemd = new CliSandbox({}, { ...t.env, PATH: empty });
    cleanups.push(() => rmSync(noSystemd.dir, { recursive: true, force: true }));
    const r = await noSystemd.run(['service', 'install', '--manager', 'systemd']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('systemctl was not found');
  });
});

describe('clawmedic service install / status / uninstall (launchd)', () => {
  it('writes the plist into ~/Library/LaunchAgents, bootstraps it, reports it, boots it out', async () => {
    const t = fakeTools();
    const sb = sandbox(t.env);
    const uid = process.getuid!();
    const r = await sb.run(['service', 'install', '--manager', 'launchd']);
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(t.home, 'Library', 'LaunchAgents', 'dev.clawmedic.watch.plist');
    expect((plist.parse(readFileSync(file, 'utf8')) as { Label: string }).Label).toBe('dev.clawmedic.watch');
    expect(t.calls()).toEqual([
      `launchctl print gui/${uid}/dev.clawmedic.watch`,
      `launchctl enable gui/${uid}/dev.clawmedic.watch`,
      `launchctl bootstrap gui/${uid} ${file}`,
    ]);
    // The log file exists before launchd opens it, private.
    const log = path.join(sb.dataDir, 'logs', 'watch.log');
    expect(statSync(log).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(log)).mode & 0o777).toBe(0o700);
    writeFileSync(log, 'line one\nClawMedic watching http://127.0.0.1:18789\n');

    const st = await sb.run(['service', 'status', '--manager', 'launchd', '--json']);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({
      installed: true,
      enabled: true,
      running: true,
      pid: 777,
      dataDir: sb.dataDir,
    });
    expect((JSON.parse(st.stdout) as { lastLines: string[] }).lastLines.at(-1)).toContain('ClawMedic watching');

    // Installing again replaces the loaded agent: boot out, then bootstrap the new plist.
    const again = await sb.run(['service', 'install', '--manager', 'launchd']);
    expect(again.code, again.stderr).toBe(0);
    expect(t.calls().slice(-4)).toEqual([
      `launchctl print gui/${uid}/dev.clawmedic.watch`,
      `launchctl bootout gui/${uid}/dev.clawmedic.watch`,
      `launchctl enable gui/${uid}/dev.clawmedic.watch`,
      `launchctl bootstrap gui/${uid} ${file}`,
    ]);

    const u = await sb.run(['service', 'uninstall', '--manager', 'launchd', '--json']);
    expect(u.code, u.stderr).toBe(0);
    expect(JSON.parse(u.stdout)).toMatchObject({ removed: true, unitPath: file });
    expect(existsSync(file)).toBe(false);
    expect(t.calls().at(-1)).toBe(`launchctl bootout gui/${uid}/dev.clawmedic.watch`);
  });
});
