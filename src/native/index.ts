// The door to the kernel: typed functions and typed errors over the native
// addon. Domain code imports from here and nowhere else in src/native.
export { NativeError, isNativeError } from './errors.js';
export type { NativeErrorFields } from './errors.js';
export { addonAvailable } from './addon.js';

export { createPinnedNamespaces, pinProcessNamespace, unpinNamespaces, namespaceInode } from './namespaces.js';
export type { NamespaceKind, PinnableNamespaceKind, PinnedNamespaces } from './namespaces.js';

export { writeSysctl, setHostnameInNamespace, sysctlNamespace, sysctlPath } from './sysctl.js';
export type { SysctlNamespace, SysctlNamespaces } from './sysctl.js';

export { mount, unmount, bindMount, setPropagation, remountReadOnly, mountOverlay, makeTmpfs, isMountpoint, ensurePrivateMount } from './mounts.js';
export type { MountFlag, Propagation, UnmountOptions, BindOptions, OverlaySpec, TmpfsOptions } from './mounts.js';
export { parseMountInfo, readMountInfo, mountsUnder } from './mountinfo.js';
export type { MountInfo } from './mountinfo.js';

export { openTcpSocketInNetns, connectTcpFdInNetns } from './netns-socket.js';
export type { NetnsConnectOptions } from './netns-socket.js';
export { setLoopbackUp, interfacesInNetns } from './netns.js';

export { runtimeDefaultProfile, loadLocalhostProfile, parseSeccompProfile, compileSeccomp, writeSeccompBpf, RUNTIME_DEFAULT_PROFILE_PATH, SOCK_FILTER_SIZE } from './seccomp.js';
export type { ParseOptions, CompileContext } from './seccomp.js';
export { validateSeccompProfile, resolveSeccompProfile, seccompFilterFlags, normalizeCapability, SECCOMP_ACTIONS, SECCOMP_OPERATORS, SECCOMP_FILTER_FLAGS } from './seccomp-profile.js';
export type { SeccompProfile, SeccompRule, SeccompArg, SeccompAction, SeccompOperator, SeccompConditions, SeccompFilterFlag, ResolveContext } from './seccomp-profile.js';

export { pidfdOpen, closePidfd, pidfdSendSignal, pidfdHasExited, waitForPidfdExit, waitForProcessExit } from './pidfd.js';
export type { WaitOptions } from './pidfd.js';
export { spawnChild } from './spawn.js';
export type { SpawnedChild, SpawnOptions, StdioSlot, ChildExit } from './spawn.js';

export { mknod, mkdirExact, lsetxattr, lgetxattr, statfs, replaceFile, syncFiles, removeTree, rmdirTrees, makeDirs, FS_MAGIC } from './fs.js';
export type { NodeKind, StatfsResult } from './fs.js';

export { compileDeviceFilter, setDeviceFilter, attachedDeviceFilters, bpfProgramLoaded, BPF_INSN_SIZE } from './device-filter.js';
export type { DeviceFilterRule, DeviceFilterOptions } from './device-filter.js';

// The per-container monitor (native/monitor) and the spec it reads.
export * from './monitor.js';
export * from './spec.js';
