import { InvalidArgumentError } from '../common/errors.js';
import { hugetlbLimitFile, v1Bytes, v2Max } from './convert.js';
import { isCgroupFsError, writeLimit, type CgroupFs } from './fs-ops.js';
import { RESOURCE_FIELDS as F, type CgroupResources } from './resources.js';

/** Hugepage limits (v1 hugetlb.<size>.limit_in_bytes, v2 hugetlb.<size>.max); a page size the kernel lacks names the field. */
export async function applyHugetlb(fs: CgroupFs, dir: string, r: CgroupResources, version: 1 | 2): Promise<void> {
  for (const [i, h] of (r.hugepageLimits ?? []).entries()) {
    const file = hugetlbLimitFile(version, h.pageSize);
    try {
      await writeLimit(fs, dir, file, version === 1 ? v1Bytes(h.limit) : v2Max(h.limit), `${F.hugepageLimits}[${i}].limit`);
    } catch (e) {
      if (isCgroupFsError(e, 'ENOENT')) {
        throw new InvalidArgumentError(`${F.hugepageLimits}[${i}].page_size`, `this kernel has no ${h.pageSize} huge pages (${dir}/${file} is absent)`);
      }
      throw e;
    }
  }
}
