// Pull credentials: a docker-registry with htpasswd (Basic), and a loopback
// token service in front of the plain registry for the Bearer flow.
import { expect } from 'chai';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RegistryUnauthorizedError } from '../../../src/image/errors.js';
import { pushTestImages } from '../../helpers/test-images.js';
import type { TestRegistry } from '../../helpers/registry.js';
import { startProxy, type TestProxy } from './http-proxy.js';
import { extraRegistry, useImageService } from './image-env.js';

const USER = { username: 'husk', password: 's3cret:pass' };

describe('registry authentication', function () {
  this.timeout(180_000);
  const fx = useImageService();

  describe('Basic (htpasswd registry)', () => {
    let locked: TestRegistry;
    before(async () => {
      locked = await extraRegistry(USER);
      await pushTestImages(locked);
    });
    const ref = () => `${locked.host}/husk-test/busybox:latest`;

    it('without credentials fails with a clear unauthenticated error', async () => {
      const err = await fx.s.service.pull(ref()).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RegistryUnauthorizedError);
      expect((err as Error).message).to.match(/requires credentials/);
    });

    it('with wrong credentials fails saying they were rejected', async () => {
      const err = await fx.s.service.pull(ref(), { username: 'husk', password: 'wrong' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RegistryUnauthorizedError);
      expect((err as Error).message).to.match(/rejected the credentials/);
    });

    it('pulls with username and password', async () => {
      expect(await fx.s.service.pull(ref(), USER)).to.equal(fx.env.images['husk-test/busybox:latest']!.configDigest);
    });

    it('pulls with base64 auth', async () => {
      const auth = Buffer.from(`${USER.username}:${USER.password}`).toString('base64');
      expect(await fx.s.service.pull(`${locked.host}/husk-test/other:latest`, { auth })).to.equal(fx.env.images['husk-test/other:latest']!.configDigest);
    });

    it('does not send credentials meant for another server_address', async () => {
      const err = await fx.s.service.pull(ref(), { ...USER, server_address: 'other.example.com' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RegistryUnauthorizedError);
    });
  });

  describe('Bearer token flow', () => {
    let gate: TestProxy;
    let tokenRequests: Array<{ method: string; query: string; authorization?: string; body: string }>;
    let allowAnonymous: boolean;

    /** A token service at /token and a registry front door that wants `Bearer <token>`. */
    const intercept = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        let body = '';
        for await (const chunk of req) body += String(chunk);
        tokenRequests.push({ method: req.method ?? '', query: url.search, authorization: req.headers.authorization, body });
        const basicOk = req.headers.authorization === `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
        const refreshOk = new URLSearchParams(body).get('refresh_token') === 'refresh-me';
        const token = basicOk || refreshOk ? 'tok-user' : allowAnonymous && !req.headers.authorization ? 'tok-anon' : undefined;
        if (!token) {
          res.writeHead(401).end();
          return true;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(refreshOk ? { access_token: token, expires_in: 300 } : { token, expires_in: 300 }));
        return true;
      }
      const auth = req.headers.authorization ?? '';
      const valid = ['Bearer tok-user', 'Bearer registry-token', ...(allowAnonymous ? ['Bearer tok-anon'] : [])];
      if (valid.includes(auth)) return false;
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${gate.url}/token",service="husk-test",scope="repository:husk-test/busybox:pull"`, 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return true;
    };

    beforeEach(async () => {
      tokenRequests = [];
      allowAnonymous = true;
      gate = await startProxy(fx.env.registry.url, { intercept });
    });
    afterEach(() => gate.close());
    const ref = () => `${gate.host}/husk-test/busybox:latest`;

    it('gets an anonymous token once and reuses it for every request', async () => {
      expect(await fx.s.service.pull(ref())).to.equal(fx.env.images['husk-test/busybox:latest']!.configDigest);
      expect(tokenRequests).to.have.length(1);
      expect(tokenRequests[0]!.query).to.include('service=husk-test').and.include('scope=repository%3Ahusk-test%2Fbusybox%3Apull');
      expect(tokenRequests[0]!.authorization).to.equal(undefined);
    });

    it('fails clearly when anonymous tokens are refused', async () => {
      allowAnonymous = false;
      const err = await fx.s.service.pull(ref()).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RegistryUnauthorizedError);
    });

    it('gets a token with username and password', async () => {
      allowAnonymous = false;
      await fx.s.service.pull(ref(), USER);
      expect(tokenRequests.at(-1)!.authorization).to.match(/^Basic /);
    });

    it('exchanges an identity token as an OAuth2 refresh token', async () => {
      allowAnonymous = false;
      await fx.s.service.pull(ref(), { username: 'husk', identity_token: 'refresh-me' });
      const req = tokenRequests.at(-1)!;
      expect(req.method).to.equal('POST');
      expect(new URLSearchParams(req.body).get('grant_type')).to.equal('refresh_token');
    });

    it('sends a registry token as the bearer token directly', async () => {
      allowAnonymous = false;
      await fx.s.service.pull(ref(), { registry_token: 'registry-token' });
      expect(tokenRequests).to.have.length(0);
    });

    it('follows a blob redirect to another origin without the credentials', async () => {
      const cdn = await startProxy(fx.env.registry.url);
      const front = await startProxy(fx.env.registry.url, {
        intercept: async (req, res) => {
          if (/\/blobs\/sha256:/.test(req.url ?? '') && (req.headers.authorization ?? '') === 'Bearer registry-token') {
            res.writeHead(307, { location: `${cdn.url}${req.url}` }).end();
            return true;
          }
          if ((req.headers.authorization ?? '') === 'Bearer registry-token') return false;
          res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://127.0.0.1:1/token"' }).end();
          return true;
        },
      });
      try {
        await fx.s.service.pull(`${front.host}/husk-test/other:latest`, { registry_token: 'registry-token' });
        const cdnBlobs = cdn.seen.filter((r) => r.path.includes('/blobs/'));
        expect(cdnBlobs.length).to.be.greaterThan(0);
        for (const r of cdnBlobs) expect(r.authorization, r.path).to.equal(undefined);
      } finally {
        await cdn.close();
        await front.close();
      }
    });
  });
});
