import type { ContainerRecord, ContainerHandles, ExitStatus } from './container-record.js';
import type { PodRecord } from '../pod/pod-record.js';
import type { StreamIO } from '../streaming/index.js';
import type { CgroupStats } from '../cgroups/index.js';
import type { DiskUsage } from '../common/disk-usage.js';
import type { LinuxContainerResources__Output } from '../generated/runtime/v1/LinuxContainerResources.js';

export interface ExecOutput {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}

/**
 * The machinery under a container: rootfs, monitor, process. The container
 * service owns the state machine and calls these; the implementation goes
 * through src/native, src/cgroups and the image store only.
 */
export interface ContainerRuntime {
  /**
   * Checks the request against the image and the pod and lays out the
   * container's directories; no process yet (as containerd and CRI-O, the
   * process is made at start). remove() undoes it.
   */
  create(container: ContainerRecord, pod: PodRecord, pidTarget?: ContainerRecord): Promise<ContainerHandles>;
  /**
   * Makes the cgroup and the process (through its monitor) and runs it. Undoes
   * its own partial work on failure. `pidTarget`: the running container whose
   * PID namespace a pid TARGET container joins.
   */
  start(container: ContainerRecord, pod: PodRecord, pidTarget?: ContainerRecord): Promise<{ pid: number; monitorPid: number }>;
  signal(container: ContainerRecord, signal: number): Promise<void>;
  /** Resolves once the process has exited and the monitor recorded it. */
  waitExit(container: ContainerRecord): Promise<ExitStatus>;
  /** The recorded exit, if the process has exited (restart recovery). */
  readExit(container: ContainerRecord): Promise<ExitStatus | undefined>;
  /**
   * After a crash cut a StartContainer short: the process it made, if any
   * (finishing its start when it was still waiting for it).
   */
  resumeStart(container: ContainerRecord): Promise<{ pid: number; monitorPid: number } | undefined>;
  /** Is the monitor still there? */
  isAlive(container: ContainerRecord): Promise<boolean>;
  /** Removes what containers not in `known` left (a creation a crash cut short); returns their IDs. */
  removeOrphans(known: ReadonlySet<string>): Promise<string[]>;
  /** Frees rootfs, cgroup and state; idempotent, also for a half-made container. */
  remove(container: ContainerRecord): Promise<void>;
  /** Runs a command in the running container as its own process runs (user, capabilities, seccomp, env, cwd). */
  execSync(container: ContainerRecord, cmd: string[], timeoutMs: number): Promise<ExecOutput>;
  /** The same, streaming, for the Exec streaming session. */
  exec(container: ContainerRecord, cmd: string[], io: StreamIO): Promise<{ exitCode: number }>;
  /** Attaches to the main process's stdio until it exits or the client leaves. */
  attach(container: ContainerRecord, io: StreamIO): Promise<void>;
  /** Makes the monitor reopen the CRI log file (kubelet rotated it). */
  reopenLog(container: ContainerRecord): Promise<void>;
  /** Cumulative resource use: the container cgroup's counters and its writable layer. */
  usage(container: ContainerRecord): Promise<{ cgroup: CgroupStats; writableLayer: DiskUsage & { mountpoint: string } } | undefined>;
  /** Applies new limits to the running container's cgroup. */
  updateResources(container: ContainerRecord, resources: LinuxContainerResources__Output): Promise<void>;
}
