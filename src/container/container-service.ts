// The container state machine: creating (in memory only) → created → running → exited.
// Every transition is persisted; the exit of a running container is picked up
// from its monitor, also when it happened while the daemon was down.
import { join } from 'node:path';
import { removeTree } from '../native/index.js';
import type { HuskConfig } from '../config/config.js';
import { newId, resolveId } from '../common/ids.js';
import { NameRegistry } from '../common/name-registry.js';
import { KeyedMutex } from '../common/keyed-mutex.js';
import { matchesLabels } from '../common/labels.js';
import { NotFoundError, FailedPreconditionError, InvalidArgumentError, DeadlineExceededError } from '../common/errors.js';
import type { StreamIO } from '../streaming/index.js';
import type { LinuxContainerResources__Output } from '../generated/runtime/v1/LinuxContainerResources.js';
import { RecordStore } from '../store/record-store.js';
import { nowNs } from '../events/event-bus.js';
import { log } from '../log/logger.js';
import { removeUnknownIdDirs } from '../common/orphan-dirs.js';
import type { DeferredWork } from '../common/deferred-work.js';
import type { PodService } from '../pod/pod-service.js';
import type { ContainerRequestSpec } from './container-spec.js';
import type { ContainerRecord, ContainerState, ExitStatus } from './container-record.js';
import type { ContainerRuntime, ExecOutput } from './container-runtime.js';
import { criSignalNumber, signalNumber } from './signals.js';
import { nanoCoresBetween, type ContainerUsage } from './container-usage.js';

const SIGKILL = 9;
const SIGTERM = 15;

/** The part of the image service containers need. */
export interface ContainerImages {
  resolve(ref: string, field?: string): { id: string; runtime: { stopSignal: string } } | undefined;
}

export interface ContainerFilter {
  id?: string;
  podId?: string;
  state?: Exclude<ContainerState, 'creating'>;
  labelSelector?: Record<string, string>;
}

export type ContainerListener = (event: 'created' | 'started' | 'stopped' | 'deleted', container: ContainerRecord) => void;

export class ContainerService {
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly names = new NameRegistry('container');
  private readonly locks = new KeyedMutex();
  private readonly store: RecordStore<ContainerRecord>;
  private readonly exits = new Map<string, Promise<void>>();
  private readonly listeners: ContainerListener[] = [];
  private readonly cpuSamples = new Map<string, { timestampNs: bigint; cpuNs: bigint }>();

  constructor(
    private readonly config: HuskConfig,
    private readonly runtime: ContainerRuntime,
    private readonly pods: PodService,
    private readonly images: ContainerImages,
    private readonly teardowns: DeferredWork,
  ) {
    this.store = new RecordStore<ContainerRecord>(join(config.root, 'containers'), 'container');
    pods.attachContainers({
      stopAllInPod: (podId) => this.forEachInPod(podId, (id) => this.stop(id, 0)),
      removeAllInPod: (podId) => this.forEachInPod(podId, (id) => this.remove(id)),
    });
  }

  onChange(listener: ContainerListener): void {
    this.listeners.push(listener);
  }

  /** Loads every container and settles what happened while husk was down. */
  async recover(): Promise<void> {
    await this.store.init();
    const { live, tombstones } = await this.store.load();
    for (const c of tombstones) this.scheduleTeardown(c);
    for (const c of live) {
      this.containers.set(c.id, c);
      this.names.reserve(c.reservedName, c.id);
    }
    // A CreateContainer cut short before its record was written left only directories.
    const known = new Set([...this.containers.keys(), ...tombstones.map((c) => c.id)]);
    const orphans = [...(await removeUnknownIdDirs(join(this.config.state, 'containers'), known)), ...(await this.runtime.removeOrphans(known))];
    if (orphans.length > 0) log.warn({ containers: [...new Set(orphans)] }, 'removed what interrupted container creations left');
    for (const c of [...this.containers.values()]) {
      try {
        await this.recoverOne(c);
      } catch (err) {
        log.error({ err, container: c.id }, 'recovering a container failed');
      }
    }
  }

  private async recoverOne(c: ContainerRecord): Promise<void> {
    if (c.state === 'created') {
      // A StartContainer the crash cut short may have made the process already.
      const started = await this.runtime.resumeStart(c);
      if (!started) return;
      c.handles = { ...c.handles!, ...started };
      c.state = 'running';
      c.startedAtNs = nowNs().toString();
      await this.store.save(c);
    }
    if (c.state === 'running') {
      const exit = await this.runtime.readExit(c);
      if (exit) await this.markExited(c, exit);
      else if (await this.runtime.isAlive(c)) this.watchExit(c);
      else await this.markLost(c);
    }
  }

  async create(podId: string, spec: ContainerRequestSpec): Promise<string> {
    const pod = this.pods.find(this.pods.resolve(podId));
    if (!pod) throw new NotFoundError('pod sandbox', podId);
    if (pod.state !== 'ready') throw new FailedPreconditionError(`pod sandbox ${pod.id} is not ready`);
    const image = this.images.resolve(spec.image, 'config.image.image');
    if (!image) throw new NotFoundError('image', spec.image);

    if (spec.security.pidNamespace === 'target') spec = { ...spec, security: { ...spec.security, targetId: this.pidTarget(pod.id, spec.security.targetId).id } };

    const id = newId();
    const reservedName = `${spec.name}_${pod.spec.name}_${pod.spec.namespace}_${pod.spec.uid}_${spec.attempt}`;
    this.names.reserve(reservedName, id);
    return this.locks.run(id, async () => {
      const c: ContainerRecord = {
        id,
        podId: pod.id,
        spec,
        reservedName,
        state: 'creating',
        createdAtNs: nowNs().toString(),
        imageId: image.id,
        imageRef: spec.image,
        logPath: pod.spec.logDirectory && spec.logPath ? join(pod.spec.logDirectory, spec.logPath) : '',
        stateDir: join(this.config.state, 'containers', id),
        stopSignal: stopSignalOf(spec, image.runtime.stopSignal),
      };
      this.containers.set(id, c);
      try {
        // Only directories are made before the record is: recovery sweeps those of a creation a crash cut short.
        c.handles = await this.runtime.create(c, pod, this.pidTargetOf(c));
        c.state = 'created';
        await this.store.save(c);
      } catch (e) {
        await this.destroy(c).catch((err: unknown) => log.error({ err, container: id }, 'undoing a failed CreateContainer failed'));
        throw e;
      }
      this.emit('created', c);
      return id;
    });
  }

  async start(idOrPrefix: string): Promise<void> {
    const id = this.resolve(idOrPrefix);
    await this.locks.run(id, async () => {
      const c = this.containers.get(id)!;
      if (c.state !== 'created') throw new FailedPreconditionError(`container ${id} is ${c.state}, not created`);
      const pod = this.pods.find(c.podId);
      if (pod?.state !== 'ready') throw new FailedPreconditionError(`pod sandbox ${c.podId} of container ${id} is not ready`);
      try {
        c.handles = { ...c.handles!, ...(await this.runtime.start(c, pod, this.pidTargetOf(c))) };
      } catch (e) {
        c.state = 'exited';
        c.exit = { exitCode: 128, signal: 0, finishedAtNs: nowNs().toString(), oomKilled: false };
        c.reason = 'StartError';
        c.message = (e as Error).message;
        await this.store.save(c);
        throw e;
      }
      c.state = 'running';
      c.startedAtNs = nowNs().toString();
      await this.store.save(c);
      this.watchExit(c);
      this.emit('started', c);
    });
  }

  /**
   * Stop signal, then SIGKILL once `timeoutSeconds` pass (0: SIGKILL at once).
   * Idempotent; waits until the exit is recorded.
   */
  async stop(idOrPrefix: string, timeoutSeconds: number): Promise<void> {
    const id = this.resolve(idOrPrefix);
    const c = this.containers.get(id)!;
    if (c.state === 'created') {
      // Never started, so there is no process: it just ends, unless a racing Start got there first.
      const stillCreated = await this.locks.run(id, async () => {
        if (c.state !== 'created') return false;
        await this.markExited(c, { exitCode: 137, signal: SIGKILL, finishedAtNs: nowNs().toString(), oomKilled: false });
        return true;
      });
      if (stillCreated) return;
    }
    if (c.state !== 'running') return;
    const exited = this.exits.get(id);
    if (timeoutSeconds > 0) {
      await this.runtime.signal(c, c.stopSignal);
      const inTime = await Promise.race([exited?.then(() => true), sleep(timeoutSeconds * 1000).then(() => false)]);
      if (inTime) return;
    }
    if (c.state === 'running') await this.runtime.signal(c, SIGKILL).catch(() => undefined);
    await exited;
  }

  /**
   * Idempotent; a running container is killed first. An unknown ID is not an
   * error. The container is gone from the API when this returns; its cgroup,
   * writable layer and state are freed in the background (see DeferredWork).
   */
  async remove(idOrPrefix: string): Promise<void> {
    let id: string;
    try {
      id = this.resolve(idOrPrefix);
    } catch (e) {
      if (e instanceof NotFoundError) return;
      throw e;
    }
    const c = this.containers.get(id)!;
    if (c.state === 'running' || c.state === 'created') await this.stop(id, 0);
    await this.locks.run(id, async () => {
      if (!this.containers.has(id)) return;
      await this.store.tombstone(id);
      this.forget(c);
      this.emit('deleted', c);
      this.scheduleTeardown(c);
    });
  }

  /** ExecSync: the command's output and exit code; DEADLINE_EXCEEDED when `timeoutSeconds` (0: none) runs out. */
  async execSync(idOrPrefix: string, cmd: string[], timeoutSeconds: number): Promise<ExecOutput> {
    const c = this.running(idOrPrefix);
    const out = await this.runtime.execSync(c, cmd, timeoutSeconds * 1000);
    if (out.timedOut) throw new DeadlineExceededError(`command ${JSON.stringify(cmd)} in container ${c.id} timed out after ${timeoutSeconds}s`);
    return out;
  }

  exec(idOrPrefix: string, cmd: string[], io: StreamIO): Promise<{ exitCode: number }> {
    return this.runtime.exec(this.running(idOrPrefix), cmd, io);
  }

  attach(idOrPrefix: string, io: StreamIO): Promise<void> {
    return this.runtime.attach(this.running(idOrPrefix), io);
  }

  /** The container must be running: its monitor is the one that writes the log. */
  async reopenLog(idOrPrefix: string): Promise<void> {
    await this.runtime.reopenLog(this.running(idOrPrefix));
  }

  async updateResources(idOrPrefix: string, resources: LinuxContainerResources__Output): Promise<void> {
    const id = this.resolve(idOrPrefix);
    await this.locks.run(id, async () => {
      const c = this.containers.get(id)!;
      if (c.state !== 'running' && c.state !== 'created') throw new FailedPreconditionError(`container ${id} is ${c.state}`);
      // A created container has no cgroup yet: StartContainer makes it with these.
      if (c.state === 'running') await this.runtime.updateResources(c, resources);
      c.spec = { ...c.spec, resources };
      await this.store.save(c);
    });
  }

  /** A usage sample; the CPU rate comes from the previous sample of the same container. */
  async usage(c: ContainerRecord): Promise<ContainerUsage | undefined> {
    const raw = await this.runtime.usage(c);
    if (!raw) return undefined;
    const now = { timestampNs: nowNs(), cpuNs: raw.cgroup.cpu.usageNs };
    const nanoCores = nanoCoresBetween(this.cpuSamples.get(c.id), now);
    this.cpuSamples.set(c.id, now);
    return { timestampNs: now.timestampNs, cgroup: raw.cgroup, nanoCores, writableLayer: raw.writableLayer };
  }

  /**
   * The container whose PID namespace a pid TARGET container joins (kubelet's
   * ephemeral debug containers): in the same pod, and running.
   */
  private pidTarget(podId: string, targetId: string): ContainerRecord {
    const field = 'config.linux.security_context.namespace_options.target_id';
    const target = this.containers.get(this.resolve(targetId, field))!;
    if (target.podId !== podId) throw new FailedPreconditionError(`${field}: container ${target.id} is not in pod sandbox ${podId}`);
    if (target.state !== 'running') throw new FailedPreconditionError(`${field}: container ${target.id} is not running (${target.state})`);
    return target;
  }

  private pidTargetOf(c: ContainerRecord): ContainerRecord | undefined {
    return c.spec.security.pidNamespace === 'target' ? this.pidTarget(c.podId, c.spec.security.targetId) : undefined;
  }

  /** Resolves an ID to a running container, or FAILED_PRECONDITION saying what it is. */
  private running(idOrPrefix: string): ContainerRecord {
    const c = this.get(idOrPrefix);
    if (c.state !== 'running') throw new FailedPreconditionError(`container ${c.id} is not running (${c.state})`);
    return c;
  }

  get(idOrPrefix: string): ContainerRecord {
    return this.containers.get(this.resolve(idOrPrefix))!;
  }

  list(filter: ContainerFilter = {}): ContainerRecord[] {
    const out: ContainerRecord[] = [];
    for (const c of this.containers.values()) {
      if (c.state === 'creating') continue;
      if (filter.id && !c.id.startsWith(filter.id)) continue;
      if (filter.podId && !c.podId.startsWith(filter.podId)) continue;
      if (filter.state && c.state !== filter.state) continue;
      if (!matchesLabels(c.spec.labels, filter.labelSelector)) continue;
      out.push(c);
    }
    return out;
  }

  resolve(idOrPrefix: string, field = 'container_id'): string {
    return resolveId(idOrPrefix, this.visibleIds(), 'container', field);
  }

  private *visibleIds(): Iterable<string> {
    for (const c of this.containers.values()) if (c.state !== 'creating') yield c.id;
  }

  private watchExit(c: ContainerRecord): void {
    if (this.exits.has(c.id)) return;
    const done = this.runtime.waitExit(c).then(
      (exit) => this.locks.run(c.id, () => this.markExited(c, exit)),
      async (err: unknown) => {
        log.error({ err, container: c.id }, 'lost track of a container process');
        await this.locks.run(c.id, () => this.markLost(c));
      },
    );
    this.exits.set(c.id, done);
  }

  private async markExited(c: ContainerRecord, exit: ExitStatus): Promise<void> {
    if (c.state === 'exited') return;
    c.state = 'exited';
    c.exit = exit;
    c.reason = exit.oomKilled ? 'OOMKilled' : exit.exitCode === 0 ? 'Completed' : 'Error';
    await this.store.save(c);
    this.exits.delete(c.id);
    this.emit('stopped', c);
  }

  /** The monitor is gone without a recorded exit: the truth is unknown. */
  private async markLost(c: ContainerRecord): Promise<void> {
    c.state = 'unknown';
    c.reason = 'Unknown';
    c.message = 'the container monitor exited without recording the container exit';
    await this.store.save(c);
  }

  /** Undoes a failed or interrupted CreateContainer. The record goes last: a crash part-way leaves it for recovery to finish the job. */
  private async destroy(c: ContainerRecord): Promise<void> {
    await this.freeResources(c);
    await this.store.remove(c.id);
    this.forget(c);
  }

  private scheduleTeardown(c: ContainerRecord): void {
    this.teardowns.schedule({ container: c.id }, async () => {
      await this.freeResources(c);
      await this.store.purge(c.id);
    });
  }

  private async freeResources(c: ContainerRecord): Promise<void> {
    await Promise.all([this.runtime.remove(c), removeTree(c.stateDir)]);
  }

  private forget(c: ContainerRecord): void {
    this.containers.delete(c.id);
    this.cpuSamples.delete(c.id);
    this.names.release(c.reservedName, c.id);
  }

  private async forEachInPod(podId: string, fn: (id: string) => Promise<void>): Promise<void> {
    const ids = [...this.containers.values()].filter((c) => c.podId === podId && c.state !== 'creating').map((c) => c.id);
    await Promise.all(ids.map(fn));
  }

  private emit(event: Parameters<ContainerListener>[0], c: ContainerRecord): void {
    for (const l of this.listeners) l(event, c);
  }
}

/** The request's stop signal, else the image's STOPSIGNAL, else SIGTERM. */
function stopSignalOf(spec: ContainerRequestSpec, imageStopSignal: string): number {
  const requested = criSignalNumber(spec.stopSignal);
  if (requested !== undefined) return requested;
  if (imageStopSignal) {
    const n = signalNumber(imageStopSignal);
    if (n === undefined) throw new InvalidArgumentError('image STOPSIGNAL', `"${imageStopSignal}" is not a signal`);
    return n;
  }
  return SIGTERM;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
