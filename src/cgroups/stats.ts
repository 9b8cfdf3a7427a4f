// Usage figures read back from a cgroup, in one shape for v1 and v2, plus the
// parsers for the kernel's keyed files.

export interface CgroupCpuStats {
  /** Total CPU time in nanoseconds (bigint: it outgrows 2^53 within months on a busy pod). */
  usageNs: bigint;
  userNs: bigint;
  systemNs: bigint;
}

export interface CgroupMemoryStats {
  usageBytes: number;
  /** Usage minus inactive file cache: what kubelet evicts on. */
  workingSetBytes: number;
  rssBytes: number;
  pageFaults: number;
  majorPageFaults: number;
  /** undefined when unlimited. */
  limitBytes: number | undefined;
  /** Swap in use; undefined without swap accounting. */
  swapUsageBytes: number | undefined;
}

export interface CgroupHugetlbStats {
  pageSize: string;
  usageBytes: number;
  /** v1 only: the high-water mark. */
  maxUsageBytes: number | undefined;
}

export interface CgroupStats {
  cpu: CgroupCpuStats;
  memory: CgroupMemoryStats;
  pids: { current: number; limit: number | undefined };
  hugetlb: CgroupHugetlbStats[];
  /** Processes the kernel OOM-killed in this cgroup (and below). */
  oomKills: number;
}

/** "key value" lines (memory.stat, cpu.stat, memory.events, memory.oom_control). */
export function parseFlatKeyed(text: string | undefined): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const line of (text ?? '').split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value && /^-?\d+$/.test(value)) out.set(key, BigInt(value));
  }
  return out;
}

export function num(v: bigint | undefined): number {
  return v === undefined ? 0 : Number(v);
}

/** A single integer file; 0 when absent or empty. */
export function parseSingle(text: string | undefined): bigint {
  const t = (text ?? '').trim();
  return /^-?\d+$/.test(t) ? BigInt(t) : 0n;
}

/** Usage minus inactive file pages, never below zero. */
export function workingSet(usage: number, inactiveFile: number): number {
  return Math.max(0, usage - inactiveFile);
}

export function emptyStats(): CgroupStats {
  return {
    cpu: { usageNs: 0n, userNs: 0n, systemNs: 0n },
    memory: { usageBytes: 0, workingSetBytes: 0, rssBytes: 0, pageFaults: 0, majorPageFaults: 0, limitBytes: undefined, swapUsageBytes: undefined },
    pids: { current: 0, limit: undefined },
    hugetlb: [],
    oomKills: 0,
  };
}
