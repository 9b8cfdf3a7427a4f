// Containers through husk-monitor: a rootfs overlaid from the image's layers,
// the pod's namespaces, the request's security context, a cgroup of its own.
// The monitor holds the container; this side only describes it and asks.
import { realpath, stat, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import type { HuskConfig } from '../config/config.js';
import { FailedPreconditionError, InvalidArgumentError, isErrno, NotFoundError } from '../common/errors.js';
import { diskUsage, type DiskUsage } from '../common/disk-usage.js';
import { removeUnknownIdDirs } from '../common/orphan-dirs.js';
import { fromCriResources, type CgroupManager, type CgroupStats, type DeviceRule } from '../cgroups/index.js';
import type { ImageRecord, ImageService } from '../image/index.js';
import {
  runtimeDefaultProfile,
  loadLocalhostProfile,
  writeSeccompBpf,
  seccompFilterFlags,
  waitForProcessExit,
  isNativeError,
  createContainer,
  startContainer,
  signalContainer,
  readExitFile,
  monitorState,
  readMonitorPid,
  reopenLog,
  execInContainer,
  execInContainerCapture,
  attach,
  withDefaults,
  capabilitySets,
  defaultDevices,
  SPEC_FILE,
  type ContainerSpec,
  type MountSpec,
  type DeviceSpec,
  type NamespaceSpec,
  type ExecSpec,
  removeTree,
  makeDirs,
} from '../native/index.js';
import type { StreamIO } from '../streaming/index.js';
import type { LinuxContainerResources__Output } from '../generated/runtime/v1/LinuxContainerResources.js';
import type { PodRecord } from '../pod/pod-record.js';
import type { ContainerRecord, ContainerHandles, ExitStatus } from './container-record.js';
import type { ContainerRuntime, ExecOutput } from './container-runtime.js';
import { processArgs, mergeEnv, workingDir } from './process-args.js';
import { parsePasswd, parseGroup, resolveUser } from './user.js';
import { ImageAccountFiles } from './image-files.js';
import { containerCapabilities, capabilitiesInMask } from './capabilities.js';
import { deviceRules } from './device-rules.js';

let hostBounding: string[] | undefined;
/** The daemon's own bounding set: what it can hand to a container at most. */
function hostBoundingSet(): string[] {
  hostBounding ??= capabilitiesInMask(/^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0');
  return hostBounding;
}

/** What CreateContainer worked out, for StartContainer to run. */
interface PreparedContainer {
  spec: ContainerSpec;
  cgroupPath: string;
  devices: DeviceRule[];
}

export class NativeContainerRuntime implements ContainerRuntime {
  private readonly prepared = new Map<string, PreparedContainer>();
  private readonly accounts = new ImageAccountFiles();

  constructor(
    private readonly config: HuskConfig,
    private readonly cgroups: CgroupManager,
    private readonly images: Pick<ImageService, 'get' | 'layerPaths'>,
  ) {}

  private layerDir(c: ContainerRecord): string {
    return join(this.config.root, 'containers', c.id);
  }

  private cgroupPathOf(c: ContainerRecord, pod: PodRecord): string {
    return this.cgroups.containerPath(pod.handles?.cgroupPath ?? this.cgroups.podPath(pod.spec.cgroupParent), c.id);
  }

  /**
   * Everything that can be checked and written before there is a process:
   * the user from the image, the command, mounts, devices, seccomp, the
   * monitor's spec. StartContainer then only has to make the cgroup and run it.
   */
  async create(c: ContainerRecord, pod: PodRecord, pidTarget?: ContainerRecord): Promise<ContainerHandles> {
    const prepared = await this.prepare(c, pod, pidTarget);
    this.prepared.set(c.id, prepared);
    return { rootfs: prepared.spec.rootfs.path, cgroupPath: prepared.cgroupPath };
  }

  async start(c: ContainerRecord, pod: PodRecord, pidTarget?: ContainerRecord): Promise<{ pid: number; monitorPid: number }> {
    // Made again after a daemon restart, and for a pid target (its process may have been restarted since).
    const cached = pidTarget ? undefined : this.prepared.get(c.id);
    const { spec, cgroupPath, devices } = cached ?? (await this.prepare(c, pod, pidTarget));
    this.prepared.delete(c.id);
    await this.cgroups.create(cgroupPath, { ...fromCriResources(c.spec.resources), devices });
    try {
      const created = await createContainer(spec);
      await startContainer(c.stateDir);
      return created;
    } catch (e) {
      await this.cgroups.remove(cgroupPath).catch(() => undefined);
      throw e;
    }
  }

  private async prepare(c: ContainerRecord, pod: PodRecord, pidTarget: ContainerRecord | undefined): Promise<PreparedContainer> {
    const image = this.images.get(c.imageId);
    if (!image) throw new NotFoundError('image', c.imageRef);
    const layerDir = this.layerDir(c);
    // Made while the spec is worked out; settled before any outcome, so a caller's cleanup finds them.
    const dirsMade = makeDirs([
      [join(layerDir, 'upper'), 0o755],
      [join(layerDir, 'work'), 0o700],
      [join(c.stateDir, 'rootfs'), 0o755],
    ]);
    try {
      return await this.specify(c, pod, pidTarget, image, dirsMade);
    } catch (e) {
      await dirsMade.catch(() => undefined);
      throw e;
    }
  }

  private async specify(c: ContainerRecord, pod: PodRecord, pidTarget: ContainerRecord | undefined, image: ImageRecord, dirsMade: Promise<void>): Promise<PreparedContainer> {
    const layers = this.images.layerPaths(image);
    const layerDir = this.layerDir(c);
    const spec = c.spec;
    const sec = spec.security;
    const { passwd, group } = await this.accounts.get(image.id, layers);
    const user = resolveUser(
      { runAsUser: sec.runAsUser, runAsUsername: sec.runAsUsername, runAsGroup: sec.runAsGroup, supplementalGroups: sec.supplementalGroups, imageUser: image.runtime.user },
      parsePasswd(passwd),
      parseGroup(group),
    );
    const args = processArgs(spec.command, spec.args, image.runtime);
    if (args.length === 0) throw new InvalidArgumentError('config.command', 'is empty and the image has no ENTRYPOINT or CMD');
    let env = mergeEnv(image.runtime.env, spec.env);
    if (!env.some((e) => e.startsWith('HOME='))) env = [...env, `HOME=${user.home}`];
    const caps = containerCapabilities(sec.addCapabilities, sec.dropCapabilities, sec.privileged, hostBoundingSet());
    const devices = await this.devices(c);
    const cgroupPath = this.cgroupPathOf(c, pod);
    let seccompBpfPath: string | undefined;
    let seccompFlags: number | undefined;
    if (!sec.privileged && sec.seccomp.type !== 'unconfined') {
      const profile = sec.seccomp.type === 'runtime-default' ? runtimeDefaultProfile() : await loadLocalhostProfile(sec.seccomp.path, { field: 'config.linux.security_context.seccomp.localhost_ref' });
      seccompBpfPath = join(c.stateDir, 'seccomp.bpf');
      await dirsMade;
      await writeSeccompBpf(profile, seccompBpfPath, { capabilities: caps });
      seccompFlags = seccompFilterFlags(profile);
    }
    const memory = this.cgroups.memoryDir(cgroupPath);
    c.user = { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids };
    const containerSpec: ContainerSpec = withDefaults({
      id: c.id,
      stateDir: c.stateDir,
      logPath: c.logPath || undefined,
      rootfs: {
        path: join(c.stateDir, 'rootfs'),
        readonly: sec.readonlyRootfs,
        // A bidirectional mount only propagates back out if the root it sits in is shared too (containerd's rule).
        propagation: spec.mounts.some((m) => m.propagation === 'rshared') ? 'rshared' : 'rslave',
        overlay: { lowerdirs: [...layers].reverse(), upperdir: join(layerDir, 'upper'), workdir: join(layerDir, 'work') },
      },
      process: {
        args,
        env,
        cwd: workingDir(spec.workingDir, image.runtime),
        user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
        terminal: spec.tty,
        stdin: spec.stdin,
        stdinOnce: spec.stdinOnce,
        capabilities: capabilitySets(caps),
        noNewPrivileges: sec.noNewPrivs,
        oomScoreAdj: spec.resources?.oom_score_adj ? Number(spec.resources.oom_score_adj) : undefined,
        seccompBpfPath,
        seccompFlags,
      },
      hostname: pod.spec.hostname,
      namespaces: this.namespaces(c, pod, pidTarget),
      mounts: await this.mounts(c, pod),
      devices: [...defaultDevices(), ...devices],
      ...(sec.privileged ? { maskedPaths: [], readonlyPaths: [] } : {}),
      ...(sec.maskedPaths.length ? { maskedPaths: sec.maskedPaths } : {}),
      ...(sec.readonlyPaths.length ? { readonlyPaths: sec.readonlyPaths } : {}),
      cgroupDirs: this.cgroups.procDirs(cgroupPath),
      oom: { version: memory.version, memoryCgroupDir: memory.dir },
    });
    await dirsMade;
    return {
      spec: containerSpec,
      cgroupPath,
      devices: deviceRules(devices.map((device, i) => ({ device, permissions: spec.devices[i]!.permissions })), sec.privileged),
    };
  }

  private namespaces(c: ContainerRecord, pod: PodRecord, pidTarget: ContainerRecord | undefined): NamespaceSpec[] {
    const h = pod.handles ?? { cgroupPath: '' };
    const out: NamespaceSpec[] = [{ type: 'mnt' }];
    // A namespace the pod shares with the node is simply not created: the process keeps the host's.
    if (h.netnsPath) out.push({ type: 'net', path: h.netnsPath });
    if (h.ipcnsPath) out.push({ type: 'ipc', path: h.ipcnsPath });
    out.push(h.utsnsPath ? { type: 'uts', path: h.utsnsPath } : { type: 'uts' });
    const pid = c.spec.security.pidNamespace;
    if (pid === 'pod' && h.pidnsPath) out.push({ type: 'pid', path: h.pidnsPath });
    else if (pid === 'target') {
      const targetPid = pidTarget?.handles?.pid;
      if (!targetPid) throw new FailedPreconditionError(`pid namespace target ${c.spec.security.targetId} has no running process`);
      out.push({ type: 'pid', path: `/proc/${targetPid}/ns/pid` });
    } else if (pid !== 'node') out.push({ type: 'pid' });
    return out;
  }

  private async mounts(c: ContainerRecord, pod: PodRecord): Promise<MountSpec[]> {
    const out: MountSpec[] = [];
    const etc = (name: string) => ({ destination: `/etc/${name}`, type: 'bind', source: join(pod.stateDir, name), options: ['rbind', 'rprivate', 'ro'] });
    if (pod.spec.namespaces.network === 'pod') out.push(etc('hostname'), etc('hosts'));
    out.push(etc('resolv.conf'));
    if (c.spec.security.privileged) out.push({ destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev'] });
    for (const [i, m] of c.spec.mounts.entries()) {
      let source: string;
      try {
        source = await realpath(m.hostPath); // kubelet hands symlinked host paths; bind their target
      } catch (e) {
        if (isErrno(e, 'ENOENT')) throw new InvalidArgumentError(`config.mounts[${i}].host_path`, `"${m.hostPath}" does not exist`);
        throw e;
      }
      out.push({ destination: m.containerPath, type: 'bind', source, options: ['rbind', m.propagation, m.recursiveReadOnly ? 'rro' : m.readonly ? 'ro' : 'rw'] });
    }
    return out;
  }

  private async devices(c: ContainerRecord): Promise<DeviceSpec[]> {
    const out: DeviceSpec[] = [];
    for (const [i, d] of c.spec.devices.entries()) {
      const st = await stat(d.hostPath).catch((e: unknown) => {
        if (isErrno(e, 'ENOENT')) throw new InvalidArgumentError(`config.devices[${i}].host_path`, `"${d.hostPath}" does not exist`);
        throw e;
      });
      const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : st.isFIFO() ? 'p' : undefined;
      if (!type) throw new InvalidArgumentError(`config.devices[${i}].host_path`, `"${d.hostPath}" is not a device`);
      out.push({ path: d.containerPath, type, major: Math.floor(st.rdev / 256) & 0xfff, minor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00), fileMode: st.mode & 0o777, uid: 0, gid: 0 });
    }
    return out;
  }

  async signal(c: ContainerRecord, signal: number): Promise<void> {
    try {
      await signalContainer(c.stateDir, signal);
    } catch (e) {
      // The process (or its monitor) is already gone: nothing left to signal.
      if (isNativeError(e, 'ESRCH') || isNativeError(e, 'ENOENT') || isNativeError(e, 'ECONNREFUSED')) return;
      throw e;
    }
  }

  async waitExit(c: ContainerRecord): Promise<ExitStatus> {
    if (c.handles?.monitorPid) await waitForProcessExit(c.handles.monitorPid);
    const exit = await readExitFile(c.stateDir);
    if (!exit) throw new Error(`monitor of ${c.id} exited without an exit record`);
    return exit;
  }

  readExit(c: ContainerRecord): Promise<ExitStatus | undefined> {
    return readExitFile(c.stateDir);
  }

  async resumeStart(c: ContainerRecord): Promise<{ pid: number; monitorPid: number } | undefined> {
    const monitorPid = await readMonitorPid(c.stateDir);
    if (!monitorPid) return undefined;
    try {
      const state = await monitorState(c.stateDir);
      if (state.status === 'created') await startContainer(c.stateDir);
      return { pid: state.pid, monitorPid };
    } catch {
      // The monitor is gone: the process ran and ended (its exit file tells) or never got going.
      return (await readExitFile(c.stateDir)) ? { pid: 0, monitorPid } : undefined;
    }
  }

  async isAlive(c: ContainerRecord): Promise<boolean> {
    try {
      await monitorState(c.stateDir);
      return true;
    } catch {
      return false;
    }
  }

  removeOrphans(known: ReadonlySet<string>): Promise<string[]> {
    return removeUnknownIdDirs(join(this.config.root, 'containers'), known);
  }

  async remove(c: ContainerRecord): Promise<void> {
    this.prepared.delete(c.id);
    await Promise.all([c.handles?.cgroupPath ? this.cgroups.remove(c.handles.cgroupPath) : undefined, removeTree(this.layerDir(c))]);
  }

  /** An exec runs as the container's own process does: its spec, with the command swapped in. */
  private async execSpec(c: ContainerRecord, cmd: string[], tty: boolean, stdin: boolean): Promise<ExecSpec> {
    const spec = JSON.parse(await readFile(join(c.stateDir, SPEC_FILE), 'utf8')) as ContainerSpec;
    return { pid: c.handles!.pid!, process: { ...spec.process, args: cmd, terminal: tty, stdin, stdinOnce: false }, cgroupDirs: spec.cgroupDirs };
  }

  async execSync(c: ContainerRecord, cmd: string[], timeoutMs: number): Promise<ExecOutput> {
    return execInContainerCapture(await this.execSpec(c, cmd, false, false), { timeoutMs: timeoutMs || undefined, specDir: c.stateDir });
  }

  async exec(c: ContainerRecord, cmd: string[], io: StreamIO): Promise<{ exitCode: number }> {
    const handle = await execInContainer(await this.execSpec(c, cmd, io.tty, !!io.stdin), { specDir: c.stateDir });
    const onAbort = () => handle.kill();
    io.signal.addEventListener('abort', onAbort);
    if (io.stdin && handle.stdin) io.stdin.pipe(handle.stdin).on('error', () => undefined);
    else handle.stdin?.end();
    const copied = [pipeInto(handle.stdout, io.stdout), pipeInto(handle.stderr, io.stderr ?? io.stdout)];
    forwardResizes(io, (rows, cols) => handle.resize(rows, cols));
    try {
      const exitCode = await handle.exit;
      await Promise.all(copied);
      return { exitCode };
    } finally {
      io.signal.removeEventListener('abort', onAbort);
    }
  }

  async attach(c: ContainerRecord, io: StreamIO): Promise<void> {
    const session = await attach(c.stateDir);
    const onAbort = () => session.close();
    io.signal.addEventListener('abort', onAbort);
    if (io.stdin) io.stdin.pipe(session.stdin).on('error', () => undefined);
    forwardResizes(io, (rows, cols) => session.resize(rows, cols));
    const copied = [pipeInto(session.stdout, io.stdout), pipeInto(session.stderr, io.stderr ?? io.stdout)];
    try {
      await session.exited;
      await Promise.all(copied);
    } finally {
      io.signal.removeEventListener('abort', onAbort);
      session.close();
    }
  }

  async usage(c: ContainerRecord): Promise<{ cgroup: CgroupStats; writableLayer: DiskUsage & { mountpoint: string } } | undefined> {
    if (!c.handles?.cgroupPath || !(await this.cgroups.exists(c.handles.cgroupPath))) return undefined;
    const upper = join(this.layerDir(c), 'upper');
    const [cgroup, layer] = await Promise.all([this.cgroups.stats(c.handles.cgroupPath), diskUsage([upper])]);
    return { cgroup, writableLayer: { ...layer, mountpoint: upper } };
  }

  reopenLog(c: ContainerRecord): Promise<void> {
    return reopenLog(c.stateDir);
  }

  updateResources(c: ContainerRecord, resources: LinuxContainerResources__Output): Promise<void> {
    return this.cgroups.update(c.handles!.cgroupPath, fromCriResources(resources));
  }
}

/** Passes each terminal size the client sends on to the process's terminal, until the session ends. */
function forwardResizes(io: StreamIO, resize: (rows: number, cols: number) => void): void {
  if (!io.resize) return;
  const sizes = io.resize;
  void (async () => {
    for await (const size of sizes) resize(size.height, size.width);
  })().catch(() => undefined);
}

/**
 * Copies a readable into a writable (with backpressure) without ending it: the
 * streaming server ends it. Resolves at the source's end, also when that came
 * before this was called (a command that exits at once).
 */
function pipeInto(from: Readable | null | undefined, to: Writable | undefined): Promise<void> {
  if (!from) return Promise.resolve();
  if (to) from.pipe(to, { end: false });
  else from.resume();
  return finished(from).catch(() => undefined);
}
