// Exec and attach over WebSocket with the channel.k8s.io subprotocols
// (channel byte 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize).
import { expect } from 'chai';
import { useHostStreamingServer } from './helpers/host-backend.js';
import { channelText, sendCloseSignal, sendOnChannel, wsConnect } from './helpers/ws-client.js';

describe('exec and attach over WebSocket', function () {
  const fx = useHostStreamingServer();

  it('v5: stdin reaches the process and the close signal ends it; stdout and stderr stay apart', async () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'tr a-z A-Z; echo done >&2'], stdin: true, stdout: true, stderr: true });
    const s = await wsConnect(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    expect(s.protocol).to.equal('v5.channel.k8s.io');
    sendOnChannel(s, 0, 'shout this\n');
    sendCloseSignal(s, 0);
    await s.closed;
    expect(channelText(s, 1)).to.equal('SHOUT THIS\n');
    expect(channelText(s, 2)).to.equal('done\n');
    expect(JSON.parse(channelText(s, 3))).to.deep.equal({ metadata: {}, status: 'Success' });
  });

  it('opens with an empty message on stdout, the lowest writable channel', async () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['true'], stdout: true });
    const s = await wsConnect(url, ['v4.channel.k8s.io']);
    await s.closed;
    expect(s.received.get(1)?.[0]?.length).to.equal(0);
  });

  it('v4: a non-zero exit arrives as a Status with the exit code', async () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'echo before; exit 42'], stdout: true });
    const s = await wsConnect(url, ['v4.channel.k8s.io']);
    await s.closed;
    expect(channelText(s, 1)).to.equal('before\n');
    const status = JSON.parse(channelText(s, 3));
    expect(status).to.include({ status: 'Failure', reason: 'NonZeroExitCode' });
    expect(status.details.causes).to.deep.equal([{ reason: 'ExitCode', message: '42' }]);
  });

  it('v4: a tty exec passes resizes to the backend', async () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'read x; echo "read $x"'], stdin: true, stdout: true, tty: true });
    const s = await wsConnect(url, ['v4.channel.k8s.io']);
    sendOnChannel(s, 4, JSON.stringify({ Width: 100, Height: 30 }));
    sendOnChannel(s, 0, 'line\n');
    await s.closed;
    expect(channelText(s, 1)).to.equal('read line\n');
    expect(fx.backend.resizes).to.deep.equal([{ width: 100, height: 30 }]);
  });

  it('base64 protocols carry text frames with ASCII channel digits', async () => {
    const url = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'head -n1; exit 2'], stdin: true, stdout: true });
    const s = await wsConnect(url, ['v4.base64.channel.k8s.io']);
    expect(s.protocol).to.equal('v4.base64.channel.k8s.io');
    sendOnChannel(s, 0, 'b64 line\nnot read\n', true);
    await s.closed;
    expect(channelText(s, 1)).to.equal('b64 line\n');
    expect(JSON.parse(channelText(s, 3)).details.causes[0].message).to.equal('2');
  });

  it('channel.k8s.io and no subprotocol send only failure text on the error channel', async () => {
    const fail = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'exit 1'], stdout: true });
    const s = await wsConnect(fail, ['channel.k8s.io']);
    await s.closed;
    expect(channelText(s, 3)).to.match(/^command terminated with non-zero exit code: .*exit code 1$/);

    const ok = fx.server.prepareExec({ container_id: 'c1', cmd: ['sh', '-c', 'echo plain'], stdout: true });
    const s2 = await wsConnect(ok, []);
    await s2.closed;
    expect(s2.protocol).to.equal('');
    expect(channelText(s2, 1)).to.equal('plain\n');
    expect(channelText(s2, 3)).to.equal('');
  });

  it('attaches over WebSocket', async () => {
    fx.backend.attachCommands.set('ctr-ws', ['sh', '-c', 'echo attached']);
    const url = fx.server.prepareAttach({ container_id: 'ctr-ws', stdout: true });
    const s = await wsConnect(url, ['v5.channel.k8s.io']);
    await s.closed;
    expect(channelText(s, 1)).to.equal('attached\n');
    expect(JSON.parse(channelText(s, 3)).status).to.equal('Success');
  });
});
