import { isCgroupFsError, readOptional, type CgroupFs } from '../fs-ops.js';
import { FailedPreconditionError } from '../../common/errors.js';
import type { CgroupResources } from '../resources.js';

/** Controllers every husk cgroup gets when the host offers them (stats need cpu, memory, pids even without limits). */
export const STANDARD_CONTROLLERS = ['cpu', 'cpuset', 'io', 'memory', 'pids', 'hugetlb'] as const;

function words(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter(Boolean);
}

/** The controllers a set of limits cannot do without. */
export function requiredControllers(r: CgroupResources): Set<string> {
  const need = new Set<string>();
  if (r.cpuShares || r.cpuPeriod || r.cpuQuota) need.add('cpu');
  if (r.cpusetCpus || r.cpusetMems) need.add('cpuset');
  if (r.memoryLimitInBytes || r.memorySwapLimitInBytes) need.add('memory');
  if (r.pidsLimit) need.add('pids');
  // hugetlb is not required: kubelet sends a limit for every page size the
  // node has, and a host without the controller cannot hand out huge pages.
  for (const key of Object.keys(r.unified ?? {})) {
    const controller = key.split('.')[0]!;
    if (controller !== 'cgroup') need.add(controller);
  }
  return need;
}

/**
 * Turns controllers on in `dir`'s cgroup.subtree_control so its children get
 * them. Only controllers `dir` itself has (its cgroup.controllers) can be
 * enabled; a required one missing there is an error, an optional one is skipped.
 */
export async function enableSubtreeControllers(fs: CgroupFs, dir: string, wanted: Iterable<string>, required: Set<string>): Promise<void> {
  const available = new Set(words(await readOptional(fs, `${dir}/cgroup.controllers`)));
  const enabled = new Set(words(await readOptional(fs, `${dir}/cgroup.subtree_control`)));
  const missing: string[] = [];
  for (const c of wanted) {
    if (enabled.has(c)) continue;
    if (available.has(c)) missing.push(c);
    else if (required.has(c)) throw new FailedPreconditionError(`cgroup v2 controller "${c}" is not available in ${dir}`);
  }
  if (missing.length === 0) return;
  try {
    await fs.writeFile(`${dir}/cgroup.subtree_control`, missing.map((c) => `+${c}`).join(' '));
  } catch (e) {
    // One write enables all or nothing; retry one by one so an optional
    // controller the kernel refuses here (e.g. cpuset under a threaded parent) costs only itself.
    if (!isCgroupFsError(e)) throw e;
    for (const c of missing) {
      try {
        await fs.writeFile(`${dir}/cgroup.subtree_control`, `+${c}`);
      } catch (err) {
        if (required.has(c)) throw err;
      }
    }
  }
}
