// Exec and attach through husk's streaming server over SPDY/3.1, driven by a
// client that speaks like client-go (crictl, kubelet) on top of spdy-transport.
import { expect } from 'chai';
import { useHostStreamingServer } from './helpers/host-backend.js';
import { spdyRemoteCommand } from './helpers/spdy-client.js';

describe('exec and attach over SPDY', function () {
  const fx = useHostStreamingServer();

  it('returns exec URLs on the server with a single-use token', () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['true'], stdout: true });
    expect(url).to.match(new RegExp(`^${fx.server.baseUrl}exec/[A-Za-z0-9_-]+$`));
    expect(fx.server.baseUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('keeps stdout and stderr apart and reports Success on v4', async () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'echo to-out; echo to-err >&2'], stdout: true, stderr: true });
    const r = await spdyRemoteCommand(url, { stdout: true, stderr: true });
    expect(r.protocol).to.equal('v4.channel.k8s.io');
    expect(r.stdout).to.equal('to-out\n');
    expect(r.stderr).to.equal('to-err\n');
    expect(JSON.parse(r.error)).to.deep.equal({ metadata: {}, status: 'Success' });
    expect(fx.backend.execs).to.deep.equal([{ containerId: 'c1', cmd: ['sh', '-c', 'echo to-out; echo to-err >&2'], tty: false }]);
  });

  it('delivers stdin to the process and ends it when the client half-closes', async () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'tr a-z A-Z; echo eof-seen'], stdin: true, stdout: true });
    const r = await spdyRemoteCommand(url, { stdin: 'hello from stdin\n', stdout: true });
    expect(r.stdout).to.equal('HELLO FROM STDIN\neof-seen\n');
  });

  it('carries large output whole', async () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'head -c 1000000 /dev/zero | tr "\\0" x'], stdout: true });
    const r = await spdyRemoteCommand(url, { stdout: true });
    expect(r.stdout.length).to.equal(1_000_000);
    expect(/^x+$/.test(r.stdout)).to.equal(true);
  });

  it('reports a non-zero exit as a v4 Status carrying the exit code', async () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'echo partial; exit 7'], stdout: true });
    const r = await spdyRemoteCommand(url, { stdout: true });
    expect(r.stdout).to.equal('partial\n');
    const status = JSON.parse(r.error);
    expect(status).to.include({ status: 'Failure', reason: 'NonZeroExitCode' });
    expect(status.details.causes).to.deep.equal([{ reason: 'ExitCode', message: '7' }]);
  });

  it('reports a backend failure as an internal error', async () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['/nonexistent/husk-test-binary'], stdout: true });
    const r = await spdyRemoteCommand(url, { stdout: true });
    expect(JSON.parse(r.error)).to.include({ status: 'Failure', reason: 'InternalError', code: 500 });
  });

  it('passes terminal resizes to the backend on a tty', async () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'read line; echo "got $line"'], stdin: true, stdout: true, tty: true });
    const r = await spdyRemoteCommand(url, { stdin: 'x\n', stdout: true, tty: true, resize: [{ Width: 80, Height: 24 }, { Width: 132, Height: 43 }] });
    expect(r.stdout).to.equal('got x\n');
    expect(fx.backend.resizes).to.deep.equal([
      { width: 80, height: 24 },
      { width: 132, height: 43 },
    ]);
  });

  it('speaks the older protocols: plain error text, nothing on success', async () => {
    const fail = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'echo v2; exit 4'], stdout: true });
    const r = await spdyRemoteCommand(fail, { stdout: true, protocols: ['v2.channel.k8s.io'] });
    expect(r.protocol).to.equal('v2.channel.k8s.io');
    expect(r.stdout).to.equal('v2\n');
    expect(r.error).to.match(/^command terminated with non-zero exit code: .*exit code 4$/);

    const ok = fx.server.prepareExec({ container_id: 'c1', cmd: ['true'], stdout: true });
    const r1 = await spdyRemoteCommand(ok, { stdout: true, protocols: ['channel.k8s.io'] });
    expect(r1.protocol).to.equal('channel.k8s.io');
    expect(r1.error).to.equal('');
  });

  it('attaches to a container and reports Success when it ends', async () => {
    fx.backend.attachCommands.set('ctr-attach', ['sh', '-c', 'read name; echo "hello $name"']);
    const url = fx.server.prepareAttach({ container_id: 'ctr-attach', stdin: true, stdout: true, stderr: true });
    expect(url).to.match(/\/attach\/[A-Za-z0-9_-]+$/);
    const r = await spdyRemoteCommand(url, { stdin: 'husk\n', stdout: true, stderr: true });
    expect(r.stdout).to.equal('hello husk\n');
    expect(JSON.parse(r.error)).to.deep.equal({ metadata: {}, status: 'Success' });
  });
});
