import { expect } from 'chai';
import { cfsQuota, cpuMax, hugePageSizeName, hugetlbLimitFile, parseMax, sharesToWeight, v1Bytes, v2Max, v2SwapMax, weightToShares } from '../../../src/cgroups/convert.js';
import { InvalidArgumentError } from '../../../src/common/errors.js';

describe('cgroup value conversions', () => {
  it('maps cpu shares to weight with the kubelet/runc formula', () => {
    const formula = (s: number) => 1 + Math.floor(((s - 2) * 9999) / 262142);
    expect(sharesToWeight(2)).to.equal(1);
    expect(sharesToWeight(1024)).to.equal(39);
    expect(sharesToWeight(102)).to.equal(4);
    expect(sharesToWeight(262144)).to.equal(10000);
    for (const s of [3, 100, 512, 1000, 2048, 4096, 100_000, 262_143]) expect(sharesToWeight(s), `shares ${s}`).to.equal(formula(s));
  });

  it('keeps 0 as "unset" and clamps out-of-range shares', () => {
    expect(sharesToWeight(0)).to.equal(0);
    expect(sharesToWeight(1)).to.equal(1);
    expect(sharesToWeight(1_000_000)).to.equal(10000);
  });

  it('maps weight back to shares (kubelet reading a v2 cgroup)', () => {
    expect(weightToShares(1)).to.equal(2);
    expect(weightToShares(10000)).to.equal(262144);
    expect(weightToShares(0)).to.equal(0);
    // The round trip loses at most one weight step.
    for (const s of [2, 1024, 4096, 262144]) expect(Math.abs(weightToShares(sharesToWeight(s)) - s)).to.be.at.most(27);
  });

  it('builds cpu.max from quota and period', () => {
    expect(cpuMax(50_000, 100_000)).to.equal('50000 100000');
    expect(cpuMax(-1, 100_000)).to.equal('max 100000');
    expect(cpuMax(0, 100_000)).to.equal('max 100000');
    expect(cpuMax(20_000, undefined)).to.equal('20000 100000');
    expect(cpuMax(-1, undefined)).to.equal('max 100000');
    expect(cpuMax(undefined, undefined)).to.equal(undefined);
    expect(cpuMax(0, 0)).to.equal(undefined);
  });

  it('writes -1 for "no limit" on v1 and "max" on v2', () => {
    expect(cfsQuota(50_000)).to.equal('50000');
    expect(cfsQuota(-5)).to.equal('-1');
    expect(v1Bytes(1024)).to.equal('1024');
    expect(v1Bytes(-1)).to.equal('-1');
    expect(v2Max(1024)).to.equal('1024');
    expect(v2Max(-1)).to.equal('max');
  });

  it('turns memory+swap into v2 swap alone', () => {
    expect(v2SwapMax(200, 100)).to.equal('100');
    expect(v2SwapMax(100, 100)).to.equal('0');
    expect(v2SwapMax(-1, 100)).to.equal('max');
    expect(v2SwapMax(undefined, 100)).to.equal(undefined);
    expect(v2SwapMax(0, 100)).to.equal(undefined);
    expect(() => v2SwapMax(50, 100)).to.throw(InvalidArgumentError, /memory_swap_limit_in_bytes/);
    expect(() => v2SwapMax(50, undefined)).to.throw(InvalidArgumentError, /needs a memory limit/);
    expect(() => v2SwapMax(50, -1)).to.throw(InvalidArgumentError, /needs a memory limit/);
  });

  it('names hugetlb files per version and kernel page sizes as cgroups do', () => {
    expect(hugetlbLimitFile(1, '2MB')).to.equal('hugetlb.2MB.limit_in_bytes');
    expect(hugetlbLimitFile(2, '2MB')).to.equal('hugetlb.2MB.max');
    expect(hugePageSizeName('hugepages-2048kB')).to.equal('2MB');
    expect(hugePageSizeName('hugepages-1048576kB')).to.equal('1GB');
    expect(hugePageSizeName('hugepages-64kB')).to.equal('64KB');
    expect(hugePageSizeName('hugepages-32768kB')).to.equal('32MB');
    expect(hugePageSizeName('nr_hugepages')).to.equal(undefined);
  });

  it('parses "max" as no limit', () => {
    expect(parseMax('max\n')).to.equal(undefined);
    expect(parseMax('4096\n')).to.equal(4096);
  });
});
