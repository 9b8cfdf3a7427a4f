import { expect } from 'chai';
import { fromCriResources, validateResources } from '../../../src/cgroups/resources.js';
import { InvalidArgumentError } from '../../../src/common/errors.js';
import type { LinuxContainerResources__Output } from '../../../src/generated/runtime/v1/LinuxContainerResources.js';

function cri(over: Partial<LinuxContainerResources__Output>): LinuxContainerResources__Output {
  return {
    cpu_period: '0',
    cpu_quota: '0',
    cpu_shares: '0',
    memory_limit_in_bytes: '0',
    oom_score_adj: '0',
    cpuset_cpus: '',
    cpuset_mems: '',
    hugepage_limits: [],
    unified: {},
    memory_swap_limit_in_bytes: '0',
    ...over,
  };
}

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidArgumentError) return e.field;
    throw e;
  }
  return undefined;
}

describe('cgroup resources', () => {
  it('converts the CRI message, dropping proto defaults and oom_score_adj', () => {
    expect(fromCriResources(cri({}))).to.deep.equal({});
    expect(fromCriResources(null)).to.deep.equal({});
    expect(
      fromCriResources(
        cri({
          cpu_period: '100000',
          cpu_quota: '-1',
          cpu_shares: '1024',
          memory_limit_in_bytes: '67108864',
          memory_swap_limit_in_bytes: '67108864',
          oom_score_adj: '-997',
          cpuset_cpus: '0-1',
          cpuset_mems: '0',
          hugepage_limits: [{ page_size: '2MB', limit: '0' }],
          unified: { 'memory.high': '1M' },
        }),
      ),
    ).to.deep.equal({
      cpuPeriod: 100000,
      cpuQuota: -1,
      cpuShares: 1024,
      memoryLimitInBytes: 67108864,
      memorySwapLimitInBytes: 67108864,
      cpusetCpus: '0-1',
      cpusetMems: '0',
      hugepageLimits: [{ pageSize: '2MB', limit: 0 }],
      unified: { 'memory.high': '1M' },
    });
  });

  it('treats int64 values past 2^53 as no limit', () => {
    expect(fromCriResources(cri({ memory_limit_in_bytes: '9223372036854775807' })).memoryLimitInBytes).to.equal(-1);
  });

  it('accepts what kubelet sends', () => {
    validateResources({ cpuShares: 2, cpuPeriod: 100_000, cpuQuota: 1000, memoryLimitInBytes: 1, memorySwapLimitInBytes: 1, cpusetCpus: '0-3,5,7-8', pidsLimit: -1 });
    validateResources({ memorySwapLimitInBytes: -1 });
    validateResources({ hugepageLimits: [{ pageSize: '1GB', limit: 0 }], unified: { 'memory.high': 'max', 'cpu.weight.nice': '0' } });
  });

  it('names the offending field', () => {
    expect(fieldOf(() => validateResources({ cpusetCpus: '0-' }))).to.equal('linux.resources.cpuset_cpus');
    expect(fieldOf(() => validateResources({ cpusetCpus: '5-2' }))).to.equal('linux.resources.cpuset_cpus');
    expect(fieldOf(() => validateResources({ cpusetMems: 'all' }))).to.equal('linux.resources.cpuset_mems');
    expect(fieldOf(() => validateResources({ cpuShares: -2 }))).to.equal('linux.resources.cpu_shares');
    expect(fieldOf(() => validateResources({ cpuPeriod: 999 }))).to.equal('linux.resources.cpu_period');
    expect(fieldOf(() => validateResources({ cpuQuota: 10 }))).to.equal('linux.resources.cpu_quota');
    expect(fieldOf(() => validateResources({ memoryLimitInBytes: 1.5 }))).to.equal('linux.resources.memory_limit_in_bytes');
    expect(fieldOf(() => validateResources({ memoryLimitInBytes: 10, memorySwapLimitInBytes: 5 }))).to.equal('linux.resources.memory_swap_limit_in_bytes');
    expect(fieldOf(() => validateResources({ hugepageLimits: [{ pageSize: '2M', limit: 1 }] }))).to.equal('linux.resources.hugepage_limits[0].page_size');
    expect(fieldOf(() => validateResources({ unified: { 'cgroup.procs/../x': '1' } }))).to.equal('linux.resources.unified[cgroup.procs/../x]');
    expect(fieldOf(() => validateResources({ unified: { 'memory.high': '1\n2' } }))).to.equal('linux.resources.unified[memory.high]');
    expect(fieldOf(() => fromCriResources(cri({ cpu_shares: '12x' })))).to.equal('linux.resources.cpu_shares');
  });
});
