// The container spec the daemon writes to <stateDir>/spec.json for
// husk-monitor (native/monitor/spec.c reads it). Field by field, with what
// the monitor does with it. Names follow the OCI runtime spec where one exists.
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type NamespaceType = 'net' | 'ipc' | 'uts' | 'pid' | 'mnt' | 'cgroup' | 'user';

export interface NamespaceSpec {
  type: NamespaceType;
  /** Join the namespace at this path (setns), e.g. a pinned /run/husk/ns/<pod>/net or /proc/<pid>/ns/pid. Absent: a new one. */
  path?: string;
}

export interface UserSpec {
  uid: number;
  gid: number;
  /** Supplementary groups (setgroups); at most 64. Empty clears the host's. */
  additionalGids?: number[];
}

/** Capability names as `CAP_NET_RAW` (the `CAP_` prefix is optional). Absent: the process keeps root's full sets. */
export interface CapabilitiesSpec {
  bounding: string[];
  effective: string[];
  inheritable: string[];
  permitted: string[];
  ambient: string[];
}

export interface RlimitSpec {
  /** `RLIMIT_NOFILE` etc. */
  type: string;
  /** -1 means unlimited. */
  soft: number;
  hard: number;
}

export interface ProcessSpec {
  /** argv; args[0] is looked up in the PATH from `env` (default PATH when absent) inside the container, after the user switch. */
  args: string[];
  /** `K=V` entries, passed as is. */
  env: string[];
  /** Absolute; must exist and be enterable by the user (a bad cwd fails create with step "cwd"). Default `/`. */
  cwd?: string;
  /** Numeric ids (resolve names against the image's /etc/passwd before). Default 0/0. */
  user?: UserSpec;
  /** A pty made inside the container; stdout carries both streams. */
  terminal?: boolean;
  /** Initial window size with `terminal`. Default 24x80. */
  consoleSize?: { rows: number; cols: number };
  /** Keep a stdin pipe open for attach; otherwise stdin is /dev/null. */
  stdin?: boolean;
  /** Close the container's stdin when the first attach session that wrote to it ends. */
  stdinOnce?: boolean;
  capabilities?: CapabilitiesSpec;
  noNewPrivileges?: boolean;
  rlimits?: RlimitSpec[];
  /** -1000..1000, written to /proc/self/oom_score_adj. */
  oomScoreAdj?: number;
  /**
   * A file of raw `struct sock_filter` (compileSeccomp/writeSeccompBpf). Loaded
   * just before execve when noNewPrivileges is set, else before the user switch
   * (a filter without no_new_privs needs CAP_SYS_ADMIN).
   */
  seccompBpfPath?: string;
  /** seccomp(2) filter flags (seccompFilterFlags(profile)). */
  seccompFlags?: number;
}

export interface OverlaySpec {
  /** Top layer first (overlayfs order). Any number: the new mount API adds one per call. */
  lowerdirs: string[];
  /** Both or neither; neither gives a read-only overlay. */
  upperdir?: string;
  workdir?: string;
  /**
   * 'auto' (default): the new mount API, one `lowerdir+` per layer (kernel 6.8+), else mount(2).
   * 'legacy': mount(2) only; when the option string passes 4096 bytes the layers are named
   * relative to their common parent directory.
   */
  method?: 'auto' | 'legacy';
}

export interface RootfsSpec {
  /** Host directory that becomes `/`. With `overlay`, the overlay is mounted here inside the container's mount namespace only. */
  path: string;
  readonly?: boolean;
  /** Propagation of the host's mounts into the container, applied to `/` recursively first. Default `rslave`. */
  propagation?: 'rprivate' | 'rslave' | 'rshared' | 'private' | 'slave' | 'shared';
  overlay?: OverlaySpec;
}

export interface MountSpec {
  /** Absolute path inside the container; resolved inside the rootfs (symlinks cannot escape). Missing directories are made. */
  destination: string;
  /**
   * A filesystem type (proc, sysfs, tmpfs, devpts, mqueue, ...) or `bind`. `cgroup` is cgroup2 on a v2
   * host; on a v1/hybrid host a tmpfs holding one mount per host hierarchy (each shows the container's
   * own cgroup as root when the spec has a `cgroup` namespace). `sysfs` falls back to a read-only rbind
   * of the host's /sys when it cannot be mounted (no own network namespace).
   */
  type: string;
  /** Host path for binds (must exist: a file source makes a file target), else the fs name. */
  source: string;
  /**
   * OCI vocabulary: bind, rbind, ro, rw, rro (recursive read-only), nosuid/suid, nodev/dev,
   * noexec/exec, sync/async, dirsync, [no]atime, [no]diratime, [no]relatime, strictatime,
   * private/rprivate/slave/rslave/shared/rshared/[r]unbindable. Anything else (mode=, size=,
   * newinstance, gid=...) is passed to the filesystem.
   */
  options?: string[];
}

export interface DeviceSpec {
  path: string;
  /** c (or u), b, p */
  type: 'c' | 'u' | 'b' | 'p';
  major: number;
  minor: number;
  /** Permission bits, e.g. 0o666. */
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

export interface OomSpec {
  /** Cgroup version of `memoryCgroupDir`. */
  version: 1 | 2;
  /** The memory controller directory whose kill counter tells an OOM kill (v1 memory.oom_control, v2 memory.events). */
  memoryCgroupDir: string;
}

export interface ContainerSpec {
  id: string;
  /** Absolute. Holds spec.json, monitor.sock, exit.json, container.pid and monitor.pid. */
  stateDir: string;
  /** CRI log file (made with its parent directories). Absent: output goes to attach clients only. */
  logPath?: string;
  process: ProcessSpec;
  /** sethostname() whenever given; leave it out when joining a pod's uts namespace (it would rename the pod). */
  hostname?: string;
  /** Must include `mnt`. Processed: pid in the monitor before fork; then user, ipc, uts, net, cgroup, mnt joins; then new ones. */
  namespaces: NamespaceSpec[];
  /** Needed with a new `user` namespace; written by the monitor. */
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
  rootfs: RootfsSpec;
  /** In order, before pivot_root. */
  mounts: MountSpec[];
  /** Over files: /dev/null bound on them; over directories: an empty read-only tmpfs. Missing paths are skipped. */
  maskedPaths?: string[];
  /** Bound read-only on themselves. Missing paths are skipped. */
  readonlyPaths?: string[];
  /** Nodes made after the mounts (mknod; a bind of the host node when mknod is not allowed). */
  devices?: DeviceSpec[];
  /** Namespaced sysctls, `net.ipv4.ip_forward: "1"`, written after pivot_root. */
  sysctl?: Record<string, string>;
  /** Cgroup directories the process is put in (cgroup.procs) before any setup: one per v1 hierarchy, or one v2 directory. */
  cgroupDirs?: string[];
  oom?: OomSpec;
}

/** The spec for `husk-monitor exec`: a process joining a running container. */
export interface ExecSpec {
  /** The container process whose namespaces are joined. */
  pid: number;
  process: ProcessSpec;
  /** The container's cgroup directories; the exec'd process joins them. */
  cgroupDirs?: string[];
}

export const SPEC_FILE = 'spec.json';

/**
 * Writes the spec to <stateDir>/spec.json atomically (temp file + rename);
 * returns the path. No fsync: the state dir is volatile (lost on reboot
 * anyway) and a daemon crash cannot tear a renamed file; an fsync on a disk
 * would cost more than the rest of container creation.
 */
export async function writeSpec(spec: ContainerSpec): Promise<string> {
  const path = join(spec.stateDir, SPEC_FILE);
  const tmp = join(spec.stateDir, `.${SPEC_FILE}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(tmp, JSON.stringify(spec), { mode: 0o600 });
  await rename(tmp, path);
  return path;
}

/** containerd's default capability set (CRI-O's is the same minus MKNOD, NET_RAW, AUDIT_WRITE). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The five sets for a process holding `caps`: bounding, effective, permitted
 * and inheritable as containerd sets them for root; ambient empty (Kubernetes
 * does not raise ambient capabilities, so a non-root user keeps none effective).
 */
export function capabilitySets(caps: readonly string[]): CapabilitiesSpec {
  const list = [...caps];
  return { bounding: list, effective: list, permitted: list, inheritable: [], ambient: [] };
}

/** /proc, /dev (tmpfs), /dev/pts, /dev/shm, /dev/mqueue, /sys and /sys/fs/cgroup as containerd mounts them. */
export function defaultMounts(): MountSpec[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
  ];
}

/** null, zero, full, random, urandom, tty (0666), as every runtime creates them. */
export function defaultDevices(): DeviceSpec[] {
  const node = (name: string, major: number, minor: number): DeviceSpec => ({ path: `/dev/${name}`, type: 'c', major, minor, fileMode: 0o666, uid: 0, gid: 0 });
  return [node('null', 1, 3), node('zero', 1, 5), node('full', 1, 7), node('random', 1, 8), node('urandom', 1, 9), node('tty', 5, 0)];
}

export type SpecInput = Pick<ContainerSpec, 'id' | 'stateDir' | 'rootfs'> & {
  process: Pick<ProcessSpec, 'args'> & Partial<ProcessSpec>;
} & Partial<Omit<ContainerSpec, 'id' | 'stateDir' | 'rootfs' | 'process'>>;

/**
 * A full spec from what differs from the defaults: new pid/ipc/uts/mnt/net
 * namespaces, the default mounts (a given mount replaces the default at the
 * same destination in place, others are appended), devices, masked and read-only
 * paths, containerd's capabilities, PATH in env, cwd `/`, root user.
 */
export function withDefaults(input: SpecInput): ContainerSpec {
  const given = input.mounts ?? [];
  const defaults = defaultMounts();
  const mounts = [
    ...defaults.map((d) => given.find((m) => m.destination === d.destination) ?? d),
    ...given.filter((m) => !defaults.some((d) => d.destination === m.destination)),
  ];
  const env = input.process.env ?? [];
  return {
    ...input,
    process: {
      cwd: '/',
      user: { uid: 0, gid: 0, additionalGids: [] },
      capabilities: capabilitySets(DEFAULT_CAPABILITIES),
      ...input.process,
      env: env.some((e) => e.startsWith('PATH=')) ? env : [DEFAULT_PATH_ENV, ...env],
    },
    namespaces: input.namespaces ?? [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mnt' }, { type: 'net' }],
    mounts,
    devices: input.devices ?? defaultDevices(),
    maskedPaths: input.maskedPaths ?? [...DEFAULT_MASKED_PATHS],
    readonlyPaths: input.readonlyPaths ?? [...DEFAULT_READONLY_PATHS],
  };
}
