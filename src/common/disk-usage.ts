// Bytes and inodes used under a directory, like `du`: allocated blocks, each
// hard-linked inode counted once, without following symlinks or mounts.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from './errors.js';

export interface DiskUsage {
  bytes: number;
  inodes: number;
}

export async function diskUsage(roots: readonly string[]): Promise<DiskUsage> {
  const seen = new Set<string>();
  const usage: DiskUsage = { bytes: 0, inodes: 0 };
  const visit = async (path: string, dev: number | undefined): Promise<void> => {
    let st;
    try {
      st = await lstat(path, { bigint: false });
    } catch (err) {
      // Files come and go while we walk (pulls, removals); that is not an error.
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    if (dev !== undefined && st.dev !== dev) return;
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    usage.inodes++;
    usage.bytes += st.blocks * 512;
    if (!st.isDirectory()) return;
    let names: string[];
    try {
      names = await readdir(path);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    for (const name of names) await visit(join(path, name), st.dev);
  };
  for (const root of roots) await visit(root, undefined);
  return usage;
}
