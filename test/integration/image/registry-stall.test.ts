// A registry that stops sending must fail the pull, never hang it; transient
// 5xx answers are retried.
import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { RegistryStallError } from '../../../src/image/errors.js';
import { startProxy } from './http-proxy.js';
import { newService, requireImageEnv, sharedRegistry, stopRegistries, type ImageEnv, type ServiceRoot } from './image-env.js';

describe('stalled and flaky registries', function () {
  this.timeout(60_000);
  let env: ImageEnv;
  let s: ServiceRoot | undefined;

  before(async function () {
    requireImageEnv(this);
    env = await sharedRegistry();
  });
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });
  after(() => stopRegistries());

  it('fails a pull from a server that accepts and never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((sock) => {
      sockets.add(sock);
      sock.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      s = await newService({ stall_timeout_seconds: 1 });
      const err = await s.service.pull(`127.0.0.1:${(silent.address() as AddressInfo).port}/husk-test/busybox:latest`).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RegistryStallError);
      expect((err as Error).message).to.match(/no data from the registry for 1s/);
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('fails a pull whose blob stops halfway', async () => {
    const proxy = await startProxy(env.registry.url, {
      intercept: async (req, res) => {
        if (!/\/blobs\/sha256:/.test(req.url ?? '')) return false;
        // The real blob's headers and first half, then nothing, connection left open.
        const real = await fetch(`${env.registry.url}${req.url}`);
        const body = Buffer.from(await real.arrayBuffer());
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
        res.write(body.subarray(0, Math.floor(body.length / 2)));
        return true;
      },
    });
    try {
      s = await newService({ stall_timeout_seconds: 1 });
      const err = await s.service.pull(`${proxy.host}/husk-test/busybox:latest`).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RegistryStallError);
      // Completed blobs (the manifest) stay for the retry; nothing half-written does.
      expect(await readdir(join(s.root, 'content', 'ingest'))).to.deep.equal([]);
      expect((await readdir(join(s.root, 'layers'))).filter((n) => n.startsWith('.'))).to.deep.equal([]);
      expect(await s.service.content.has(env.images['husk-test/busybox:latest']!.configDigest)).to.equal(false);
    } finally {
      await proxy.close();
    }
  });

  it('retries 503 and 429 answers and then succeeds', async () => {
    let failures = 0;
    const proxy = await startProxy(env.registry.url, {
      intercept: (req, res) => {
        if (failures < 2 && /\/manifests\//.test(req.url ?? '')) {
          failures++;
          res.writeHead(failures === 1 ? 503 : 429, { 'retry-after': '0' }).end();
          return true;
        }
        return false;
      },
    });
    try {
      s = await newService();
      expect(await s.service.pull(`${proxy.host}/husk-test/busybox:latest`)).to.equal(env.images['husk-test/busybox:latest']!.configDigest);
      expect(failures).to.equal(2);
    } finally {
      await proxy.close();
    }
  });

  it('gives up on a registry that keeps failing', async () => {
    const proxy = await startProxy(undefined, {
      intercept: (_req, res) => {
        res.writeHead(500).end();
        return true;
      },
    });
    try {
      s = await newService();
      const err = await s.service.pull(`${proxy.host}/husk-test/busybox:latest`).catch((e: unknown) => e);
      expect((err as { kind?: string }).kind).to.equal('Unavailable');
      expect(proxy.seen.length).to.be.within(2, 6);
    } finally {
      await proxy.close();
    }
  });
});
