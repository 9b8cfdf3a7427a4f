import type { RuntimeHandler } from '../rpc-types.js';

export const Status: RuntimeHandler<'Status'> = async (req, { domains }) => {
  const runtime = domains.runtime;
  return {
    status: { conditions: await runtime.conditions() },
    info: req.verbose ? runtime.verboseInfo() : {},
    runtime_handlers: [{ name: '', features: { recursive_read_only_mounts: false, user_namespaces: false } }],
    features: { supplemental_groups_policy: false, user_namespaces_host_network: false, mount_options: false },
  };
};
