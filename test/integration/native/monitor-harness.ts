// Shared pieces for the monitor tests: a spec over a busybox overlay, run to
// exit, parse the CRI log, inspect processes and cgroups.
import { readFile, readdir } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withDefaults, type ContainerSpec, type ProcessSpec, type SpecInput } from '../../../src/native/spec.js';
import { createContainer, monitorBinaryPath, readExitFile, startContainer, type MonitorExit } from '../../../src/native/monitor.js';
import { requireFile, requireRoot } from '../../helpers/requirements.js';
import { BUSYBOX, buildBusyboxRootfs, makeContainerDirs, makeTempDir, removeDir, type ContainerDirs } from '../../helpers/rootfs.js';

export function requireMonitor(ctx: Mocha.Context): void {
  requireRoot(ctx);
  requireFile(ctx, BUSYBOX, 'Debian busybox-static');
  requireFile(ctx, monitorBinaryPath(), 'npm run build:native');
}

/** A spec running args over overlay(lower, dirs.upper), with the defaults. */
export type SpecExtras = Omit<Partial<SpecInput>, 'process'> & { process?: Partial<ProcessSpec> };

export function busyboxSpec(dirs: ContainerDirs, lower: string, args: string[], extra: SpecExtras = {}): ContainerSpec {
  return withDefaults({
    id: dirs.base.split('/').pop()!,
    stateDir: dirs.state,
    logPath: dirs.log,
    ...extra,
    rootfs: { path: dirs.rootfs, overlay: { lowerdirs: [lower], upperdir: dirs.upper, workdir: dirs.work }, ...extra.rootfs },
    process: { env: ['PATH=/bin', 'HOME=/root'], ...extra.process, args },
  });
}

export async function waitForExit(stateDir: string, timeoutMs = 15_000): Promise<MonitorExit> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = await readExitFile(stateDir);
    if (exit) return exit;
    if (Date.now() > deadline) throw new Error(`no exit.json in ${stateDir} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface LogRecord {
  time: string;
  stream: 'stdout' | 'stderr';
  tag: 'P' | 'F';
  text: string;
}

export function parseCriLog(text: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^(\S+) (stdout|stderr) ([PF]) (.*)$/s.exec(line);
    if (!m) throw new Error(`not a CRI log line: ${JSON.stringify(line.slice(0, 100))}`);
    records.push({ time: m[1]!, stream: m[2] as 'stdout' | 'stderr', tag: m[3] as 'P' | 'F', text: m[4]! });
  }
  return records;
}

/** Joins P records into whole lines, per stream, as kubelet does. */
export function logLines(records: LogRecord[], stream?: 'stdout' | 'stderr'): string[] {
  const lines: string[] = [];
  let partial = '';
  for (const r of records) {
    if (stream && r.stream !== stream) continue;
    partial += r.text;
    if (r.tag === 'F') {
      lines.push(partial);
      partial = '';
    }
  }
  return lines;
}

export async function readLog(path: string): Promise<LogRecord[]> {
  return existsSync(path) ? parseCriLog(await readFile(path, 'utf8')) : [];
}

/** Creates, starts, waits: the exit record and the stdout lines. */
export async function runToExit(spec: ContainerSpec): Promise<{ exit: MonitorExit; stdout: string[]; stderr: string[] }> {
  await createContainer(spec);
  await startContainer(spec.stateDir);
  const exit = await waitForExit(spec.stateDir);
  const records = await readLog(spec.logPath!);
  return { exit, stdout: logLines(records, 'stdout'), stderr: logLines(records, 'stderr') };
}

/** The process state letter from /proc/<pid>/stat ('Z' zombie), or undefined when gone. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/**
 * Pids of zombie processes named `comm` (this machine's pid 1 does not reap
 * orphans, and other tests' monitors exit meanwhile: give the binary a name
 * of its own to tell ours apart).
 */
export async function monitorZombies(comm = 'husk-monitor'): Promise<Set<number>> {
  const out = new Set<number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(join('/proc', entry, 'stat'), 'utf8');
      if (stat.includes(`(${comm})`) && stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) out.add(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export async function mountinfoLines(): Promise<string[]> {
  return (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter(Boolean);
}

/**
 * The usual monitor test setup: one busybox lower layer for the describe block
 * (skipping without root and the monitor), fresh container dirs for each test.
 */
export function busyboxFixture(): { readonly lower: string; readonly dirs: ContainerDirs } {
  let lowerBase: string | undefined;
  let lower = '';
  let dirs: ContainerDirs | undefined;
  before(async function () {
    requireMonitor(this);
    lowerBase = await makeTempDir('husk-mon-lower-');
    lower = await buildBusyboxRootfs(join(lowerBase, 'layer'));
  });
  after(async () => {
    if (lowerBase) await removeDir(lowerBase);
  });
  beforeEach(async () => {
    dirs = await makeContainerDirs();
  });
  afterEach(async () => {
    if (dirs) await removeDir(dirs.base);
  });
  return {
    get lower() {
      return lower;
    },
    get dirs() {
      return dirs!;
    },
  };
}
