// The v2 driver's file writes, against a temp tree that behaves like a cgroup2 mount.
import { expect } from 'chai';
import { join } from 'node:path';
import {
  V2CgroupManager,
  containerCgroupPath,
  podCgroupPath,
  type CgroupResources,
} from '../../../src/cgroups/index.js';
import { InvalidArgumentError, NotFoundError } from '../../../src/common/errors.js';
import { FakeCgroupFs } from './fake-cgroupfs.js';

const MiB = 1024 * 1024;
const ALL = ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids', 'rdma', 'misc'];

async function expectInvalid(p: Promise<unknown>, field: string): Promise<InvalidArgumentError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected InvalidArgumentError for ${field}`).to.be.instanceOf(InvalidArgumentError);
  expect((err as InvalidArgumentError).field).to.equal(field);
  return err as InvalidArgumentError;
}

describe('cgroup v2 driver (temp tree)', () => {
  let fs: FakeCgroupFs;
  let manager: V2CgroupManager;
  const pod = '/kubepods/burstable/pod1';
  const path = `${pod}/husk-abc`;
  const dir = (p: string) => join(fs.root, p);

  beforeEach(async () => {
    fs = await new FakeCgroupFs({ version: 2, controllers: ALL, cgroupKill: true, swap: true }).init();
    manager = new V2CgroupManager(fs.root, 'cgroupfs', fs);
  });
  afterEach(() => fs.cleanup());

  it('enables the standard controllers in every ancestor, top-down, and leaves the leaf alone', async () => {
    await manager.create(path, {});
    const expected = 'cpu cpuset io memory pids hugetlb';
    for (const p of ['/', '/kubepods', '/kubepods/burstable', pod]) {
      expect((await fs.content(join(dir(p), 'cgroup.subtree_control'))).split(' ').sort().join(' '), p).to.equal(expected.split(' ').sort().join(' '));
    }
    expect(await fs.content(join(dir(path), 'cgroup.subtree_control'))).to.equal('');
    expect(fs.writes.filter(([f]) => f.endsWith('subtree_control')).map(([f]) => f)).to.deep.equal([
      '/cgroup.subtree_control',
      '/kubepods/cgroup.subtree_control',
      '/kubepods/burstable/cgroup.subtree_control',
      '/kubepods/burstable/pod1/cgroup.subtree_control',
    ]);
  });

  it('writes each limit in the v2 format', async () => {
    const r: CgroupResources = {
      cpuShares: 1024,
      cpuPeriod: 100_000,
      cpuQuota: 50_000,
      memoryLimitInBytes: 64 * MiB,
      memorySwapLimitInBytes: 128 * MiB,
      pidsLimit: 32,
      cpusetCpus: '0-1',
      cpusetMems: '0',
      hugepageLimits: [{ pageSize: '2MB', limit: 4 * MiB }, { pageSize: '1GB', limit: 0 }],
      unified: { 'memory.high': '50000000', 'misc.max': 'res_a 1' },
    };
    await manager.create(path, r);
    const leaf = dir(path);
    const read = (f: string) => fs.content(join(leaf, f));
    expect(await read('cpu.weight')).to.equal('39');
    expect(await read('cpu.max')).to.equal('50000 100000');
    expect(await read('memory.max')).to.equal(String(64 * MiB));
    expect(await read('memory.swap.max')).to.equal(String(64 * MiB));
    expect(await read('pids.max')).to.equal('32');
    expect(await read('cpuset.cpus')).to.equal('0-1');
    expect(await read('cpuset.mems')).to.equal('0');
    expect(await read('hugetlb.2MB.max')).to.equal(String(4 * MiB));
    expect(await read('hugetlb.1GB.max')).to.equal('max');
    expect(await read('memory.high')).to.equal('50000000');
    expect(await read('misc.max')).to.equal('res_a 1');
    expect(await fs.content(join(dir(pod), 'cgroup.subtree_control'))).to.include('misc');
  });

  it('writes "max" for no limit: quota <= 0, negative memory and pids', async () => {
    await manager.create(path, { cpuQuota: -1, memoryLimitInBytes: -1, memorySwapLimitInBytes: -1, pidsLimit: -1 });
    const read = (f: string) => fs.content(join(dir(path), f));
    expect(await read('cpu.max')).to.equal('max 100000');
    expect(await read('memory.max')).to.equal('max');
    expect(await read('memory.swap.max')).to.equal('max');
    expect(await read('pids.max')).to.equal('max');
  });

  it('update changes only the fields given', async () => {
    await manager.create(path, { cpuShares: 2, memoryLimitInBytes: 64 * MiB });
    fs.writes.length = 0;
    await manager.update(path, { cpuShares: 262144, cpuQuota: 200_000, cpuPeriod: 50_000 });
    expect(fs.writes).to.deep.equal([
      [`${path}/cpu.weight`, '10000'],
      [`${path}/cpu.max`, '200000 50000'],
    ]);
    expect(await fs.content(join(dir(path), 'memory.max'))).to.equal(String(64 * MiB));
  });

  it('update of a missing cgroup is NotFound', async () => {
    const err = await manager.update('/nope', { pidsLimit: 1 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NotFoundError);
  });

  it('rejects a unified key the host lacks, naming the key, and removes what create made', async () => {
    await expectInvalid(manager.create(path, { unified: { 'memory.nonexistent': '1' } }), 'linux.resources.unified[memory.nonexistent]');
    expect(await fs.exists(dir('/kubepods'))).to.equal(false);
    // A parent that existed before stays.
    await manager.create(pod, {});
    await expectInvalid(manager.create(path, { unified: { 'memory.nonexistent': '1' } }), 'linux.resources.unified[memory.nonexistent]');
    expect(await fs.exists(dir(path))).to.equal(false);
    expect(await fs.exists(dir(pod))).to.equal(true);
  });

  it('rejects unified keys that are not plain interface file names', async () => {
    await expectInvalid(manager.create(path, { unified: { '../cpu.max': '1' } }), 'linux.resources.unified[../cpu.max]');
    await expectInvalid(manager.create(path, { unified: { 'cgroup.procs/x': '1' } }), 'linux.resources.unified[cgroup.procs/x]');
  });

  it('refuses a swap limit below the memory limit or without one', async () => {
    await expectInvalid(manager.create(path, { memorySwapLimitInBytes: 64 * MiB }), 'linux.resources.memory_swap_limit_in_bytes');
    await expectInvalid(manager.create(path, { memoryLimitInBytes: 64 * MiB, memorySwapLimitInBytes: 32 * MiB }), 'linux.resources.memory_swap_limit_in_bytes');
  });

  it('skips the swap limit when the kernel has no swap accounting', async () => {
    const noSwap = await new FakeCgroupFs({ version: 2, controllers: ALL }).init();
    try {
      const m = new V2CgroupManager(noSwap.root, 'cgroupfs', noSwap);
      await m.create(path, { memoryLimitInBytes: 64 * MiB, memorySwapLimitInBytes: 128 * MiB });
      expect(await noSwap.content(join(noSwap.root, path, 'memory.max'))).to.equal(String(64 * MiB));
      expect(await noSwap.exists(join(noSwap.root, path, 'memory.swap.max'))).to.equal(false);
    } finally {
      noSwap.cleanup();
    }
  });

  it('an unknown huge page size names the page_size field', async () => {
    await expectInvalid(manager.create(path, { hugepageLimits: [{ pageSize: '16MB', limit: 1 }] }), 'linux.resources.hugepage_limits[0].page_size');
  });

  it('a required controller the host does not offer is a precondition failure; optional ones are skipped', async () => {
    const small = await new FakeCgroupFs({ version: 2, controllers: ['cpu', 'memory'] }).init();
    try {
      const m = new V2CgroupManager(small.root, 'cgroupfs', small);
      await m.create('/a/b', { memoryLimitInBytes: MiB });
      expect(await small.content(join(small.root, 'cgroup.subtree_control'))).to.equal('cpu memory');
      const err = await m.create('/a/c', { pidsLimit: 5 }).catch((e: unknown) => e);
      expect((err as Error).message).to.match(/"pids" is not available/);
    } finally {
      small.cleanup();
    }
  });

  it('skips hugepage limits when the host has no hugetlb controller', async () => {
    const small = await new FakeCgroupFs({ version: 2, controllers: ['cpu', 'memory'] }).init();
    try {
      const m = new V2CgroupManager(small.root, 'cgroupfs', small);
      await m.create('/a', { hugepageLimits: [{ pageSize: '2MB', limit: 0 }] });
      expect(small.writes.map(([f]) => f)).to.deep.equal(['/cgroup.subtree_control']);
    } finally {
      small.cleanup();
    }
  });

  it('names paths for its driver', () => {
    expect(manager.podPath('/kubepods/pod1')).to.equal('/kubepods/pod1');
    expect(manager.containerPath('/kubepods/pod1', 'abc')).to.equal('/kubepods/pod1/husk-abc');
    const systemd = new V2CgroupManager(fs.root, 'systemd', fs);
    expect(systemd.containerPath(systemd.podPath('kubepods-pod1.slice'), 'abc')).to.equal('/kubepods.slice/kubepods-pod1.slice/husk-abc.scope');
  });

  it('reads stats from cpu.stat, memory.*, pids.* and hugetlb.*', async () => {
    await manager.create(path, { memoryLimitInBytes: 64 * MiB });
    const leaf = dir(path);
    await fs.set(join(leaf, 'cpu.stat'), 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 0\n');
    await fs.set(join(leaf, 'memory.current'), '1000000\n');
    await fs.set(join(leaf, 'memory.stat'), 'anon 500000\nfile 400000\ninactive_file 300000\npgfault 7\npgmajfault 1\n');
    await fs.set(join(leaf, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n');
    await fs.set(join(leaf, 'pids.current'), '3\n');
    await fs.set(join(leaf, 'memory.swap.current'), '4096\n');
    await fs.set(join(leaf, 'hugetlb.2MB.current'), '2097152\n');
    const s = await manager.stats(path);
    expect(s.cpu).to.deep.equal({ usageNs: 1_500_000n, userNs: 1_000_000n, systemNs: 500_000n });
    expect(s.memory).to.deep.equal({
      usageBytes: 1_000_000,
      workingSetBytes: 700_000,
      rssBytes: 500_000,
      pageFaults: 7,
      majorPageFaults: 1,
      limitBytes: 64 * MiB,
      swapUsageBytes: 4096,
    });
    expect(s.pids).to.deep.equal({ current: 3, limit: undefined });
    expect(s.oomKills).to.equal(2);
    expect(s.hugetlb.find((h) => h.pageSize === '2MB')?.usageBytes).to.equal(2 * MiB);
  });

  it('remove kills through cgroup.kill, removes child cgroups leaf-first, and is idempotent', async () => {
    await manager.create(path, {});
    await fs.mkdir(join(dir(path), 'nested', 'deeper'));
    await fs.set(join(dir(path), 'cgroup.procs'), '999999999\n');
    fs.writes.length = 0;
    await manager.remove(path);
    expect(fs.writes).to.deep.equal([[`${path}/cgroup.kill`, '1']]);
    expect(await fs.exists(dir(path))).to.equal(false);
    expect(await fs.exists(dir(pod))).to.equal(true);
    await manager.remove(path);
  });

  it('remove retries EBUSY with backoff', async () => {
    await manager.create(path, {});
    fs.busy.set(path, 3);
    await manager.remove(path);
    expect(fs.busy.get(path)).to.equal(0);
    expect(await fs.exists(dir(path))).to.equal(false);
  });

  it('remove gives up after its deadline while rmdir stays busy', async () => {
    await manager.create(path, {});
    fs.busy.set(path, 1_000_000);
    const err = await manager.remove(path, { timeoutMs: 30 }).catch((e: unknown) => e);
    expect((err as Error).message).to.match(/EBUSY/);
  });

  it('uses systemd slice and scope names as directories', async () => {
    const m = new V2CgroupManager(fs.root, 'systemd', fs);
    const podPath = podCgroupPath('systemd', 'kubepods-burstable-pod1234_5678.slice');
    const p = containerCgroupPath('systemd', podPath, 'abc123');
    await m.create(p, { pidsLimit: 10 });
    const expected = join(fs.root, 'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_5678.slice/husk-abc123.scope');
    expect(await fs.content(join(expected, 'pids.max'))).to.equal('10');
    expect(m.procDirs(p)).to.deep.equal([expected]);
    expect(m.memoryDir(p)).to.deep.equal({ version: 2, dir: expected });
  });

  it('refuses paths that would leave the mount and the root itself', async () => {
    await expectInvalid(manager.create('/a/../../etc', {}), 'cgroup path');
    await expectInvalid(manager.create('/', {}), 'cgroup path');
    await expectInvalid(manager.remove(''), 'cgroup path');
  });

  it('bad values name their field before anything is written', async () => {
    await expectInvalid(manager.create(path, { cpusetCpus: '0-a' }), 'linux.resources.cpuset_cpus');
    await expectInvalid(manager.create(path, { cpusetMems: '3-1' }), 'linux.resources.cpuset_mems');
    await expectInvalid(manager.create(path, { cpuShares: 300_000 }), 'linux.resources.cpu_shares');
    await expectInvalid(manager.create(path, { cpuPeriod: 10 }), 'linux.resources.cpu_period');
    expect(fs.writes).to.deep.equal([]);
  });
});
