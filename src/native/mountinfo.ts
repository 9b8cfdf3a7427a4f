// /proc/<pid>/mountinfo parsing: what is mounted where, with propagation.
import { readFileSync } from 'node:fs';

export interface MountInfo {
  id: number;
  parentId: number;
  /** 'major:minor' of the file system. */
  device: string;
  /** The path inside the file system that is mounted (not '/' for binds of subdirs). */
  root: string;
  mountPoint: string;
  /** Per-mount options, e.g. ['rw', 'nosuid']. */
  options: string[];
  /** Optional fields: 'shared:N', 'master:N', 'propagate_from:N', 'unbindable'. */
  propagation: string[];
  fsType: string;
  source: string;
  superOptions: string[];
}

/** Undoes the kernel's octal escapes (\040 for space, \011, \012, \134). */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountInfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const fields = line.split(' ');
    const sep = fields.indexOf('-', 6);
    if (sep < 0 || fields.length < sep + 3) throw new Error(`malformed mountinfo line: ${line}`);
    out.push({
      id: Number(fields[0]),
      parentId: Number(fields[1]),
      device: fields[2]!,
      root: unescape(fields[3]!),
      mountPoint: unescape(fields[4]!),
      options: fields[5]!.split(','),
      propagation: fields.slice(6, sep),
      fsType: fields[sep + 1]!,
      source: unescape(fields[sep + 2]!),
      superOptions: (fields[sep + 3] ?? '').split(',').filter(Boolean),
    });
  }
  return out;
}

export function readMountInfo(pid: number | 'self' = 'self'): MountInfo[] {
  return parseMountInfo(readFileSync(`/proc/${pid}/mountinfo`, 'utf8'));
}

/** Mounts at or below dir (dir itself included). */
export function mountsUnder(dir: string, mounts: MountInfo[] = readMountInfo()): MountInfo[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return mounts.filter((m) => m.mountPoint === dir || m.mountPoint.startsWith(prefix));
}
