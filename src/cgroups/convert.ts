// Value conversions between CRI's (cgroup v1 shaped) resources and the
// kernel files. Pure; every function here is unit-tested.
import { InvalidArgumentError } from '../common/errors.js';
import { RESOURCE_FIELDS } from './resources.js';

export const DEFAULT_CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;
const MIN_WEIGHT = 1;
const MAX_WEIGHT = 10_000;

/**
 * v1 cpu.shares -> v2 cpu.weight, the linear map kubelet and runc use:
 * [2, 262144] onto [1, 10000] with integer division. 0 stays 0 (unset).
 */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  const s = Math.min(Math.max(shares, MIN_SHARES), MAX_SHARES);
  return MIN_WEIGHT + Math.floor(((s - MIN_SHARES) * (MAX_WEIGHT - MIN_WEIGHT)) / (MAX_SHARES - MIN_SHARES));
}

/** The inverse kubelet uses when it reads a v2 weight back as shares. */
export function weightToShares(weight: number): number {
  if (weight === 0) return 0;
  const w = Math.min(Math.max(weight, MIN_WEIGHT), MAX_WEIGHT);
  return MIN_SHARES + Math.floor(((w - MIN_WEIGHT) * (MAX_SHARES - MIN_SHARES)) / (MAX_WEIGHT - MIN_WEIGHT));
}

/**
 * v2 `cpu.max` ("$QUOTA $PERIOD" or "max $PERIOD"), or undefined when neither
 * quota nor period asks for a change. A quota <= 0 means no limit.
 */
export function cpuMax(quota: number | undefined, period: number | undefined): string | undefined {
  if (!quota && !period) return undefined;
  const q = quota !== undefined && quota > 0 ? String(quota) : 'max';
  return `${q} ${period || DEFAULT_CPU_PERIOD_US}`;
}

/** v1 `cpu.cfs_quota_us`: -1 is the kernel's "no limit". */
export function cfsQuota(quota: number): string {
  return quota > 0 ? String(quota) : '-1';
}

/** v1 memory files take -1 for "no limit". */
export function v1Bytes(limit: number): string {
  return limit > 0 ? String(limit) : '-1';
}

/** v2 memory/pids/hugetlb files take "max" for "no limit". */
export function v2Max(limit: number): string {
  return limit > 0 ? String(limit) : 'max';
}

/**
 * v2 `memory.swap.max` from the v1-style memory+swap total: swap alone is
 * total minus memory. undefined when no change is asked.
 */
export function v2SwapMax(memorySwap: number | undefined, memory: number | undefined): string | undefined {
  if (!memorySwap) return undefined;
  if (memorySwap < 0) return 'max';
  if (!memory || memory < 0) {
    throw new InvalidArgumentError(RESOURCE_FIELDS.memorySwapLimitInBytes, 'a swap limit needs a memory limit');
  }
  if (memorySwap < memory) {
    throw new InvalidArgumentError(RESOURCE_FIELDS.memorySwapLimitInBytes, `${memorySwap} is below the memory limit ${memory}`);
  }
  return String(memorySwap - memory);
}

/** The hugetlb interface file for a page size (`2MB`) on each version. */
export function hugetlbLimitFile(version: 1 | 2, pageSize: string): string {
  return version === 1 ? `hugetlb.${pageSize}.limit_in_bytes` : `hugetlb.${pageSize}.max`;
}

/** Kernel directory name `hugepages-2048kB` -> cgroup page-size name `2MB`. */
export function hugePageSizeName(kernelDirName: string): string | undefined {
  const m = /^hugepages-(\d+)kB$/.exec(kernelDirName);
  if (!m) return undefined;
  let size = Number(m[1]);
  const units = ['KB', 'MB', 'GB', 'TB', 'PB'];
  let u = 0;
  while (size >= 1024 && size % 1024 === 0 && u < units.length - 1) {
    size /= 1024;
    u++;
  }
  return `${size}${units[u]}`;
}

/** "max" or a number, as v2 files print them; undefined for "max". */
export function parseMax(text: string): number | undefined {
  const t = text.trim();
  return t === 'max' ? undefined : Number(t);
}
