import type { RuntimeHandler } from '../rpc-types.js';
import { sandboxSpec } from '../../pod/sandbox-spec.js';
import { toPodSandbox, toPodSandboxStatus, podVerboseInfo, podFilter } from './pod-mappers.js';
import { requireString } from '../validate.js';
import { toContainerStatus } from './container-mappers.js';
import { batches } from '../stream-batches.js';

export const RunPodSandbox: RuntimeHandler<'RunPodSandbox'> = async (req, { domains }) => ({
  pod_sandbox_id: await domains.pods.run(sandboxSpec(req.config, req.runtime_handler)),
});

export const StopPodSandbox: RuntimeHandler<'StopPodSandbox'> = async (req, { domains }) => {
  await domains.pods.stop(requireString(req.pod_sandbox_id, 'pod_sandbox_id'));
  return {};
};

export const RemovePodSandbox: RuntimeHandler<'RemovePodSandbox'> = async (req, { domains }) => {
  await domains.pods.remove(requireString(req.pod_sandbox_id, 'pod_sandbox_id'));
  return {};
};

export const PodSandboxStatus: RuntimeHandler<'PodSandboxStatus'> = async (req, { domains }) => {
  const pod = domains.pods.get(requireString(req.pod_sandbox_id, 'pod_sandbox_id'));
  return {
    status: toPodSandboxStatus(pod),
    info: req.verbose ? podVerboseInfo(pod) : {},
    containers_statuses: domains.containers.list({ podId: pod.id }).map(toContainerStatus),
    timestamp: (BigInt(Date.now()) * 1_000_000n).toString(),
  };
};

export const ListPodSandbox: RuntimeHandler<'ListPodSandbox'> = async (req, { domains }) => ({
  items: domains.pods.list(podFilter(req.filter)).map(toPodSandbox),
});

export const StreamPodSandboxes: RuntimeHandler<'StreamPodSandboxes'> = async function* (req, { domains }) {
  for (const batch of batches(domains.pods.list(podFilter(req.filter)))) yield { pod_sandboxes: batch.map(toPodSandbox) };
};
