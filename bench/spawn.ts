// Spawn cost on the daemon's main thread (prints numbers, decides nothing):
//   npx tsx bench/spawn.ts [--count 50] [--heap-mb 150]
// Holds heap-mb of live JS objects, then starts /bin/true `count` times, one
// after another, with child_process.spawn (libuv: fork) and with spawnChild
// (the addon: posix_spawn, no page-table copy). Prints p50/p99 of the spawn
// call's wall time and of the main thread's CPU time from the call until the
// child was reaped (schedstat: copy-on-write faults after a fork land there).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { spawnChild } from '../src/native/index.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '50' }, 'heap-mb': { type: 'string', default: '150' } } });
const COUNT = Number(values.count);
const HEAP_MB = Number(values['heap-mb']);

/** Nanoseconds the main thread has spent on a CPU. */
function mainThreadCpuNs(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
}

function holdHeap(mb: number): unknown[] {
  const keep: unknown[] = [];
  while (process.memoryUsage().heapUsed < mb * 2 ** 20) keep.push(Array.from({ length: 10_000 }, (_, i) => ({ i, s: `entry-${i}` })));
  return keep;
}

interface Sample {
  callMs: number;
  cpuMs: number;
}

async function measure(start: () => Promise<void>): Promise<Sample> {
  const cpu0 = mainThreadCpuNs();
  const t0 = process.hrtime.bigint();
  const done = start();
  const callMs = Number(process.hrtime.bigint() - t0) / 1e6;
  await done;
  return { callMs, cpuMs: (mainThreadCpuNs() - cpu0) / 1e6 };
}

function withChildProcess(): Promise<void> {
  const child = spawn('/bin/true', [], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
}

async function withSpawnChild(): Promise<void> {
  await (await spawnChild('/bin/true', [], { stdio: ['ignore', 'ignore', 'ignore'] })).exited;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(name: string, start: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 5; i++) await start(); // warm-up
  const samples: Sample[] = [];
  for (let i = 0; i < COUNT; i++) samples.push(await measure(start));
  const call = samples.map((s) => s.callMs);
  const cpu = samples.map((s) => s.cpuMs);
  const f = (n: number): string => n.toFixed(3).padStart(8);
  console.log(`${name.padEnd(22)} call p50 ${f(pct(call, 50))}  p99 ${f(pct(call, 99))}   main-thread cpu p50 ${f(pct(cpu, 50))}  p99 ${f(pct(cpu, 99))}  (ms)`);
}

const heap = holdHeap(HEAP_MB);
const mem = process.memoryUsage();
console.log(`node ${process.version}, libuv ${process.versions.uv}; live heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB, rss ${(mem.rss / 2 ** 20).toFixed(0)} MB; ${COUNT} spawns of /bin/true each`);
await run('child_process.spawn', withChildProcess);
await run('spawnChild', withSpawnChild);
await run('child_process.spawn', withChildProcess);
await run('spawnChild', withSpawnChild);
if (heap.length === 0) console.log('(no heap held)');
