import type { RuntimeHandler } from '../rpc-types.js';
import { requireString } from '../validate.js';
import { batches } from '../stream-batches.js';
import { toContainer, toContainerStatus, containerVerboseInfo, containerFilter } from './container-mappers.js';

export const ContainerStatus: RuntimeHandler<'ContainerStatus'> = async (req, { domains }) => {
  const c = domains.containers.get(requireString(req.container_id, 'container_id'));
  return { status: toContainerStatus(c), info: req.verbose ? containerVerboseInfo(c) : {} };
};

export const ListContainers: RuntimeHandler<'ListContainers'> = async (req, { domains }) => ({
  containers: domains.containers.list(containerFilter(req.filter)).map(toContainer),
});

export const StreamContainers: RuntimeHandler<'StreamContainers'> = async function* (req, { domains }) {
  for (const batch of batches(domains.containers.list(containerFilter(req.filter)))) yield { containers: batch.map(toContainer) };
};
