// husk-unpack keeps what the layer says about each entry: owner, mode,
// setuid bits, xattrs, times, device nodes, fifos, hardlinks and symlinks.
import { expect } from 'chai';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { unpackLayer, UNPACK_BINARY } from '../../../src/image/unpack.js';
import { requireFile, requireRoot, requireTools } from '../../helpers/requirements.js';
import { OCI, writeTar, type TarEntry } from '../../helpers/test-images.js';

function getfattr(path: string, name: string): string {
  return execFileSync('getfattr', ['-h', '--absolute-names', '--only-values', '-n', name, path], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('unpacking keeps entry metadata', function () {
  let dir: string;
  let dest: string;

  before(function () {
    requireRoot(this);
    requireFile(this, UNPACK_BINARY, 'build it with `make -C native`');
    requireTools(this, 'getfattr');
  });

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'husk-unpack-test-'));
    dest = join(dir, 'layer');
    mkdirSync(dest);
  });

  afterEach(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function unpack(entries: TarEntry[]) {
    return unpackLayer({ source: Readable.from([writeTar(entries)]), mediaType: OCI.layerTar, dest });
  }

  it('keeps owners, modes, setuid/setgid/sticky bits and mtimes', async function () {
    await unpack([
      { name: 'srv/', type: 'dir', uid: 1002, gid: 1003, mode: 0o750, mtime: 1_600_000_000 },
      { name: 'srv/tool', type: 'file', uid: 0, gid: 0, mode: 0o4755, data: '#!/bin/sh\n', mtime: 1_500_000_000 },
      { name: 'srv/shared', type: 'file', uid: 33, gid: 33, mode: 0o2640, data: 'x' },
      { name: 'srv/tmp/', type: 'dir', mode: 0o1777 },
      { name: 'big-ids', type: 'file', uid: 3_000_000, gid: 3_000_001, mode: 0o600, data: 'y' },
    ]);
    const srv = statSync(join(dest, 'srv'));
    expect([srv.uid, srv.gid, srv.mode & 0o7777]).to.deep.equal([1002, 1003, 0o750]);
    expect(srv.mtimeMs).to.equal(1_600_000_000_000, 'directory mtime is set after its children were written');
    const tool = statSync(join(dest, 'srv/tool'));
    expect(tool.mode & 0o7777).to.equal(0o4755);
    expect(tool.mtimeMs).to.equal(1_500_000_000_000);
    expect(readFileSync(join(dest, 'srv/tool'), 'utf8')).to.equal('#!/bin/sh\n');
    const shared = statSync(join(dest, 'srv/shared'));
    expect([shared.uid, shared.gid, shared.mode & 0o7777]).to.deep.equal([33, 33, 0o2640]);
    expect(statSync(join(dest, 'srv/tmp')).mode & 0o7777).to.equal(0o1777);
    const big = statSync(join(dest, 'big-ids'));
    expect([big.uid, big.gid]).to.deep.equal([3_000_000, 3_000_001]);
  });

  it('keeps xattrs from PAX SCHILY.xattr records, and drops forged overlay xattrs', async function () {
    const capability = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    await unpack([
      { name: 'bin/', type: 'dir' },
      { name: 'bin/ping', type: 'file', mode: 0o755, data: 'elf', xattrs: { 'security.capability': capability, 'user.note': 'hello' } },
      { name: 'conf/', type: 'dir', xattrs: { 'user.dir': 'd', 'trusted.overlay.opaque': 'y' } },
    ]);
    expect(Buffer.from(getfattr(join(dest, 'bin/ping'), 'security.capability'), 'latin1')).to.deep.equal(capability);
    expect(getfattr(join(dest, 'bin/ping'), 'user.note')).to.equal('hello');
    expect(getfattr(join(dest, 'conf'), 'user.dir')).to.equal('d');
    expect(() => getfattr(join(dest, 'conf'), 'trusted.overlay.opaque')).to.throw();
  });

  it('creates device nodes and fifos', async function () {
    await unpack([
      { name: 'dev/', type: 'dir' },
      { name: 'dev/null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'dev/loop9', type: 'block', devmajor: 7, devminor: 9, mode: 0o660, gid: 6 },
      { name: 'run/pipe', type: 'fifo', mode: 0o620 },
    ]);
    const nul = lstatSync(join(dest, 'dev/null'));
    expect(nul.isCharacterDevice()).to.equal(true);
    expect(nul.rdev).to.equal((1 << 8) | 3);
    expect(nul.mode & 0o7777).to.equal(0o666);
    const loop = lstatSync(join(dest, 'dev/loop9'));
    expect(loop.isBlockDevice()).to.equal(true);
    expect([loop.rdev, loop.gid, loop.mode & 0o7777]).to.deep.equal([(7 << 8) | 9, 6, 0o660]);
    const pipe = lstatSync(join(dest, 'run/pipe'));
    expect(pipe.isFIFO()).to.equal(true);
    expect(pipe.mode & 0o7777).to.equal(0o620);
  });

  it('keeps hardlinks as one inode and symlinks as written, whatever they point at', async function () {
    await unpack([
      { name: 'usr/bin/', type: 'dir' },
      { name: 'usr/bin/busybox', type: 'file', mode: 0o755, data: 'bb' },
      { name: 'usr/bin/ls', type: 'hardlink', linkname: 'usr/bin/busybox' },
      { name: 'bin', type: 'symlink', linkname: 'usr/bin', uid: 1002, gid: 1003 },
      { name: 'etc-link', type: 'symlink', linkname: '/etc' },
      { name: 'up', type: 'symlink', linkname: '../../../..' },
      { name: 'link-to-link', type: 'hardlink', linkname: 'etc-link' },
    ]);
    const a = statSync(join(dest, 'usr/bin/busybox'));
    const b = statSync(join(dest, 'usr/bin/ls'));
    expect(b.ino).to.equal(a.ino);
    expect(a.nlink).to.equal(2);
    expect(readlinkSync(join(dest, 'bin'))).to.equal('usr/bin');
    const bin = lstatSync(join(dest, 'bin'));
    expect([bin.uid, bin.gid]).to.deep.equal([1002, 1003]);
    expect(readlinkSync(join(dest, 'etc-link'))).to.equal('/etc');
    expect(readlinkSync(join(dest, 'up'))).to.equal('../../../..');
    expect(lstatSync(join(dest, 'link-to-link')).isSymbolicLink()).to.equal(true, 'a hardlink to a symlink links the symlink itself');
  });

  it('writes long names and link targets from PAX headers, and creates missing parents', async function () {
    const longDir = `${'d'.repeat(120)}/${'e'.repeat(120)}`;
    const result = await unpack([
      { name: `${longDir}/${'f'.repeat(150)}`, type: 'file', data: 'deep' },
      { name: 'long-link', type: 'symlink', linkname: `${longDir}/${'f'.repeat(150)}` },
      { name: 'naïve-ünïcode.txt', type: 'file', data: 'utf8' },
    ]);
    expect(readFileSync(join(dest, longDir, 'f'.repeat(150)), 'utf8')).to.equal('deep');
    expect(readFileSync(join(dest, 'long-link'), 'utf8')).to.equal('deep');
    expect(readFileSync(join(dest, 'naïve-ünïcode.txt'), 'utf8')).to.equal('utf8');
    expect(result.entries).to.equal(3);
  });

  it('replaces an earlier symlink with a file instead of writing through it', async function () {
    const outside = join(dir, 'outside-target');
    await unpack([
      { name: 'victim', type: 'symlink', linkname: outside },
      { name: 'victim', type: 'file', data: 'inside\n' },
    ]);
    expect(existsSync(outside)).to.equal(false);
    expect(lstatSync(join(dest, 'victim')).isFile()).to.equal(true);
    expect(readFileSync(join(dest, 'victim'), 'utf8')).to.equal('inside\n');
  });

  it('roots absolute names at the layer directory', async function () {
    const hostPath = join(dir, 'absolute-target');
    await unpack([{ name: hostPath, type: 'file', data: 'rooted\n' }]);
    expect(existsSync(hostPath)).to.equal(false, 'nothing written at the host path');
    expect(readFileSync(join(dest, hostPath), 'utf8')).to.equal('rooted\n');
  });

  it('applies the root entry ("./") to the layer directory itself', async function () {
    await unpack([{ name: './', type: 'dir', mode: 0o700, uid: 5, gid: 6 }, { name: './etc/', type: 'dir' }]);
    const root = statSync(dest);
    expect([root.uid, root.gid, root.mode & 0o7777]).to.deep.equal([5, 6, 0o700]);
    expect(statSync(join(dest, 'etc')).isDirectory()).to.equal(true);
  });
});
