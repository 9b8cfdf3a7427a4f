// Container records → CRI messages. Pure translation, nothing else.
import type { ContainerRecord } from '../../container/container-record.js';
import type { ContainerFilter } from '../../container/container-service.js';
import type { Container } from '../../generated/runtime/v1/Container.js';
import type { ContainerStatus } from '../../generated/runtime/v1/ContainerStatus.js';
import type { ContainerFilter__Output } from '../../generated/runtime/v1/ContainerFilter.js';
import { ContainerState } from '../../generated/runtime/v1/ContainerState.js';
import { MountPropagation } from '../../generated/runtime/v1/MountPropagation.js';
import { criSignalOf } from '../../container/signals.js';

const STATE = { creating: ContainerState.CONTAINER_UNKNOWN, created: ContainerState.CONTAINER_CREATED, running: ContainerState.CONTAINER_RUNNING, exited: ContainerState.CONTAINER_EXITED, unknown: ContainerState.CONTAINER_UNKNOWN } as const;
const FROM_STATE: Record<number, ContainerFilter['state']> = {
  [ContainerState.CONTAINER_CREATED]: 'created',
  [ContainerState.CONTAINER_RUNNING]: 'running',
  [ContainerState.CONTAINER_EXITED]: 'exited',
  [ContainerState.CONTAINER_UNKNOWN]: 'unknown',
};
const PROPAGATION = { rprivate: MountPropagation.PROPAGATION_PRIVATE, rslave: MountPropagation.PROPAGATION_HOST_TO_CONTAINER, rshared: MountPropagation.PROPAGATION_BIDIRECTIONAL } as const;

export function containerMetadata(c: ContainerRecord) {
  return { name: c.spec.name, attempt: c.spec.attempt };
}

function imageSpec(c: ContainerRecord) {
  return { image: c.imageRef, annotations: {}, user_specified_image: c.imageRef, runtime_handler: '', image_ref: c.imageId };
}

export function toContainer(c: ContainerRecord): Container {
  return {
    id: c.id,
    pod_sandbox_id: c.podId,
    metadata: containerMetadata(c),
    image: imageSpec(c),
    image_ref: c.imageId,
    state: STATE[c.state],
    created_at: c.createdAtNs,
    labels: c.spec.labels,
    annotations: c.spec.annotations,
    image_id: c.imageId,
  };
}

export function toContainerStatus(c: ContainerRecord): ContainerStatus {
  return {
    id: c.id,
    metadata: containerMetadata(c),
    state: STATE[c.state],
    created_at: c.createdAtNs,
    started_at: c.startedAtNs ?? '0',
    finished_at: c.exit?.finishedAtNs ?? '0',
    exit_code: c.exit?.exitCode ?? 0,
    image: imageSpec(c),
    image_ref: c.imageId,
    image_id: c.imageId,
    reason: c.reason ?? '',
    message: c.message ?? '',
    labels: c.spec.labels,
    annotations: c.spec.annotations,
    mounts: c.spec.mounts.map((m) => ({
      container_path: m.containerPath,
      host_path: m.hostPath,
      readonly: m.readonly,
      recursive_read_only: m.recursiveReadOnly,
      propagation: PROPAGATION[m.propagation],
    })),
    log_path: c.logPath,
    resources: c.spec.resources ? { linux: c.spec.resources } : null,
    user: c.user ? { linux: { uid: c.user.uid, gid: c.user.gid, supplemental_groups: c.user.additionalGids } } : null,
    stop_signal: criSignalOf(c.stopSignal),
  };
}

/** The verbose `info` crictl inspect prints. */
export function containerVerboseInfo(c: ContainerRecord): Record<string, string> {
  return {
    info: JSON.stringify({ sandboxID: c.podId, pid: c.handles?.pid ?? 0, monitorPid: c.handles?.monitorPid ?? 0, rootfs: c.handles?.rootfs, cgroupPath: c.handles?.cgroupPath, stateDir: c.stateDir, config: c.spec }),
  };
}

export function containerFilter(f: ContainerFilter__Output | null): ContainerFilter {
  if (!f) return {};
  return {
    id: f.id || undefined,
    podId: f.pod_sandbox_id || undefined,
    state: f.state ? FROM_STATE[f.state.state] : undefined,
    labelSelector: f.label_selector,
  };
}
