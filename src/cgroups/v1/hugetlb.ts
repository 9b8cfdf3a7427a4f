import { readOptional, type CgroupFs } from '../fs-ops.js';
import { parseSingle, type CgroupHugetlbStats } from '../stats.js';

/** One entry per page size: hugetlb.<size>.usage_in_bytes and .max_usage_in_bytes. */
export async function hugetlbStats(fs: CgroupFs, dir: string): Promise<CgroupHugetlbStats[]> {
  const sizes = (await fs.files(dir))
    .map((f) => /^hugetlb\.([0-9]+[KMGTP]B)\.usage_in_bytes$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);
  return Promise.all(
    sizes.map(async (pageSize) => {
      const [usage, max] = await Promise.all([
        readOptional(fs, `${dir}/hugetlb.${pageSize}.usage_in_bytes`),
        readOptional(fs, `${dir}/hugetlb.${pageSize}.max_usage_in_bytes`),
      ]);
      return { pageSize, usageBytes: Number(parseSingle(usage)), maxUsageBytes: max === undefined ? undefined : Number(parseSingle(max)) };
    }),
  );
}
