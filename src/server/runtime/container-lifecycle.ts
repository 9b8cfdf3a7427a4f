import type { RuntimeHandler } from '../rpc-types.js';
import { containerSpec } from '../../container/container-spec.js';
import { requireString } from '../validate.js';
import { InvalidArgumentError } from '../../common/errors.js';

export const CreateContainer: RuntimeHandler<'CreateContainer'> = async (req, { domains }) => ({
  container_id: await domains.containers.create(requireString(req.pod_sandbox_id, 'pod_sandbox_id'), containerSpec(req.config)),
});

export const StartContainer: RuntimeHandler<'StartContainer'> = async (req, { domains }) => {
  await domains.containers.start(requireString(req.container_id, 'container_id'));
  return {};
};

export const StopContainer: RuntimeHandler<'StopContainer'> = async (req, { domains }) => {
  const timeout = Number(req.timeout);
  if (!Number.isFinite(timeout) || timeout < 0) throw new InvalidArgumentError('timeout', 'must not be negative');
  await domains.containers.stop(requireString(req.container_id, 'container_id'), timeout);
  return {};
};

export const RemoveContainer: RuntimeHandler<'RemoveContainer'> = async (req, { domains }) => {
  await domains.containers.remove(requireString(req.container_id, 'container_id'));
  return {};
};
