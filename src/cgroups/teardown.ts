// Emptying and removing a cgroup tree, shared by the v1 and v2 managers.
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineExceededError } from '../common/errors.js';
import { isCgroupFsError, type CgroupFs } from './fs-ops.js';
import type { CgroupManager } from './manager.js';
import { log } from '../log/logger.js';

/** Every directory of the tree under `dir`, children before parents. Missing dir: []. */
export async function treeLeafFirst(fs: CgroupFs, dir: string): Promise<string[]> {
  let children: string[];
  try {
    children = await fs.subdirs(dir);
  } catch (e) {
    if (isCgroupFsError(e, 'ENOENT')) return [];
    throw e;
  }
  const out: string[] = [];
  for (const child of children) out.push(...(await treeLeafFirst(fs, `${dir}/${child}`)));
  out.push(dir);
  return out;
}

function parsePids(text: string): number[] {
  return text
    .split('\n')
    .filter((l) => /^\d+$/.test(l.trim()))
    .map(Number);
}

/** PIDs in the trees under `dirs` (deduplicated across hierarchies). */
export async function treePids(fs: CgroupFs, dirs: string[]): Promise<number[]> {
  const pids = new Set<number>();
  for (const root of dirs) {
    for (const dir of await treeLeafFirst(fs, root)) {
      try {
        for (const pid of parsePids(await fs.readFile(`${dir}/cgroup.procs`))) pids.add(pid);
      } catch (e) {
        if (!isCgroupFsError(e, 'ENOENT')) throw e;
      }
    }
  }
  return [...pids];
}

export function sigkill(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }
}

/** Polls until no member is left; throws DeadlineExceededError after timeoutMs. */
export async function waitEmpty(fs: CgroupFs, dirs: string[], timeoutMs: number, onRetry?: (pids: number[]) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    const left = await treePids(fs, dirs);
    if (left.length === 0) return;
    if (Date.now() >= deadline) {
      throw new DeadlineExceededError(`cgroup ${dirs[0]} still holds pids ${left.join(',')} after ${timeoutMs} ms`);
    }
    onRetry?.(left);
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
}

/**
 * Removes the tree under `dir`, leaf first. EBUSY (a member not yet gone, or
 * the kernel still tearing down css) is retried with backoff until the
 * deadline; a directory that vanished meanwhile is fine.
 */
export async function removeTree(fs: CgroupFs, dir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const d of await treeLeafFirst(fs, dir)) {
    let delay = 2;
    for (;;) {
      try {
        await fs.rmdir(d);
        break;
      } catch (e) {
        if (isCgroupFsError(e, 'ENOENT')) break;
        if (!isCgroupFsError(e, 'EBUSY') || Date.now() >= deadline) throw e;
        await sleep(delay);
        delay = Math.min(delay * 2, 100);
      }
    }
  }
}

/** The prefixes of `path` (shallowest first) that do not exist yet: what a create is about to make. */
export async function missingPrefixes(exists: (path: string) => Promise<boolean>, prefixes: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const p of prefixes) if (missing.length > 0 || !(await exists(p))) missing.push(p);
  return missing;
}

/**
 * Best-effort rmdir of parents a failed create made, deepest first. Never
 * kills: a parent another create has meanwhile filled stays (rmdir says EBUSY).
 */
export async function pruneParents(fs: CgroupFs, dirsDeepestFirst: string[]): Promise<void> {
  for (const dir of dirsDeepestFirst) {
    try {
      await fs.rmdir(dir);
    } catch {
      return;
    }
  }
}

/** After a failed create: remove the leaf if this create made it, then the parents it made if still empty. */
export async function undoCreate(manager: Pick<CgroupManager, 'remove' | 'procDirs'>, fs: CgroupFs, path: string, made: string[]): Promise<void> {
  if (made.length === 0) return;
  try {
    await manager.remove(made[made.length - 1]!);
    const parents = made.slice(0, -1).reverse();
    await pruneParents(fs, parents.flatMap((p) => manager.procDirs(p)));
  } catch (err) {
    log.warn({ err, path }, 'cgroup cleanup after failed create');
  }
}
