import type { RuntimeHandler } from '../rpc-types.js';
import { requireString } from '../validate.js';
import { InvalidArgumentError } from '../../common/errors.js';

export const ExecSync: RuntimeHandler<'ExecSync'> = async (req, { domains }) => {
  if (req.cmd.length === 0) throw new InvalidArgumentError('cmd', 'is required');
  const timeout = Number(req.timeout);
  if (!Number.isFinite(timeout) || timeout < 0) throw new InvalidArgumentError('timeout', 'must not be negative');
  const out = await domains.containers.execSync(requireString(req.container_id, 'container_id'), req.cmd, timeout);
  return { stdout: out.stdout, stderr: out.stderr, exit_code: out.exitCode };
};

/** Exec, Attach and PortForward hand back a URL on the streaming server, after checking the target exists. */
export const Exec: RuntimeHandler<'Exec'> = async (req, { domains }) => {
  domains.containers.get(requireString(req.container_id, 'container_id'));
  return { url: domains.streaming.prepareExec(req) };
};

export const Attach: RuntimeHandler<'Attach'> = async (req, { domains }) => {
  domains.containers.get(requireString(req.container_id, 'container_id'));
  return { url: domains.streaming.prepareAttach(req) };
};

export const PortForward: RuntimeHandler<'PortForward'> = async (req, { domains }) => {
  domains.pods.get(requireString(req.pod_sandbox_id, 'pod_sandbox_id'));
  return { url: domains.streaming.preparePortForward(req) };
};

export const ReopenContainerLog: RuntimeHandler<'ReopenContainerLog'> = async (req, { domains }) => {
  await domains.containers.reopenLog(requireString(req.container_id, 'container_id'));
  return {};
};

export const UpdateContainerResources: RuntimeHandler<'UpdateContainerResources'> = async (req, { domains }) => {
  const linux = req.linux;
  if (!linux) throw new InvalidArgumentError('linux', 'is required');
  await domains.containers.updateResources(requireString(req.container_id, 'container_id'), linux);
  return {};
};
