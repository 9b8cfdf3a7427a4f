import { log } from '../../log/logger.js';
import { parseMax, v2Max, v2SwapMax } from '../convert.js';
import { isCgroupFsError, readOptional, writeLimit, type CgroupFs } from '../fs-ops.js';
import { isSet, RESOURCE_FIELDS as F, type CgroupResources } from '../resources.js';
import { num, parseFlatKeyed, parseSingle, workingSet, type CgroupMemoryStats } from '../stats.js';

/**
 * memory.max and memory.swap.max. CRI's swap figure is memory plus swap (the
 * v1 meaning); v2 limits swap alone, so it is converted. Unlike v1 the two
 * files are independent, so the write order does not matter.
 */
export async function applyMemory(fs: CgroupFs, dir: string, r: CgroupResources): Promise<void> {
  if (isSet(r.memoryLimitInBytes)) await writeLimit(fs, dir, 'memory.max', v2Max(r.memoryLimitInBytes), F.memoryLimitInBytes);
  const swap = v2SwapMax(r.memorySwapLimitInBytes, r.memoryLimitInBytes);
  if (swap === undefined) return;
  try {
    await writeLimit(fs, dir, 'memory.swap.max', swap, F.memorySwapLimitInBytes);
  } catch (e) {
    if (!isCgroupFsError(e, 'ENOENT')) throw e;
    log.debug({ dir }, 'kernel has no swap accounting (memory.swap.max); swap limit skipped');
  }
}

export async function memoryStats(fs: CgroupFs, dir: string): Promise<{ memory: CgroupMemoryStats; oomKills: number }> {
  const [current, statText, max, events, swap] = await Promise.all(
    ['memory.current', 'memory.stat', 'memory.max', 'memory.events', 'memory.swap.current'].map((f) => readOptional(fs, `${dir}/${f}`)),
  );
  const stat = parseFlatKeyed(statText);
  const usage = Number(parseSingle(current));
  return {
    memory: {
      usageBytes: usage,
      workingSetBytes: workingSet(usage, num(stat.get('inactive_file'))),
      rssBytes: num(stat.get('anon')),
      pageFaults: num(stat.get('pgfault')),
      majorPageFaults: num(stat.get('pgmajfault')),
      limitBytes: max === undefined ? undefined : parseMax(max),
      swapUsageBytes: swap === undefined ? undefined : Number(parseSingle(swap)),
    },
    // memory.events counts this cgroup and its descendants (unless mounted with memory_localevents).
    oomKills: num(parseFlatKeyed(events).get('oom_kill')),
  };
}
