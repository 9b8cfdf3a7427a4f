// A container in a new user namespace: root inside maps to an unprivileged
// host uid range; files the map does not cover show as the overflow id.
import { expect } from 'chai';
import { chmod, chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildBusyboxRootfs, makeContainerDirs, makeTempDir, removeDir, type ContainerDirs } from '../../helpers/rootfs.js';
import { busyboxSpec, requireMonitor, runToExit } from './monitor-harness.js';

const HOST_BASE = 100000;

describe('monitor: user namespace', function () {
  let lowerBase: string;
  let lower: string;
  let dirs: ContainerDirs;

  before(async function () {
    requireMonitor(this);
    lowerBase = await makeTempDir('husk-mon-lower-');
    await chmod(lowerBase, 0o755);
    lower = await buildBusyboxRootfs(join(lowerBase, 'layer'));
  });
  after(async () => {
    if (lowerBase) await removeDir(lowerBase);
  });
  beforeEach(async () => {
    dirs = await makeContainerDirs();
    await chmod(dirs.base, 0o755);
    await mkdir(join(dirs.base, 'logs'));
    for (const d of [dirs.upper, dirs.work]) await chown(d, HOST_BASE, HOST_BASE);
  });
  afterEach(async () => {
    if (dirs) await removeDir(dirs.base);
  });

  it('maps container root to the host range given in uidMappings/gidMappings', async function () {
    const spec = busyboxSpec(dirs, lower, ['sh', '-c', 'id -u; cat /proc/self/uid_map /proc/self/gid_map; stat -c %u /bin/busybox; echo x > /new && echo write-ok'], {
      namespaces: [{ type: 'user' }, { type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mnt' }, { type: 'net' }, { type: 'cgroup' }],
      uidMappings: [{ containerID: 0, hostID: HOST_BASE, size: 65536 }],
      gidMappings: [{ containerID: 0, hostID: HOST_BASE, size: 65536 }],
    });
    const { exit, stdout } = await runToExit(spec);
    expect(exit.exitCode).to.equal(0);
    expect(stdout[0]).to.equal('0');
    expect(stdout[1]?.trim().split(/\s+/)).to.deep.equal(['0', String(HOST_BASE), '65536']);
    expect(stdout[2]?.trim().split(/\s+/)).to.deep.equal(['0', String(HOST_BASE), '65536']);
    expect(stdout[3]).to.equal('65534'); // host root's files are outside the map
    expect(stdout[4]).to.equal('write-ok');
  });
});
