// Container start benchmark (prints numbers, decides nothing):
//   npx tsx bench/container-start.ts [--count 100] [--parallel 10] [--oneshot]
// Starts `count` containers running /bin/true from a busybox overlay root
// through husk-monitor, one after another and then `parallel` at a time, and
// prints p50/p99 of request -> exec (createContainer + startContainer, the
// start reply comes once execve succeeded), of create and start alone, and
// the RSS of idle monitors. Creation goes through the shared `husk-monitor
// serve` child unless --oneshot spawns `husk-monitor create` per container
// (a Node spawn forks the whole daemon: milliseconds). Needs root.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createContainer, signalContainer, startContainer } from '../src/native/monitor.js';
import { withDefaults, type ContainerSpec } from '../src/native/spec.js';
import { buildBusyboxRootfs, makeContainerDirs, makeTempDir, removeDir, type ContainerDirs } from '../test/helpers/rootfs.js';
import { readExitFile } from '../src/native/monitor.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '100' }, parallel: { type: 'string', default: '10' }, oneshot: { type: 'boolean', default: false } } });
const SPAWNER = !values.oneshot;
const COUNT = Number(values.count);
const PARALLEL = Number(values.parallel);

function specFor(dirs: ContainerDirs, lower: string, args: string[]): ContainerSpec {
  return withDefaults({
    id: dirs.base.split('/').pop()!,
    stateDir: dirs.state,
    logPath: dirs.log,
    rootfs: { path: dirs.rootfs, overlay: { lowerdirs: [lower], upperdir: dirs.upper, workdir: dirs.work } },
    process: { args, env: ['PATH=/bin'] },
  });
}

interface Sample {
  create: number;
  start: number;
  total: number;
}

async function waitExit(stateDir: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await readExitFile(stateDir)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no exit in ${stateDir}`);
}

async function one(lower: string, cleanup: ContainerDirs[]): Promise<Sample> {
  const dirs = await makeContainerDirs('husk-bench-ctr-');
  cleanup.push(dirs);
  const spec = specFor(dirs, lower, ['/bin/true']);
  const t0 = process.hrtime.bigint();
  await createContainer(spec, { spawner: SPAWNER });
  const t1 = process.hrtime.bigint();
  await startContainer(spec.stateDir);
  const t2 = process.hrtime.bigint();
  await waitExit(spec.stateDir);
  return { create: Number(t1 - t0) / 1e6, start: Number(t2 - t1) / 1e6, total: Number(t2 - t0) / 1e6 };
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function report(label: string, samples: Sample[], wallMs: number): void {
  const line = (name: string, xs: number[]): string => `${name.padEnd(16)} p50 ${pct(xs, 50).toFixed(2).padStart(7)} ms   p99 ${pct(xs, 99).toFixed(2).padStart(7)} ms`;
  console.log(`\n${label}: ${samples.length} containers in ${wallMs.toFixed(0)} ms (${((samples.length * 1000) / wallMs).toFixed(1)}/s)`);
  console.log(line('request -> exec', samples.map((s) => s.total)));
  console.log(line('  create', samples.map((s) => s.create)));
  console.log(line('  start', samples.map((s) => s.start)));
}

function statusKb(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

function pssKb(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root');
  const base = await makeTempDir('husk-bench-');
  const cleanup: ContainerDirs[] = [];
  try {
    const lower = await buildBusyboxRootfs(join(base, 'busybox'));
    console.log(`creating through ${SPAWNER ? 'husk-monitor serve' : 'one husk-monitor create per container'}`);
    await one(lower, cleanup); // warm caches

    let t = performance.now();
    const sequential: Sample[] = [];
    for (let i = 0; i < COUNT; i++) sequential.push(await one(lower, cleanup));
    report('sequential', sequential, performance.now() - t);

    t = performance.now();
    const concurrent: Sample[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < COUNT) {
          next++;
          concurrent.push(await one(lower, cleanup));
        }
      }),
    );
    report(`${PARALLEL} at a time`, concurrent, performance.now() - t);

    // idle monitors holding a running container (with a log and a control socket)
    const idle: { dirs: ContainerDirs; monitorPid: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const dirs = await makeContainerDirs('husk-bench-ctr-');
      cleanup.push(dirs);
      const spec = specFor(dirs, lower, ['sh', '-c', 'echo hello; sleep 30']);
      const { monitorPid } = await createContainer(spec);
      await startContainer(spec.stateDir);
      idle.push({ dirs, monitorPid });
    }
    await new Promise((r) => setTimeout(r, 200));
    const rss = idle.map((m) => statusKb(m.monitorPid, 'VmRSS'));
    const pss = idle.map((m) => pssKb(m.monitorPid));
    console.log(`\nmonitor RSS (running container): ${Math.min(...rss)}-${Math.max(...rss)} kB, PSS ${Math.min(...pss)}-${Math.max(...pss)} kB (target: under 1024 kB)`);
    for (const m of idle) {
      await signalContainer(m.dirs.state, 'SIGKILL');
      await waitExit(m.dirs.state);
    }
  } finally {
    for (const d of cleanup) await removeDir(d.base);
    await removeDir(base);
  }
}

await main();
