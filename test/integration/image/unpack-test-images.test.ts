// Every test image in the registry (hack/test-images) unpacks, streamed
// straight from the registry, to the diffIds its config lists: OCI and Docker
// media types, gzip, zstd and plain layers, from an open and an authenticated registry.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { unpackLayer, UNPACK_BINARY } from '../../../src/image/unpack.js';
import { requireFile, requireRoot, requireTools } from '../../helpers/requirements.js';
import { startRegistry, REGISTRY_BINARY, type TestRegistry } from '../../helpers/registry.js';
import { DOCKER, OCI, pushTestImages, type PushedImage } from '../../helpers/test-images.js';

interface Manifest {
  config: { digest: string };
  layers: { digest: string; mediaType: string }[];
}

const AUTH = { username: 'husk', password: 's3cret-pass' };

describe('unpacking the test images from a registry', function () {
  this.timeout(60_000);
  let dir: string;
  let open: TestRegistry | undefined;
  let closed: TestRegistry | undefined;
  let images: Record<string, PushedImage>;
  /** diffIds by media type and blob digest: each distinct blob is unpacked once */
  const unpacked = new Map<string, string>();

  before(async function () {
    requireRoot(this);
    requireFile(this, UNPACK_BINARY, 'build it with `make -C native`');
    requireFile(this, REGISTRY_BINARY, "Debian's docker-registry");
    requireTools(this, 'zstd');
    dir = mkdtempSync(join(tmpdir(), 'husk-unpack-test-'));
    [open, closed] = await Promise.all([startRegistry(), startRegistry({ auth: AUTH })]);
    [images] = await Promise.all([pushTestImages(open), pushTestImages(closed)]);
  });

  after(async function () {
    await Promise.all([open?.stop(), closed?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function get(registry: TestRegistry, path: string, accept?: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (accept) headers.accept = accept;
    if (registry.auth) headers.authorization = `Basic ${Buffer.from(`${registry.auth.username}:${registry.auth.password}`).toString('base64')}`;
    const res = await fetch(`${registry.url}${path}`, { headers });
    expect(res.status, path).to.equal(200);
    return res;
  }

  async function unpackImage(registry: TestRegistry, image: PushedImage): Promise<string[]> {
    const manifest = (await (await get(registry, `/v2/${image.repo}/manifests/${image.manifestDigest}`, `${OCI.manifest}, ${DOCKER.manifest}`)).json()) as Manifest;
    const config = (await (await get(registry, `/v2/${image.repo}/blobs/${manifest.config.digest}`)).json()) as { rootfs: { diff_ids: string[] } };
    const diffIds: string[] = [];
    for (const [i, layer] of manifest.layers.entries()) {
      const known = unpacked.get(`${layer.mediaType} ${layer.digest}`);
      if (known) {
        diffIds.push(known);
        continue;
      }
      const dest = join(dir, `${image.repo.replace('/', '_')}-${image.tag}-${i}`);
      mkdirSync(dest);
      const body = (await get(registry, `/v2/${image.repo}/blobs/${layer.digest}`)).body as ReadableStream;
      const result = await unpackLayer({ source: Readable.fromWeb(body), mediaType: layer.mediaType, dest });
      diffIds.push(result.diffId);
      unpacked.set(`${layer.mediaType} ${layer.digest}`, result.diffId);
    }
    expect(diffIds).to.deep.equal(config.rootfs.diff_ids);
    return diffIds;
  }

  it('unpacks every good image to the diffIds of its config', async function () {
    const good = Object.values(images).filter((i) => !i.repo.startsWith('husk-test/slip'));
    expect(good.map((i) => i.name)).to.include.members([
      'husk-test/busybox:latest',
      'husk-test/zstd:latest',
      'husk-test/uncompressed:latest',
      'husk-test/multiarch:latest',
      'husk-test/docker:latest',
      'husk-test/layers:latest',
    ]);
    const seen = new Set<string>();
    for (const image of good) {
      if (seen.has(image.manifestDigest)) continue;
      seen.add(image.manifestDigest);
      expect(await unpackImage(open!, image)).to.deep.equal(image.diffIds);
    }
    const busybox = join(dir, 'husk-test_busybox-latest-0');
    expect(readFileSync(join(busybox, 'bin/busybox')).equals(readFileSync('/bin/busybox'))).to.equal(true);
    expect(readFileSync(join(dir, 'husk-test_multiarch-latest-1', 'etc/husk-arch'), 'utf8')).to.equal('linux/amd64\n');
  });

  it('serves the same images from a registry that needs credentials', async function () {
    const res = await fetch(`${closed!.url}/v2/husk-test/busybox/manifests/latest`);
    expect(res.status).to.equal(401);
    const image = images['husk-test/config:latest']!;
    const rm = (await get(closed!, `/v2/${image.repo}/manifests/latest`, image.mediaType)).headers.get('docker-content-digest');
    expect(rm).to.equal(image.digest);
    unpacked.clear();
    const sub = join(dir, 'closed');
    mkdirSync(sub);
    const saved = dir;
    dir = sub;
    try {
      await unpackImage(closed!, image);
      expect(readFileSync(join(sub, 'husk-test_config-latest-1', 'work/greeting'), 'utf8')).to.equal('hello from the image\n');
    } finally {
      dir = saved;
    }
  });
});
