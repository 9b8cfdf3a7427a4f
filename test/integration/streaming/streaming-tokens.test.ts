// A streaming URL works once: an unknown, reused or wrong-kind token gets 404,
// over SPDY and WebSocket alike; protocol mismatches get kubelet's answers.
import { expect } from 'chai';
import { request } from 'node:http';
import { InvalidArgumentError } from '../../../src/common/errors.js';
import { startStreamingServer, type StreamingServer } from '../../../src/streaming/index.js';
import { HostBackend } from './helpers/host-backend.js';
import { HttpStatusError, openStream, spdyRemoteCommand, spdyUpgrade } from './helpers/spdy-client.js';
import { wsConnect } from './helpers/ws-client.js';

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HttpStatusError) return e.status;
    throw e;
  }
  throw new Error('expected an HTTP error');
}

describe('streaming tokens and handshakes', function () {
  let server: StreamingServer;

  beforeEach(async () => {
    server = await startStreamingServer({ address: '127.0.0.1:0', backend: new HostBackend() });
  });
  afterEach(() => server.close());

  it('answers 404 to an unknown token', async () => {
    expect(await statusOf(spdyUpgrade(`${server.baseUrl}exec/AAAAAAAAAAA`, ['v4.channel.k8s.io']))).to.equal(404);
    expect(await statusOf(wsConnect(`${server.baseUrl}exec/AAAAAAAAAAA`, ['v4.channel.k8s.io']))).to.equal(404);
  });

  it('answers 404 to a token used before', async () => {
    const spdyUrl = server.prepareExec({ container_id: 'c1', cmd: ['true'], stdout: true });
    await spdyRemoteCommand(spdyUrl, { stdout: true });
    expect(await statusOf(spdyUpgrade(spdyUrl, ['v4.channel.k8s.io']))).to.equal(404);

    const wsUrl = server.prepareExec({ container_id: 'c1', cmd: ['true'], stdout: true });
    const s = await wsConnect(wsUrl, ['v4.channel.k8s.io']);
    await s.closed;
    expect(await statusOf(wsConnect(wsUrl, ['v4.channel.k8s.io']))).to.equal(404);
  });

  it('answers 404 when a token is used on the wrong path', async () => {
    const url = server.prepareExec({ container_id: 'c1', cmd: ['true'], stdout: true });
    expect(await statusOf(spdyUpgrade(url.replace('/exec/', '/attach/'), ['v4.channel.k8s.io']))).to.equal(404);
  });

  it('answers 403 when no protocol can be agreed', async () => {
    const url = server.prepareExec({ container_id: 'c1', cmd: ['true'], stdout: true });
    expect(await statusOf(spdyUpgrade(url, ['v99.channel.k8s.io']))).to.equal(403);
    const url2 = server.prepareExec({ container_id: 'c1', cmd: ['true'], stdout: true });
    expect(await statusOf(wsConnect(url2, ['v99.channel.k8s.io']))).to.equal(403);
  });

  it('answers 400 to a request that does not upgrade', async () => {
    const url = server.prepareExec({ container_id: 'c1', cmd: ['true'], stdout: true });
    const status = await new Promise<number>((resolve, reject) => {
      request(url, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .once('error', reject)
        .end();
    });
    expect(status).to.equal(400);
  });

  it('refuses invalid requests before handing out a URL', () => {
    expect(() => server.prepareExec({ container_id: 'c1', cmd: [], stdout: true })).to.throw(InvalidArgumentError, /cmd/);
    expect(() => server.prepareAttach({ container_id: 'c1', tty: true, stderr: true })).to.throw(InvalidArgumentError, /stderr/);
    expect(() => server.preparePortForward({ pod_sandbox_id: '' })).to.throw(InvalidArgumentError, /pod_sandbox_id/);
  });

  it('drops a SPDY session whose client never opens all the streams it asked for', async () => {
    const backend = new HostBackend();
    const quick = await startStreamingServer({ address: '127.0.0.1:0', backend, streamCreationTimeoutMs: 200 });
    try {
      const url = quick.prepareExec({ container_id: 'c1', cmd: ['true'], stdin: true, stdout: true });
      const { conn, socket } = await spdyUpgrade(url, ['v4.channel.k8s.io']);
      await openStream(conn, { streamtype: 'error' });
      await new Promise((resolve) => socket.once('close', resolve));
      expect(backend.execs).to.deep.equal([]);
    } finally {
      await quick.close();
    }
  });
});
