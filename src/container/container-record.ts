import type { ContainerRequestSpec } from './container-spec.js';

export type ContainerState = 'creating' | 'created' | 'running' | 'exited' | 'unknown';

/** How a container's process ended, as the monitor records it. */
export interface ExitStatus {
  exitCode: number;
  /** The signal that killed it, or 0. */
  signal: number;
  finishedAtNs: string;
  oomKilled: boolean;
}

/** What the container runtime made and must find again after a restart. */
export interface ContainerHandles {
  rootfs: string;
  cgroupPath: string;
  /** From StartContainer on: the process (host pid) and its monitor. */
  pid?: number;
  monitorPid?: number;
}

export interface ContainerRecord {
  id: string;
  podId: string;
  spec: ContainerRequestSpec;
  reservedName: string;
  state: ContainerState;
  createdAtNs: string;
  startedAtNs?: string;
  exit?: ExitStatus;
  /** CRI reason: Completed, Error, OOMKilled (or a start failure's). */
  reason?: string;
  message?: string;
  /** The image ID (config digest) the container runs, and the name it was asked by. */
  imageId: string;
  imageRef: string;
  /** Absolute path of the CRI log file ('' when the pod has no log directory). */
  logPath: string;
  /** The container's directory under the state root. */
  stateDir: string;
  /** The effective user, for ContainerStatus.user. */
  user?: { uid: number; gid: number; additionalGids: number[] };
  /** Signal number used by StopContainer (image STOPSIGNAL, request, or SIGTERM). */
  stopSignal: number;
  handles?: ContainerHandles;
}
