import type { RuntimeHandler } from '../rpc-types.js';
import { ContainerEventType } from '../../generated/runtime/v1/ContainerEventType.js';
import { toPodSandboxStatus } from './pod-mappers.js';
import { toContainerStatus } from './container-mappers.js';

const TYPE = {
  created: ContainerEventType.CONTAINER_CREATED_EVENT,
  started: ContainerEventType.CONTAINER_STARTED_EVENT,
  stopped: ContainerEventType.CONTAINER_STOPPED_EVENT,
  deleted: ContainerEventType.CONTAINER_DELETED_EVENT,
} as const;

export const GetContainerEvents: RuntimeHandler<'GetContainerEvents'> = async function* (_req, { domains, signal }) {
  for await (const e of domains.events.subscribe(signal)) {
    yield {
      container_id: e.containerId,
      container_event_type: TYPE[e.type],
      created_at: e.createdAtNs.toString(),
      pod_sandbox_status: e.snapshot.pod ? toPodSandboxStatus(e.snapshot.pod) : null,
      containers_statuses: e.snapshot.containers.map(toContainerStatus),
    };
  }
};
