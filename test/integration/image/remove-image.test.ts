// RemoveImage semantics and freeing of content and layers.
import { expect } from 'chai';
import { chainIds } from '../../../src/image/chain-id.js';
import { startProxy } from './http-proxy.js';
import { newService, useImageService } from './image-env.js';

describe('image removal', function () {
  this.timeout(120_000);
  const fx = useImageService();
  const ref = (name: string) => `${fx.env.registry.host}/${name}`;

  it('dropping one of several tags keeps the image; dropping the last removes it', async () => {
    const id = await fx.s.service.pull(ref('husk-test/busybox:latest'));
    await fx.s.service.pull(ref('husk-test/busybox:1.0'));
    await fx.s.service.remove(ref('husk-test/busybox:latest'));
    expect(fx.s.service.status(id)?.repoTags).to.deep.equal([ref('husk-test/busybox:1.0')]);
    expect(fx.s.service.status(ref('husk-test/busybox:latest'))).to.equal(undefined);
    expect(await fx.s.service.content.has(id)).to.equal(true);
    await fx.s.service.remove(ref('husk-test/busybox:1.0'));
    expect(fx.s.service.status(id)).to.equal(undefined);
    expect(await fx.s.service.content.list()).to.deep.equal([]);
    expect(await fx.s.service.layers.list()).to.deep.equal([]);
  });

  it('removes by id, id prefix and digest reference', async () => {
    const other = fx.env.images['husk-test/other:latest']!;
    const byId = await fx.s.service.pull(ref('husk-test/other:latest'));
    await fx.s.service.remove(byId);
    expect(fx.s.service.status(byId)).to.equal(undefined);

    await fx.s.service.pull(ref('husk-test/other:latest'));
    await fx.s.service.remove(byId.slice(7, 19));
    expect(fx.s.service.status(byId)).to.equal(undefined);

    await fx.s.service.pull(ref('husk-test/other:latest'));
    await fx.s.service.remove(`${ref('husk-test/other')}@${other.digest}`);
    expect(fx.s.service.status(byId)).to.equal(undefined);
  });

  it('an unknown image is not an error', async () => {
    await fx.s.service.remove(ref('husk-test/never:pulled'));
    await fx.s.service.remove('f'.repeat(64));
    await fx.s.service.remove('abc123');
  });

  it('frees only what no other image uses', async () => {
    const busybox = fx.env.images['husk-test/busybox:latest']!;
    const other = fx.env.images['husk-test/other:latest']!;
    await fx.s.service.pull(ref('husk-test/busybox:latest'));
    await fx.s.service.pull(ref('husk-test/other:latest'));
    const [baseChain] = chainIds(busybox.diffIds);
    const otherChains = chainIds(other.diffIds);
    expect(otherChains[0]).to.equal(baseChain, 'the test images share their base layer');

    await fx.s.service.remove(ref('husk-test/other:latest'));
    expect(await fx.s.service.layers.has(baseChain!)).to.equal(true);
    expect(await fx.s.service.layers.has(otherChains[1]!)).to.equal(false);
    expect(await fx.s.service.content.has(other.configDigest)).to.equal(false);
    expect(await fx.s.service.content.has(busybox.configDigest)).to.equal(true);
  });

  it('keeps layers a container still uses', async () => {
    const busybox = fx.env.images['husk-test/busybox:latest']!;
    const [chain] = chainIds(busybox.diffIds);
    fx.s.service.addLayerUsers(() => [chain!]);
    await fx.s.service.pull(ref('husk-test/busybox:latest'));
    await fx.s.service.remove(ref('husk-test/busybox:latest'));
    expect(fx.s.service.status(busybox.configDigest)).to.equal(undefined);
    expect(await fx.s.service.layers.has(chain!)).to.equal(true);
  });

  it('a re-pulled tag moves to the new image; the old one stays, reachable by digest', async () => {
    let serving = 'husk-test/busybox';
    const proxy = await startProxy(fx.env.registry.url, { rewritePath: (p) => p.replace('/v2/husk-test/moving/', `/v2/${serving}/`).replace(/manifests\/tag$/, 'manifests/latest') });
    try {
      const s2 = await newService();
      try {
        const first = await s2.service.pull(`${proxy.host}/husk-test/moving:tag`);
        serving = 'husk-test/other';
        const second = await s2.service.pull(`${proxy.host}/husk-test/moving:tag`);
        expect(second).to.not.equal(first);
        expect(s2.service.status(`${proxy.host}/husk-test/moving:tag`)?.id).to.equal(second);
        const old = s2.service.status(first)!;
        expect(old.repoTags).to.deep.equal([]);
        expect(old.repoDigests).to.deep.equal([`${proxy.host}/husk-test/moving@${fx.env.images['husk-test/busybox:latest']!.digest}`]);
      } finally {
        await s2.cleanup();
      }
    } finally {
      await proxy.close();
    }
  });

  it('survives a restart: metadata reloads from disk', async () => {
    const id = await fx.s.service.pull(ref('husk-test/busybox:latest'));
    const { ImageService } = await import('../../../src/image/image-service.js');
    const reopened = await ImageService.open({
      config: { root: fx.s.root, pause_image: ref('husk-test/busybox:latest'), registry: { insecure: [], stall_timeout_seconds: 10, mirrors: {} } },
      unpack: async () => {
        throw new Error('no unpack expected');
      },
    });
    const view = reopened.status(ref('husk-test/busybox:latest'));
    expect(view?.id).to.equal(id);
    expect(view?.pinned).to.equal(true, 'the configured pause image is pinned');
  });
});
