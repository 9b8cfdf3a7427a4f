import { CgroupDriver } from '../../generated/runtime/v1/CgroupDriver.js';
import type { RuntimeHandler } from '../rpc-types.js';
import { checkCidrList } from '../validate.js';

export const RuntimeConfig: RuntimeHandler<'RuntimeConfig'> = async (_req, { domains }) => ({
  linux: { cgroup_driver: domains.runtime.cgroupDriver === 'systemd' ? CgroupDriver.SYSTEMD : CgroupDriver.CGROUPFS },
});

export const UpdateRuntimeConfig: RuntimeHandler<'UpdateRuntimeConfig'> = async (req, { domains }) => {
  const cidr = req.runtime_config?.network_config?.pod_cidr ?? '';
  // kubelet sends an empty CIDR when it has none yet; that must not erase a known one.
  if (cidr) await domains.runtime.setPodCidr(checkCidrList(cidr, 'runtime_config.network_config.pod_cidr'));
  return {};
};
