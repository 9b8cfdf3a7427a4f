// Per-registry mirrors: tried in order before the upstream, with fallback;
// an image pulled through a mirror keeps its upstream name.
import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { pushTestImages } from '../../helpers/test-images.js';
import type { TestRegistry } from '../../helpers/registry.js';
import { blobGets, startProxy, type TestProxy } from './http-proxy.js';
import { extraRegistry, newService, requireImageEnv, sharedRegistry, stopRegistries, type ImageEnv, type ServiceRoot } from './image-env.js';

describe('registry mirrors', function () {
  this.timeout(180_000);
  let env: ImageEnv;
  let mirror: TestRegistry;
  let upstream: TestProxy;
  let s: ServiceRoot | undefined;

  before(async function () {
    requireImageEnv(this);
    env = await sharedRegistry();
    mirror = await extraRegistry();
    await pushTestImages(mirror);
  });
  beforeEach(async () => {
    // The "upstream" is a counting proxy, so the test sees whether it was asked.
    upstream = await startProxy(env.registry.url);
  });
  afterEach(async () => {
    await upstream?.close();
    await s?.cleanup();
    s = undefined;
  });
  after(() => stopRegistries());

  it('pulls through the mirror and keeps the upstream name', async () => {
    s = await newService({ mirrors: { [upstream.host]: { endpoints: [`http://${mirror.host}`] } } });
    const ref = `${upstream.host}/husk-test/busybox:latest`;
    const id = await s.service.pull(ref);
    expect(id).to.equal(env.images['husk-test/busybox:latest']!.configDigest);
    expect(upstream.seen).to.deep.equal([], 'the upstream was not asked');
    const view = s.service.status(ref)!;
    expect(view.repoTags).to.deep.equal([ref]);
    expect(view.repoDigests).to.deep.equal([`${upstream.host}/husk-test/busybox@${env.images['husk-test/busybox:latest']!.digest}`]);
  });

  it('falls back to the upstream when a mirror is dead, and to the next mirror first', async () => {
    const dead = await closedPort();
    const second = await startProxy(mirror.url);
    try {
      s = await newService({ mirrors: { [upstream.host]: { endpoints: [`http://127.0.0.1:${dead}`, `http://${second.host}`] } } });
      await s.service.pull(`${upstream.host}/husk-test/other:latest`);
      expect(blobGets(second.seen).size).to.be.greaterThan(0);
      expect(upstream.seen).to.deep.equal([]);
    } finally {
      await second.close();
    }
    await s.cleanup();

    s = await newService({ mirrors: { [upstream.host]: { endpoints: [`http://127.0.0.1:${dead}`] } } });
    expect(await s.service.pull(`${upstream.host}/husk-test/other:latest`)).to.equal(env.images['husk-test/other:latest']!.configDigest);
    expect(blobGets(upstream.seen).size).to.be.greaterThan(0);
  });

  it('answers UNAVAILABLE, naming the registry, when neither a mirror nor the upstream can be reached', async () => {
    const dead = await closedPort();
    const alsoDead = await closedPort();
    s = await newService({ mirrors: { [`127.0.0.1:${alsoDead}`]: { endpoints: [`http://127.0.0.1:${dead}`] } }, insecure: [`127.0.0.1:${alsoDead}`] });
    const err = (await s.service.pull(`127.0.0.1:${alsoDead}/husk-test/busybox:latest`).then(
      () => undefined,
      (e: unknown) => e,
    )) as { kind?: string; message?: string } | undefined;
    expect(err?.kind).to.equal('Unavailable');
    expect(err?.message).to.contain(`127.0.0.1:${alsoDead}`).and.contain('ECONNREFUSED');
  });

  it('falls back when the mirror lacks the image', async () => {
    const empty = await startProxy(undefined); // answers 404 to everything
    try {
      s = await newService({ mirrors: { [upstream.host]: { endpoints: [`http://${empty.host}`] } } });
      await s.service.pull(`${upstream.host}/husk-test/config:latest`);
      expect(empty.seen.length).to.be.greaterThan(0);
      expect(upstream.seen.length).to.be.greaterThan(0);
    } finally {
      await empty.close();
    }
  });
});

/** A loopback port with nothing listening: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
