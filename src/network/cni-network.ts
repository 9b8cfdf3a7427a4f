// Pod networking through CNI (spec 1.0 exec protocol): ADD the plugin chain
// when a pod's sandbox starts, DEL it (in reverse, with the cached result)
// when the pod stops. DEL is idempotent.
import { readFile, unlink, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { HuskConfig } from '../config/config.js';
import { FailedPreconditionError, isErrno } from '../common/errors.js';
import { findNetworkConfig, findPlugin, type CniNetworkList } from './cni-config.js';
import { invokePlugin, type CniCommand } from './cni-exec.js';
import { log } from '../log/logger.js';
import { BackgroundSync } from '../store/background-sync.js';

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  /** "tcp" | "udp" | "sctp" */
  protocol: string;
  hostIP?: string;
}

export interface PodNetworkRequest {
  podSandboxId: string;
  netnsPath: string;
  podName: string;
  podNamespace: string;
  podUid: string;
  portMappings: PortMapping[];
}

export interface PodNetworkStatus {
  /** Primary first: IPv4 before IPv6, as kubelet expects. */
  ips: string[];
  interfaceName: string;
  networkName: string;
}

/** What DEL needs to undo an ADD even if the config changed meanwhile. */
interface CachedAttachment {
  network: CniNetworkList;
  request: PodNetworkRequest;
  result: unknown;
}

const IFNAME = 'eth0';
const PLUGIN_TIMEOUT_MS = 120_000;

export class CniNetwork {
  private readonly cacheDir: string;
  private readonly disk: BackgroundSync;

  constructor(private readonly config: HuskConfig) {
    this.cacheDir = join(config.root, 'cni', 'results');
    this.disk = new BackgroundSync(this.cacheDir);
  }

  async setUp(req: PodNetworkRequest): Promise<PodNetworkStatus> {
    const found = await findNetworkConfig(this.config.cni.conf_dir, this.config.cni.bin_dirs);
    if (!found.list) throw new FailedPreconditionError(`network not ready: ${found.problem}`);
    const network = found.list;
    let prevResult: unknown;
    const added: number[] = [];
    try {
      for (let i = 0; i < network.plugins.length; i++) {
        prevResult = await this.invoke('ADD', network, i, req, prevResult);
        added.push(i);
      }
    } catch (e) {
      // Undo what was added, so a failed RunPodSandbox leaves no half network.
      await this.delChain(network, req, prevResult, added.reverse()).catch((err: unknown) =>
        log.warn({ err, pod: req.podSandboxId }, 'CNI cleanup after failed ADD also failed'),
      );
      throw e;
    }
    await this.disk.write(basename(this.cachePath(req.podSandboxId)), JSON.stringify({ network, request: req, result: prevResult } satisfies CachedAttachment), 0o644);
    return { ips: ipsOf(prevResult), interfaceName: IFNAME, networkName: network.name };
  }

  /** Idempotent: a pod with no cached attachment and no network config has nothing to undo. */
  async tearDown(podSandboxId: string, fallback?: PodNetworkRequest): Promise<void> {
    const cached = await this.readCache(podSandboxId);
    let network = cached?.network;
    const request = cached?.request ?? fallback;
    if (!network && request) {
      const found = await findNetworkConfig(this.config.cni.conf_dir, this.config.cni.bin_dirs);
      network = found.list;
    }
    if (network && request) {
      const order = network.plugins.map((_, i) => i).reverse();
      await this.delChain(network, request, cached?.result, order);
    }
    try {
      await unlink(this.cachePath(podSandboxId));
      this.disk.add();
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) throw e;
    }
  }

  /** The cached ADD result, for pod status after a daemon restart. */
  async status(podSandboxId: string): Promise<PodNetworkStatus | undefined> {
    const cached = await this.readCache(podSandboxId);
    return cached ? { ips: ipsOf(cached.result), interfaceName: IFNAME, networkName: cached.network.name } : undefined;
  }

  private async delChain(network: CniNetworkList, req: PodNetworkRequest, result: unknown, order: number[]): Promise<void> {
    let firstError: unknown;
    for (const i of order) {
      try {
        await this.invoke('DEL', network, i, req, result);
      } catch (e) {
        firstError ??= e;
      }
    }
    if (firstError) throw firstError;
  }

  private async invoke(command: CniCommand, network: CniNetworkList, index: number, req: PodNetworkRequest, prevResult: unknown): Promise<unknown> {
    const plugin = network.plugins[index]!;
    const pluginPath = await findPlugin(plugin.type, this.config.cni.bin_dirs);
    if (!pluginPath) throw new FailedPreconditionError(`CNI plugin "${plugin.type}" not found in ${this.config.cni.bin_dirs.join(', ')}`);
    const conf: Record<string, unknown> = { ...plugin, cniVersion: network.cniVersion, name: network.name };
    if (prevResult !== undefined) conf.prevResult = prevResult;
    const caps = plugin.capabilities as Record<string, boolean> | undefined;
    if (caps?.portMappings && req.portMappings.length > 0) {
      conf.runtimeConfig = { ...(conf.runtimeConfig as object | undefined), portMappings: req.portMappings };
    }
    return invokePlugin({
      command,
      pluginPath,
      containerId: req.podSandboxId,
      netnsPath: req.netnsPath,
      ifName: IFNAME,
      args: cniArgs(req),
      path: this.config.cni.bin_dirs,
      config: conf,
      timeoutMs: PLUGIN_TIMEOUT_MS,
    });
  }

  private cachePath(podSandboxId: string): string {
    return join(this.cacheDir, `${podSandboxId}.json`);
  }

  private async readCache(podSandboxId: string): Promise<CachedAttachment | undefined> {
    try {
      return JSON.parse(await readFile(this.cachePath(podSandboxId), 'utf8')) as CachedAttachment;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return undefined;
      log.warn({ err: e, pod: podSandboxId }, 'ignoring unreadable CNI result cache');
      return undefined;
    }
  }

  async init(): Promise<void> {
    await mkdir(this.cacheDir, { recursive: true, mode: 0o700 });
  }
}

function cniArgs(req: PodNetworkRequest): string {
  return [
    'IgnoreUnknown=1',
    `K8S_POD_NAMESPACE=${req.podNamespace}`,
    `K8S_POD_NAME=${req.podName}`,
    `K8S_POD_INFRA_CONTAINER_ID=${req.podSandboxId}`,
    `K8S_POD_UID=${req.podUid}`,
  ].join(';');
}

/** Pod IPs from a CNI result of any version (0.3+ and 1.0 share `ips[].address`). */
export function ipsOf(result: unknown): string[] {
  const ips = (result as { ips?: { address?: string }[] } | undefined)?.ips ?? [];
  const addrs = ips.map((ip) => ip.address?.split('/')[0]).filter((a): a is string => !!a);
  return [...addrs.filter((a) => !a.includes(':')), ...addrs.filter((a) => a.includes(':'))];
}
