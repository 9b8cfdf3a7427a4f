import { expect } from 'chai';
import { lstatSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireAddon } from '../../helpers/requirements.js';
import { FS_MAGIC, lgetxattr, lsetxattr, makeTmpfs, mkdirExact, mknod, mountsUnder, NativeError, statfs, unmount } from '../../../src/native/index.js';

describe('native addon: file-system helpers', function () {
  let dir = '';
  let oldUmask = 0;

  before(function () {
    requireAddon(this, { root: true });
    dir = mkdtempSync('/tmp/husk-addon-fs-');
    oldUmask = process.umask(0o077);
  });

  after(function () {
    if (!dir) return;
    process.umask(oldUmask);
    expect(mountsUnder(dir)).to.deep.equal([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes char devices and fifos with exact modes despite the umask', function () {
    mknod(join(dir, 'null'), 'char', 0o666, 1, 3);
    const st = statSync(join(dir, 'null'));
    expect(st.isCharacterDevice()).to.equal(true);
    expect(st.mode & 0o7777).to.equal(0o666);
    expect(st.rdev).to.equal((1 << 8) | 3);
    mknod(join(dir, 'fifo'), 'fifo', 0o620);
    expect(statSync(join(dir, 'fifo')).isFIFO()).to.equal(true);
    expect(statSync(join(dir, 'fifo')).mode & 0o7777).to.equal(0o620);
    expect(() => mknod(join(dir, 'null'), 'char', 0o666, 1, 3)).to.throw(NativeError).that.includes({ code: 'EEXIST', syscall: 'mknod' });
  });

  it('makes directories with exact modes, sticky bit included', function () {
    mkdirExact(join(dir, 'shm'), 0o1777);
    expect(statSync(join(dir, 'shm')).mode & 0o7777).to.equal(0o1777);
  });

  it('sets and reads xattrs on a symlink itself, null when absent', function () {
    writeFileSync(join(dir, 'target'), 'x');
    symlinkSync('target', join(dir, 'link'));
    lsetxattr(join(dir, 'link'), 'trusted.overlay.opaque', 'y');
    expect(lgetxattr(join(dir, 'link'), 'trusted.overlay.opaque')?.toString()).to.equal('y');
    expect(lgetxattr(join(dir, 'target'), 'trusted.overlay.opaque')).to.equal(null);
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).to.equal(true);
    expect(() => lsetxattr(join(dir, 'link'), 'trusted.overlay.opaque', 'z', 'create')).to.throw(NativeError).that.includes({ code: 'EEXIST' });
  });

  it('reports the file system type and mount flags', function () {
    const t = join(dir, 'tmp');
    mkdirExact(t, 0o755);
    makeTmpfs(t, { flags: ['ro', 'nosuid'] });
    try {
      const s = statfs(t);
      expect(s.type).to.equal(FS_MAGIC.tmpfs);
      expect(s.flags & 1).to.equal(1); // ST_RDONLY
      expect(s.flags & 2).to.equal(2); // ST_NOSUID
      expect(s.blockSize).to.be.greaterThan(0);
    } finally {
      unmount(t);
    }
  });
});
