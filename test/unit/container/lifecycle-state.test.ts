// The pod and container state machines over in-memory runtimes: ordering,
// idempotence, races and restart recovery. The real runtimes are exercised in
// the integration tests; here only the bookkeeping is under test.
import { expect } from 'chai';
import { mkdtempSync, mkdirSync, existsSync, rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { PodService } from '../../../src/pod/pod-service.js';
import { ContainerService } from '../../../src/container/container-service.js';
import { CniNetwork } from '../../../src/network/cni-network.js';
import { DeferredWork } from '../../../src/common/deferred-work.js';
import { defaultConfig, type HuskConfig } from '../../../src/config/config.js';
import { sandboxSpec } from '../../../src/pod/sandbox-spec.js';
import { containerSpec } from '../../../src/container/container-spec.js';
import type { SandboxRuntime } from '../../../src/pod/sandbox-runtime.js';
import type { ContainerRuntime } from '../../../src/container/container-runtime.js';
import type { ContainerRecord, ExitStatus } from '../../../src/container/container-record.js';
import type { PodSandboxConfig__Output } from '../../../src/generated/runtime/v1/PodSandboxConfig.js';
import type { ContainerConfig__Output } from '../../../src/generated/runtime/v1/ContainerConfig.js';

const sandboxRuntime: SandboxRuntime = {
  createNamespaces: async () => ({ cgroupPath: 'pod' }),
  startInfra: async () => ({}),
  stop: async () => undefined,
  remove: async () => undefined,
  isRunning: async () => true,
};

/** Processes that exit on any signal except those in `ignore`, recording exits like a monitor would. */
class MemoryContainers implements ContainerRuntime {
  exits = new Map<string, ExitStatus>();
  waiters = new Map<string, (e: ExitStatus) => void>();
  alive = new Set<string>();
  ignore = new Set<number>();
  signals: number[] = [];
  async create() {
    return { rootfs: '/r', cgroupPath: 'c' };
  }
  async start(c: ContainerRecord) {
    this.alive.add(c.id);
    return { pid: 100, monitorPid: 99 };
  }
  async resumeStart() {
    return undefined;
  }
  async removeOrphans() {
    return [];
  }
  async signal(c: ContainerRecord, sig: number) {
    this.signals.push(sig);
    if (this.ignore.has(sig)) return;
    this.exit(c.id, { exitCode: 128 + sig, signal: sig, finishedAtNs: '5', oomKilled: false });
  }
  exit(id: string, e: ExitStatus) {
    this.exits.set(id, e);
    this.alive.delete(id);
    this.waiters.get(id)?.(e);
  }
  waitExit(c: ContainerRecord) {
    const done = this.exits.get(c.id);
    return done ? Promise.resolve(done) : new Promise<ExitStatus>((resolve) => this.waiters.set(c.id, resolve));
  }
  async readExit(c: ContainerRecord) {
    return this.exits.get(c.id);
  }
  async isAlive(c: ContainerRecord) {
    return this.alive.has(c.id);
  }
  removeGate?: Promise<void>;
  removed: string[] = [];
  async remove(c: ContainerRecord) {
    await this.removeGate;
    this.removed.push(c.id);
  }
  async execSync() {
    return { exitCode: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: false };
  }
  async exec() {
    return { exitCode: 0 };
  }
  async attach() {}
  async reopenLog() {}
  async usage() {
    return undefined;
  }
  async updateResources() {}
}

const podConfig = (name: string) =>
  ({
    metadata: { name, namespace: 'ns', uid: name, attempt: 0 },
    hostname: '',
    log_directory: '/var/log/pods/x',
    dns_config: null,
    port_mappings: [],
    labels: { app: name },
    annotations: {},
    linux: { cgroup_parent: '', sysctls: {}, security_context: { namespace_options: { network: 2, pid: 0, ipc: 0, target_id: '' } } },
    windows: null,
  }) as unknown as PodSandboxConfig__Output;

const ctrConfig = (name: string) =>
  ({ metadata: { name, attempt: 0 }, image: { image: 'img' }, command: [], args: [], working_dir: '', envs: [], mounts: [], devices: [], labels: {}, annotations: {}, log_path: `${name}.log`, linux: null, stop_signal: 0 }) as unknown as ContainerConfig__Output;

const images = { resolve: (ref: string) => (ref === 'img' ? { id: 'sha256:abc', runtime: { stopSignal: 'SIGQUIT' } } : undefined) };

describe('pod and container state machines', () => {
  let dir: string;
  let config: HuskConfig;
  let runtime: MemoryContainers;
  let pods: PodService;
  let containers: ContainerService;
  let teardowns: DeferredWork;
  const events: string[] = [];

  async function boot() {
    teardowns = new DeferredWork();
    pods = new PodService(config, sandboxRuntime, new CniNetwork(config), teardowns);
    containers = new ContainerService(config, runtime, pods, images, teardowns);
    pods.onChange((t, p) => events.push(`pod ${t} ${p.spec.name}`));
    containers.onChange((t, c) => events.push(`container ${t} ${c.spec.name}`));
    await pods.recover();
    await containers.recover();
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'husk-sm-'));
    config = { ...defaultConfig(), root: join(dir, 'root'), state: join(dir, 'state') };
    runtime = new MemoryContainers();
    events.length = 0;
    await boot();
  });
  afterEach(async () => {
    await teardowns.settled();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the whole lifecycle, with events in order and the image STOPSIGNAL used', async () => {
    const podId = await pods.run(sandboxSpec(podConfig('web'), ''));
    const id = await containers.create(podId, containerSpec(ctrConfig('app')));
    expect(containers.get(id).logPath).to.equal('/var/log/pods/x/app.log');
    await containers.start(id.slice(0, 12));
    expect(containers.get(id).state).to.equal('running');
    await containers.stop(id, 10);
    expect(runtime.signals).to.deep.equal([3]); // SIGQUIT from the image
    expect(containers.get(id)).to.deep.include({ state: 'exited', reason: 'Error' });
    await containers.stop(id, 10); // idempotent
    await pods.stop(podId);
    await pods.stop(podId);
    await pods.remove(podId);
    await pods.remove(podId);
    expect(pods.list()).to.deep.equal([]);
    expect(containers.list()).to.deep.equal([]);
    expect(events).to.deep.equal([
      'pod created web',
      'pod started web',
      'container created app',
      'container started app',
      'container stopped app',
      'pod stopped web',
      'container deleted app',
      'pod deleted web',
    ]);
  });

  it('reserves names: ALREADY_EXISTS until the holder is removed', async () => {
    const podId = await pods.run(sandboxSpec(podConfig('web'), ''));
    let err: Error | undefined;
    await pods.run(sandboxSpec(podConfig('web'), '')).catch((e: Error) => (err = e));
    expect(err?.message).to.equal(`pod sandbox name "web_ns_web_0" is reserved for "${podId}"`);
    const c1 = await containers.create(podId, containerSpec(ctrConfig('app')));
    await containers.create(podId, containerSpec(ctrConfig('app'))).catch((e: Error) => (err = e));
    expect(err?.message).to.contain(`is reserved for "${c1}"`);
    await containers.remove(c1);
    await containers.create(podId, containerSpec(ctrConfig('app')));
  });

  it('kills with SIGKILL when the stop signal is ignored past the timeout', async () => {
    const podId = await pods.run(sandboxSpec(podConfig('web'), ''));
    const id = await containers.create(podId, containerSpec(ctrConfig('app')));
    await containers.start(id);
    runtime.ignore.add(3);
    await containers.stop(id, 0.05);
    expect(runtime.signals).to.deep.equal([3, 9]);
    expect(containers.get(id).exit?.exitCode).to.equal(137);
  });

  it('a Stop racing a Start leaves the container exited, never running', async () => {
    const podId = await pods.run(sandboxSpec(podConfig('web'), ''));
    const id = await containers.create(podId, containerSpec(ctrConfig('app')));
    const results = await Promise.allSettled([containers.start(id), containers.stop(id, 0)]);
    expect(containers.get(id).state).to.equal('exited');
    expect(results.filter((r) => r.status === 'rejected').length).to.be.at.most(1);
  });

  it('filters lists by id prefix, pod, state and labels', async () => {
    const a = await pods.run(sandboxSpec(podConfig('a'), ''));
    const b = await pods.run(sandboxSpec(podConfig('b'), ''));
    const ca = await containers.create(a, containerSpec(ctrConfig('x')));
    await containers.create(b, containerSpec(ctrConfig('y')));
    await containers.start(ca);
    expect(pods.list({ labelSelector: { app: 'a' } }).map((p) => p.id)).to.deep.equal([a]);
    expect(pods.list({ id: b.slice(0, 6) }).map((p) => p.id)).to.deep.equal([b]);
    expect(containers.list({ podId: a }).map((c) => c.id)).to.deep.equal([ca]);
    expect(containers.list({ state: 'created' }).map((c) => c.spec.name)).to.deep.equal(['y']);
  });

  it('recovers after a restart: exits recorded while down, lost monitors, half-made objects', async () => {
    const podId = await pods.run(sandboxSpec(podConfig('web'), ''));
    const ran = await containers.create(podId, containerSpec(ctrConfig('ran')));
    const lost = await containers.create(podId, containerSpec(ctrConfig('lost')));
    const still = await containers.create(podId, containerSpec(ctrConfig('still')));
    await containers.start(ran);
    await containers.start(lost);
    await containers.start(still);
    // husk goes down; meanwhile `ran` exits (its monitor records it) and `lost`'s monitor vanishes.
    runtime.waiters.clear();
    runtime.exits.set(ran, { exitCode: 0, signal: 0, finishedAtNs: '42', oomKilled: false });
    runtime.alive.delete(ran);
    runtime.alive.delete(lost);
    const orphan = join(config.state, 'containers', 'e'.repeat(64)); // a CreateContainer cut short before its record
    mkdirSync(join(orphan, 'rootfs'), { recursive: true });
    await boot();
    expect(existsSync(orphan)).to.equal(false);
    expect(containers.get(ran)).to.deep.include({ state: 'exited', reason: 'Completed', exit: { exitCode: 0, signal: 0, finishedAtNs: '42', oomKilled: false } });
    expect(containers.get(lost).state).to.equal('unknown');
    expect(containers.get(still).state).to.equal('running');
    runtime.exit(still, { exitCode: 1, signal: 0, finishedAtNs: '50', oomKilled: false });
    await new Promise((r) => setTimeout(r, 20));
    expect(containers.get(still)).to.deep.include({ state: 'exited', reason: 'Error' });
    expect(readdirSync(join(config.root, 'containers'))).to.have.length(3);
  });

  it('answers RemoveContainer before the teardown, and finishes a teardown a crash cut short at the next start', async () => {
    const podId = await pods.run(sandboxSpec(podConfig('web'), ''));
    const id = await containers.create(podId, containerSpec(ctrConfig('app')));
    runtime.removeGate = new Promise(() => undefined); // the teardown never gets done: husk "crashes" first
    await containers.remove(id);
    expect(containers.list()).to.deep.equal([]);
    expect(events).to.include('container deleted app');
    expect(readdirSync(join(config.root, 'containers'))).to.deep.equal([`${id}.removing`]);
    runtime.removeGate = undefined;
    await boot();
    await teardowns.settled();
    expect(runtime.removed).to.deep.equal([id]);
    expect(readdirSync(join(config.root, 'containers'))).to.deep.equal([]);
    expect(() => containers.get(id)).to.throw(/not found/);
  });
});
