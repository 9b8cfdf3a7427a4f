import { readOptional, type CgroupFs } from '../fs-ops.js';
import { parseSingle, type CgroupHugetlbStats } from '../stats.js';

/** One entry per page size: hugetlb.<size>.current. */
export async function hugetlbStats(fs: CgroupFs, dir: string): Promise<CgroupHugetlbStats[]> {
  const sizes = (await fs.files(dir))
    .map((f) => /^hugetlb\.([0-9]+[KMGTP]B)\.current$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);
  return Promise.all(
    sizes.map(async (pageSize) => ({
      pageSize,
      usageBytes: Number(parseSingle(await readOptional(fs, `${dir}/hugetlb.${pageSize}.current`))),
      maxUsageBytes: undefined,
    })),
  );
}
