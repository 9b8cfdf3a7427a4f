// husk-pause: a static binary that reaps the zombies it inherits and exits
// 0 on SIGTERM or SIGINT.
import { expect } from 'chai';
import { spawn, execFileSync } from 'node:child_process';
import { pauseBinaryPath } from '../../../src/native/monitor.js';
import { requireFile, requireTools } from '../../helpers/requirements.js';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createContainer, execInContainerCapture, signalContainer, startContainer } from '../../../src/native/monitor.js';
import { buildBusyboxRootfs, makeContainerDirs, makeTempDir, removeDir } from '../../helpers/rootfs.js';
import { busyboxSpec, requireMonitor, waitForExit } from './monitor-harness.js';

function exitOf(child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('husk-pause', function () {
  before(function () {
    requireFile(this, pauseBinaryPath(), 'npm run build:native');
  });

  it('is statically linked', function () {
    requireTools(this, 'file');
    expect(execFileSync('file', [pauseBinaryPath()], { encoding: 'utf8' })).to.match(/statically linked|static-pie/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`exits 0 on ${signal}`, async function () {
      const child = spawn(pauseBinaryPath(), [], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 50));
      const exited = exitOf(child);
      child.kill(signal);
      expect(await exited).to.deep.equal({ code: 0, signal: null });
    });
  }

  it('as a sandbox init, reaps orphans in its pid namespace and exits 0 on SIGTERM', async function () {
    requireMonitor(this);
    const base = await makeTempDir('husk-mon-pause-');
    const dirs = await makeContainerDirs();
    try {
      const busybox = await buildBusyboxRootfs(join(base, 'busybox'));
      const pauseLayer = join(base, 'pause');
      await mkdir(pauseLayer);
      await copyFile(pauseBinaryPath(), join(pauseLayer, 'pause'));
      await chmod(join(pauseLayer, 'pause'), 0o755);
      const spec = busyboxSpec(dirs, busybox, ['/pause'], {
        rootfs: { path: dirs.rootfs, overlay: { lowerdirs: [pauseLayer, busybox], upperdir: dirs.upper, workdir: dirs.work } },
      });
      const { pid } = await createContainer(spec);
      await startContainer(spec.stateDir);
      // leave an orphan: its parent shell exits at once, so it is reparented to pause (pid 1)
      const orphan = await execInContainerCapture({ pid, process: { args: ['sh', '-c', '(sleep 0.2 &) ; true'], env: ['PATH=/bin'] } });
      expect(orphan.exitCode).to.equal(0);
      await new Promise((r) => setTimeout(r, 500));
      const children = execFileSync('sh', ['-c', `pgrep -P ${pid} || true`], { encoding: 'utf8' }).trim();
      expect(children, 'children of pause left after the orphan exited').to.equal('');
      await signalContainer(spec.stateDir, 'SIGTERM');
      expect(await waitForExit(spec.stateDir)).to.include({ exitCode: 0, signal: 0 });
    } finally {
      await removeDir(dirs.base);
      await removeDir(base);
    }
  });
});
