// A pod's shared namespaces, pinned by bind mounts under the pod's state dir
// rather than held by a process: pinning net+ipc+uts measured ~1 ms p50 and
// costs no memory, where an infra process per pod costs a process and its
// monitor. Only a pod that shares one PID namespace gets an infra process:
// a PID namespace needs a live PID 1 (husk-pause, which also reaps orphans).
import { join } from 'node:path';
import { mkdir, copyFile, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createContainer, startContainer, signalContainer, monitorState, pauseBinaryPath, readMonitorPid, waitForProcessExit } from '../native/index.js';
import { pinProcessNamespace, removeTree } from '../native/index.js';
import type { ContainerSpec } from '../native/index.js';
import {
  createPinnedNamespaces,
  unpinNamespaces,
  setHostnameInNamespace,
  setLoopbackUp,
  writeSysctl,
  isMountpoint,
  type PinnableNamespaceKind,
  type PinnedNamespaces,
} from '../native/index.js';
import type { CgroupManager } from '../cgroups/index.js';
import type { PodRecord, SandboxHandles } from './pod-record.js';
import type { SandboxRuntime } from './sandbox-runtime.js';

/** husk-pause exits on SIGTERM at once; a wedged one must not hold StopPodSandbox forever. */
const INFRA_STOP_TIMEOUT_MS = 2000;

export class NativeSandboxRuntime implements SandboxRuntime {
  constructor(
    private readonly cgroups: CgroupManager,
    /** Where the read-only root of infra processes (just husk-pause) lives. */
    private readonly pauseRoot: string,
  ) {}

  async createNamespaces(pod: PodRecord): Promise<SandboxHandles> {
    const ns = pod.spec.namespaces;
    const kinds: PinnableNamespaceKind[] = [];
    if (ns.network === 'pod') kinds.push('net');
    if (ns.ipc === 'pod') kinds.push('ipc');
    // A pod on the host network keeps the host's name too, as kubelet expects.
    if (ns.network === 'pod') kinds.push('uts');
    const dir = nsDir(pod);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const pins = await createPinnedNamespaces(dir, kinds);
    if (pins.uts) await setHostnameInNamespace(pins.uts, pod.spec.hostname);
    if (pins.net) await setLoopbackUp(pins.net);
    for (const [key, value] of Object.entries(pod.spec.sysctls)) await writeSysctl(pins, key, value);
    return { netnsPath: pins.net, ipcnsPath: pins.ipc, utsnsPath: pins.uts, cgroupPath: this.cgroups.podPath(pod.spec.cgroupParent) };
  }

  async startInfra(pod: PodRecord, handles: SandboxHandles): Promise<Partial<SandboxHandles>> {
    return pod.spec.namespaces.pid === 'pod' ? this.runInfra(pod, handles) : {};
  }

  /** husk-pause as PID 1 of the pod's PID namespace, held by its own monitor, in a cgroup of the pod. */
  private async runInfra(pod: PodRecord, h: SandboxHandles): Promise<Partial<SandboxHandles>> {
    const pause = join(this.pauseRoot, 'pause');
    if (!existsSync(pause)) {
      await mkdir(this.pauseRoot, { recursive: true, mode: 0o755 });
      await copyFile(pauseBinaryPath(), pause);
      await chmod(pause, 0o755);
    }
    const cgroupPath = this.cgroups.containerPath(h.cgroupPath, pod.id);
    await this.cgroups.create(cgroupPath, {});
    const stateDir = infraDir(pod);
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const spec: ContainerSpec = {
      id: pod.id,
      stateDir,
      process: { args: ['/pause'], env: [], cwd: '/', user: { uid: 0, gid: 0, additionalGids: [] }, capabilities: { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [] }, noNewPrivileges: true },
      namespaces: [
        { type: 'mnt' },
        { type: 'pid' },
        ...(h.netnsPath ? [{ type: 'net' as const, path: h.netnsPath }] : []),
        ...(h.ipcnsPath ? [{ type: 'ipc' as const, path: h.ipcnsPath }] : []),
        ...(h.utsnsPath ? [{ type: 'uts' as const, path: h.utsnsPath }] : []),
      ],
      rootfs: { path: this.pauseRoot, readonly: true },
      mounts: [],
      cgroupDirs: this.cgroups.procDirs(cgroupPath),
    };
    const { pid, monitorPid } = await createContainer(spec);
    await startContainer(stateDir);
    const pidnsPath = join(nsDir(pod), 'pid');
    pinProcessNamespace(pid, 'pid', pidnsPath);
    return { infraPid: pid, monitorPid, pidnsPath, infraCgroupPath: cgroupPath };
  }

  /** Ends the infra process, if the pod has one; pinned namespaces stay until removal (kubelet may still read status). */
  async stop(pod: PodRecord): Promise<void> {
    const stateDir = infraDir(pod);
    if (!existsSync(stateDir)) return;
    try {
      await signalContainer(stateDir, 'SIGTERM');
    } catch {
      return; // already gone
    }
    // The monitor records the exit, then exits itself.
    const monitorPid = pod.handles?.monitorPid ?? (await readMonitorPid(stateDir));
    if (monitorPid) await waitForProcessExit(monitorPid, { signal: AbortSignal.timeout(INFRA_STOP_TIMEOUT_MS) }).catch(() => undefined);
  }

  async remove(pod: PodRecord): Promise<void> {
    if (pod.state !== 'notready') await this.stop(pod); // StopPodSandbox already ended the infra process
    await unpinNamespaces([...Object.values(pinsOf(pod)), ...(pod.handles?.pidnsPath ? [pod.handles.pidnsPath] : [])]);
    if (pod.handles?.infraCgroupPath) await this.cgroups.remove(pod.handles.infraCgroupPath);
    await Promise.all([removeTree(nsDir(pod)), removeTree(infraDir(pod))]);
  }

  async isRunning(pod: PodRecord): Promise<boolean> {
    if (pod.handles?.infraPid) {
      try {
        if ((await monitorState(infraDir(pod))).status !== 'running') return false;
      } catch {
        return false;
      }
    }
    return Object.values(pinsOf(pod)).every((path) => existsSync(path) && isMountpoint(path));
  }
}

function infraDir(pod: PodRecord): string {
  return join(pod.stateDir, 'infra');
}

function nsDir(pod: PodRecord): string {
  return join(pod.stateDir, 'ns');
}

/** Every pin a pod may have, from its handles or, for a half-made pod, from the conventional paths. */
function pinsOf(pod: PodRecord): PinnedNamespaces {
  const h = pod.handles;
  if (h) return Object.fromEntries(Object.entries({ net: h.netnsPath, ipc: h.ipcnsPath, uts: h.utsnsPath }).filter(([, v]) => v)) as PinnedNamespaces;
  const dir = nsDir(pod);
  return Object.fromEntries((['net', 'ipc', 'uts'] as const).map((k) => [k, join(dir, k)]).filter(([, p]) => existsSync(p!)));
}
