import { expect } from 'chai';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireAddon } from '../../helpers/requirements.js';
import { FS_MAGIC, lgetxattr, lsetxattr, makeTmpfs, mkdirExact, mknod, mountsUnder, NativeError, makeDirs, removeTree, rmdirTrees, statfs, unmount, replaceFile, syncFiles } from '../../../src/native/index.js';

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

  it('replaces a file atomically in one call (synced or later), leaving no temp file, and names the path on failure', async function () {
    const sub = mkdtempSync(join(dir, 'durable-'));
    const file = join(sub, 'record.json');
    await replaceFile(file, '{"v":1}', 0o600, true);
    await replaceFile(file, new TextEncoder().encode('{"v":2}'), 0o600, false);
    await syncFiles(sub, ['record.json', 'gone.json']);
    expect(readFileSync(file, 'utf8')).to.equal('{"v":2}');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(readdirSync(sub)).to.deep.equal(['record.json']);
    const missing = join(sub, 'nope', 'x.json');
    const err = await replaceFile(missing, 'x', 0o600, true).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(NativeError).that.includes({ code: 'ENOENT', syscall: 'open' });
    expect((err as Error).message).to.include(join(sub, 'nope'));
  });

  it('removes a tree without following symlinks or entering a mount point', async function () {
    const outside = mkdtempSync(join(dir, 'outside-'));
    writeFileSync(join(outside, 'keep'), 'x');
    const tree = mkdtempSync(join(dir, 'tree-'));
    mkdirSync(join(tree, 'a/b/c'), { recursive: true });
    writeFileSync(join(tree, 'a/b/c/f'), 'x');
    mkdirSync(join(tree, 'a/locked'), { mode: 0 });
    symlinkSync(outside, join(tree, 'a/link'));
    await removeTree(tree);
    expect(existsSync(tree)).to.equal(false);
    expect(readFileSync(join(outside, 'keep'), 'utf8')).to.equal('x');
    await removeTree(tree); // gone already: fine

    const holder = mkdtempSync(join(dir, 'holder-'));
    mkdirSync(join(holder, 'mnt'));
    makeTmpfs(join(holder, 'mnt'));
    try {
      writeFileSync(join(holder, 'mnt/inside'), 'x');
      const err = await removeTree(holder).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(NativeError).that.includes({ code: 'EBUSY' });
      expect(readFileSync(join(holder, 'mnt/inside'), 'utf8'), 'the mounted file system is untouched').to.equal('x');
    } finally {
      unmount(join(holder, 'mnt'));
    }
    await removeTree(holder);
    expect(existsSync(holder)).to.equal(false);
  });

  it('removes trees of empty directories leaf first, and stops at one in use', async function () {
    const tree = mkdtempSync(join(dir, 'rmdir-'));
    const other = mkdtempSync(join(dir, 'rmdir-'));
    mkdirSync(join(tree, 'a/b'), { recursive: true });
    mkdirSync(join(tree, 'c'));
    expect(await rmdirTrees([tree, other])).to.equal(true);
    expect(existsSync(tree) || existsSync(other)).to.equal(false);
    expect(await rmdirTrees([tree]), 'missing counts as removed').to.equal(true);

    const busy = mkdtempSync(join(dir, 'rmdir-'));
    mkdirSync(join(busy, 'a/b'), { recursive: true });
    writeFileSync(join(busy, 'a/b/member'), '');
    expect(await rmdirTrees([busy])).to.equal(false);
    expect(existsSync(join(busy, 'a/b/member')), 'nothing of a busy branch is touched').to.equal(true);
    rmSync(busy, { recursive: true });
  });

  it('makes several directory paths with their parents in one call, existing ones included', async function () {
    const base = mkdtempSync(join(dir, 'mkdirs-'));
    await makeDirs([
      [join(base, 'layer/upper'), 0o755],
      [join(base, 'layer/work'), 0o700],
      [join(base, 'layer/upper'), 0o755],
    ]);
    expect(statSync(join(base, 'layer')).mode & 0o777).to.equal(0o755 & ~0o077);
    expect(statSync(join(base, 'layer/work')).mode & 0o777).to.equal(0o700);
    writeFileSync(join(base, 'file'), '');
    const err = await makeDirs([[join(base, 'file'), 0o755]]).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(NativeError).that.includes({ code: 'ENOTDIR' });
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
