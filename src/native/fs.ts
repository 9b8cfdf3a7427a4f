// File-system calls Node lacks: device nodes, symlink-safe xattrs, statfs
// flags, mkdir with an exact mode; and, each in one pool-thread call, a
// durable file replace, mkdir -p of several paths and a recursive remove.
import { basename, dirname } from 'node:path';
import { addon } from './addon.js';

export type NodeKind = 'char' | 'block' | 'fifo';

const KIND_LETTER: Record<NodeKind, 'c' | 'b' | 'p'> = { char: 'c', block: 'b', fifo: 'p' };

/** Makes a device node or fifo with exactly `mode` permission bits (no umask). */
export function mknod(path: string, kind: NodeKind, mode: number, major = 0, minor = 0): void {
  addon().mknod(path, KIND_LETTER[kind], mode, major, minor);
}

/** mkdir with exactly `mode` (umask and setgid inheritance do not change it). */
export function mkdirExact(path: string, mode: number): void {
  addon().mkdirExact(path, mode);
}

/** Sets an xattr on path itself, not on a symlink's target. */
export function lsetxattr(path: string, name: string, value: Buffer | string, mode: 'create' | 'replace' | 'either' = 'either'): void {
  addon().lsetxattr(path, name, typeof value === 'string' ? Buffer.from(value) : value, mode === 'either' ? '' : mode);
}

/** The xattr's value, or null when path has no such attribute. */
export function lgetxattr(path: string, name: string): Buffer | null {
  return addon().lgetxattr(path, name);
}

export interface StatfsResult {
  /** f_type magic, e.g. 0x794c7630 for overlay, 0x01021994 for tmpfs. */
  type: number;
  blockSize: number;
  fragmentSize: number;
  blocks: bigint;
  blocksFree: bigint;
  blocksAvailable: bigint;
  files: bigint;
  filesFree: bigint;
  nameMax: number;
  /** ST_* mount flags (ST_RDONLY = 1, ST_NOSUID = 2, ...). */
  flags: number;
}

export const FS_MAGIC = {
  overlay: 0x794c7630,
  tmpfs: 0x01021994,
  proc: 0x9fa0,
  sysfs: 0x62656572,
  cgroup: 0x27e0eb,
  cgroup2: 0x63677270,
  nsfs: 0x6e736673,
} as const;

export function statfs(path: string): StatfsResult {
  const s = addon().statfs(path);
  return {
    type: s.type,
    blockSize: s.bsize,
    fragmentSize: s.frsize,
    blocks: s.blocks,
    blocksFree: s.bfree,
    blocksAvailable: s.bavail,
    files: s.files,
    filesFree: s.ffree,
    nameMax: s.namelen,
    flags: s.flags,
  };
}

/**
 * Replaces `path` (its directory must exist) with `data` through a temp file
 * and a rename, in one pool-thread call: a crash of the daemon at any point
 * leaves the old content or the new. `sync` adds fdatasync before and an
 * fsync of the directory after the rename, for power loss. `mode` is
 * subject to the umask, as with open(2).
 */
export function replaceFile(path: string, data: string | Uint8Array, mode: number, sync: boolean): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return addon().writeFileAtomic(dirname(path), basename(path), bytes, mode, sync);
}

/** Makes earlier unsynced writes of `names` in `dir` (and renames and unlinks there) durable; names gone since are skipped. */
export function syncFiles(dir: string, names: readonly string[]): Promise<void> {
  return addon().syncFiles(dir, [...names]);
}

/**
 * rm -rf in one pool-thread call (no JS per entry). Follows no symlink and
 * refuses to descend into a mount point (EBUSY, the mounted content left
 * alone). A missing path is fine.
 */
export function removeTree(path: string): Promise<void> {
  return addon().removeTree(path);
}

/**
 * rmdir of trees of empty directories (cgroups and their children), leaf
 * first, all in one pool-thread call. False when one is still in use (EBUSY
 * or ENOTEMPTY): it, its parents and the trees after it stay. A missing path
 * counts as removed.
 */
export function rmdirTrees(paths: readonly string[]): Promise<boolean> {
  return addon().rmdirTrees([...paths]);
}

/**
 * mkdir -p of each [path, mode] in order, in one pool-thread call: missing
 * parents get 0755, the path itself `mode` (less the umask, as with
 * mkdir(2)). An existing directory is fine.
 */
export function makeDirs(dirs: readonly (readonly [path: string, mode: number])[]): Promise<void> {
  return addon().mkdirAll(
    dirs.map(([path]) => path),
    dirs.map(([, mode]) => mode),
  );
}
