// Which cgroup layout the host runs, from /proc/self/mountinfo:
//   v2      one cgroup2 mount holds every controller (most hosts)
//   hybrid  v1 controller mounts plus a controller-less cgroup2 (systemd's "unified" dir)
//   v1      v1 controller mounts only
import { readFile } from 'node:fs/promises';
import { FailedPreconditionError } from '../common/errors.js';

export type CgroupMode = 'v1' | 'hybrid' | 'v2';

export interface CgroupLayout {
  mode: CgroupMode;
  /** v1: controller name (`cpu`, `memory`, ...) -> mount point. Empty on v2. */
  v1Mounts: Map<string, string>;
  /** The cgroup2 mount point, if any (on hybrid it carries no controllers). */
  v2Mount: string | undefined;
}

interface MountEntry {
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const fields = pre.split(' ');
    const [fsType, , superOpts] = post.split(' ');
    if (fields.length < 5 || !fsType) continue;
    entries.push({
      root: unescapeOctal(fields[3]!),
      mountPoint: unescapeOctal(fields[4]!),
      fsType,
      superOptions: (superOpts ?? '').split(','),
    });
  }
  return entries;
}

const NOT_CONTROLLERS = new Set(['rw', 'ro', 'noprefix', 'clone_children', 'xattr', 'cpuset_v2_mode', 'favordynmods']);

/** Picks the layout from mountinfo text; the first mount of each hierarchy wins, preferring whole-hierarchy mounts (root "/"). */
export function layoutFromMountinfo(text: string): CgroupLayout {
  const entries = parseMountinfo(text);
  const ordered = [...entries.filter((e) => e.root === '/'), ...entries.filter((e) => e.root !== '/')];
  const v1Mounts = new Map<string, string>();
  let v2Mount: string | undefined;
  for (const e of ordered) {
    if (e.fsType === 'cgroup2') {
      v2Mount ??= e.mountPoint;
    } else if (e.fsType === 'cgroup') {
      for (const opt of e.superOptions) {
        // Named hierarchies (name=systemd) hold no controller.
        if (NOT_CONTROLLERS.has(opt) || opt.includes('=')) continue;
        if (!v1Mounts.has(opt)) v1Mounts.set(opt, e.mountPoint);
      }
    }
  }
  if (v1Mounts.size > 0) return { mode: v2Mount ? 'hybrid' : 'v1', v1Mounts, v2Mount };
  if (v2Mount) return { mode: 'v2', v1Mounts, v2Mount };
  throw new FailedPreconditionError('no cgroup filesystem is mounted (neither cgroup nor cgroup2 in /proc/self/mountinfo)');
}

export async function detectCgroupLayout(mountinfoPath = '/proc/self/mountinfo'): Promise<CgroupLayout> {
  return layoutFromMountinfo(await readFile(mountinfoPath, 'utf8'));
}
