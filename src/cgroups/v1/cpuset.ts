import { posix } from 'node:path';
import { writeLimit, type CgroupFs } from '../fs-ops.js';
import { RESOURCE_FIELDS as F, type CgroupResources } from '../resources.js';

const CPUS = 'cpuset.cpus';
const MEMS = 'cpuset.mems';

/**
 * A new v1 cpuset cgroup starts with empty cpus and mems, and the kernel
 * refuses to add a process to it. Walk from the mount down to `leaf` and copy
 * each empty value from the parent.
 */
export async function inheritCpuset(fs: CgroupFs, mount: string, leaf: string): Promise<void> {
  const rel = posix.relative(mount, leaf);
  let parent = mount;
  for (const segment of rel.split('/').filter(Boolean)) {
    const dir = `${parent}/${segment}`;
    for (const file of [CPUS, MEMS]) {
      const own = (await fs.readFile(`${dir}/${file}`)).trim();
      if (own === '') await fs.writeFile(`${dir}/${file}`, (await fs.readFile(`${parent}/${file}`)).trim());
    }
    parent = dir;
  }
}

export async function applyCpuset(fs: CgroupFs, dir: string, r: CgroupResources): Promise<void> {
  if (r.cpusetCpus) await writeLimit(fs, dir, CPUS, r.cpusetCpus, F.cpusetCpus);
  if (r.cpusetMems) await writeLimit(fs, dir, MEMS, r.cpusetMems, F.cpusetMems);
}
