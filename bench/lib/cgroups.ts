// The benchmarks put every pod under a cgroup parent of their own
// (`/husk-test-bench-*`) and remove it, in every hierarchy, at the end.
import { existsSync, lstatSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const CGROUP_ROOT = '/sys/fs/cgroup';

export function benchCgroupParent(what: string): string {
  return `/husk-test-bench-${what}-${randomBytes(3).toString('hex')}`;
}

/** Every mounted hierarchy's directory for `path` (v1: one per controller; v2: one). */
function hierarchyDirs(path: string): string[] {
  if (existsSync(join(CGROUP_ROOT, 'cgroup.controllers'))) return [join(CGROUP_ROOT, path)];
  return readdirSync(CGROUP_ROOT)
    .map((h) => join(CGROUP_ROOT, h))
    .filter((d) => lstatSync(d).isDirectory())
    .map((d) => join(d, path));
}

function rmdirTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmdirTree(join(dir, e.name));
  try {
    rmdirSync(dir);
  } catch {
    // still has processes: reported by the caller's own checks
  }
}

/** Removes the (empty) cgroup tree at `path` in every hierarchy. */
export function removeCgroupTree(path: string): void {
  for (const dir of hierarchyDirs(path)) rmdirTree(dir);
}

function procsIn(dir: string): number[] {
  if (!existsSync(dir)) return [];
  const own = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  const nested = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => procsIn(join(dir, e.name)));
  return [...own, ...nested];
}

/** SIGKILLs every process left in the tree at `path` (after a failed run); returns how many. */
export function killCgroupTree(path: string): number {
  const pids = new Set(hierarchyDirs(path).flatMap((d) => procsIn(d)));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  return pids.size;
}
