import { setDeviceFilter } from '../../native/index.js';
import { RESOURCE_FIELDS as F, type CgroupResources, type DeviceRule } from '../resources.js';

/** Makes rules a cgroup's device allow-list; on the kernel an eBPF program, in unit tests a recorder. */
export type DeviceFilterInstaller = (dir: string, rules: readonly DeviceRule[]) => Promise<void>;

/** cgroup v2 has no devices controller: the kernel consults BPF_CGROUP_DEVICE programs instead. */
export const kernelDeviceFilter: DeviceFilterInstaller = async (dir, rules) => {
  await setDeviceFilter(dir, rules, { field: F.devices });
};

/** Replaces the allow-list when devices is set; an empty list denies every device. */
export async function applyDevices(install: DeviceFilterInstaller, dir: string, r: CgroupResources): Promise<void> {
  if (r.devices) await install(dir, r.devices);
}
