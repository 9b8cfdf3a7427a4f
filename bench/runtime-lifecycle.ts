// Pod and container lifecycle benchmark (prints numbers, decides nothing):
//   npx tsx bench/runtime-lifecycle.ts [--iterations 20] [--list-pods 50] [--list-per-pod 10] [--no-containerd]
// Through gRPC against a real `husk serve`: p50/p99 of each lifecycle step
// (run pod, create, start, stop, remove, stop pod, remove pod), ListContainers
// with 500 containers present, the daemon's RSS idle and with 20 pods, and the
// monitors' RSS. If Debian's containerd is installed, the same lifecycle and
// memory numbers against its CRI plugin (same bridge CNI, same images from the
// same loopback registry) and husk/containerd ratios; the two lifecycles
// alternate iteration by iteration, so a busy moment of the machine hits
// both alike. Needs root.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { unary } from '../src/client/cri-client.js';
import { startBenchRegistry, type BenchImages } from './lib/bench-images.js';
import { benchCgroupParent, killCgroupTree, removeCgroupTree } from './lib/cgroups.js';
import { containerdInstalled, startContainerdCri, type ContainerdCri } from './lib/containerd-cri.js';
import { fleet, lifecycleOnce, LIFECYCLE_STEPS, removeAllPods, type Step, type Target } from './lib/cri-workload.js';
import { startBenchHusk, type BenchHusk } from './lib/husk-daemon.js';
import { cwdUnder, pidsOf, rssOf, vmRssKb, type RssSummary } from './lib/proc-memory.js';
import { mib, p50p99, percentile, timed } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20' },
    'list-pods': { type: 'string', default: '50' },
    'list-per-pod': { type: 'string', default: '10' },
    'memory-pods': { type: 'string', default: '20' },
    'no-containerd': { type: 'boolean', default: false },
  },
});
const ITERATIONS = Number(values.iterations);
const LIST_PODS = Number(values['list-pods']);
const LIST_PER_POD = Number(values['list-per-pod']);
const MEMORY_PODS = Number(values['memory-pods']);
const LIST_CALLS = 50;

interface RuntimeResult {
  steps: Record<Step, number[]>;
  idleKb: number;
  busyKb: number;
  /** Per-container runtime processes: husk-monitor of each container, containerd-shim of each pod. */
  perContainer: RssSummary;
  /** Per-pod runtime processes husk has besides (the infra monitor); none for containerd. */
  perPod?: RssSummary;
  containers: number;
}

/** One runtime under test: how to reach it and which processes are its own. */
interface Runtime {
  target: Target;
  daemonPid(): number;
  perContainerPids(): number[];
  perPodPids?(): number[];
  idleKb: number;
  steps: Record<Step, number[]>;
}

const settle = (ms = 1000) => new Promise((r) => setTimeout(r, ms));

function printSteps(steps: Record<Step, number[]>): void {
  for (const s of LIFECYCLE_STEPS) console.log('  ' + p50p99(s, steps[s]));
  const totals = steps.RunPodSandbox.map((_, i) => LIFECYCLE_STEPS.reduce((n, s) => n + steps[s][i]!, 0));
  console.log('  ' + p50p99('whole lifecycle', totals));
}

function rssLine(label: string, r: RssSummary): string {
  return `  ${label.padEnd(34)} ${String(r.count).padStart(4)} procs   avg ${mib(r.avgKb)}   max ${mib(r.maxKb)}   total ${mib(r.totalKb)}`;
}

function newRuntime(target: Target, daemonPid: () => number, perContainerPids: () => number[], perPodPids?: () => number[]): Runtime {
  return { target, daemonPid, perContainerPids, perPodPids, idleKb: 0, steps: Object.fromEntries(LIFECYCLE_STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]> };
}

/**
 * The lifecycle, one iteration of each runtime in turn: both see the same
 * moments of a shared machine, so its load and noise do not favour either.
 */
async function interleavedLifecycles(runtimes: Runtime[]): Promise<void> {
  await settle();
  for (const r of runtimes) r.idleKb = vmRssKb(r.daemonPid());
  for (const r of runtimes) await lifecycleOnce(r.target, 'warmup');
  for (let i = 0; i < ITERATIONS; i++) {
    for (const r of runtimes) {
      const one = await lifecycleOnce(r.target, `lc-${i}`);
      for (const s of LIFECYCLE_STEPS) r.steps[s].push(one[s]);
    }
  }
  for (const r of runtimes) {
    console.log(`\n${r.target.name}: lifecycle, ${ITERATIONS} iterations (after one warm-up, interleaved with ${runtimes.length - 1} other runtime), ms per gRPC call`);
    printSteps(r.steps);
  }
}

/** `MEMORY_PODS` pods with one sleeping container each, then the runtime's memory. */
async function memory(r: Runtime): Promise<RuntimeResult> {
  const t = r.target;
  const wall = await timed(() => fleet(t, 'mem', MEMORY_PODS, 1, true));
  await settle();
  const busyKb = vmRssKb(r.daemonPid());
  const perContainer = rssOf(r.perContainerPids());
  const perPod = r.perPodPids ? rssOf(r.perPodPids()) : undefined;
  console.log(`\n${t.name}: memory (VmRSS), ${MEMORY_PODS} pods x 1 running container (made in ${(wall / 1000).toFixed(1)} s)`);
  console.log(`  daemon idle ${mib(r.idleKb)}   with ${MEMORY_PODS} pods ${mib(busyKb)}`);
  return { steps: r.steps, idleKb: r.idleKb, busyKb, perContainer, perPod, containers: MEMORY_PODS };
}

function huskRuntime(husk: BenchHusk, images: BenchImages, cgroupParent: string): Runtime {
  const t: Target = { name: 'husk', cri: husk.cri, image: images.busybox, logDir: join(husk.dir, 'logs'), cgroupParent };
  return newRuntime(
    t,
    () => husk.proc.pid!,
    () => pidsOf('husk-monitor', cwdUnder(join(husk.state, 'containers'))),
    () => pidsOf('husk-monitor', cwdUnder(join(husk.state, 'pods'))),
  );
}

async function huskMemoryAndList(r: Runtime, husk: BenchHusk): Promise<RuntimeResult> {
  const t = r.target;
  const result = await memory(r);
  console.log(rssLine('husk-monitor per container', result.perContainer));
  if (result.perPod) console.log(rssLine('husk-monitor per pod (infra)', result.perPod));
  await removeAllPods(t);

  const made = await timed(() => fleet(t, 'list', LIST_PODS, LIST_PER_POD, false));
  const count = (await unary(husk.cri.runtime, 'ListContainers', {})).containers.length;
  const calls: number[] = [];
  for (let i = 0; i < LIST_CALLS; i++) calls.push(await timed(() => unary(husk.cri.runtime, 'ListContainers', {})));
  const filtered: number[] = [];
  for (let i = 0; i < LIST_CALLS; i++) filtered.push(await timed(() => unary(husk.cri.runtime, 'ListContainers', { filter: { state: { state: 0 }, label_selector: { bench: 'husk' } } })));
  console.log(`\nhusk: ListContainers with ${count} containers (${LIST_PODS} pods x ${LIST_PER_POD} created, made in ${(made / 1000).toFixed(1)} s), ${LIST_CALLS} calls`);
  console.log('  ' + p50p99('unfiltered', calls));
  console.log('  ' + p50p99('state+label filter', filtered));
  console.log(`  daemon RSS with ${count} containers ${mib(vmRssKb(husk.proc.pid!))}`);
  const removal = await timed(() => removeAllPods(t));
  console.log(`  (removed all in ${(removal / 1000).toFixed(1)} s)`);
  return result;
}

/** containerd's CRI with the images pulled, or why there is none. */
async function startContainerd(images: BenchImages, cgroupParent: string): Promise<{ runtime?: Runtime; why?: string; cd?: ContainerdCri }> {
  if (values['no-containerd']) return { why: '--no-containerd' };
  if (!containerdInstalled()) return { why: 'containerd, containerd-shim-runc-v2, runc or unshare not installed (Debian package `containerd`)' };
  let cd: ContainerdCri;
  try {
    cd = await startContainerdCri(mkdtempSync('/tmp/husk-bench-cd-'), images.registry.host, images.pause);
  } catch (err) {
    return { why: (err as Error).message };
  }
  const t: Target = { name: 'containerd', cri: cd.cri, image: images.busybox, logDir: join(cd.dir, 'logs'), cgroupParent };
  try {
    await unary(cd.cri.image, 'PullImage', { image: { image: images.busybox } });
    await unary(cd.cri.image, 'PullImage', { image: { image: images.pause } });
  } catch (err) {
    return { why: `containerd's CRI failed: ${(err as Error).message}\n${cd.output().slice(-1500)}`, cd };
  }
  return { runtime: newRuntime(t, () => cd.pid, () => cd.shimPids()), cd };
}

function compare(h: RuntimeResult, c: RuntimeResult): void {
  console.log('\nhusk / containerd (p50 ratio; < 0.5 meets the target of "at most half")');
  for (const s of LIFECYCLE_STEPS) {
    const hp = percentile(h.steps[s], 50);
    const cp = percentile(c.steps[s], 50);
    console.log(`  ${s.padEnd(22)} ${(hp / cp).toFixed(2).padStart(6)}   (p99 ratio ${(percentile(h.steps[s], 99) / percentile(c.steps[s], 99)).toFixed(2)})`);
  }
  const total = (r: RuntimeResult) => r.steps.RunPodSandbox.map((_, i) => LIFECYCLE_STEPS.reduce((n, s) => n + r.steps[s][i]!, 0));
  console.log(`  ${'whole lifecycle'.padEnd(22)} ${(percentile(total(h), 50) / percentile(total(c), 50)).toFixed(2).padStart(6)}`);
  const huskPer = h.perContainer.totalKb / h.containers;
  const huskPerWithInfra = (h.perContainer.totalKb + (h.perPod?.totalKb ?? 0)) / h.containers;
  const cdPer = c.perContainer.totalKb / c.containers;
  console.log(`\nper-container memory (VmRSS of runtime processes / ${h.containers} one-container pods; < 0.10 meets the target)`);
  console.log(`  husk-monitor ${mib(huskPer)}  vs containerd-shim ${mib(cdPer)}   ratio ${(huskPer / cdPer).toFixed(3)}`);
  console.log(`  counting husk's pod infra monitors too: ${mib(huskPerWithInfra)}   ratio ${(huskPerWithInfra / cdPer).toFixed(3)}`);
  console.log(`  daemon idle ratio ${(h.idleKb / c.idleKb).toFixed(2)}   with ${h.containers} pods ${(h.busyKb / c.busyKb).toFixed(2)}`);
}

async function main(): Promise<void> {
  const images = await startBenchRegistry();
  const huskCgroup = benchCgroupParent('husk');
  const cdCgroup = benchCgroupParent('cd');
  let husk: BenchHusk | undefined;
  let cd: ContainerdCri | undefined;
  try {
    husk = await startBenchHusk(images.registry.host);
    await unary(husk.cri.image, 'PullImage', { image: { image: images.busybox } });
    const h = huskRuntime(husk, images, huskCgroup);
    const started = await startContainerd(images, cdCgroup);
    cd = started.cd;
    const c = started.runtime;
    await interleavedLifecycles(c ? [h, c] : [h]);
    const huskResult = await huskMemoryAndList(h, husk);
    await husk.stop();
    husk = undefined;
    if (!c) {
      console.log(`\ncontainerd: no comparison: ${started.why}`);
      return;
    }
    try {
      const cdResult = await memory(c);
      console.log(rssLine('containerd-shim-runc-v2 (per pod)', cdResult.perContainer));
      await removeAllPods(c.target);
      compare(huskResult, cdResult);
    } catch (err) {
      await removeAllPods(c.target).catch(() => undefined);
      console.log(`\ncontainerd: no comparison: containerd's CRI failed: ${(err as Error).message}\n${cd!.output().slice(-1500)}`);
    }
  } finally {
    await husk?.stop();
    await cd?.stop();
    for (const cg of [huskCgroup, cdCgroup]) {
      const killed = killCgroupTree(cg);
      if (killed) console.log(`(cleanup: killed ${killed} processes left in ${cg})`);
      if (killed) await settle(500);
      removeCgroupTree(cg);
    }
    await images.registry.stop();
  }
}

await main();
