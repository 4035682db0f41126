// The app in its own Node process, as Electron would run it: the built main entry with the stand-in
// Electron (`node --import …/register.js dist/main/shell/main.js`), started in its Mac-like namespace
// (mac-env.ts). The harness talks to it over the process's IPC channel: records come in, calls go both
// ways (the app asks the window host to open and load pages; the test clicks, quits, emits OS events).
import type { ChildProcess } from 'node:child_process';
import { RpcPeer } from '../standin/rpc.js';
import type { AppControl, HostControl, WireMessage } from '../standin/wire.js';
import type { MacEnv } from './mac-env.js';
import { RecordLog } from './records.js';
import type { WindowHost } from './window-host.js';

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Keeps the end of a long output: enough for a failure message. */
const OUTPUT_KEEP_CHARS = 64 * 1024;

export class AppProcess {
  readonly records = new RecordLog();
  readonly control: RpcPeer<HostControl, AppControl>;
  readonly exited: Promise<AppExit>;
  private out = '';
  private exit: AppExit | null = null;

  private constructor(
    private readonly child: ChildProcess,
    host: WindowHost,
  ) {
    this.control = new RpcPeer<HostControl, AppControl>(
      (m) => {
        if (!this.child.connected) return;
        // The app can exit between the check above and the write (a test that quits it while the page still
        // sends): the write then fails with EPIPE. Safe to drop: the app's exit is what the test sees and
        // reports, and its pending calls are rejected by control.close(). Without a callback Node would throw
        // the failed write as an uncaught error instead.
        this.child.send(m, () => undefined);
      },
      host,
      (r) => this.records.add(r),
      (method, err) => {
        this.records.add({ seq: this.records.seq, type: 'problem', message: `host ${method} failed: ${err.message}` });
      },
    );
    host.attach(this.control);
    child.on('message', (m) => this.control.receive(m as WireMessage));
    const keep = (d: string) => {
      this.out = (this.out + d).slice(-OUTPUT_KEEP_CHARS);
    };
    child.stdout!.setEncoding('utf8').on('data', keep);
    child.stderr!.setEncoding('utf8').on('data', keep);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        const why = signal ? `killed by ${signal}` : `exit ${code}`;
        this.records.end(why);
        this.control.close(`the app exited (${why})`);
        void host.appEnded();
        resolve(this.exit);
      });
    });
  }

  static start(env: MacEnv, host: WindowHost): AppProcess {
    return new AppProcess(env.spawn('app'), host);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the app did not start');
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === null;
  }

  /** What the app wrote to stdout and stderr (its log), the newest part. */
  get output(): string {
    return this.out;
  }

  /** Ends the app and everything in its process group at once (after a test, or when it hangs). */
  async kill(): Promise<AppExit> {
    if (this.exit) return this.exit;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // Already gone between the check and the signal.
    }
    return this.exited;
  }
}
