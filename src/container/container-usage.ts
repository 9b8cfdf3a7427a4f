import type { CgroupStats } from '../cgroups/index.js';
import type { DiskUsage } from '../common/disk-usage.js';

/** One sample of a container's resource use, as ContainerStats reports it. */
export interface ContainerUsage {
  timestampNs: bigint;
  cgroup: CgroupStats;
  /** CPU cores in use since the previous sample, in nanocores; undefined for the first sample. */
  nanoCores?: bigint;
  writableLayer: DiskUsage & { mountpoint: string };
}

/** Nanocores between two cumulative CPU readings: (Δ CPU ns / Δ wall ns) × 1e9. */
export function nanoCoresBetween(prev: { timestampNs: bigint; cpuNs: bigint } | undefined, now: { timestampNs: bigint; cpuNs: bigint }): bigint | undefined {
  if (!prev || now.timestampNs <= prev.timestampNs || now.cpuNs < prev.cpuNs) return undefined;
  return ((now.cpuNs - prev.cpuNs) * 1_000_000_000n) / (now.timestampNs - prev.timestampNs);
}
