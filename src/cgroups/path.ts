// Cgroup paths. A CgroupPath is relative to a cgroup mount, in canonical
// form "/a/b" (as /proc/<pid>/cgroup prints it). Everything that builds one
// validates it, so no request can name a directory outside the mount.
import { posix } from 'node:path';
import { InvalidArgumentError } from '../common/errors.js';
import type { CgroupDriver } from '../config/config.js';

export type { CgroupDriver };

/** Where pods go when the request has no cgroup_parent. */
export const DEFAULT_CGROUP_PARENT: Record<CgroupDriver, string> = {
  cgroupfs: '/husk',
  systemd: 'husk.slice',
};

const CGROUP_PARENT_FIELD = 'linux.cgroup_parent';
const SEGMENT = /^[A-Za-z0-9_.:@+\\-]+$/;
const SLICE_SUFFIX = '.slice';

function checkSegment(field: string, segment: string, whole: string): void {
  if (segment === '.' || segment === '..') throw new InvalidArgumentError(field, `"${whole}" may not contain "${segment}"`);
  if (!SEGMENT.test(segment)) throw new InvalidArgumentError(field, `"${whole}" has a character outside [A-Za-z0-9_.:@+\\-] in "${segment}"`);
}

/** Validates and canonicalises a cgroupfs path ("kubepods//burstable/" -> "/kubepods/burstable"). "" and "/" are the root. */
export function normalizeCgroupPath(path: string, field = CGROUP_PARENT_FIELD): string {
  const segments = path.split('/').filter((s) => s !== '');
  for (const s of segments) checkSegment(field, s, path);
  return '/' + segments.join('/');
}

/**
 * systemd slice name -> its path: each dash adds a level, so
 * `kubepods-burstable-podX.slice` lives at
 * `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podX.slice`.
 * `-.slice` is the root.
 */
export function expandSlice(slice: string, field = CGROUP_PARENT_FIELD): string {
  if (!slice.endsWith(SLICE_SUFFIX) || slice.length === SLICE_SUFFIX.length) {
    throw new InvalidArgumentError(field, `"${slice}" is not a systemd slice name like kubepods-burstable.slice`);
  }
  if (slice.includes('/')) throw new InvalidArgumentError(field, `slice name "${slice}" may not contain "/"`);
  const name = slice.slice(0, -SLICE_SUFFIX.length);
  if (name === '-') return '/';
  const parts = name.split('-');
  if (parts.some((p) => p === '')) throw new InvalidArgumentError(field, `slice name "${slice}" has an empty part between dashes`);
  let prefix = '';
  let path = '';
  for (const part of parts) {
    checkSegment(field, part, slice);
    prefix = prefix ? `${prefix}-${part}` : part;
    path += `/${prefix}${SLICE_SUFFIX}`;
  }
  return path;
}

/**
 * The pod's cgroup path from the request's cgroup_parent. kubelet sends a
 * path (`/kubepods/burstable/podUID`) under cgroupfs and a slice name
 * (`kubepods-burstable-podUID.slice`) under systemd.
 */
export function podCgroupPath(driver: CgroupDriver, cgroupParent: string): string {
  const parent = cgroupParent || DEFAULT_CGROUP_PARENT[driver];
  if (driver === 'cgroupfs') return normalizeCgroupPath(parent);
  // Some tools hand the systemd driver an already-expanded path; accept it if valid.
  if (parent.startsWith('/')) return normalizeCgroupPath(parent);
  return expandSlice(parent);
}

/** Name of a container's (or sandbox's) own cgroup: `husk-<id>` or, as a systemd scope, `husk-<id>.scope`. */
export function containerCgroupName(driver: CgroupDriver, id: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new InvalidArgumentError('container_id', `"${id}" is not a valid ID`);
  return driver === 'systemd' ? `husk-${id}.scope` : `husk-${id}`;
}

/** The container's cgroup path under its pod's cgroup. */
export function containerCgroupPath(driver: CgroupDriver, podPath: string, id: string): string {
  return posix.join(normalizeCgroupPath(podPath), containerCgroupName(driver, id));
}

/** The directory of `path` under a mount point; refuses anything that would leave the mount. */
export function cgroupDir(mountPoint: string, path: string): string {
  const canonical = normalizeCgroupPath(path, 'cgroup path');
  if (canonical === '/') return mountPoint;
  const dir = posix.join(mountPoint, canonical);
  if (dir !== mountPoint && !dir.startsWith(mountPoint.endsWith('/') ? mountPoint : `${mountPoint}/`)) {
    throw new InvalidArgumentError('cgroup path', `"${path}" leaves ${mountPoint}`);
  }
  return dir;
}

/** "/a/b/c" -> ["/a", "/a/b", "/a/b/c"]. */
export function pathPrefixes(path: string): string[] {
  const segments = normalizeCgroupPath(path, 'cgroup path').split('/').filter(Boolean);
  return segments.map((_, i) => '/' + segments.slice(0, i + 1).join('/'));
}
