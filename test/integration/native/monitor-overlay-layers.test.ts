// An overlay root with more lower layers than fit the 4096-byte mount option
// limit: through the new mount API, and through mount(2) with layer paths
// relative to their common parent.
import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildBusyboxRootfs, makeContainerDirs, makeTempDir, removeDir, type ContainerDirs } from '../../helpers/rootfs.js';
import { busyboxSpec, requireMonitor, runToExit } from './monitor-harness.js';

const LAYERS = 120;

describe('monitor: overlay with many lower layers', function () {
  let base: string;
  let layers: string[];
  let dirs: ContainerDirs;

  before(async function () {
    requireMonitor(this);
    // a long parent path so the absolute option string is well past 4096 bytes
    base = await makeTempDir('husk-mon-layers-');
    const parent = join(base, 'a-rather-long-directory-name-for-layers', 'x'.repeat(40));
    layers = [];
    for (let i = 0; i < LAYERS; i++) {
      const dir = join(parent, randomBytes(6).toString('hex'));
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `layer-${i}`), `${i}\n`);
      await writeFile(join(dir, 'top'), `${i}\n`);
      layers.push(dir);
    }
    const bottom = join(parent, 'busybox');
    await buildBusyboxRootfs(bottom);
    layers.push(bottom);
    layers.reverse(); // top first: the busybox layer is the lowest
    layers.push(layers.shift()!);
    expect(layers.join(':').length).to.be.greaterThan(4096);
  });
  after(async () => {
    if (base) await removeDir(base);
  });
  beforeEach(async () => {
    dirs = await makeContainerDirs();
  });
  afterEach(async () => {
    if (dirs) await removeDir(dirs.base);
  });

  for (const method of ['auto', 'legacy'] as const) {
    it(`mounts ${LAYERS + 1} layers (${method})`, async function () {
      const spec = busyboxSpec(dirs, layers[0]!, ['sh', '-c', 'ls / | grep -c "^layer-"; cat /top'], {
        rootfs: { path: dirs.rootfs, overlay: { lowerdirs: layers, upperdir: dirs.upper, workdir: dirs.work, method } },
      });
      const { exit, stdout } = await runToExit(spec);
      expect(exit.exitCode).to.equal(0);
      expect(stdout).to.deep.equal([String(LAYERS), String(LAYERS - 1)]);
    });
  }
});
