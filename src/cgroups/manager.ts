import type { CgroupDriver } from '../config/config.js';
import type { CgroupResources } from './resources.js';
import type { CgroupStats } from './stats.js';

export interface MemoryCgroup {
  version: 1 | 2;
  /** The directory holding memory.oom_control (v1) or memory.events (v2). */
  dir: string;
}

export interface RemoveOptions {
  /** How long to wait for killed members to leave; default 10 s. */
  timeoutMs?: number;
}

/**
 * One cgroup manager per host, chosen by detection (see createCgroupManager).
 * Paths are CgroupPaths ("/kubepods/burstable/podX/husk-<id>"), relative to
 * the cgroup mount(s); build them with podCgroupPath / containerCgroupPath.
 */
export interface CgroupManager {
  readonly version: 1 | 2;
  readonly driver: CgroupDriver;
  /** The pod's cgroup path from CRI's cgroup_parent, named for this driver. */
  podPath(cgroupParent: string): string;
  /** A container's (or sandbox's) cgroup path under its pod's. */
  containerPath(podPath: string, id: string): string;
  /** Makes the cgroup (and its parents) in every hierarchy and applies the limits. Removes what it made if applying fails. */
  create(path: string, resources: CgroupResources): Promise<void>;
  /** Applies limits to a live cgroup; fields left unset stay as they are. */
  update(path: string, resources: CgroupResources): Promise<void>;
  stats(path: string): Promise<CgroupStats>;
  /** Kills every member, waits for them to go, removes the cgroup and its children; a missing cgroup is fine. */
  remove(path: string, options?: RemoveOptions): Promise<void>;
  /** Directories whose cgroup.procs a new process must be written into, before exec. */
  procDirs(path: string): string[];
  /** Where OOM kills of this cgroup are reported. */
  memoryDir(path: string): MemoryCgroup;
  /** Moves a running process into the cgroup (all hierarchies). */
  addProcess(path: string, pid: number): Promise<void>;
  /** PIDs in the cgroup and its children. */
  pids(path: string): Promise<number[]>;
  exists(path: string): Promise<boolean>;
}
