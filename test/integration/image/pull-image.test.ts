// Pulling the test images from a real docker-registry on loopback.
import { expect } from 'chai';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { chainIds } from '../../../src/image/chain-id.js';
import { metricsRegistry } from '../../../src/metrics/registry.js';
import { newService, requireImageEnv, sharedRegistry, stopRegistries, type ImageEnv, type ServiceRoot } from './image-env.js';

describe('image pull from a real registry', function () {
  this.timeout(120_000);
  let env: ImageEnv;
  let s: ServiceRoot;
  const ref = (name: string) => `${env.registry.host}/${name}`;

  before(async function () {
    requireImageEnv(this);
    env = await sharedRegistry();
    s = await newService();
  });
  after(async () => {
    await s?.cleanup();
    await stopRegistries();
  });

  it('pulls by tag: id is the config digest, tag and repo digest recorded, layers unpacked by chain ID', async () => {
    const img = env.images['husk-test/busybox:latest']!;
    const id = await s.service.pull(ref('husk-test/busybox:latest'));
    expect(id).to.equal(img.configDigest);
    const view = s.service.status(ref('husk-test/busybox:latest'))!;
    expect(view.repoTags).to.deep.equal([ref('husk-test/busybox:latest')]);
    expect(view.repoDigests).to.deep.equal([`${ref('husk-test/busybox')}@${img.digest}`]);
    expect(view.size).to.be.greaterThan(0);
    for (const chain of chainIds(img.diffIds)) expect(await s.service.layers.has(chain), chain).to.equal(true);
    expect(await s.service.content.has(img.configDigest)).to.equal(true);
  });

  it('pulls by digest: no tag, the repo digest only', async () => {
    const img = env.images['husk-test/other:latest']!;
    const id = await s.service.pull(`${ref('husk-test/other')}@${img.digest}`);
    expect(id).to.equal(img.configDigest);
    const view = s.service.status(id)!;
    expect(view.repoTags).to.deep.equal([]);
    expect(view.repoDigests).to.deep.equal([`${ref('husk-test/other')}@${img.digest}`]);
    expect(s.service.status(`${ref('husk-test/other')}@${img.digest}`)?.id).to.equal(id);
  });

  it('pulls tag+digest by the digest', async () => {
    const img = env.images['husk-test/user:uid']!;
    const id = await s.service.pull(`${ref('husk-test/user:uid')}@${img.digest}`);
    expect(id).to.equal(img.configDigest);
  });

  it('fails clearly for a tag that does not exist', async () => {
    const err = await s.service.pull(ref('husk-test/busybox:nope')).catch((e: unknown) => e);
    expect((err as { kind?: string }).kind).to.equal('NotFound');
    expect((err as Error).message).to.match(/manifests\/nope.*not found/);
  });

  it('picks linux/amd64 from a multi-arch OCI index, and the repo digest is the index', async () => {
    const img = env.images['husk-test/multiarch:latest']!;
    const id = await s.service.pull(ref('husk-test/multiarch:latest'));
    expect(id).to.equal(img.configDigest);
    expect(s.service.status(id)!.repoDigests).to.deep.equal([`${ref('husk-test/multiarch')}@${img.digest}`]);
    expect(await s.service.content.has(img.manifestDigest)).to.equal(true);
  });

  it('pulls Docker schema2 images, from a manifest list and directly', async () => {
    for (const name of ['husk-test/docker:latest', 'husk-test/docker:single']) {
      const img = env.images[name]!;
      expect(await s.service.pull(ref(name)), name).to.equal(img.configDigest);
    }
  });

  it('pulls zstd and uncompressed layers', async () => {
    for (const name of ['husk-test/zstd:latest', 'husk-test/uncompressed:latest']) {
      const img = env.images[name]!;
      expect(await s.service.pull(ref(name)), name).to.equal(img.configDigest);
      for (const chain of chainIds(img.diffIds)) expect(await s.service.layers.has(chain), `${name} ${chain}`).to.equal(true);
    }
  });

  it('reports uid or username from USER exactly as CRI does', async () => {
    const cases: Array<[string, bigint | undefined, string]> = [
      ['husk-test/user:uid', 1002n, ''],
      ['husk-test/user:uidgid', 1002n, ''],
      ['husk-test/user:name', undefined, 'www-data'],
      ['husk-test/user:namegroup', undefined, 'www-data'],
      ['husk-test/busybox:latest', undefined, ''],
    ];
    for (const [name, uid, username] of cases) {
      await s.service.pull(ref(name));
      const view = s.service.status(ref(name))!;
      expect(view.uid, name).to.equal(uid);
      expect(view.username, name).to.equal(username);
    }
  });

  it('keeps the config a container needs, and verbose status shows it', async () => {
    const id = await s.service.pull(ref('husk-test/config:latest'));
    const record = s.service.get(id)!;
    expect(record.runtime.workingDir).to.not.equal('');
    expect(record.runtime.entrypoint.length + record.runtime.cmd.length).to.be.greaterThan(0);
    expect(record.runtime.env.length).to.be.greaterThan(0);
    const info = JSON.parse((await s.service.statusInfo(id))['info']!) as { imageSpec: { config: { WorkingDir: string } } };
    expect(info.imageSpec.config.WorkingDir).to.equal(record.runtime.workingDir);
  });

  it('several tags of one image make one image and one set of blobs and layers', async () => {
    const before = { blobs: (await s.service.content.list()).length, layers: (await s.service.layers.list()).length };
    await s.service.pull(ref('husk-test/busybox:1.0'));
    await s.service.pull(ref('husk-test/busybox:extra'));
    const view = s.service.status(ref('husk-test/busybox:1.0'))!;
    expect(view.id).to.equal(env.images['husk-test/busybox:latest']!.configDigest);
    expect(view.repoTags).to.have.members([ref('husk-test/busybox:latest'), ref('husk-test/busybox:1.0'), ref('husk-test/busybox:extra')]);
    expect(s.service.list().filter((i) => i.id === view.id)).to.have.length(1);
    expect((await s.service.content.list()).length).to.equal(before.blobs);
    expect((await s.service.layers.list()).length).to.equal(before.layers);
  });

  it('applies whiteouts and opaque directories as overlay whiteouts', async () => {
    const img = env.images['husk-test/layers:latest']!;
    const id = await s.service.pull(ref('husk-test/layers:latest'));
    const record = s.service.get(id)!;
    const upper = s.service.layerPaths(record).at(-2)!; // the layer with .wh.a and the opaque dir
    expect(record.layers.map((l) => l.diffId)).to.deep.equal(img.diffIds);
    const whiteout = await stat(join(upper, 'data', 'a'));
    expect(whiteout.isCharacterDevice()).to.equal(true);
    expect(whiteout.rdev).to.equal(0);
    expect(await readFile(join(upper, 'data', 'dir', 'new'), 'utf8')).to.equal('new from layer 2\n');
  });

  it('lists every pulled image and filters by reference', () => {
    const all = s.service.list();
    expect(all.map((i) => i.id)).to.include(env.images['husk-test/zstd:latest']!.configDigest);
    expect(s.service.list(ref('husk-test/zstd:latest')).map((i) => i.id)).to.deep.equal([env.images['husk-test/zstd:latest']!.configDigest]);
    expect(s.service.list(ref('husk-test/zstd:none'))).to.deep.equal([]);
  });

  it('resolves by full id, sha256-less id and unique prefix', () => {
    const id = env.images['husk-test/zstd:latest']!.configDigest;
    expect(s.service.status(id)?.id).to.equal(id);
    expect(s.service.status(id.slice(7))?.id).to.equal(id);
    expect(s.service.status(id.slice(7, 20))?.id).to.equal(id);
  });

  it('counts pulls, bytes and in-flight pulls in metrics', async () => {
    const text = await metricsRegistry.metrics();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    expect(value(/^husk_image_pulls_total\{result="success"\} (\d+)/m)).to.be.greaterThan(5);
    expect(value(/^husk_image_pulls_total\{result="failure"\} (\d+)/m)).to.be.greaterThan(0);
    expect(value(/^husk_image_pull_bytes_total (\d+)/m)).to.be.greaterThan(1_000_000);
    expect(value(/^husk_image_pulls_in_flight (\d+)/m)).to.equal(0);
    expect(text).to.match(/^husk_image_pull_duration_seconds_count\{result="success"\} \d+/m);
  });

  it('reports image filesystem usage', async () => {
    const { image, containers } = await s.service.fsInfo();
    expect(image.bytes).to.be.greaterThan(1_000_000);
    expect(image.inodes).to.be.greaterThan(10);
    expect(containers.mountpoint).to.equal(join(s.root, 'containers'));
  });
});
