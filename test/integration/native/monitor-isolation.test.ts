// A process started through husk-monitor from a busybox overlay rootfs sees
// itself as PID 1, its own hostname, and only its overlay root: writes land
// in the upper directory and the lower layer stays untouched.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeContainerDirs, removeDir } from '../../helpers/rootfs.js';
import { createContainer, signalContainer, startContainer } from '../../../src/native/monitor.js';
import { busyboxFixture, busyboxSpec, runToExit, waitForExit } from './monitor-harness.js';

describe('monitor: an isolated container process', function () {
  const fx = busyboxFixture();

  it('runs as PID 1 with its own hostname', async function () {
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', 'echo pid=$$; hostname; echo $(cat /proc/1/comm)'], { hostname: 'box-one' });
    const { exit, stdout } = await runToExit(spec);
    expect(exit.exitCode).to.equal(0);
    expect(stdout).to.deep.equal(['pid=1', 'box-one', 'sh']);
  });

  it('sees only the overlay root; writes land in upper, lower untouched', async function () {
    const script = 'ls /; echo data > /new-file; rm /etc/hostname; cat /proc/self/mountinfo | head -1';
    const { exit, stdout } = await runToExit(busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', script]));
    expect(exit.exitCode).to.equal(0);
    expect(stdout).to.include.members(['bin', 'etc', 'proc', 'tmp']);
    expect(stdout).to.not.include('work'); // nothing of the host's /tmp
    expect(stdout[stdout.length - 1]).to.match(/ \/ \S+ - overlay /);
    expect(await readFile(join(fx.dirs.upper, 'new-file'), 'utf8')).to.equal('data\n');
    expect(existsSync(join(fx.lower, 'new-file'))).to.equal(false);
    expect(existsSync(join(fx.lower, 'etc', 'hostname'))).to.equal(true); // the delete is a whiteout in upper
  });

  it('has /dev with the standard nodes, /dev/pts, /dev/shm, /dev/mqueue, and masked/read-only /proc paths', async function () {
    const script = [
      'ls /dev',
      'grep -E " /dev/(pts|shm|mqueue) " /proc/self/mountinfo | cut -d" " -f5',
      'echo x > /dev/null && echo null-ok',
      'head -c 4 /dev/zero | wc -c',
      'cat /proc/kcore | wc -c',
      'echo 1 > /proc/sys/kernel/domainname 2>/dev/null || echo sys-ro',
    ].join('; ');
    const { exit, stdout } = await runToExit(busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', script]));
    expect(exit.exitCode).to.equal(0);
    expect(stdout).to.include.members(['null', 'zero', 'full', 'random', 'urandom', 'tty', 'pts', 'shm', 'mqueue', 'ptmx', 'fd', 'stdin']);
    expect(stdout).to.include.members(['/dev/pts', '/dev/shm', '/dev/mqueue', 'null-ok', '4', '0', 'sys-ro']);
  });

  it('applies namespaced sysctls inside the container only', async function () {
    const hostDomain = await readFile('/proc/sys/kernel/domainname', 'utf8');
    const hostForward = await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8');
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', 'cat /proc/sys/kernel/domainname /proc/sys/net/ipv4/ip_forward'], {
      sysctl: { 'kernel.domainname': 'husk.test', 'net.ipv4.ip_forward': hostForward.trim() === '1' ? '0' : '1' },
    });
    const { stdout } = await runToExit(spec);
    expect(stdout).to.deep.equal(['husk.test', hostForward.trim() === '1' ? '0' : '1']);
    expect(await readFile('/proc/sys/kernel/domainname', 'utf8')).to.equal(hostDomain);
    expect(await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).to.equal(hostForward);
  });

  it('writes exit code, signal and finish time to exit.json', async function () {
    const before = BigInt(Date.now()) * 1_000_000n;
    const { exit } = await runToExit(busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', 'exit 42']));
    expect(exit).to.include({ exitCode: 42, signal: 0, oomKilled: false });
    expect(BigInt(exit.finishedAtNs) >= before).to.equal(true);
    const killed = await makeContainerDirs();
    try {
      // a pid namespace's init ignores signals from inside: kill it through the monitor
      const spec = busyboxSpec(killed, fx.lower, ['sleep', '30']);
      await createContainer(spec);
      await startContainer(spec.stateDir);
      await signalContainer(spec.stateDir, 'SIGKILL');
      expect(await waitForExit(spec.stateDir)).to.include({ exitCode: 137, signal: 9 });
    } finally {
      await removeDir(killed.base);
    }
  });
});
