// The pod sandbox state machine. Every change is persisted before it is
// acted on and after it is done, so a restart after kill -9 finds each pod
// either whole, or half-made and marked `creating` (then cleaned up).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { removeTree } from '../native/index.js';
import { join } from 'node:path';
import type { HuskConfig } from '../config/config.js';
import { newId, resolveId } from '../common/ids.js';
import { NameRegistry } from '../common/name-registry.js';
import { KeyedMutex } from '../common/keyed-mutex.js';
import { matchesLabels } from '../common/labels.js';
import { NotFoundError, isErrno } from '../common/errors.js';
import { RecordStore } from '../store/record-store.js';
import type { CniNetwork, PodNetworkRequest } from '../network/cni-network.js';
import { nowNs } from '../events/event-bus.js';
import { log } from '../log/logger.js';
import { allSettledOrThrow } from '../common/settle.js';
import type { DeferredWork } from '../common/deferred-work.js';
import { resolvConf, hostsFile } from './dns.js';
import type { SandboxSpec } from './sandbox-spec.js';
import type { LinuxContainerResources__Output } from '../generated/runtime/v1/LinuxContainerResources.js';
import type { PodRecord, PodState } from './pod-record.js';
import type { SandboxRuntime } from './sandbox-runtime.js';

/** What the pod service needs from the container service (set once both exist). */
export interface PodContainers {
  stopAllInPod(podId: string): Promise<void>;
  removeAllInPod(podId: string): Promise<void>;
}

export interface PodFilter {
  id?: string;
  state?: 'ready' | 'notready';
  labelSelector?: Record<string, string>;
}

export type PodListener = (event: 'created' | 'started' | 'stopped' | 'deleted', pod: PodRecord) => void;

export class PodService {
  private readonly pods = new Map<string, PodRecord>();
  private readonly names = new NameRegistry('pod sandbox');
  private readonly locks = new KeyedMutex();
  private readonly store: RecordStore<PodRecord>;
  private containers?: PodContainers;
  private readonly listeners: PodListener[] = [];

  constructor(
    private readonly config: HuskConfig,
    private readonly runtime: SandboxRuntime,
    private readonly network: CniNetwork,
    private readonly teardowns: DeferredWork,
  ) {
    this.store = new RecordStore<PodRecord>(join(config.root, 'pods'), 'pod');
  }

  attachContainers(containers: PodContainers): void {
    this.containers = containers;
  }

  onChange(listener: PodListener): void {
    this.listeners.push(listener);
  }

  /** Loads every pod and settles what a crash left behind. */
  async recover(): Promise<void> {
    await this.store.init();
    await this.network.init();
    const { live, tombstones } = await this.store.load();
    for (const pod of tombstones) this.scheduleTeardown(pod);
    for (const pod of live) {
      this.pods.set(pod.id, pod);
      this.names.reserve(pod.spec.reservedName, pod.id);
    }
    for (const pod of [...this.pods.values()]) {
      if (pod.state === 'creating') {
        log.warn({ pod: pod.id }, 'cleaning up a pod whose creation was interrupted');
        await this.destroy(pod).catch((err: unknown) => log.error({ err, pod: pod.id }, 'cleanup of an interrupted pod failed'));
      } else if (pod.state === 'ready' && !(await this.runtime.isRunning(pod))) {
        log.warn({ pod: pod.id }, 'pod infra process is gone; marking the pod not ready');
        await this.setState(pod, 'notready');
      }
    }
  }

  async run(spec: SandboxSpec): Promise<string> {
    const id = newId();
    this.names.reserve(spec.reservedName, id);
    return this.locks.run(id, async () => {
      const pod: PodRecord = { id, spec, state: 'creating', createdAtNs: nowNs().toString(), stateDir: join(this.config.state, 'pods', id) };
      this.pods.set(id, pod);
      try {
        await this.store.save(pod);
        await this.writeEtcFiles(pod, []);
        const handles = await this.runtime.createNamespaces(pod);
        pod.handles = handles;
        await this.store.save(pod);
        // The infra process and the network only share the pinned namespaces: set both up at once.
        const [infra, network] = await allSettledOrThrow([
          this.runtime.startInfra(pod, handles),
          spec.namespaces.network === 'pod' ? this.network.setUp(this.networkRequest(pod)) : Promise.resolve(undefined),
        ]);
        pod.handles = { ...handles, ...infra };
        if (network) {
          pod.network = network;
          await writeFile(join(pod.stateDir, 'hosts'), hostsFile(spec.hostname, network.ips));
        }
        pod.state = 'ready';
        await this.store.save(pod);
      } catch (e) {
        log.warn({ err: e, pod: id }, 'RunPodSandbox failed; undoing');
        await this.destroy(pod).catch((err: unknown) => log.error({ err, pod: id }, 'undoing a failed RunPodSandbox failed'));
        throw e;
      }
      this.emit('created', pod);
      this.emit('started', pod);
      return id;
    });
  }

  /** Idempotent: stopping a stopped or already removed pod is fine (CRI: no error once all is reclaimed). */
  async stop(idOrPrefix: string): Promise<void> {
    const id = this.resolveOrUndefined(idOrPrefix);
    if (!id) return;
    await this.locks.run(id, async () => {
      const pod = this.pods.get(id);
      if (!pod) return;
      await this.containers?.stopAllInPod(id);
      await allSettledOrThrow([this.tearDownNetwork(pod), this.runtime.stop(pod)]);
      if (pod.state === 'notready' && pod.networkDown) return; // a repeated stop: nothing to record
      const wasReady = pod.state !== 'notready';
      pod.state = 'notready';
      pod.networkDown = true;
      await this.store.save(pod);
      if (wasReady) this.emit('stopped', pod);
    });
  }

  /**
   * Idempotent, and an unknown pod is not an error (kubelet retries removals).
   * The pod is gone from the API when this returns; what it held is freed in
   * the background (see DeferredWork).
   */
  async remove(idOrPrefix: string): Promise<void> {
    const id = this.resolveOrUndefined(idOrPrefix);
    if (!id) return;
    await this.locks.run(id, async () => {
      const pod = this.pods.get(id);
      if (!pod) return;
      await this.containers?.removeAllInPod(id);
      await this.store.tombstone(id);
      this.forget(pod);
      this.emit('deleted', pod);
      this.scheduleTeardown(pod);
    });
  }

  async updateResources(idOrPrefix: string, overhead: LinuxContainerResources__Output | null, resources: LinuxContainerResources__Output | null): Promise<void> {
    const id = this.resolve(idOrPrefix);
    await this.locks.run(id, async () => {
      const pod = this.pods.get(id)!;
      pod.spec = { ...pod.spec, overhead: overhead ?? pod.spec.overhead, resources: resources ?? pod.spec.resources };
      await this.store.save(pod);
    });
  }

  get(idOrPrefix: string): PodRecord {
    return this.pods.get(this.resolve(idOrPrefix))!;
  }

  find(id: string): PodRecord | undefined {
    return this.pods.get(id);
  }

  list(filter: PodFilter = {}): PodRecord[] {
    const out: PodRecord[] = [];
    for (const pod of this.pods.values()) {
      if (pod.state === 'creating') continue;
      if (filter.id && !pod.id.startsWith(filter.id)) continue;
      if (filter.state && pod.state !== filter.state) continue;
      if (!matchesLabels(pod.spec.labels, filter.labelSelector)) continue;
      out.push(pod);
    }
    return out;
  }

  resolve(idOrPrefix: string, field = 'pod_sandbox_id'): string {
    return resolveId(idOrPrefix, this.visibleIds(), 'pod sandbox', field);
  }

  private resolveOrUndefined(idOrPrefix: string): string | undefined {
    try {
      return this.resolve(idOrPrefix);
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
  }

  private *visibleIds(): Iterable<string> {
    for (const pod of this.pods.values()) if (pod.state !== 'creating') yield pod.id;
  }

  /** Undoes a RunPodSandbox that failed or was cut short by a crash: everything is freed before the record goes. */
  private async destroy(pod: PodRecord): Promise<void> {
    await this.freeResources(pod);
    await this.store.remove(pod.id);
    this.forget(pod);
  }

  private scheduleTeardown(pod: PodRecord): void {
    this.teardowns.schedule({ pod: pod.id }, async () => {
      await this.freeResources(pod);
      await this.store.purge(pod.id);
    });
  }

  /** Frees everything a pod holds, in reverse order of creation, whatever state it is in. */
  private async freeResources(pod: PodRecord): Promise<void> {
    await this.tearDownNetwork(pod);
    await this.runtime.remove(pod);
    await removeTree(pod.stateDir);
  }

  /** CNI DEL, unless StopPodSandbox already did it; a half-made pod without a cached result is torn down from the config. */
  private async tearDownNetwork(pod: PodRecord): Promise<void> {
    if (pod.spec.namespaces.network !== 'pod' || pod.networkDown) return;
    await this.network.tearDown(pod.id, pod.handles?.netnsPath ? this.networkRequest(pod) : undefined);
  }

  private forget(pod: PodRecord): void {
    this.pods.delete(pod.id);
    this.names.release(pod.spec.reservedName, pod.id);
  }

  private async setState(pod: PodRecord, state: PodState): Promise<void> {
    pod.state = state;
    await this.store.save(pod);
  }

  private async writeEtcFiles(pod: PodRecord, ips: string[]): Promise<void> {
    await mkdir(pod.stateDir, { recursive: true, mode: 0o711 });
    let host = '';
    try {
      host = await readFile('/etc/resolv.conf', 'utf8');
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) throw e;
    }
    await writeFile(join(pod.stateDir, 'resolv.conf'), resolvConf(pod.spec.dns, host));
    await writeFile(join(pod.stateDir, 'hostname'), `${pod.spec.hostname}\n`);
    await writeFile(join(pod.stateDir, 'hosts'), hostsFile(pod.spec.hostname, ips));
  }

  private networkRequest(pod: PodRecord): PodNetworkRequest {
    return {
      podSandboxId: pod.id,
      netnsPath: pod.handles?.netnsPath ?? '',
      podName: pod.spec.name,
      podNamespace: pod.spec.namespace,
      podUid: pod.spec.uid,
      portMappings: pod.spec.portMappings,
    };
  }

  private emit(event: Parameters<PodListener>[0], pod: PodRecord): void {
    for (const l of this.listeners) l(event, pod);
  }
}
