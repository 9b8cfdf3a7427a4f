import type { CgroupDriver } from '../config/config.js';
import { detectCgroupLayout, type CgroupLayout } from './detect.js';
import { kernelCgroupFs, type CgroupFs } from './fs-ops.js';
import type { CgroupManager } from './manager.js';
import { V1CgroupManager } from './v1/manager.js';
import { V2CgroupManager } from './v2/manager.js';

export interface CgroupManagerOptions {
  /**
   * Naming only. Under `systemd` the cgroup paths come from slice and scope
   * names (see path.ts) but the directories are made and written directly,
   * exactly as under `cgroupfs`: husk does not talk to systemd over D-Bus.
   * That is right when systemd does not run (containers, this build machine)
   * and works beside it because systemd leaves unknown directories under its
   * slices alone; it does not make systemd account or stop the scopes.
   */
  driver: CgroupDriver;
  /** Defaults to detection from /proc/self/mountinfo. */
  layout?: CgroupLayout;
  /** Defaults to the real cgroup filesystem; tests pass a fake rooted in a temp dir. */
  fs?: CgroupFs;
}

/** v2 hosts get the v2 manager; v1 and hybrid hosts (whose cgroup2 mount carries no controllers) the v1 one. */
export function managerForLayout(layout: CgroupLayout, driver: CgroupDriver, fs: CgroupFs = kernelCgroupFs): CgroupManager {
  if (layout.mode === 'v2') return new V2CgroupManager(layout.v2Mount!, driver, fs);
  return new V1CgroupManager(layout.v1Mounts, driver, fs);
}

export async function createCgroupManager(options: CgroupManagerOptions): Promise<CgroupManager> {
  const layout = options.layout ?? (await detectCgroupLayout());
  return managerForLayout(layout, options.driver, options.fs);
}
