// Concurrent pulls of the same image or layer download each blob once:
// a counting proxy in front of the registry sees every GET.
import { expect } from 'chai';
import { blobGets, startProxy, type TestProxy } from './http-proxy.js';
import { newService, requireImageEnv, sharedRegistry, stopRegistries, type ImageEnv, type ServiceRoot } from './image-env.js';

describe('concurrent image pulls', function () {
  this.timeout(120_000);
  let env: ImageEnv;
  let proxy: TestProxy;
  let s: ServiceRoot;

  before(async function () {
    requireImageEnv(this);
    env = await sharedRegistry();
  });
  beforeEach(async () => {
    proxy = await startProxy(env.registry.url);
    s = await newService();
  });
  afterEach(async () => {
    await proxy?.close();
    await s?.cleanup();
  });
  after(() => stopRegistries());

  it('identical pulls at once share one download of every blob', async () => {
    const img = env.images['husk-test/layers:latest']!;
    const ref = `${proxy.host}/husk-test/layers:latest`;
    const ids = await Promise.all([s.service.pull(ref), s.service.pull(ref), s.service.pull(ref), s.service.pull(ref)]);
    expect(new Set(ids)).to.deep.equal(new Set([img.configDigest]));
    const gets = blobGets(proxy.seen);
    expect(gets.size).to.equal(img.diffIds.length + 1, 'config and every layer fetched');
    for (const [digest, count] of gets) expect(count, digest).to.equal(1);
  });

  it('different images pulled at once share their common base layer download', async () => {
    await Promise.all([s.service.pull(`${proxy.host}/husk-test/busybox:latest`), s.service.pull(`${proxy.host}/husk-test/other:latest`), s.service.pull(`${proxy.host}/husk-test/config:latest`)]);
    for (const [digest, count] of blobGets(proxy.seen)) expect(count, digest).to.equal(1);
  });

  it('a second pull of a present image fetches no blobs', async () => {
    const ref = `${proxy.host}/husk-test/busybox:latest`;
    await s.service.pull(ref);
    const before = blobGets(proxy.seen).size;
    await s.service.pull(ref);
    expect(blobGets(proxy.seen).size).to.equal(before);
  });

  it('a cancelled pull stops waiting; its downloads finish and the next pull reuses them', async () => {
    const ref = `${proxy.host}/husk-test/config:latest`;
    const controller = new AbortController();
    const cancelled = s.service.pull(ref, undefined, controller.signal);
    setTimeout(() => controller.abort(), 5);
    const err = await cancelled.catch((e: unknown) => e);
    expect((err as { kind?: string }).kind).to.equal('DeadlineExceeded');
    expect(await s.service.pull(ref)).to.equal(env.images['husk-test/config:latest']!.configDigest);
    for (const [digest, count] of blobGets(proxy.seen)) expect(count, digest).to.equal(1);
  });
});
