// Port-forward through the streaming server to a TCP echo server on
// 127.0.0.1, over SPDY (portforward.k8s.io) and WebSocket (v4.channel.k8s.io).
import { expect } from 'chai';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { startStreamingServer, type StreamingServer } from '../../../src/streaming/index.js';
import { HostBackend } from './helpers/host-backend.js';
import { spdyForwardOnce, spdyUpgrade } from './helpers/spdy-client.js';
import { channelText, sendOnChannel, wsConnect } from './helpers/ws-client.js';

/** Echoes every byte back, prefixed so the test sees the pod side answered; closes when the client does. */
function startEchoServer(): Promise<Server> {
  return new Promise((resolve) => {
    const srv = createServer({ allowHalfOpen: true }, (sock) => {
      sock.on('data', (d: Buffer) => sock.write(Buffer.concat([Buffer.from('echo:'), d])));
      sock.on('end', () => sock.end());
    });
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('port-forward', function () {
  let server: StreamingServer;
  let backend: HostBackend;
  let echo: Server;
  let echoPort: number;

  beforeEach(async () => {
    backend = new HostBackend();
    server = await startStreamingServer({ address: '127.0.0.1:0', backend });
    echo = await startEchoServer();
    echoPort = (echo.address() as AddressInfo).port;
  });
  afterEach(async () => {
    await server.close();
    await new Promise<void>((r) => echo.close(() => r()));
  });

  it('SPDY: carries bytes both ways, for several connections on one session', async () => {
    const url = server.preparePortForward({ pod_sandbox_id: 'pod1', port: [echoPort] });
    expect(url).to.match(/\/portforward\/[A-Za-z0-9_-]+$/);
    const { conn, protocol, socket } = await spdyUpgrade(url, ['portforward.k8s.io']);
    expect(protocol).to.equal('portforward.k8s.io');
    const first = await spdyForwardOnce(conn, echoPort, 0, 'ping one');
    const [second, third] = await Promise.all([spdyForwardOnce(conn, echoPort, 1, 'ping two'), spdyForwardOnce(conn, echoPort, 2, 'x'.repeat(200_000))]);
    socket.destroy();
    expect(first).to.deep.equal({ echoed: 'echo:ping one', error: '' });
    expect(second).to.deep.equal({ echoed: 'echo:ping two', error: '' });
    expect(third.echoed.replace(/echo:/g, '')).to.equal('x'.repeat(200_000));
    expect(backend.forwards).to.deep.include({ podSandboxId: 'pod1', port: echoPort });
    expect(backend.forwards).to.have.length(3);
  });

  it('SPDY: reports a refused connection on the error stream', async () => {
    const port = await closedPort();
    const url = server.preparePortForward({ pod_sandbox_id: 'pod1', port: [port] });
    const { conn, socket } = await spdyUpgrade(url, ['portforward.k8s.io']);
    const r = await spdyForwardOnce(conn, port, 0, 'hello?');
    socket.destroy();
    expect(r.echoed).to.equal('');
    const error = JSON.parse(r.error);
    expect(error.closeConnection).to.equal(true);
    expect(error.message).to.match(new RegExp(`^error forwarding port ${port} to pod pod1.*ECONNREFUSED`));
  });

  it('WebSocket: prefixes each channel with its port and carries bytes both ways', async () => {
    const url = server.preparePortForward({ pod_sandbox_id: 'pod1', port: [echoPort] });
    const s = await wsConnect(url, ['v4.channel.k8s.io']);
    sendOnChannel(s, 0, 'over websocket');
    const expected = Buffer.concat([Buffer.from([echoPort & 0xff, echoPort >> 8]), Buffer.from('echo:over websocket')]);
    while (!Buffer.concat(s.received.get(0) ?? []).equals(expected)) await new Promise((r) => setTimeout(r, 5));
    expect(Buffer.concat(s.received.get(1) ?? [])).to.deep.equal(expected.subarray(0, 2));
    s.ws.close();
    await s.closed;
  });

  it('WebSocket: takes the ports from the query when the request names none', async () => {
    const url = server.preparePortForward({ pod_sandbox_id: 'pod2' });
    const s = await wsConnect(`${url}?port=${echoPort}`, ['v4.base64.channel.k8s.io']);
    sendOnChannel(s, 0, 'b64', true);
    while (!channelText(s, 0).endsWith('echo:b64')) await new Promise((r) => setTimeout(r, 5));
    s.ws.close();
    await s.closed;
    expect(backend.forwards).to.deep.equal([{ podSandboxId: 'pod2', port: echoPort }]);
  });
});
