// Feeds the event bus from the pod and container services. Each event carries
// a snapshot of the pod and its containers at that moment, which is what
// kubelet's evented PLEG reads from GetContainerEvents.
import type { PodService } from '../pod/pod-service.js';
import type { ContainerService } from '../container/container-service.js';
import type { PodRecord } from '../pod/pod-record.js';
import type { ContainerRecord } from '../container/container-record.js';
import { EventBus, nowNs } from './event-bus.js';

export interface PodSnapshot {
  pod?: PodRecord;
  containers: ContainerRecord[];
}

export type LifecycleBus = EventBus<PodSnapshot>;

export function connectLifecycleEvents(pods: PodService, containers: ContainerService, bus: LifecycleBus): void {
  const snapshot = (podId: string, pod?: PodRecord): PodSnapshot => ({
    pod: structuredClone(pod ?? pods.find(podId)),
    containers: structuredClone(containers.list({ podId })),
  });
  // A sandbox's own events carry its ID as the container ID, as containerd and CRI-O send them.
  pods.onChange((type, pod) => bus.publish({ containerId: pod.id, type, createdAtNs: nowNs() }, () => snapshot(pod.id, pod)));
  containers.onChange((type, c) => bus.publish({ containerId: c.id, type, createdAtNs: nowNs() }, () => snapshot(c.podId)));
}
