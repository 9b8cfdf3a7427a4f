import { InvalidArgumentError } from '../common/errors.js';
import type { LinuxContainerResources__Output } from '../generated/runtime/v1/LinuxContainerResources.js';

export interface HugepageLimit {
  /** Kernel page-size name as kubelet sends it: `2MB`, `1GB`, `64KB`. */
  pageSize: string;
  /** Bytes; negative means no limit. */
  limit: number;
}

/**
 * Cgroup limits, mirroring CRI's LinuxContainerResources (oom_score_adj is a
 * process attribute, not a cgroup one, so it is not here). For numbers,
 * `undefined` or 0 means "leave as is" (proto3 default); a negative value
 * means "no limit".
 */
export interface CgroupResources {
  /** CFS period in microseconds. */
  cpuPeriod?: number;
  /** CFS quota in microseconds per period; <= 0 with a period means unlimited. */
  cpuQuota?: number;
  /** v1 cpu.shares (2..262144); converted to cpu.weight on v2. */
  cpuShares?: number;
  memoryLimitInBytes?: number;
  /** Memory plus swap, as on v1; -1 means unlimited swap. */
  memorySwapLimitInBytes?: number;
  /** CPU list, e.g. `0-3,6`. */
  cpusetCpus?: string;
  /** Memory node list, e.g. `0`. */
  cpusetMems?: string;
  hugepageLimits?: HugepageLimit[];
  /** v2 interface file -> value, written verbatim; rejected on v1. */
  unified?: Record<string, string>;
  /** Pod-level process limit. */
  pidsLimit?: number;
  /** Device access: everything else is denied once this is set (v1 devices controller, v2 eBPF device program). */
  devices?: DeviceRule[];
}

/** One device cgroup rule: `c 1:3 rwm`; `*` for any major or minor; `a` for every device. */
export interface DeviceRule {
  type: 'c' | 'b' | 'a';
  major: number | '*';
  minor: number | '*';
  access: string;
}

/** Request field names, for error messages (kubelet's spelling). */
export const RESOURCE_FIELDS = {
  cpuPeriod: 'linux.resources.cpu_period',
  cpuQuota: 'linux.resources.cpu_quota',
  cpuShares: 'linux.resources.cpu_shares',
  memoryLimitInBytes: 'linux.resources.memory_limit_in_bytes',
  memorySwapLimitInBytes: 'linux.resources.memory_swap_limit_in_bytes',
  cpusetCpus: 'linux.resources.cpuset_cpus',
  cpusetMems: 'linux.resources.cpuset_mems',
  hugepageLimits: 'linux.resources.hugepage_limits',
  unified: 'linux.resources.unified',
  pidsLimit: 'linux.resources.pids_limit',
  devices: 'config.devices',
} as const satisfies Record<keyof CgroupResources, string>;

const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;
const PAGE_SIZE = /^[1-9]\d*(KB|MB|GB|TB|PB)$/;
const UNIFIED_KEY = /^[a-z][a-z0-9_]*\.[A-Za-z0-9_.]+$/;
// Values past 2^53 cannot be represented exactly; for byte limits they are
// petabytes, so treat them as "no limit".
const HUGE = Number.MAX_SAFE_INTEGER;

/** True when the value asks for a change (set and non-zero). */
export function isSet(v: number | undefined): v is number {
  return v !== undefined && v !== 0;
}

export function validateCpuList(field: string, list: string): void {
  if (!CPU_LIST.test(list)) throw new InvalidArgumentError(field, `"${list}" is not a list like 0-3,5`);
  for (const part of list.split(',')) {
    const [lo, hi] = part.split('-').map(Number);
    if (hi !== undefined && hi < lo!) throw new InvalidArgumentError(field, `range "${part}" runs backwards`);
  }
}

function checkInteger(field: string, v: number | undefined): void {
  if (v !== undefined && !Number.isSafeInteger(v)) throw new InvalidArgumentError(field, `${v} is not an integer`);
}

/** Throws InvalidArgumentError naming the first bad field; values the kernel would range-check are checked again by it. */
export function validateResources(r: CgroupResources): void {
  const f = RESOURCE_FIELDS;
  for (const key of ['cpuPeriod', 'cpuQuota', 'cpuShares', 'memoryLimitInBytes', 'memorySwapLimitInBytes', 'pidsLimit'] as const) {
    checkInteger(f[key], r[key]);
  }
  if (r.cpuPeriod !== undefined && r.cpuPeriod < 0) throw new InvalidArgumentError(f.cpuPeriod, `${r.cpuPeriod} is negative`);
  if (isSet(r.cpuPeriod) && (r.cpuPeriod < 1000 || r.cpuPeriod > 1_000_000)) {
    throw new InvalidArgumentError(f.cpuPeriod, `${r.cpuPeriod} is outside 1000..1000000 microseconds`);
  }
  if (isSet(r.cpuQuota) && r.cpuQuota > 0 && r.cpuQuota < 1000) {
    throw new InvalidArgumentError(f.cpuQuota, `${r.cpuQuota} is below the kernel minimum of 1000 microseconds`);
  }
  if (r.cpuShares !== undefined && r.cpuShares < 0) throw new InvalidArgumentError(f.cpuShares, `${r.cpuShares} is negative`);
  if (isSet(r.cpuShares) && r.cpuShares > 262144) throw new InvalidArgumentError(f.cpuShares, `${r.cpuShares} is above 262144`);
  if (r.cpusetCpus) validateCpuList(f.cpusetCpus, r.cpusetCpus);
  if (r.cpusetMems) validateCpuList(f.cpusetMems, r.cpusetMems);
  const mem = r.memoryLimitInBytes;
  const swap = r.memorySwapLimitInBytes;
  if (isSet(swap) && swap > 0) {
    if (!isSet(mem) || mem < 0) throw new InvalidArgumentError(f.memorySwapLimitInBytes, 'a swap limit needs a memory limit');
    if (swap < mem) throw new InvalidArgumentError(f.memorySwapLimitInBytes, `${swap} is below the memory limit ${mem} (it counts memory plus swap)`);
  }
  for (const [i, h] of (r.hugepageLimits ?? []).entries()) {
    if (!PAGE_SIZE.test(h.pageSize)) throw new InvalidArgumentError(`${f.hugepageLimits}[${i}].page_size`, `"${h.pageSize}" is not a page size like 2MB`);
    if (!Number.isSafeInteger(h.limit)) throw new InvalidArgumentError(`${f.hugepageLimits}[${i}].limit`, `${h.limit} is not a byte count`);
  }
  for (const [key, value] of Object.entries(r.unified ?? {})) {
    if (!UNIFIED_KEY.test(key) || key.includes('..')) {
      throw new InvalidArgumentError(`${f.unified}[${key}]`, 'not a cgroup v2 interface file name like memory.high');
    }
    if (value.trimEnd().includes('\n')) {
      throw new InvalidArgumentError(`${f.unified}[${key}]`, 'a value is one line');
    }
  }
  if (r.pidsLimit !== undefined && r.pidsLimit > 4_194_304) throw new InvalidArgumentError(f.pidsLimit, `${r.pidsLimit} is above the kernel pid limit`);
}

function int64(field: string, s: string | undefined): number | undefined {
  if (s === undefined || s === '' || s === '0') return undefined;
  if (!/^-?\d+$/.test(s)) throw new InvalidArgumentError(field, `"${s}" is not an integer`);
  const n = Number(s);
  if (n > HUGE) return -1;
  if (n < -HUGE) throw new InvalidArgumentError(field, `${s} is out of range`);
  return n;
}

/** From the CRI message (int64 as strings) to CgroupResources; 0 and "" become undefined. */
export function fromCriResources(r: LinuxContainerResources__Output | null | undefined): CgroupResources {
  if (!r) return {};
  const f = RESOURCE_FIELDS;
  const out: CgroupResources = {
    cpuPeriod: int64(f.cpuPeriod, r.cpu_period),
    cpuQuota: int64(f.cpuQuota, r.cpu_quota),
    cpuShares: int64(f.cpuShares, r.cpu_shares),
    memoryLimitInBytes: int64(f.memoryLimitInBytes, r.memory_limit_in_bytes),
    memorySwapLimitInBytes: int64(f.memorySwapLimitInBytes, r.memory_swap_limit_in_bytes),
    cpusetCpus: r.cpuset_cpus || undefined,
    cpusetMems: r.cpuset_mems || undefined,
  };
  if (r.hugepage_limits?.length) {
    out.hugepageLimits = r.hugepage_limits.map((h, i) => ({
      pageSize: h.page_size,
      limit: int64(`${f.hugepageLimits}[${i}].limit`, h.limit) ?? 0,
    }));
  }
  if (r.unified && Object.keys(r.unified).length > 0) out.unified = { ...r.unified };
  for (const k of Object.keys(out) as (keyof CgroupResources)[]) if (out[k] === undefined) delete out[k];
  return out;
}
