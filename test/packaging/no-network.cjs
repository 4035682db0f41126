'use strict';
// Loaded with NODE_OPTIONS=--require into electron-builder and every Node process it starts during the
// packaging tests. Packaging must work offline (only the npm registry is reachable where ClawMedic is
// built and tested; electron-builder fetches its tools from GitHub): any outbound TCP connection or DNS
// lookup fails at once with an error that names the address, and is appended to the file named by
// CLAWMEDIC_NO_NETWORK_LOG so the test can report it even when electron-builder swallows the error.
// Unix sockets stay open: they are local (IPC with child processes).
const fs = process.getBuiltinModule('node:fs');
const net = process.getBuiltinModule('node:net');
const dns = process.getBuiltinModule('node:dns');

const LOG = process.env.CLAWMEDIC_NO_NETWORK_LOG;

function refuse(what) {
  const who = process.argv.slice(1).join(' ').slice(0, 160);
  if (LOG) fs.appendFileSync(LOG, `${what} [pid ${process.pid}: ${who}]\n`);
  return new Error(
    `the packaging tests' network trap refused ${what}: packaging must not download anything ` +
      '(see test/packaging/harness.ts for the options that keep electron-builder offline)',
  );
}

// The original method itself, to be applied to each socket in turn (not bound to any one).
const connect = Reflect.get(net.Socket.prototype, 'connect');
net.Socket.prototype.connect = function trappedConnect(...args) {
  // net.connect passes its normalized arguments as an array; the public forms are (options), (port, host)
  // and (path).
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = first !== null && typeof first === 'object' ? first : null;
  const isPath = options ? typeof options.path === 'string' : typeof first === 'string' && !/^\d+$/.test(first);
  if (isPath) return connect.apply(this, args);
  const host = options ? (options.host ?? 'localhost') : (args[1] ?? 'localhost');
  const port = options ? options.port : first;
  const err = refuse(`a connection to ${host}:${port}`);
  process.nextTick(() => this.destroy(err));
  return this;
};

dns.lookup = function trappedLookup(host, ...rest) {
  const callback = rest.at(-1);
  const err = refuse(`a DNS lookup of ${host}`);
  process.nextTick(() => callback(err));
};
dns.promises.lookup = function trappedLookupPromise(host) {
  // Rejects (never throws), as the async function it replaces.
  return new Promise(() => {
    throw refuse(`a DNS lookup of ${host}`);
  });
};
