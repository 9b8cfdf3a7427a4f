// Layers unpack from gzip, zstd and plain tar, from a file or a stream, and
// report the diffId: the sha256 of the uncompressed tar, padding included.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { unpackLayer, LayerUnpackError, UNPACK_BINARY } from '../../../src/image/unpack.js';
import { requireFile, requireRoot, requireTools } from '../../helpers/requirements.js';
import { DOCKER, OCI, compress, sha256, writeTar, type Compression, type TarEntry } from '../../helpers/test-images.js';

const ENTRIES: TarEntry[] = [
  { name: 'etc/', type: 'dir' },
  { name: 'etc/motd', type: 'file', data: 'hello from a layer\n' },
  { name: 'blob.bin', type: 'file', data: Buffer.alloc(300_000, 7) },
];

const CASES: { mediaType: string; compression: Compression }[] = [
  { mediaType: OCI.layerGzip, compression: 'gzip' },
  { mediaType: OCI.layerZstd, compression: 'zstd' },
  { mediaType: OCI.layerTar, compression: 'none' },
  { mediaType: DOCKER.layerGzip, compression: 'gzip' },
  { mediaType: 'application/vnd.docker.image.rootfs.diff.tar', compression: 'none' },
];

describe('unpacking gzip, zstd and plain layers', function () {
  let dir: string;
  let n = 0;
  const tar = writeTar(ENTRIES);
  const freshDest = () => {
    const d = join(dir, `layer${n++}`);
    mkdirSync(d);
    return d;
  };

  before(function () {
    requireRoot(this);
    requireFile(this, UNPACK_BINARY, 'build it with `make -C native`');
    requireTools(this, 'zstd');
    dir = mkdtempSync(join(tmpdir(), 'husk-unpack-test-'));
  });

  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const { mediaType, compression } of CASES) {
    it(`${mediaType}: streamed and from a file, with the tar's sha256 as diffId`, async function () {
      const blob = compress(tar, compression);
      const file = join(dir, `blob-${n}`);
      writeFileSync(file, blob);
      for (const source of [file, Readable.from(chunks(blob, 4096))]) {
        const dest = freshDest();
        const result = await unpackLayer({ source, mediaType, dest });
        expect(result.diffId).to.equal(sha256(tar));
        expect(result.size).to.equal(tar.length);
        expect(readFileSync(join(dest, 'etc/motd'), 'utf8')).to.equal('hello from a layer\n');
        expect(readFileSync(join(dest, 'blob.bin')).equals(Buffer.alloc(300_000, 7))).to.equal(true);
      }
    });
  }

  it('hashes padding after the end-of-archive blocks into the diffId', async function () {
    const padded = Buffer.concat([tar, Buffer.alloc(10240 - (tar.length % 10240))]);
    const result = await unpackLayer({ source: Readable.from([compress(padded, 'gzip')]), mediaType: OCI.layerGzip, dest: freshDest() });
    expect(result.diffId).to.equal(sha256(padded));
    expect(result.size).to.equal(padded.length);
  });

  it('refuses data that does not match the media type', async function () {
    const err = await unpackLayer({ source: Readable.from([tar]), mediaType: OCI.layerGzip, dest: freshDest() }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LayerUnpackError);
    expect((err as LayerUnpackError).reason).to.equal('invalid');
    expect((err as Error).message).to.contain('media type says gzip');
  });

  it('refuses an unknown media type before reading anything', async function () {
    const err = await unpackLayer({ source: Readable.from([tar]), mediaType: 'application/vnd.example.layer.v1.tar+lz4', dest: freshDest() }).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(LayerUnpackError);
    expect((err as LayerUnpackError).reason).to.equal('unsupported');
    expect((err as Error).message).to.contain('application/vnd.example.layer.v1.tar+lz4');
  });

  it('fails on a truncated layer', async function () {
    const blob = compress(tar, 'gzip');
    const err = await unpackLayer({ source: Readable.from([blob.subarray(0, blob.length >> 1)]), mediaType: OCI.layerGzip, dest: freshDest() }).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(LayerUnpackError);
    expect((err as LayerUnpackError).reason).to.equal('invalid');
  });

  it('rejects with the source error, and stops the tool, when the stream fails midway', async function () {
    const source = new PassThrough();
    const blob = compress(tar, 'none');
    const pending = unpackLayer({ source, mediaType: OCI.layerTar, dest: freshDest() });
    source.write(blob.subarray(0, 2048));
    setTimeout(() => source.destroy(new Error('digest mismatch upstream')), 50);
    const err = await pending.catch((e: unknown) => e);
    expect((err as Error).message).to.equal('digest mismatch upstream');
  });
});

function* chunks(buf: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
