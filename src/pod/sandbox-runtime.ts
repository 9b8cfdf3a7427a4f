import type { PodRecord, SandboxHandles } from './pod-record.js';

/**
 * The machinery under a pod: namespaces, the infra process, the pod cgroup.
 * The pod service owns the state machine and calls these; the implementation
 * goes through src/native and src/cgroups only.
 */
export interface SandboxRuntime {
  /** Creates the pod's namespaces, cgroup and infra process. Must undo its own partial work on failure. */
  start(pod: PodRecord): Promise<SandboxHandles>;
  /** Stops the infra process; idempotent. Namespaces stay until remove (kubelet may still read status). */
  stop(pod: PodRecord): Promise<void>;
  /** Frees everything start made; idempotent, also for a half-made pod. */
  remove(pod: PodRecord): Promise<void>;
  /** For restart recovery: does the infra process still run? */
  isRunning(pod: PodRecord): Promise<boolean>;
}
