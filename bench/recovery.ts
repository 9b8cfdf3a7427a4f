// Restart recovery benchmark (prints numbers, decides nothing):
//   npx tsx bench/recovery.ts [--pods 20] [--per-pod 10]
// Starts husk, runs pods x per-pod `sleep 3600` containers, kill -9s the
// daemon, starts it again on the same roots and prints how long recovery
// took: the daemon's own "state recovered" ms, and wall time from spawn to
// the first successful ListContainers. Needs root.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { unary } from '../src/client/cri-client.js';
import { startBenchRegistry } from './lib/bench-images.js';
import { benchCgroupParent, removeCgroupTree } from './lib/cgroups.js';
import { fleet, removeAllPods, type Target } from './lib/cri-workload.js';
import { startBenchHusk, type BenchHusk } from './lib/husk-daemon.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '20' }, 'per-pod': { type: 'string', default: '10' } } });
const PODS = Number(values.pods);
const PER_POD = Number(values['per-pod']);
/** ContainerState.CONTAINER_RUNNING (enums arrive as numbers). */
const RUNNING = 1;

async function firstList(husk: BenchHusk): Promise<number> {
  for (;;) {
    try {
      await unary(husk.cri.runtime, 'ListContainers', {}, 2000);
      return Date.now();
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

async function main(): Promise<void> {
  const images = await startBenchRegistry();
  const cgroupParent = benchCgroupParent('rec');
  let husk: BenchHusk | undefined;
  try {
    husk = await startBenchHusk(images.registry.host);
    const target: Target = { name: 'husk', cri: husk.cri, image: images.busybox, logDir: join(husk.dir, 'logs'), cgroupParent };
    await unary(husk.cri.image, 'PullImage', { image: { image: images.busybox } });
    let t = Date.now();
    const made = await fleet(target, 'rec', PODS, PER_POD, true);
    console.log(`${made.pods.length} pods, ${made.containers.length} running containers made in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    await husk.kill();
    t = Date.now();
    const h = husk;
    // restart() resolves once the daemon logs "husk serving"; poll ListContainers alongside it
    const listed = (async () => {
      while (h.proc.exitCode === null && h.proc.signalCode === null) await new Promise((r) => setTimeout(r, 5));
      return firstList(h);
    })();
    await h.restart();
    const firstListAt = await listed;
    const line = h.output().split('\n').find((l) => l.includes('"msg":"state recovered"')) ?? '';
    const parsed = line ? (JSON.parse(line) as { ms?: number; pods?: number; containers?: number }) : {};
    console.log('\nafter kill -9 and restart on the same roots:');
    console.log(`  "state recovered" (daemon's own)       ${parsed.ms?.toFixed(1) ?? '?'} ms  (pods ${parsed.pods ?? '?'}, containers ${parsed.containers ?? '?'})`);
    console.log(`  spawn -> first successful ListContainers ${firstListAt - t} ms (includes node start)`);
    const list = (await unary(h.cri.runtime, 'ListContainers', {})).containers;
    const ours = new Set(made.containers);
    const running = list.filter((c) => ours.has(c.id) && c.state === RUNNING).length;
    console.log(`  listed ${list.length} containers, ${running} of our ${made.containers.length} running`);

    t = Date.now();
    target.cri = h.cri;
    await removeAllPods(target);
    console.log(`\ncleanup: all pods stopped and removed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } finally {
    await husk?.stop();
    removeCgroupTree(cgroupParent);
    await images.registry.stop();
  }
}

await main();
