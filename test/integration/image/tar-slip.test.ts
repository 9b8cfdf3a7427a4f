// Crafted layers that try to write outside their directory (`..`, absolute
// names, symlinks to / or ../.., chained symlinks, hardlinks to outside) make
// the unpack fail with an error naming the entry, and nothing appears outside.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { LayerUnpackError, unpackLayer, UNPACK_BINARY } from '../../../src/image/unpack.js';
import { requireFile, requireRoot } from '../../helpers/requirements.js';
import { startRegistry, REGISTRY_BINARY, type TestRegistry } from '../../helpers/registry.js';
import { MALICIOUS_LAYERS, OCI, compress, pushTestImages, writeTar, type PushedImage } from '../../helpers/test-images.js';

/** Every path under `root`, relative to it. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      out.push(relative(root, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out.sort();
}

function leftoversOutside(): string[] {
  const found: string[] = [];
  for (const d of ['/', '/tmp', '/etc', tmpdir()]) {
    for (const name of readdirSync(d)) if (name.startsWith('husk-slip-')) found.push(join(d, name));
  }
  return found;
}

describe('tar-slip: malicious layers cannot write outside their directory', function () {
  let sentinel: string;
  let layersParent: string;
  let hostnameLinks: number;

  before(function () {
    requireRoot(this);
    requireFile(this, UNPACK_BINARY, 'build it with `make -C native`');
    expect(leftoversOutside(), 'leftovers from an earlier run').to.deep.equal([]);
    hostnameLinks = statSync('/etc/hostname').nlink;
  });

  beforeEach(function () {
    sentinel = mkdtempSync(join(tmpdir(), 'husk-unpack-sentinel-'));
    // deep enough that `../..` still lands in the sentinel, so we can see it
    layersParent = join(sentinel, 'a', 'b');
    mkdirSync(layersParent, { recursive: true });
  });

  afterEach(function () {
    if (sentinel) rmSync(sentinel, { recursive: true, force: true });
  });

  function expectNothingOutside(dest: string): void {
    const outside = tree(sentinel).filter((p) => !join(sentinel, p).startsWith(dest + '/'));
    expect(outside).to.deep.equal(['a', 'a/b', relative(sentinel, dest)]);
    expect(leftoversOutside()).to.deep.equal([]);
    expect(statSync('/etc/hostname').nlink).to.equal(hostnameLinks, '/etc/hostname gained a hardlink');
  }

  for (const m of MALICIOUS_LAYERS) {
    it(`${m.name}: ${m.description}`, async function () {
      const dest = join(layersParent, 'layer');
      mkdirSync(dest);
      const blob = compress(writeTar(m.entries), 'gzip');
      const err = await unpackLayer({ source: Readable.from([blob]), mediaType: OCI.layerGzip, dest }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(LayerUnpackError);
      const e = err as LayerUnpackError;
      expect(e.reason).to.equal('escape');
      expect(e.entry).to.equal(m.badEntry);
      expect(e.message).to.contain(`"${m.badEntry}"`);
      expect(e.kind).to.equal('FailedPrecondition');
      expectNothingOutside(dest);
    });
  }

  it('openat2 alone (the chroot defence turned off) refuses every one of them too', function () {
    for (const m of MALICIOUS_LAYERS) {
      const dest = join(layersParent, `bare-${m.name}`);
      mkdirSync(dest);
      const r = spawnSync(UNPACK_BINARY, ['--no-chroot', '--compression', 'none', dest], { input: writeTar(m.entries), encoding: 'utf8' });
      expect(r.status, m.name).to.equal(1);
      const out = JSON.parse(r.stdout) as { error: { kind: string; entry: string } };
      expect(out.error, m.name).to.include({ kind: 'escape', entry: m.badEntry });
      rmSync(dest, { recursive: true, force: true });
    }
    expect(tree(sentinel)).to.deep.equal(['a', 'a/b']);
    expect(leftoversOutside()).to.deep.equal([]);
  });

  describe('layers pulled from a registry', function () {
    let registry: TestRegistry | undefined;
    let images: Record<string, PushedImage>;

    before(async function () {
      requireFile(this, REGISTRY_BINARY, "Debian's docker-registry");
      this.timeout(60_000);
      registry = await startRegistry();
      images = await pushTestImages(registry);
    });

    after(async function () {
      await registry?.stop();
    });

    it('fail while streaming the download, naming the entry', async function () {
      for (const m of MALICIOUS_LAYERS) {
        const image = images[`husk-test/slip:${m.name}`]!;
        const manifest = (await (
          await fetch(`${registry!.url}/v2/${image.repo}/manifests/${image.digest}`, { headers: { accept: OCI.manifest } })
        ).json()) as { layers: { digest: string; mediaType: string }[] };
        const bad = manifest.layers[manifest.layers.length - 1]!;
        const res = await fetch(`${registry!.url}/v2/${image.repo}/blobs/${bad.digest}`);
        expect(res.status).to.equal(200);
        const dest = join(layersParent, `layer-${m.name}`);
        mkdirSync(dest);
        const err = await unpackLayer({ source: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), mediaType: bad.mediaType, dest }).catch(
          (e: unknown) => e,
        );
        expect((err as LayerUnpackError).entry, m.name).to.equal(m.badEntry);
        expect(existsSync(join(sentinel, 'husk-slip-dotdot'))).to.equal(false);
        rmSync(dest, { recursive: true, force: true });
      }
      expect(leftoversOutside()).to.deep.equal([]);
    });
  });
});
