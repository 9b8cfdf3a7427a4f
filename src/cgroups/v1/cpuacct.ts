import { readOptional, type CgroupFs } from '../fs-ops.js';
import { parseSingle, type CgroupCpuStats } from '../stats.js';

/** cpuacct.usage (ns) and cpuacct.usage_user/_sys (ns, kernel >= 4.7). */
export async function cpuacctStats(fs: CgroupFs, dir: string): Promise<CgroupCpuStats> {
  const [usage, user, sys] = await Promise.all(
    ['cpuacct.usage', 'cpuacct.usage_user', 'cpuacct.usage_sys'].map((f) => readOptional(fs, `${dir}/${f}`)),
  );
  return { usageNs: parseSingle(usage), userNs: parseSingle(user), systemNs: parseSingle(sys) };
}
