// Usage samples → CRI stats messages. Pure translation.
import type { ContainerRecord } from '../../container/container-record.js';
import type { ContainerUsage } from '../../container/container-usage.js';
import type { PodRecord } from '../../pod/pod-record.js';
import type { ContainerStats } from '../../generated/runtime/v1/ContainerStats.js';
import type { PodSandboxStats } from '../../generated/runtime/v1/PodSandboxStats.js';
import { podMetadata } from './pod-mappers.js';
import { containerMetadata } from './container-mappers.js';

const u64 = (n: number | bigint | undefined) => (n === undefined ? null : { value: String(n) });

function cpu(u: ContainerUsage) {
  return { timestamp: String(u.timestampNs), usage_core_nano_seconds: u64(u.cgroup.cpu.usageNs), usage_nano_cores: u64(u.nanoCores) };
}

function memory(u: ContainerUsage) {
  const m = u.cgroup.memory;
  return {
    timestamp: String(u.timestampNs),
    working_set_bytes: u64(m.workingSetBytes),
    available_bytes: u64(m.limitBytes === undefined ? undefined : Math.max(0, m.limitBytes - m.workingSetBytes)),
    usage_bytes: u64(m.usageBytes),
    rss_bytes: u64(m.rssBytes),
    page_faults: u64(m.pageFaults),
    major_page_faults: u64(m.majorPageFaults),
  };
}

export function toContainerStats(c: ContainerRecord, u: ContainerUsage | undefined): ContainerStats {
  return {
    attributes: { id: c.id, metadata: containerMetadata(c), labels: c.spec.labels, annotations: c.spec.annotations },
    cpu: u ? cpu(u) : null,
    memory: u ? memory(u) : null,
    writable_layer: u
      ? { timestamp: String(u.timestampNs), fs_id: { mountpoint: u.writableLayer.mountpoint }, used_bytes: u64(u.writableLayer.bytes), inodes_used: u64(u.writableLayer.inodes) }
      : null,
  };
}

/** A pod's use is the sum of its containers' (the infra process, if any, is negligible). */
export function toPodSandboxStats(pod: PodRecord, containers: { record: ContainerRecord; usage: ContainerUsage | undefined }[]): PodSandboxStats {
  const sampled = containers.filter((c) => c.usage) as { record: ContainerRecord; usage: ContainerUsage }[];
  const sum = (f: (u: ContainerUsage) => number | bigint | undefined) => sampled.reduce((acc, c) => acc + BigInt(f(c.usage) ?? 0), 0n);
  const timestamp = String(sampled[0]?.usage.timestampNs ?? BigInt(Date.now()) * 1_000_000n);
  return {
    attributes: { id: pod.id, metadata: podMetadata(pod), labels: pod.spec.labels, annotations: pod.spec.annotations },
    linux: {
      cpu: { timestamp, usage_core_nano_seconds: u64(sum((u) => u.cgroup.cpu.usageNs)), usage_nano_cores: u64(sampled.every((c) => c.usage.nanoCores !== undefined) ? sum((u) => u.nanoCores) : undefined) },
      memory: { timestamp, working_set_bytes: u64(sum((u) => u.cgroup.memory.workingSetBytes)), usage_bytes: u64(sum((u) => u.cgroup.memory.usageBytes)), rss_bytes: u64(sum((u) => u.cgroup.memory.rssBytes)) },
      process: { timestamp, process_count: u64(sum((u) => u.cgroup.pids.current)) },
      containers: containers.map((c) => toContainerStats(c.record, c.usage)),
    },
  };
}
