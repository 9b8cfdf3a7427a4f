import { writeLimit, type CgroupFs } from '../fs-ops.js';
import { RESOURCE_FIELDS as F, type CgroupResources } from '../resources.js';

/** cpuset.cpus / cpuset.mems; unlike v1 an empty value inherits the parent's, so nothing to copy. */
export async function applyCpuset(fs: CgroupFs, dir: string, r: CgroupResources): Promise<void> {
  if (r.cpusetCpus) await writeLimit(fs, dir, 'cpuset.cpus', r.cpusetCpus, F.cpusetCpus);
  if (r.cpusetMems) await writeLimit(fs, dir, 'cpuset.mems', r.cpusetMems, F.cpusetMems);
}
