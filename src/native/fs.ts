// File-system calls Node lacks: device nodes, symlink-safe xattrs, statfs
// flags, and mkdir with an exact mode.
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
