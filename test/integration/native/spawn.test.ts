import { expect } from 'chai';
import { eventually } from '../../helpers/eventually.js';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { requireAddon } from '../../helpers/requirements.js';
import { NativeError, spawnChild } from '../../../src/native/index.js';

function sigMask(status: string, field: 'SigIgn' | 'SigBlk'): bigint {
  const line = status.split('\n').find((l) => l.startsWith(`${field}:`));
  return BigInt(`0x${line!.split(':')[1]!.trim()}`);
}

const SIGPIPE_BIT = 1n << 12n; // signal 13

describe('native addon: spawning children without fork', function () {
  before(function () {
    requireAddon(this);
  });

  it('reports the exit code and leaves no zombie behind', async function () {
    const child = await spawnChild('/bin/sh', ['-c', 'exit 7']);
    expect(await child.exited).to.deep.equal({ code: 7, signal: null });
    expect(existsSync(`/proc/${child.pid}`)).to.equal(false);
  });

  it('reports death by a signal', async function () {
    const child = await spawnChild('/bin/sh', ['-c', 'kill -TERM $$']);
    expect(await child.exited).to.deep.equal({ code: null, signal: 'SIGTERM' });
  });

  it('round-trips stdin to stdout through cat', async function () {
    const child = await spawnChild('/bin/cat', [], { stdio: ['pipe', 'pipe', 'ignore'] });
    const out = text(child.stdout!);
    child.stdin!.end('hello through cat\n');
    expect(await out).to.equal('hello through cat\n');
    expect(await child.exited).to.deep.equal({ code: 0, signal: null });
  });

  it('captures stderr', async function () {
    const child = await spawnChild('/bin/sh', ['-c', 'echo oops >&2; echo fine'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const [out, err] = await Promise.all([text(child.stdout!), text(child.stderr!)]);
    expect({ out, err }).to.deep.equal({ out: 'fine\n', err: 'oops\n' });
    await child.exited;
  });

  it('passes exactly the given environment', async function () {
    const child = await spawnChild('/usr/bin/env', [], { env: { A: '1', B: 'two words', SKIPPED: undefined }, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(await text(child.stdout!)).to.equal('A=1\nB=two words\n');
    await child.exited;
  });

  it('fails with ENOENT naming a missing binary', async function () {
    const err = await spawnChild('/no/such/husk-tool', []).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(NativeError).that.includes({ code: 'ENOENT', syscall: 'posix_spawn' });
    expect((err as Error).message).to.include('/no/such/husk-tool');
  });

  it('gives the child exactly the requested fds', async function () {
    const child = await spawnChild('/bin/sleep', ['30'], { stdio: ['ignore', 'pipe', 'ignore', 'pipe', 'pipe'] });
    try {
      // The dynamic loader briefly holds a file or two of its own: wait for it to be done.
      const fds = () => readdirSync(`/proc/${child.pid}/fd`).map(Number).sort((a, b) => a - b);
      await eventually(() => (fds().length === 5 ? true : undefined), 'the child to settle', 2000).catch(() => undefined);
      expect(fds()).to.deep.equal([0, 1, 2, 3, 4]);
    } finally {
      child.kill('SIGKILL');
      child.stdio.forEach((s) => s?.resume());
      await child.exited;
    }
  });

  it('makes slots from 3 up sockets both sides read and write', async function () {
    const child = await spawnChild('/bin/sh', ['-c', 'read line <&3; echo "got $line" >&3'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    const socket = child.stdio[3]!;
    socket.write('ping\n');
    expect(await text(socket)).to.equal('got ping\n');
    expect(await child.exited).to.deep.equal({ code: 0, signal: null });
  });

  it('places inherited fds in their slots even when the sources swap places', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'husk-spawn-test-'));
    const a = openSync(join(dir, 'a'), 'w');
    const b = openSync(join(dir, 'b'), 'w');
    try {
      const stdio: ('ignore' | number)[] = Array.from({ length: Math.max(a, b) + 1 }, () => 'ignore');
      stdio[a] = b;
      stdio[b] = a;
      const child = await spawnChild('/bin/sleep', ['30'], { stdio });
      try {
        expect(readlinkSync(`/proc/${child.pid}/fd/${a}`)).to.equal(join(dir, 'b'));
        expect(readlinkSync(`/proc/${child.pid}/fd/${b}`)).to.equal(join(dir, 'a'));
      } finally {
        child.kill('SIGKILL');
        await child.exited;
      }
    } finally {
      closeSync(a);
      closeSync(b);
      rmSync(dir, { recursive: true });
    }
  });

  it('starts the child with default signal dispositions and an empty mask, though Node ignores SIGPIPE', async function () {
    expect(sigMask(readFileSync('/proc/self/status', 'utf8'), 'SigIgn') & SIGPIPE_BIT).to.equal(SIGPIPE_BIT);
    const child = await spawnChild('/bin/cat', ['/proc/self/status'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const status = await text(child.stdout!);
    await child.exited;
    expect({ ignored: sigMask(status, 'SigIgn'), blocked: sigMask(status, 'SigBlk') }).to.deep.equal({ ignored: 0n, blocked: 0n });
  });

  it('kills the child through its pidfd, and not once it is gone', async function () {
    const child = await spawnChild('/bin/sleep', ['30']);
    expect(child.kill('SIGKILL')).to.equal(true);
    expect(await child.exited).to.deep.equal({ code: null, signal: 'SIGKILL' });
    expect(child.kill('SIGKILL')).to.equal(false);
    expect(existsSync(`/proc/${child.pid}`)).to.equal(false);
  });
});
