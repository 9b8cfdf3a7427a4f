import { cfsQuota } from '../convert.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { writeLimit, type CgroupFs } from '../fs-ops.js';
import { isSet, RESOURCE_FIELDS as F, type CgroupResources } from '../resources.js';

export function wantsCpu(r: CgroupResources): boolean {
  return isSet(r.cpuShares) || isSet(r.cpuPeriod) || isSet(r.cpuQuota);
}

/** cpu.shares, cpu.cfs_period_us, cpu.cfs_quota_us. */
export async function applyCpu(fs: CgroupFs, dir: string, r: CgroupResources): Promise<void> {
  if (isSet(r.cpuShares)) await writeLimit(fs, dir, 'cpu.shares', String(r.cpuShares), F.cpuShares);
  if (isSet(r.cpuPeriod)) {
    try {
      await writeLimit(fs, dir, 'cpu.cfs_period_us', String(r.cpuPeriod), F.cpuPeriod);
    } catch (e) {
      // The kernel checks period against the current quota; when the new pair
      // is only valid together, set the quota first and retry.
      if (!isSet(r.cpuQuota) || !(e instanceof InvalidArgumentError)) throw e;
      await writeLimit(fs, dir, 'cpu.cfs_quota_us', cfsQuota(r.cpuQuota), F.cpuQuota);
      await writeLimit(fs, dir, 'cpu.cfs_period_us', String(r.cpuPeriod), F.cpuPeriod);
      return;
    }
  }
  if (isSet(r.cpuQuota)) await writeLimit(fs, dir, 'cpu.cfs_quota_us', cfsQuota(r.cpuQuota), F.cpuQuota);
}
