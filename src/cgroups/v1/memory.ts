import { log } from '../../log/logger.js';
import { v1Bytes } from '../convert.js';
import { readOptional, writeLimit, type CgroupFs } from '../fs-ops.js';
import { isSet, RESOURCE_FIELDS as F, type CgroupResources } from '../resources.js';
import { num, parseFlatKeyed, parseSingle, workingSet, type CgroupMemoryStats } from '../stats.js';

const LIMIT = 'memory.limit_in_bytes';
const MEMSW = 'memory.memsw.limit_in_bytes';
// The kernel prints "no limit" as PAGE_COUNTER_MAX pages, a little under 2^63.
const UNLIMITED_FLOOR = 2n ** 62n;

export function wantsMemory(r: CgroupResources): boolean {
  return isSet(r.memoryLimitInBytes) || isSet(r.memorySwapLimitInBytes);
}

/**
 * memory.limit_in_bytes and memory.memsw.limit_in_bytes (memory + swap). The
 * kernel keeps memsw >= memory at every moment, so the order of the two
 * writes depends on whether the limits grow or shrink.
 */
export async function applyMemory(fs: CgroupFs, dir: string, r: CgroupResources): Promise<void> {
  const memory = r.memoryLimitInBytes;
  let swap = r.memorySwapLimitInBytes;
  if (!isSet(memory) && !isSet(swap)) return;
  const hasMemsw = (await readOptional(fs, `${dir}/${MEMSW}`)) !== undefined;
  if (!hasMemsw) {
    if (isSet(swap)) log.debug({ dir }, 'kernel has no swap accounting (memory.memsw); swap limit skipped');
    swap = undefined;
  } else if (isSet(memory) && memory < 0 && !isSet(swap)) {
    // Lifting the memory limit needs memsw lifted too, or the kernel refuses.
    swap = -1;
  }
  const writeMemory = () => (isSet(memory) ? writeLimit(fs, dir, LIMIT, v1Bytes(memory), F.memoryLimitInBytes) : undefined);
  const writeSwap = () => (isSet(swap) ? writeLimit(fs, dir, MEMSW, v1Bytes(swap), F.memorySwapLimitInBytes) : undefined);
  if (isSet(memory) && isSet(swap)) {
    const current = parseSingle(await fs.readFile(`${dir}/${LIMIT}`));
    const swapFirst = swap < 0 || current < BigInt(swap);
    if (swapFirst) {
      await writeSwap();
      await writeMemory();
    } else {
      await writeMemory();
      await writeSwap();
    }
    return;
  }
  await writeMemory();
  await writeSwap();
}

function limitOrUndefined(text: string | undefined): number | undefined {
  const v = parseSingle(text);
  return v <= 0n || v >= UNLIMITED_FLOOR ? undefined : Number(v);
}

export async function memoryStats(fs: CgroupFs, dir: string): Promise<{ memory: CgroupMemoryStats; oomKills: number }> {
  const [usageText, statText, limitText, oomText, memswUsage] = await Promise.all(
    ['memory.usage_in_bytes', 'memory.stat', LIMIT, 'memory.oom_control', 'memory.memsw.usage_in_bytes'].map((f) => readOptional(fs, `${dir}/${f}`)),
  );
  const stat = parseFlatKeyed(statText);
  // total_* include child cgroups, matching memory.usage_in_bytes.
  const pick = (key: string) => num(stat.get(`total_${key}`) ?? stat.get(key));
  const usage = Number(parseSingle(usageText));
  return {
    memory: {
      usageBytes: usage,
      workingSetBytes: workingSet(usage, pick('inactive_file')),
      rssBytes: pick('rss'),
      pageFaults: pick('pgfault'),
      majorPageFaults: pick('pgmajfault'),
      limitBytes: limitOrUndefined(limitText),
      // memsw counts memory plus swap.
      swapUsageBytes: memswUsage === undefined ? undefined : Math.max(0, Number(parseSingle(memswUsage)) - usage),
    },
    // oom_kill appeared in memory.oom_control with Linux 4.13.
    oomKills: num(parseFlatKeyed(oomText).get('oom_kill')),
  };
}
