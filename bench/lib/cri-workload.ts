// CRI requests the runtime benchmarks send, the same to husk and to
// containerd: pod and container configs, the timed lifecycle, fleets of pods.
import { join } from 'node:path';
import { unary, type CriClients } from '../../src/client/cri-client.js';
import { inBatches, timed } from './stats.js';

export interface Target {
  name: string;
  cri: CriClients;
  image: string;
  logDir: string;
  cgroupParent: string;
}

/** Exits on SIGTERM at once (busybox sh as PID 1 would otherwise ignore it until the stop timeout). */
export const SLEEPER = ['/bin/sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];

export const LIFECYCLE_STEPS = ['RunPodSandbox', 'CreateContainer', 'StartContainer', 'StopContainer', 'RemoveContainer', 'StopPodSandbox', 'RemovePodSandbox'] as const;
export type Step = (typeof LIFECYCLE_STEPS)[number];

export function podConfig(t: Target, name: string) {
  return {
    metadata: { name, namespace: 'husk-bench', uid: `${name}-uid`, attempt: 0 },
    hostname: name,
    log_directory: join(t.logDir, name),
    labels: { bench: 'husk' },
    linux: { cgroup_parent: t.cgroupParent },
  };
}

function containerConfig(t: Target, name: string, command: string[]) {
  return { metadata: { name }, image: { image: t.image }, command, log_path: `${name}.log` };
}

export async function runPod(t: Target, name: string): Promise<string> {
  return (await unary(t.cri.runtime, 'RunPodSandbox', { config: podConfig(t, name) })).pod_sandbox_id;
}

export async function createContainer(t: Target, podId: string, podName: string, name: string, command = SLEEPER): Promise<string> {
  const res = await unary(t.cri.runtime, 'CreateContainer', { pod_sandbox_id: podId, config: containerConfig(t, name, command), sandbox_config: podConfig(t, podName) });
  return res.container_id;
}

/** One pod with one container through its whole life; the milliseconds of each step. */
export async function lifecycleOnce(t: Target, name: string): Promise<Record<Step, number>> {
  const rt = t.cri.runtime;
  const out = {} as Record<Step, number>;
  let podId = '';
  let ctrId = '';
  out.RunPodSandbox = await timed(async () => (podId = await runPod(t, name)));
  out.CreateContainer = await timed(async () => (ctrId = await createContainer(t, podId, name, 'c')));
  out.StartContainer = await timed(() => unary(rt, 'StartContainer', { container_id: ctrId }));
  out.StopContainer = await timed(() => unary(rt, 'StopContainer', { container_id: ctrId, timeout: 10 }));
  out.RemoveContainer = await timed(() => unary(rt, 'RemoveContainer', { container_id: ctrId }));
  out.StopPodSandbox = await timed(() => unary(rt, 'StopPodSandbox', { pod_sandbox_id: podId }));
  out.RemovePodSandbox = await timed(() => unary(rt, 'RemovePodSandbox', { pod_sandbox_id: podId }));
  return out;
}

/** `pods` pods with `perPod` containers each, created (and started when `start`), `parallel` pods at a time. */
export async function fleet(t: Target, prefix: string, pods: number, perPod: number, start: boolean, parallel = 4): Promise<{ pods: string[]; containers: string[] }> {
  const podIds: string[] = [];
  const ctrIds: string[] = [];
  await inBatches(
    Array.from({ length: pods }, (_, i) => `${prefix}-${i}`),
    parallel,
    async (name) => {
      const pod = await runPod(t, name);
      podIds.push(pod);
      for (let c = 0; c < perPod; c++) {
        const id = await createContainer(t, pod, name, `c${c}`);
        ctrIds.push(id);
        if (start) await unary(t.cri.runtime, 'StartContainer', { container_id: id });
      }
    },
  );
  return { pods: podIds, containers: ctrIds };
}

/** Stops and removes every pod the runtime lists (and so their containers), `parallel` at a time. */
export async function removeAllPods(t: Target, parallel = 4): Promise<void> {
  const rt = t.cri.runtime;
  const pods = (await unary(rt, 'ListPodSandbox', {})).items.map((p) => p.id);
  await inBatches(pods, parallel, async (id) => {
    await unary(rt, 'StopPodSandbox', { pod_sandbox_id: id }).catch(() => undefined);
    await unary(rt, 'RemovePodSandbox', { pod_sandbox_id: id }).catch(() => undefined);
  });
}
