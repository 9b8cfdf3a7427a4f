import { cpuMax, sharesToWeight } from '../convert.js';
import { readOptional, writeLimit, type CgroupFs } from '../fs-ops.js';
import { isSet, RESOURCE_FIELDS as F, type CgroupResources } from '../resources.js';
import { parseFlatKeyed, type CgroupCpuStats } from '../stats.js';

/** cpu.weight (from shares) and cpu.max (quota and period in one file). */
export async function applyCpu(fs: CgroupFs, dir: string, r: CgroupResources): Promise<void> {
  if (isSet(r.cpuShares)) await writeLimit(fs, dir, 'cpu.weight', String(sharesToWeight(r.cpuShares)), F.cpuShares);
  const max = cpuMax(r.cpuQuota, r.cpuPeriod);
  if (max !== undefined) await writeLimit(fs, dir, 'cpu.max', max, isSet(r.cpuQuota) ? F.cpuQuota : F.cpuPeriod);
}

/** cpu.stat reports microseconds; CRI wants nanoseconds. */
export async function cpuStats(fs: CgroupFs, dir: string): Promise<CgroupCpuStats> {
  const stat = parseFlatKeyed(await readOptional(fs, `${dir}/cpu.stat`));
  const ns = (key: string) => (stat.get(key) ?? 0n) * 1000n;
  return { usageNs: ns('usage_usec'), userNs: ns('user_usec'), systemNs: ns('system_usec') };
}
