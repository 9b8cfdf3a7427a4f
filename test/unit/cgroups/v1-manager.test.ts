// The v1 driver's decisions that the real-kernel test cannot reach on every
// host: write order, missing hierarchies and features, stats parsing.
import { expect } from 'chai';
import { join } from 'node:path';
import { V1CgroupManager } from '../../../src/cgroups/index.js';
import { FailedPreconditionError, InvalidArgumentError } from '../../../src/common/errors.js';
import { FakeCgroupFs } from './fake-cgroupfs.js';

const MiB = 1024 * 1024;
const ALL = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'freezer', 'hugetlb'];

describe('cgroup v1 driver (temp tree)', () => {
  let fs: FakeCgroupFs;
  let manager: V1CgroupManager;
  const path = '/pod1/husk-abc';
  const dir = (controller: string, p = path) => join(fs.root, controller, p);

  async function setUp(controllers: string[], swap = true): Promise<void> {
    fs?.cleanup();
    fs = await new FakeCgroupFs({ version: 1, controllers, swap }).init();
    manager = new V1CgroupManager(fs.v1Mounts(), 'cgroupfs', fs);
  }

  beforeEach(() => setUp(ALL));
  afterEach(() => fs.cleanup());

  it('makes the cgroup in every hierarchy and seeds cpuset from the parents', async () => {
    await manager.create(path, { cpuShares: 512 });
    for (const c of ALL) expect(await fs.exists(dir(c)), c).to.equal(true);
    expect(await fs.content(join(dir('cpuset', '/pod1'), 'cpuset.cpus'))).to.equal('0-3');
    expect(await fs.content(join(dir('cpuset'), 'cpuset.cpus'))).to.equal('0-3');
    expect(await fs.content(join(dir('cpuset'), 'cpuset.mems'))).to.equal('0');
    expect(await fs.content(join(dir('cpu'), 'cpu.shares'))).to.equal('512');
    expect(manager.procDirs(path)).to.deep.equal(ALL.slice().sort().map((c) => dir(c)));
  });

  it('writes memsw before memory when limits grow, after when they shrink', async () => {
    await manager.create(path, { memoryLimitInBytes: 64 * MiB, memorySwapLimitInBytes: 64 * MiB });
    fs.writes.length = 0;
    await manager.update(path, { memoryLimitInBytes: 128 * MiB, memorySwapLimitInBytes: 256 * MiB });
    expect(fs.writes.map(([f]) => f.split('/').pop())).to.deep.equal(['memory.memsw.limit_in_bytes', 'memory.limit_in_bytes']);
    fs.writes.length = 0;
    await manager.update(path, { memoryLimitInBytes: 32 * MiB, memorySwapLimitInBytes: 32 * MiB });
    expect(fs.writes).to.deep.equal([
      [`/memory${path}/memory.limit_in_bytes`, String(32 * MiB)],
      [`/memory${path}/memory.memsw.limit_in_bytes`, String(32 * MiB)],
    ]);
  });

  it('lifting the memory limit lifts memsw first', async () => {
    await manager.create(path, { memoryLimitInBytes: 64 * MiB, memorySwapLimitInBytes: 64 * MiB });
    fs.writes.length = 0;
    await manager.update(path, { memoryLimitInBytes: -1 });
    expect(fs.writes).to.deep.equal([
      [`/memory${path}/memory.memsw.limit_in_bytes`, '-1'],
      [`/memory${path}/memory.limit_in_bytes`, '-1'],
    ]);
  });

  it('skips memsw when the kernel has no swap accounting', async () => {
    await setUp(ALL, false);
    await manager.create(path, { memoryLimitInBytes: 64 * MiB, memorySwapLimitInBytes: 128 * MiB });
    expect(fs.writes.map(([f]) => f)).to.deep.equal([`/cpuset/pod1/cpuset.cpus`, `/cpuset/pod1/cpuset.mems`, `/cpuset${path}/cpuset.cpus`, `/cpuset${path}/cpuset.mems`, `/memory${path}/memory.limit_in_bytes`]);
  });

  it('writes hugetlb limits, and skips them when the hierarchy is not mounted', async () => {
    await manager.create(path, { hugepageLimits: [{ pageSize: '2MB', limit: 4 * MiB }] });
    expect(await fs.content(join(dir('hugetlb'), 'hugetlb.2MB.limit_in_bytes'))).to.equal(String(4 * MiB));
    const err = await manager.update(path, { hugepageLimits: [{ pageSize: '1GB', limit: 0 }] }).catch((e: unknown) => e);
    expect((err as InvalidArgumentError).field).to.equal('linux.resources.hugepage_limits[0].page_size');
    await setUp(['cpu', 'memory']);
    await manager.create(path, { hugepageLimits: [{ pageSize: '2MB', limit: 4 * MiB }] });
    expect(fs.writes).to.deep.equal([]);
  });

  it('a limit whose hierarchy is missing is a precondition failure and leaves nothing behind', async () => {
    await setUp(['cpu', 'cpuacct']);
    const err = await manager.create(path, { memoryLimitInBytes: MiB }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FailedPreconditionError);
    expect((err as Error).message).to.match(/"memory" is not mounted/);
    expect(await fs.exists(dir('cpu'))).to.equal(false);
  });

  it('rejects unified keys before touching the filesystem', async () => {
    const err = await manager.create(path, { unified: { 'memory.high': '1' } }).catch((e: unknown) => e);
    expect((err as InvalidArgumentError).field).to.equal('linux.resources.unified');
    expect((err as Error).message).to.match(/cgroup v1/);
    expect(await fs.exists(dir('cpu'))).to.equal(false);
  });

  it('writes -1 for no CPU quota and "max" for no pid limit', async () => {
    await manager.create(path, { cpuQuota: -1, cpuPeriod: 100_000, pidsLimit: -1 });
    expect(await fs.content(join(dir('cpu'), 'cpu.cfs_quota_us'))).to.equal('-1');
    expect(await fs.content(join(dir('pids'), 'pids.max'))).to.equal('max');
  });

  it('reads stats from cpuacct, memory (hierarchical totals), oom_control, pids and hugetlb', async () => {
    await manager.create(path, {});
    await fs.set(join(dir('cpuacct'), 'cpuacct.usage'), '123456789\n');
    await fs.set(join(dir('cpuacct'), 'cpuacct.usage_user'), '100000000\n');
    await fs.set(join(dir('memory'), 'memory.usage_in_bytes'), '1000000\n');
    await fs.set(join(dir('memory'), 'memory.stat'), 'rss 1\ninactive_file 2\ntotal_rss 500000\ntotal_inactive_file 300000\ntotal_pgfault 9\ntotal_pgmajfault 2\n');
    await fs.set(join(dir('memory'), 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
    await fs.set(join(dir('pids'), 'pids.current'), '4\n');
    await fs.set(join(dir('memory'), 'memory.memsw.usage_in_bytes'), '1004096\n');
    await fs.set(join(dir('pids'), 'pids.max'), '100\n');
    const s = await manager.stats(path);
    expect(s.cpu).to.deep.equal({ usageNs: 123456789n, userNs: 100000000n, systemNs: 0n });
    expect(s.memory).to.deep.equal({ usageBytes: 1_000_000, workingSetBytes: 700_000, rssBytes: 500_000, pageFaults: 9, majorPageFaults: 2, limitBytes: undefined, swapUsageBytes: 4096 });
    expect(s.oomKills).to.equal(1);
    expect(s.pids).to.deep.equal({ current: 4, limit: 100 });
    expect(s.hugetlb).to.deep.equal([{ pageSize: '2MB', usageBytes: 0, maxUsageBytes: undefined }]);
    expect(manager.memoryDir(path)).to.deep.equal({ version: 1, dir: dir('memory') });
  });

  it('remove of an empty cgroup skips the freezer and removes every hierarchy leaf-first', async () => {
    // With members left, remove freezes, kills and thaws: the real-kernel test covers that path.
    await manager.create(path, {});
    await fs.mkdir(join(dir('memory'), 'child'));
    fs.writes.length = 0;
    await manager.remove('/pod1');
    expect(fs.writes).to.deep.equal([]);
    for (const c of ALL) expect(await fs.exists(join(fs.root, c, 'pod1')), c).to.equal(false);
    await manager.remove('/pod1');
  });
});
