// RunPodSandboxRequest → SandboxSpec: everything validated, defaults applied,
// in husk's own terms. Pure; the pod service acts on the result.
import { hostname as hostHostname } from 'node:os';
import { InvalidArgumentError } from '../common/errors.js';
import { checkName, checkAbsolutePath, checkPort, checkIp, checkHostname } from '../common/request-checks.js';
import type { PodSandboxConfig__Output } from '../generated/runtime/v1/PodSandboxConfig.js';
import type { LinuxContainerResources__Output } from '../generated/runtime/v1/LinuxContainerResources.js';
import { NamespaceMode } from '../generated/runtime/v1/NamespaceMode.js';
import { Protocol } from '../generated/runtime/v1/Protocol.js';
import { checkSysctls } from './sysctls.js';
import type { DnsConfig } from './dns.js';
import type { PortMapping } from '../network/cni-network.js';

export type NamespaceScope = 'pod' | 'container' | 'node' | 'target';

export interface SandboxSpec {
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
  /** The reserved name kubelet's ALREADY_EXISTS contract is about. */
  reservedName: string;
  hostname: string;
  logDirectory: string;
  dns: DnsConfig | null;
  portMappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler: string;
  cgroupParent: string;
  sysctls: Record<string, string>;
  namespaces: { network: 'pod' | 'node'; pid: NamespaceScope; ipc: 'pod' | 'node'; targetId: string };
  security: {
    privileged: boolean;
    readonlyRootfs: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    supplementalGroups: number[];
  };
  overhead: LinuxContainerResources__Output | null;
  resources: LinuxContainerResources__Output | null;
}

const PROTOCOLS: Record<number, string> = { [Protocol.TCP]: 'tcp', [Protocol.UDP]: 'udp', [Protocol.SCTP]: 'sctp' };

/** Runtime handlers husk runs. '' is kubelet's default; "runc" is accepted as its common alias. */
export const RUNTIME_HANDLERS = ['', 'runc'];

export function sandboxSpec(config: PodSandboxConfig__Output | null, runtimeHandler: string): SandboxSpec {
  if (!config) throw new InvalidArgumentError('config', 'is required');
  const md = config.metadata;
  if (!md) throw new InvalidArgumentError('config.metadata', 'is required');
  const name = checkName(md.name, 'config.metadata.name');
  const namespace = checkName(md.namespace, 'config.metadata.namespace');
  const uid = checkName(md.uid, 'config.metadata.uid', false);
  if (!Number.isInteger(md.attempt) || md.attempt < 0) throw new InvalidArgumentError('config.metadata.attempt', 'must not be negative');
  if (!RUNTIME_HANDLERS.includes(runtimeHandler)) {
    throw new InvalidArgumentError('runtime_handler', `unknown runtime handler "${runtimeHandler}" (husk runs: ${RUNTIME_HANDLERS.map((h) => `"${h}"`).join(', ')})`);
  }

  const linux = config.linux;
  const sc = linux?.security_context;
  const nsOpts = sc?.namespace_options;
  const network = nsOpts?.network === NamespaceMode.NODE ? 'node' : 'pod';
  const ipc = nsOpts?.ipc === NamespaceMode.NODE ? 'node' : 'pod';
  const pid = scopeOf(nsOpts?.pid ?? NamespaceMode.POD, 'config.linux.security_context.namespace_options.pid');
  if (pid === 'target' && !nsOpts?.target_id) {
    throw new InvalidArgumentError('config.linux.security_context.namespace_options.target_id', 'is required with pid TARGET');
  }

  const hostname = config.hostname ? checkHostname(config.hostname, 'config.hostname') : network === 'node' ? hostHostname() : name.slice(0, 63);
  const logDirectory = config.log_directory ? checkAbsolutePath(config.log_directory, 'config.log_directory') : '';
  const sysctls = linux?.sysctls ?? {};
  checkSysctls(sysctls, { hostNetwork: network === 'node', hostIpc: ipc === 'node' }, 'config.linux.sysctls');

  const portMappings = (config.port_mappings ?? []).map((pm, i) => {
    const field = `config.port_mappings[${i}]`;
    const protocol = PROTOCOLS[pm.protocol];
    if (!protocol) throw new InvalidArgumentError(`${field}.protocol`, `unknown protocol ${pm.protocol}`);
    return {
      containerPort: checkPort(pm.container_port, `${field}.container_port`, false),
      hostPort: checkPort(pm.host_port, `${field}.host_port`, true),
      protocol,
      ...(pm.host_ip ? { hostIP: checkIp(pm.host_ip, `${field}.host_ip`) } : {}),
    };
  });

  return {
    name,
    namespace,
    uid,
    attempt: md.attempt,
    reservedName: `${name}_${namespace}_${uid}_${md.attempt}`,
    hostname,
    logDirectory,
    dns: config.dns_config ? { servers: config.dns_config.servers, searches: config.dns_config.searches, options: config.dns_config.options } : null,
    // hostPort 0 means "no host port": nothing for portmap to do.
    portMappings: portMappings.filter((pm) => pm.hostPort > 0),
    labels: config.labels ?? {},
    annotations: config.annotations ?? {},
    runtimeHandler,
    cgroupParent: linux?.cgroup_parent ?? '',
    sysctls,
    namespaces: { network, pid, ipc, targetId: nsOpts?.target_id ?? '' },
    security: {
      privileged: sc?.privileged ?? false,
      readonlyRootfs: sc?.readonly_rootfs ?? false,
      runAsUser: sc?.run_as_user ? Number(sc.run_as_user.value) : undefined,
      runAsGroup: sc?.run_as_group ? Number(sc.run_as_group.value) : undefined,
      supplementalGroups: (sc?.supplemental_groups ?? []).map(Number),
    },
    overhead: linux?.overhead ?? null,
    resources: linux?.resources ?? null,
  };
}

function scopeOf(mode: number, field: string): NamespaceScope {
  switch (mode) {
    case NamespaceMode.POD:
      return 'pod';
    case NamespaceMode.CONTAINER:
      return 'container';
    case NamespaceMode.NODE:
      return 'node';
    case NamespaceMode.TARGET:
      return 'target';
    default:
      throw new InvalidArgumentError(field, `unknown namespace mode ${mode}`);
  }
}
