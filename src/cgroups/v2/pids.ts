import { parseMax, v2Max } from '../convert.js';
import { readOptional, writeLimit, type CgroupFs } from '../fs-ops.js';
import { isSet, RESOURCE_FIELDS as F, type CgroupResources } from '../resources.js';
import { parseSingle } from '../stats.js';

export async function applyPids(fs: CgroupFs, dir: string, r: CgroupResources): Promise<void> {
  if (isSet(r.pidsLimit)) await writeLimit(fs, dir, 'pids.max', v2Max(r.pidsLimit), F.pidsLimit);
}

export async function pidsStats(fs: CgroupFs, dir: string): Promise<{ current: number; limit: number | undefined }> {
  const [current, max] = await Promise.all([readOptional(fs, `${dir}/pids.current`), readOptional(fs, `${dir}/pids.max`)]);
  return { current: Number(parseSingle(current)), limit: max === undefined ? undefined : parseMax(max) };
}
