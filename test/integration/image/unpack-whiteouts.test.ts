// OCI whiteouts become overlay whiteouts: `.wh.NAME` a 0:0 character device,
// `.wh..wh..opq` the trusted.overlay.opaque xattr; mounted as overlay lowers,
// the merged view hides what the upper layers deleted.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { unpackLayer, UNPACK_BINARY } from '../../../src/image/unpack.js';
import { requireFile, requireRoot, requireTools } from '../../helpers/requirements.js';
import { OCI, compress, whiteoutLayers, writeTar, type TarEntry } from '../../helpers/test-images.js';

function getfattr(path: string, name: string): string {
  return execFileSync('getfattr', ['-h', '--absolute-names', '--only-values', '-n', name, path], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

describe('unpacking turns OCI whiteouts into overlay whiteouts', function () {
  let dir: string;
  const layerDirs: string[] = [];

  before(async function () {
    requireRoot(this);
    requireFile(this, UNPACK_BINARY, 'build it with `make -C native`');
    requireTools(this, 'getfattr');
    dir = mkdtempSync(join(tmpdir(), 'husk-unpack-test-'));
    const layers = whiteoutLayers();
    for (const [i, entries] of layers.entries()) {
      const dest = join(dir, `layer${i}`);
      mkdirSync(dest);
      await unpackLayer({ source: Readable.from([compress(writeTar(entries), 'gzip')]), mediaType: OCI.layerGzip, dest });
      layerDirs.push(dest);
    }
  });

  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes `.wh.NAME` as a 0:0 character device named NAME', function () {
    const wh = lstatSync(join(layerDirs[1]!, 'data/a'));
    expect(wh.isCharacterDevice()).to.equal(true);
    expect(wh.rdev).to.equal(0);
    expect(existsSync(join(layerDirs[1]!, 'data/.wh.a'))).to.equal(false);
  });

  it('marks the directory of `.wh..wh..opq` opaque and keeps the marker out', function () {
    expect(getfattr(join(layerDirs[1]!, 'data/dir'), 'trusted.overlay.opaque')).to.equal('y');
    expect(readdirSync(join(layerDirs[1]!, 'data/dir'))).to.deep.equal(['new']);
    expect(() => getfattr(join(layerDirs[0]!, 'data/dir'), 'trusted.overlay.opaque')).to.throw();
  });

  it('marks a directory opaque even when the marker comes before the directory entry', async function () {
    const dest = join(dir, 'marker-first');
    mkdirSync(dest);
    const entries: TarEntry[] = [
      { name: 'etc/conf.d/.wh..wh..opq', type: 'file' },
      { name: 'etc/conf.d/', type: 'dir', mode: 0o750 },
      { name: 'etc/conf.d/only', type: 'file', data: '1' },
    ];
    await unpackLayer({ source: Readable.from([writeTar(entries)]), mediaType: OCI.layerTar, dest });
    expect(getfattr(join(dest, 'etc/conf.d'), 'trusted.overlay.opaque')).to.equal('y');
    expect(lstatSync(join(dest, 'etc/conf.d')).mode & 0o7777).to.equal(0o750);
  });

  it('the overlay of the unpacked layers hides whited-out files and opaque directory contents', function () {
    const merged = join(dir, 'merged');
    mkdirSync(merged);
    // overlay lists lowers top first
    const lowerdir = [...layerDirs].reverse().join(':');
    const mount = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lowerdir}`, merged], { encoding: 'utf8' });
    if (mount.status !== 0) {
      console.log(`      skipped: overlay mount failed: ${mount.stderr.trim()}`);
      this.skip();
    }
    try {
      expect(readdirSync(join(merged, 'data')).sort()).to.deep.equal(['b', 'c', 'dir', 'keep']);
      expect(readdirSync(join(merged, 'data/dir'))).to.deep.equal(['new']);
      expect(readFileSync(join(merged, 'data/b'), 'utf8')).to.equal('b from layer 3\n');
      expect(readFileSync(join(merged, 'data/keep/z'), 'utf8')).to.equal('z from layer 1\n');
      expect(existsSync(join(merged, 'data/a'))).to.equal(false);
      expect(existsSync(join(merged, 'data/dir/x'))).to.equal(false);
    } finally {
      execFileSync('umount', [merged]);
    }
  });
});
