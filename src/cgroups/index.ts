// Public surface of src/cgroups: v1 and v2 drivers behind CgroupManager,
// cgroupfs and systemd naming, the resource type and its conversions.
export type { CgroupManager, MemoryCgroup, RemoveOptions } from './manager.js';
export { createCgroupManager, managerForLayout, type CgroupManagerOptions } from './create-manager.js';
export { detectCgroupLayout, layoutFromMountinfo, type CgroupLayout, type CgroupMode } from './detect.js';
export {
  DEFAULT_CGROUP_PARENT,
  podCgroupPath,
  containerCgroupPath,
  containerCgroupName,
  expandSlice,
  normalizeCgroupPath,
  type CgroupDriver,
} from './path.js';
export {
  fromCriResources,
  validateResources,
  RESOURCE_FIELDS,
  type CgroupResources,
  type HugepageLimit,
  type DeviceRule,
} from './resources.js';
export type { CgroupStats, CgroupCpuStats, CgroupMemoryStats, CgroupHugetlbStats } from './stats.js';
export { sharesToWeight, weightToShares, cpuMax, v2SwapMax, hugePageSizeName } from './convert.js';
export { CgroupFsError, isCgroupFsError, kernelCgroupFs, type CgroupFs } from './fs-ops.js';
export { V1CgroupManager } from './v1/manager.js';
export { V2CgroupManager } from './v2/manager.js';
export type { DeviceFilterInstaller } from './v2/devices.js';
