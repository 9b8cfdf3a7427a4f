import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { requireTools, requireAddon } from '../../helpers/requirements.js';
import {
  createPinnedNamespaces,
  mountsUnder,
  NativeError,
  openTcpSocketInNetns,
  setLoopbackUp,
  unpinNamespaces,
} from '../../../src/native/index.js';

const PORT = 18080;

/** A TCP server inside the netns: answers "hello <first line>" and closes. */
const SERVER = `
const net = require('node:net');
net.createServer((s) => s.once('data', (d) => s.end('hello ' + d.toString().trim()))).listen(${PORT}, process.argv[1], () => console.log('ready'));
`;

async function startServerInNetns(nsPath: string, host: string): Promise<ChildProcess> {
  const child = spawn('nsenter', [`--net=${nsPath}`, process.execPath, '-e', SERVER, host], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  expect(line.toString().trim()).to.equal('ready');
  return child;
}

async function exchange(sock: Socket, text: string): Promise<string> {
  sock.write(`${text}\n`);
  const chunks: Buffer[] = [];
  sock.on('data', (c: Buffer) => chunks.push(c));
  await once(sock, 'end');
  sock.destroy();
  return Buffer.concat(chunks).toString();
}

describe('native addon: TCP sockets inside a network namespace', function () {
  let dir = '';
  let nsPath = '';
  const servers: ChildProcess[] = [];

  before(async function () {
    requireAddon(this, { root: true });
    requireTools(this, 'nsenter');
    dir = mkdtempSync('/tmp/husk-addon-netns-');
    nsPath = (await createPinnedNamespaces(dir, ['net'])).net!;
    await setLoopbackUp(nsPath);
  });

  after(async function () {
    for (const s of servers) {
      if (s.exitCode === null && s.signalCode === null) {
        s.kill('SIGKILL');
        await once(s, 'exit');
      }
    }
    if (!dir) return;
    await unpinNamespaces(readdirSync(dir).map((name) => join(dir, name)));
    expect(mountsUnder(dir)).to.deep.equal([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects to a listener that exists only inside the netns, as a net.Socket', async function () {
    servers.push(await startServerInNetns(nsPath, '127.0.0.1'));
    const sock = await openTcpSocketInNetns(nsPath, '127.0.0.1', PORT);
    expect(await exchange(sock, 'pod')).to.equal('hello pod');

    // The host's loopback has no such listener.
    const host = connect(PORT, '127.0.0.1');
    const [err] = (await once(host, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
    expect(err.code).to.equal('ECONNREFUSED');
  });

  it('reaches an IPv6-only listener through "localhost"', async function () {
    servers.push(await startServerInNetns(nsPath, '::1'));
    // With the IPv4 listener gone, "localhost" must fall back to ::1.
    servers[0]!.kill('SIGKILL');
    await once(servers[0]!, 'exit');
    const sock = await openTcpSocketInNetns(nsPath, 'localhost', PORT);
    expect(await exchange(sock, 'v6')).to.equal('hello v6');
  });

  it('reports a refused connection with errno, code, step and syscall', async function () {
    const err = await openTcpSocketInNetns(nsPath, '127.0.0.1', PORT + 1).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NativeError);
    expect(err).to.include({ code: 'ECONNREFUSED', errno: 111, step: 'connect in netns', syscall: 'connect' });
  });

  it('fails on a path that is not a network namespace', async function () {
    const err = await openTcpSocketInNetns(join(dir, 'nope'), '127.0.0.1', PORT).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NativeError);
    expect(err).to.include({ code: 'ENOENT', step: 'open namespace file' });
  });
});
