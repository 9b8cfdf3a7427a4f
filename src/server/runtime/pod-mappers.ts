// Pod records → CRI messages. Pure translation, nothing else.
import type { PodRecord } from '../../pod/pod-record.js';
import type { PodSandbox } from '../../generated/runtime/v1/PodSandbox.js';
import type { PodSandboxStatus } from '../../generated/runtime/v1/PodSandboxStatus.js';
import type { PodSandboxFilter__Output } from '../../generated/runtime/v1/PodSandboxFilter.js';
import type { PodFilter } from '../../pod/pod-service.js';
import { PodSandboxState, type PodSandboxState__Output } from '../../generated/runtime/v1/PodSandboxState.js';
import { NamespaceMode } from '../../generated/runtime/v1/NamespaceMode.js';

const SCOPE_TO_MODE = { pod: NamespaceMode.POD, container: NamespaceMode.CONTAINER, node: NamespaceMode.NODE, target: NamespaceMode.TARGET } as const;

export function podMetadata(pod: PodRecord) {
  return { name: pod.spec.name, uid: pod.spec.uid, namespace: pod.spec.namespace, attempt: pod.spec.attempt };
}

function state(pod: PodRecord): PodSandboxState__Output {
  return pod.state === 'ready' ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
}

export function toPodSandbox(pod: PodRecord): PodSandbox {
  return {
    id: pod.id,
    metadata: podMetadata(pod),
    state: state(pod),
    created_at: pod.createdAtNs,
    labels: pod.spec.labels,
    annotations: pod.spec.annotations,
    runtime_handler: pod.spec.runtimeHandler,
  };
}

export function toPodSandboxStatus(pod: PodRecord): PodSandboxStatus {
  const ips = pod.network?.ips ?? [];
  const ns = pod.spec.namespaces;
  return {
    id: pod.id,
    metadata: podMetadata(pod),
    state: state(pod),
    created_at: pod.createdAtNs,
    network: { ip: ips[0] ?? '', additional_ips: ips.slice(1).map((ip) => ({ ip })) },
    linux: {
      namespaces: {
        options: { network: SCOPE_TO_MODE[ns.network], pid: SCOPE_TO_MODE[ns.pid], ipc: SCOPE_TO_MODE[ns.ipc], target_id: ns.targetId },
      },
    },
    labels: pod.spec.labels,
    annotations: pod.spec.annotations,
    runtime_handler: pod.spec.runtimeHandler,
  };
}

/** The verbose `info` crictl inspectp prints. */
export function podVerboseInfo(pod: PodRecord): Record<string, string> {
  return {
    info: JSON.stringify({
      pid: pod.handles?.infraPid ?? 0,
      state: pod.state,
      stateDir: pod.stateDir,
      namespaces: pod.handles,
      network: pod.network ?? null,
      config: pod.spec,
    }),
  };
}

export function podFilter(f: PodSandboxFilter__Output | null): PodFilter {
  if (!f) return {};
  return {
    id: f.id || undefined,
    state: f.state ? (f.state.state === PodSandboxState.SANDBOX_READY ? 'ready' : 'notready') : undefined,
    labelSelector: f.label_selector,
  };
}
