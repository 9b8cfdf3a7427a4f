// Containers of one pod: a sandbox process holds net, ipc and uts; a second
// container joins them by path and keeps its own pid and mount namespaces.
import { expect } from 'chai';
import { readlinkSync } from 'node:fs';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createContainer, pauseBinaryPath, signalContainer, startContainer } from '../../../src/native/monitor.js';
import { buildBusyboxRootfs, makeContainerDirs, makeTempDir, removeDir, type ContainerDirs } from '../../helpers/rootfs.js';
import { requireFile } from '../../helpers/requirements.js';
import { busyboxSpec, requireMonitor, runToExit, waitForExit } from './monitor-harness.js';

describe('monitor: joining a sandbox namespaces by path', function () {
  let base: string;
  let busybox: string;
  let pauseLayer: string;
  let sandbox: ContainerDirs;
  let app: ContainerDirs;

  before(async function () {
    requireMonitor(this);
    requireFile(this, pauseBinaryPath(), 'npm run build:native');
    base = await makeTempDir('husk-mon-pod-');
    busybox = await buildBusyboxRootfs(join(base, 'busybox'));
    pauseLayer = join(base, 'pause');
    await mkdir(pauseLayer);
    await copyFile(pauseBinaryPath(), join(pauseLayer, 'pause'));
    await chmod(join(pauseLayer, 'pause'), 0o755);
    sandbox = await makeContainerDirs();
    app = await makeContainerDirs();
  });
  after(async () => {
    for (const d of [sandbox, app]) if (d) await removeDir(d.base);
    if (base) await removeDir(base);
  });

  it('shares net, ipc and uts with the sandbox, not pid or mnt', async function () {
    const pauseSpec = busyboxSpec(sandbox, busybox, ['/pause'], {
      hostname: 'pod-host',
      rootfs: { path: sandbox.rootfs, overlay: { lowerdirs: [pauseLayer, busybox], upperdir: sandbox.upper, workdir: sandbox.work } },
    });
    const { pid: pausePid } = await createContainer(pauseSpec);
    await startContainer(pauseSpec.stateDir);
    try {
      const ns = (kind: string): string => `/proc/${pausePid}/ns/${kind}`;
      const spec = busyboxSpec(app, busybox, ['sh', '-c', 'hostname; for n in net ipc pid mnt; do readlink /proc/self/ns/$n; done; echo pid=$$'], {
        namespaces: [{ type: 'net', path: ns('net') }, { type: 'ipc', path: ns('ipc') }, { type: 'uts', path: ns('uts') }, { type: 'pid' }, { type: 'mnt' }],
      });
      const { exit, stdout } = await runToExit(spec);
      expect(exit.exitCode).to.equal(0);
      expect(stdout[0]).to.equal('pod-host');
      expect(stdout[1]).to.equal(readlinkSync(ns('net')));
      expect(stdout[2]).to.equal(readlinkSync(ns('ipc')));
      expect(stdout[3]).to.not.equal(readlinkSync(ns('pid')));
      expect(stdout[4]).to.not.equal(readlinkSync(ns('mnt')));
      expect(stdout[5]).to.equal('pid=1');
    } finally {
      await signalContainer(pauseSpec.stateDir, 'SIGTERM');
      expect((await waitForExit(pauseSpec.stateDir)).exitCode).to.equal(0);
    }
  });
});
