import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { requireAddon } from '../../helpers/requirements.js';
import {
  bindMount,
  FS_MAGIC,
  isMountpoint,
  makeTmpfs,
  mount,
  mountOverlay,
  mountsUnder,
  NativeError,
  readMountInfo,
  setPropagation,
  statfs,
  unmount,
} from '../../../src/native/index.js';

/** Unmounts everything under dir, deepest first. */
function unmountAll(dir: string): void {
  for (const m of mountsUnder(dir).sort((a, b) => b.mountPoint.length - a.mountPoint.length)) {
    unmount(m.mountPoint, { detach: true, ignoreNotMounted: true });
  }
}

describe('native addon: mounts', function () {
  let root = '';

  before(function () {
    requireAddon(this, { root: true });
    root = mkdtempSync('/tmp/husk-addon-mnt-');
  });

  afterEach(function () {
    if (root) unmountAll(root);
  });

  after(function () {
    if (!root) return;
    unmountAll(root);
    expect(mountsUnder(root)).to.deep.equal([]);
    rmSync(root, { recursive: true, force: true });
  });

  describe('overlay with 150 lower layers whose paths exceed the 4096-byte option limit', function () {
    let lower: string[] = [];

    before(function () {
      const layers = join(root, 'layers');
      lower = [];
      for (let i = 0; i < 150; i++) {
        // 150 paths of ~90 bytes: ~13 KiB of lowerdir, over three times a page.
        const diff = join(layers, `sha256-${'ab'.repeat(24)}-${String(i).padStart(3, '0')}`, 'diff');
        mkdirSync(diff, { recursive: true });
        writeFileSync(join(diff, `only-in-${i}`), `${i}`);
        writeFileSync(join(diff, 'shadowed'), `${i}`);
        lower.push(diff);
      }
      expect(lower.join(':').length).to.be.greaterThan(4096 * 3);
    });

    for (const method of ['fsconfig', 'legacy'] as const) {
      it(`mounts through ${method} and shows the merged view, writes landing in upper`, async function () {
        const base = join(root, method);
        const [merged, upper, work] = ['merged', 'upper', 'work'].map((d) => join(base, d)) as [string, string, string];
        for (const d of [merged, upper, work]) mkdirSync(d, { recursive: true });
        await mountOverlay({ target: merged, lowerDirs: lower, upperDir: upper, workDir: work, method });
        expect(isMountpoint(merged)).to.equal(true);
        expect(statfs(merged).type).to.equal(FS_MAGIC.overlay);
        const names = readdirSync(merged);
        expect(names).to.have.length(151);
        expect(names).to.include.members(['only-in-0', 'only-in-149', 'shadowed']);
        expect(readFileSync(join(merged, 'shadowed'), 'utf8')).to.equal('0'); // lowerDirs[0] is on top
        writeFileSync(join(merged, 'new-file'), 'x');
        expect(readdirSync(upper)).to.deep.equal(['new-file']);
        expect(existsSync(join(lower[0]!, 'new-file'))).to.equal(false);
        unmount(merged);
        expect(isMountpoint(merged)).to.equal(false);
        // The legacy path's scratch dir of short names is gone.
        expect(readdirSync(base).sort()).to.deep.equal(['merged', 'upper', 'work']);
      });
    }

    it('mounts a read-only merge without upper and work dirs', async function () {
      const merged = join(root, 'ro-merged');
      mkdirSync(merged);
      await mountOverlay({ target: merged, lowerDirs: lower.slice(0, 3), readOnly: true });
      expect(readFileSync(join(merged, 'shadowed'), 'utf8')).to.equal('0');
      expect(() => writeFileSync(join(merged, 'x'), 'x')).to.throw(/EROFS/);
    });

    it('reports a missing layer with the kernel step and path', async function () {
      const merged = join(root, 'bad-merged');
      mkdirSync(merged);
      const err = await mountOverlay({ target: merged, lowerDirs: [join(root, 'no-such-layer')] }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(NativeError);
      expect((err as NativeError).code).to.equal('ENOENT');
      expect((err as NativeError).step).to.equal('add overlay lower layer');
      expect((err as NativeError).message).to.contain('no-such-layer');
      expect(isMountpoint(merged)).to.equal(false);
    });
  });

  describe('bind mount propagation', function () {
    it('rslave sees a submount made later on the source; rprivate does not; ro refuses writes', function () {
      const src = join(root, 'prop-src');
      const slave = join(root, 'prop-slave');
      const priv = join(root, 'prop-private');
      const ro = join(root, 'prop-ro');
      for (const d of [src, slave, priv, ro]) mkdirSync(d);
      makeTmpfs(src, { mode: 0o755, sizeBytes: 1 << 20 });
      setPropagation(src, 'shared');
      mkdirSync(join(src, 'sub'));
      bindMount(src, slave, { propagation: 'slave' });
      bindMount(src, priv, { propagation: 'private' });
      bindMount(src, ro, { readOnly: true, propagation: 'private' });

      makeTmpfs(join(src, 'sub'), { sizeBytes: 1 << 20 });
      writeFileSync(join(src, 'sub', 'marker'), 'later');

      expect(isMountpoint(join(slave, 'sub'))).to.equal(true);
      expect(readFileSync(join(slave, 'sub', 'marker'), 'utf8')).to.equal('later');
      expect(isMountpoint(join(priv, 'sub'))).to.equal(false);
      expect(existsSync(join(priv, 'sub', 'marker'))).to.equal(false);

      const mounts = readMountInfo();
      const slaveInfo = mounts.find((m) => m.mountPoint === slave)!;
      const privInfo = mounts.find((m) => m.mountPoint === priv)!;
      expect(slaveInfo.propagation.some((p) => p.startsWith('master:'))).to.equal(true);
      expect(privInfo.propagation).to.deep.equal([]);

      expect(() => writeFileSync(join(ro, 'x'), 'x')).to.throw(/EROFS/);
      expect(mounts.find((m) => m.mountPoint === ro)!.options).to.include('ro');
    });

    it('a recursive read-only bind makes submounts read-only too', function () {
      const src = join(root, 'rro-src');
      const dst = join(root, 'rro-dst');
      mkdirSync(src);
      mkdirSync(dst);
      makeTmpfs(src);
      mkdirSync(join(src, 'inner'));
      makeTmpfs(join(src, 'inner'));
      bindMount(src, dst, { recursive: true, readOnly: true, propagation: 'private' });
      expect(() => writeFileSync(join(dst, 'inner', 'x'), 'x')).to.throw(/EROFS/);
      writeFileSync(join(src, 'inner', 'x'), 'x'); // the source stays writable
    });
  });

  describe('tmpfs and plain mounts', function () {
    it('makes a tmpfs with the given mode and flags', function () {
      const t = join(root, 'tmpfs');
      mkdirSync(t);
      makeTmpfs(t, { mode: 0o1777, sizeBytes: 4 << 20, flags: ['nosuid', 'nodev', 'noexec'] });
      expect(statSync(t).mode & 0o7777).to.equal(0o1777);
      const info = readMountInfo().find((m) => m.mountPoint === t)!;
      expect(info.fsType).to.equal('tmpfs');
      expect(info.options).to.include.members(['nosuid', 'nodev', 'noexec']);
      unmount(t);
      unmount(t, { ignoreNotMounted: true });
    });

    it('a failed mount is a NativeError with errno, code, step and syscall', function () {
      let caught: unknown;
      try {
        mount('tmpfs', join(root, 'does-not-exist'), 'tmpfs');
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(NativeError);
      const e = caught as NativeError;
      expect(e).to.include({ errno: 2, code: 'ENOENT', step: 'mount', syscall: 'mount' });
      expect(() => unmount(join(root, 'tmpfs'))).to.throw(NativeError, /EINVAL|Invalid argument/);
    });
  });
});
