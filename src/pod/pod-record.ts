import type { SandboxSpec } from './sandbox-spec.js';
import type { PodNetworkStatus } from '../network/cni-network.js';

/** Where a pod is in its life. `creating` only exists between the first write and the end of RunPodSandbox. */
export type PodState = 'creating' | 'ready' | 'notready';

/** What the sandbox runtime made for a pod and must find again after a restart. */
export interface SandboxHandles {
  /** Namespace files (pinned bind mounts, or /proc/<pid>/ns/* of the infra process). */
  netnsPath?: string;
  ipcnsPath?: string;
  utsnsPath?: string;
  pidnsPath?: string;
  /** The infra (pause) process and its monitor, when the pod has one. */
  infraPid?: number;
  monitorPid?: number;
  /** The pod cgroup, relative to the cgroup root. */
  cgroupPath: string;
  /** The infra process's own cgroup (under the pod's). */
  infraCgroupPath?: string;
}

export interface PodRecord {
  id: string;
  spec: SandboxSpec;
  state: PodState;
  /** Unix ns, as a decimal string (int64 on the wire). */
  createdAtNs: string;
  /** The pod's directory under the state root: hostname, resolv.conf, hosts. */
  stateDir: string;
  handles?: SandboxHandles;
  network?: PodNetworkStatus;
  /** Set once StopPodSandbox has torn the network down (CNI DEL), so it is not done twice. */
  networkDown?: boolean;
}
