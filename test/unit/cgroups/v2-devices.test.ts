// The v2 driver hands the device allow-list to its device filter installer
// (the kernel's is an eBPF program; here a recorder) on create and update.
import { expect } from 'chai';
import { join } from 'node:path';
import { V2CgroupManager, type DeviceRule } from '../../../src/cgroups/index.js';
import { FakeCgroupFs } from './fake-cgroupfs.js';

const NULL_ONLY: DeviceRule[] = [{ type: 'c', major: 1, minor: 3, access: 'rwm' }];

describe('cgroup v2 driver: device access', () => {
  let fs: FakeCgroupFs;
  let installed: [string, readonly DeviceRule[]][];
  let failWith: Error | undefined;
  let manager: V2CgroupManager;
  const path = '/kubepods/pod1/husk-abc';

  beforeEach(async () => {
    fs = await new FakeCgroupFs({ version: 2, controllers: ['cpu', 'memory', 'pids'] }).init();
    installed = [];
    failWith = undefined;
    manager = new V2CgroupManager(fs.root, 'cgroupfs', fs, async (dir, rules) => {
      if (failWith) throw failWith;
      installed.push([dir, rules]);
    });
  });
  afterEach(() => fs.cleanup());

  it('installs the rules on the leaf at create, and replaces them at update', async () => {
    await manager.create(path, { devices: NULL_ONLY });
    expect(installed).to.deep.equal([[join(fs.root, path), NULL_ONLY]]);
    const more: DeviceRule[] = [...NULL_ONLY, { type: 'c', major: 1, minor: 5, access: 'rwm' }];
    await manager.update(path, { devices: more });
    expect(installed[1]).to.deep.equal([join(fs.root, path), more]);
  });

  it('an empty list is still installed: it denies every device', async () => {
    await manager.create(path, { devices: [] });
    expect(installed).to.deep.equal([[join(fs.root, path), []]]);
  });

  it('leaves the filter alone when devices is not set', async () => {
    await manager.create(path, { pidsLimit: 5 });
    await manager.update(path, { pidsLimit: 6 });
    expect(installed).to.deep.equal([]);
  });

  it('a failed install fails create and removes the cgroup it made', async () => {
    failWith = new Error('bpf refused');
    const err = await manager.create(path, { devices: NULL_ONLY }).catch((e: unknown) => e);
    expect((err as Error).message).to.equal('bpf refused');
    expect(await fs.exists(join(fs.root, '/kubepods'))).to.equal(false);
  });
});
