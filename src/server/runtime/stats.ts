import type { RuntimeHandler } from '../rpc-types.js';
import type { Domains } from '../domains.js';
import type { ContainerRecord } from '../../container/container-record.js';
import type { PodRecord } from '../../pod/pod-record.js';
import { requireString } from '../validate.js';
import { batches } from '../stream-batches.js';
import { toContainerStats, toPodSandboxStats } from './stats-mappers.js';

async function containerStats(domains: Domains, containers: ContainerRecord[]) {
  return Promise.all(containers.map(async (c) => toContainerStats(c, await domains.containers.usage(c))));
}

async function podStats(domains: Domains, pod: PodRecord) {
  const containers = domains.containers.list({ podId: pod.id, state: 'running' });
  return toPodSandboxStats(pod, await Promise.all(containers.map(async (record) => ({ record, usage: await domains.containers.usage(record) }))));
}

function listedContainers(domains: Domains, f: { id: string; pod_sandbox_id: string; label_selector: Record<string, string> } | null) {
  return domains.containers.list({ id: f?.id || undefined, podId: f?.pod_sandbox_id || undefined, labelSelector: f?.label_selector, state: 'running' });
}

export const ContainerStats: RuntimeHandler<'ContainerStats'> = async (req, { domains }) => {
  const c = domains.containers.get(requireString(req.container_id, 'container_id'));
  return { stats: (await containerStats(domains, [c]))[0]! };
};

export const ListContainerStats: RuntimeHandler<'ListContainerStats'> = async (req, { domains }) => ({
  stats: await containerStats(domains, listedContainers(domains, req.filter)),
});

export const StreamContainerStats: RuntimeHandler<'StreamContainerStats'> = async function* (req, { domains }) {
  for (const batch of batches(listedContainers(domains, req.filter))) yield { container_stats: await containerStats(domains, batch) };
};

export const PodSandboxStats: RuntimeHandler<'PodSandboxStats'> = async (req, { domains }) => ({
  stats: await podStats(domains, domains.pods.get(requireString(req.pod_sandbox_id, 'pod_sandbox_id'))),
});

export const ListPodSandboxStats: RuntimeHandler<'ListPodSandboxStats'> = async (req, { domains }) => ({
  stats: await Promise.all(domains.pods.list({ id: req.filter?.id || undefined, labelSelector: req.filter?.label_selector, state: 'ready' }).map((p) => podStats(domains, p))),
});

export const StreamPodSandboxStats: RuntimeHandler<'StreamPodSandboxStats'> = async function* (req, { domains }) {
  const pods = domains.pods.list({ id: req.filter?.id || undefined, labelSelector: req.filter?.label_selector, state: 'ready' });
  for (const batch of batches(pods)) yield { pod_sandbox_stats: await Promise.all(batch.map((p) => podStats(domains, p))) };
};

/** kubelet owns the pod-level cgroup; husk records the new values (as containerd does) so status reflects them. */
export const UpdatePodSandboxResources: RuntimeHandler<'UpdatePodSandboxResources'> = async (req, { domains }) => {
  await domains.pods.updateResources(requireString(req.pod_sandbox_id, 'pod_sandbox_id'), req.overhead, req.resources);
  return {};
};
