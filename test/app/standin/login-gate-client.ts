// Run by the stand-in login shell (see test/app/harness/mac-env.ts) before it answers: tells the
// harness's login gate it was asked, then waits until the gate lets it go. Exit 1 if the gate is gone.
import net from 'node:net';

const [socketPath, ...argv] = process.argv.slice(2);
if (!socketPath) process.exit(2);
const sock = net.connect(socketPath);
sock.setEncoding('utf8');
sock.on('connect', () => sock.write(`${JSON.stringify({ pid: process.ppid, argv })}\n`));
let answer = '';
sock.on('data', (d: string) => {
  answer += d;
  if (answer.includes('go\n')) process.exit(0);
});
sock.on('error', () => process.exit(1));
sock.on('close', () => process.exit(1));
