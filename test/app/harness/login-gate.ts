// The stand-in login shell's gate (a unix socket in the run's folder): every time the app asks its login
// shell for the environment, the shell first checks in here. Open, it is answered at once; held, it waits
// until the test releases it, so a test can see what the app does while its login shell is slow.
import net from 'node:net';

export interface LoginShellCall {
  argv: string[];
  answered: boolean;
}

export class LoginGate {
  readonly calls: LoginShellCall[] = [];
  private held = false;
  private readonly waiting = new Set<{ sock: net.Socket; call: LoginShellCall }>();
  private readonly server: net.Server;
  private watchers: Array<() => boolean> = [];

  private constructor(server: net.Server) {
    this.server = server;
  }

  static async listen(socketPath: string): Promise<LoginGate> {
    let gate: LoginGate | null = null;
    const server = net.createServer((sock) => gate?.accept(sock));
    gate = new LoginGate(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, resolve);
    });
    return gate;
  }

  /** Login shells asked from now on wait until release(). */
  hold(): void {
    this.held = true;
  }

  /** Lets every waiting login shell answer, and later ones answer at once. */
  release(): void {
    this.held = false;
    for (const w of [...this.waiting]) this.answer(w);
  }

  get answered(): number {
    return this.calls.filter((c) => c.answered).length;
  }

  /** Resolves once the app has asked its login shell at least `n` times. */
  asked(n = 1): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.calls.length < n) return false;
        resolve();
        return true;
      };
      if (!check()) this.watchers.push(check);
    });
  }

  close(): Promise<void> {
    for (const w of this.waiting) w.sock.destroy();
    this.waiting.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(sock: net.Socket): void {
    sock.setEncoding('utf8');
    let buf = '';
    sock.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const { argv } = JSON.parse(buf.slice(0, nl)) as { argv: string[] };
      const w = { sock, call: { argv, answered: false } };
      this.calls.push(w.call);
      this.watchers = this.watchers.filter((f) => !f());
      if (this.held) this.waiting.add(w);
      else this.answer(w);
    });
    sock.on('error', () => undefined);
  }

  private answer(w: { sock: net.Socket; call: LoginShellCall }): void {
    this.waiting.delete(w);
    w.call.answered = true;
    w.sock.end('go\n');
  }
}
