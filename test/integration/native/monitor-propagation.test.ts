// Mount propagation modes behave: with rslave the container sees a host
// mount made after it started; with rprivate it does not. Bind mounts can
// be read-only.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createContainer, startContainer } from '../../../src/native/monitor.js';
import { buildBusyboxRootfs, makeContainerDirs, makeTempDir, removeDir, type ContainerDirs } from '../../helpers/rootfs.js';
import { requireTools } from '../../helpers/requirements.js';
import { busyboxSpec, logLines, readLog, requireMonitor, runToExit, waitForExit } from './monitor-harness.js';

describe('monitor: mount propagation and read-only binds', function () {
  let lowerBase: string;
  let lower: string;
  let dirs: ContainerDirs;
  const hostMounts: string[] = [];

  before(async function () {
    requireMonitor(this);
    requireTools(this, 'mount', 'umount');
    lowerBase = await makeTempDir('husk-mon-lower-');
    lower = await buildBusyboxRootfs(join(lowerBase, 'layer'));
  });
  after(async () => {
    if (lowerBase) await removeDir(lowerBase);
  });
  beforeEach(async () => {
    dirs = await makeContainerDirs();
  });
  afterEach(async () => {
    for (const m of hostMounts.reverse()) execFileSync('umount', ['-l', m]);
    hostMounts.length = 0;
    if (dirs) await removeDir(dirs.base);
  });

  it('rslave sees a host mount made after start, rprivate does not', async function () {
    const shared = join(dirs.base, 'shared');
    await mkdir(join(shared, 'sub'), { recursive: true });
    // the source must be a shared mount on the host for anything to propagate
    execFileSync('mount', ['--bind', shared, shared]);
    hostMounts.push(shared);
    execFileSync('mount', ['--make-shared', shared]);
    const script = 'i=0; while [ ! -e /mnt/slave/sub/marker ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; echo slave:$(ls /mnt/slave/sub); echo private:$(ls /mnt/private/sub)';
    const spec = busyboxSpec(dirs, lower, ['sh', '-c', script], {
      mounts: [
        { destination: '/mnt/slave', type: 'bind', source: shared, options: ['rbind', 'rslave'] },
        { destination: '/mnt/private', type: 'bind', source: shared, options: ['rbind', 'rprivate'] },
      ],
    });
    await createContainer(spec);
    await startContainer(spec.stateDir);
    const sub = join(shared, 'sub');
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', sub]);
    hostMounts.push(sub);
    await writeFile(join(sub, 'marker'), '');
    const exit = await waitForExit(spec.stateDir);
    expect(exit.exitCode).to.equal(0);
    const out = logLines(await readLog(spec.logPath!), 'stdout');
    expect(out).to.deep.equal(['slave:marker', 'private:']);
  });

  it('makes ro binds read-only and leaves rw binds writable', async function () {
    const data = join(dirs.base, 'data');
    await mkdir(data);
    const script = 'touch /ro/x 2>/dev/null && echo ro-writable || echo ro-denied; touch /rw/y && echo rw-ok';
    const spec = busyboxSpec(dirs, lower, ['sh', '-c', script], {
      mounts: [
        { destination: '/ro', type: 'bind', source: data, options: ['rbind', 'ro', 'nosuid', 'nodev'] },
        { destination: '/rw', type: 'bind', source: data, options: ['rbind', 'rw'] },
      ],
    });
    const { stdout } = await runToExit(spec);
    expect(stdout).to.deep.equal(['ro-denied', 'rw-ok']);
  });
});
