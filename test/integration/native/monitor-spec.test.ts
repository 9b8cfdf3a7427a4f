// Pure pieces of the monitor door: spec defaults, attach framing, control
// replies, the exit record. No root needed.
import { expect } from 'chai';
import { DEFAULT_CAPABILITIES, DEFAULT_PATH_ENV, withDefaults } from '../../../src/native/spec.js';
import { encodeFrame, FRAME, FrameDecoder } from '../../../src/native/monitor-attach.js';
import { parseReply } from '../../../src/native/monitor-control.js';
import { parseExitRecord } from '../../../src/native/monitor-exit.js';
import { isMonitorError } from '../../../src/native/monitor-errors.js';

describe('monitor spec and protocol helpers', function () {
  const base = { id: 'c1', stateDir: '/run/husk/c1', rootfs: { path: '/run/husk/c1/rootfs' }, process: { args: ['app'] } };

  it('fills the OCI-like defaults', function () {
    const spec = withDefaults(base);
    expect(spec.namespaces.map((n) => n.type)).to.have.members(['pid', 'ipc', 'uts', 'mnt', 'net']);
    expect(spec.mounts.map((m) => m.destination)).to.deep.equal(['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup']);
    expect(spec.devices!.map((d) => d.path)).to.deep.equal(['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty']);
    expect(spec.process.capabilities!.bounding).to.deep.equal([...DEFAULT_CAPABILITIES]);
    expect(spec.process.capabilities!.ambient).to.deep.equal([]);
    expect(spec.process.env).to.deep.equal([DEFAULT_PATH_ENV]);
    expect(spec.process).to.include({ cwd: '/' });
    expect(spec.maskedPaths).to.include('/proc/kcore');
    expect(spec.readonlyPaths).to.include('/proc/sys');
  });

  it('replaces a default mount in place and appends the others; keeps a given PATH', function () {
    const spec = withDefaults({
      ...base,
      process: { args: ['app'], env: ['PATH=/opt/bin', 'A=1'] },
      mounts: [
        { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind'] },
        { destination: '/dev/shm', type: 'bind', source: '/run/pod/shm', options: ['rbind'] },
      ],
    });
    expect(spec.mounts.map((m) => m.destination)).to.deep.equal(['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup', '/data']);
    expect(spec.mounts[3]).to.include({ type: 'bind', source: '/run/pod/shm' });
    expect(spec.process.env).to.deep.equal(['PATH=/opt/bin', 'A=1']);
  });

  it('encodes and decodes attach frames across chunk boundaries', function () {
    const bytes = Buffer.concat([encodeFrame(FRAME.stdout, Buffer.from('hello')), encodeFrame(FRAME.exit, Buffer.from('{}')), encodeFrame(FRAME.stderr)]);
    const decoder = new FrameDecoder();
    const frames = [...decoder.push(bytes.subarray(0, 3)), ...decoder.push(bytes.subarray(3, 11)), ...decoder.push(bytes.subarray(11))];
    expect(frames.map((f) => [f.type, f.payload.toString()])).to.deep.equal([
      [FRAME.stdout, 'hello'],
      [FRAME.exit, '{}'],
      [FRAME.stderr, ''],
    ]);
  });

  it('parses control replies into details and typed errors', function () {
    expect(parseReply('ok', 'start')).to.equal('');
    expect(parseReply('ok running 42', 'state')).to.equal('running 42');
    try {
      parseReply('error 3 the container has exited', 'signal');
      expect.fail('should throw');
    } catch (e) {
      expect(isMonitorError(e, 'ESRCH')).to.equal(true);
      if (isMonitorError(e)) expect(e.step).to.equal('signal');
    }
  });

  it('reads the exit record', function () {
    expect(parseExitRecord('{"exitCode":137,"signal":9,"finishedAt":"1700000000000000001","oomKilled":true}')).to.deep.equal({
      exitCode: 137,
      signal: 9,
      finishedAtNs: '1700000000000000001',
      oomKilled: true,
    });
    expect(() => parseExitRecord('{"exitCode":"x"}')).to.throw(/malformed/);
  });
});
