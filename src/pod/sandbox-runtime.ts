import type { PodRecord, SandboxHandles } from './pod-record.js';

/**
 * The machinery under a pod: namespaces, the infra process, the pod cgroup.
 * The pod service owns the state machine and calls these; the implementation
 * goes through src/native and src/cgroups only.
 */
export interface SandboxRuntime {
  /** Creates the pod's pinned namespaces (hostname, loopback up, sysctls set). On failure, remove() undoes it. */
  createNamespaces(pod: PodRecord): Promise<SandboxHandles>;
  /** Starts the infra process, for a pod that shares one PID namespace (else nothing). On failure, remove() undoes it. */
  startInfra(pod: PodRecord, handles: SandboxHandles): Promise<Partial<SandboxHandles>>;
  /** Stops the infra process; idempotent. Namespaces stay until remove (kubelet may still read status). */
  stop(pod: PodRecord): Promise<void>;
  /** Frees everything start made (stopping the infra process first unless the pod is notready); idempotent, also for a half-made pod. */
  remove(pod: PodRecord): Promise<void>;
  /** For restart recovery: does the infra process still run? */
  isRunning(pod: PodRecord): Promise<boolean>;
}
