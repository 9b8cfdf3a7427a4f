// Mount primitives over the addon: generic mount/unmount, binds with
// propagation and read-only, tmpfs, overlay with any number of layers.
import { addon } from './addon.js';
import { isNativeError } from './errors.js';

export type MountFlag =
  | 'ro' | 'rw' | 'nosuid' | 'nodev' | 'noexec' | 'sync' | 'remount' | 'dirsync'
  | 'noatime' | 'nodiratime' | 'bind' | 'move' | 'rec' | 'silent'
  | 'private' | 'slave' | 'shared' | 'unbindable' | 'relatime' | 'strictatime' | 'lazytime';

export type Propagation = 'private' | 'slave' | 'shared' | 'unbindable';

/** mount(2) with flags by name. */
export function mount(source: string | null, target: string, fstype: string | null, flags: readonly MountFlag[] = [], data: string | null = null): void {
  addon().mount(source, target, fstype, [...flags], data);
}

export interface UnmountOptions {
  /** MNT_DETACH: lazy unmount, succeeds while the mount is busy. */
  detach?: boolean;
  force?: boolean;
  /** UMOUNT_NOFOLLOW: do not follow a symlink at target. */
  noFollow?: boolean;
  /** Succeed when target is not a mountpoint or does not exist. */
  ignoreNotMounted?: boolean;
}

export function unmount(target: string, options: UnmountOptions = {}): void {
  const flags: string[] = [];
  if (options.detach) flags.push('detach');
  if (options.force) flags.push('force');
  if (options.noFollow) flags.push('nofollow');
  try {
    addon().unmount(target, flags);
  } catch (e) {
    if (options.ignoreNotMounted && (isNativeError(e, 'EINVAL') || isNativeError(e, 'ENOENT'))) return;
    throw e;
  }
}

export interface BindOptions {
  /** MS_REC: bring submounts along (rbind). Default true, as OCI "rbind" and CRI mounts do. */
  recursive?: boolean;
  readOnly?: boolean;
  /** Applied recursively when recursive, so 'slave' means rslave. */
  propagation?: Propagation;
}

/** Bind-mounts source onto target (which must exist); on failure the bind is undone. */
export function bindMount(source: string, target: string, options: BindOptions = {}): void {
  addon().bindMount(source, target, options.recursive ?? true, options.readOnly ?? false, options.propagation ?? '');
}

export function setPropagation(target: string, mode: Propagation, recursive = true): void {
  addon().setPropagation(target, mode, recursive);
}

/** Makes a mount (and, if recursive, every submount) read-only. */
export function remountReadOnly(target: string, recursive = true): void {
  addon().remountReadOnly(target, recursive);
}

export interface OverlaySpec {
  target: string;
  /** Lower layers, top-most first (as in lowerdir=top:...:bottom). Any number up to the kernel's 500. */
  lowerDirs: readonly string[];
  /** Writable layer and its work dir (same file system); omit both for a read-only merge. */
  upperDir?: string;
  workDir?: string;
  /** Further overlay options, 'key' or 'key=value' (e.g. 'index=off', 'userxattr'). */
  options?: readonly string[];
  readOnly?: boolean;
  /**
   * 'auto' uses fsconfig("lowerdir+") where the kernel has it (6.8+), else a
   * legacy mount whose long layer paths are replaced by short relative names.
   */
  method?: 'auto' | 'fsconfig' | 'legacy';
}

export async function mountOverlay(spec: OverlaySpec): Promise<void> {
  await addon().mountOverlay({
    target: spec.target,
    lower: [...spec.lowerDirs],
    upper: spec.upperDir,
    work: spec.workDir,
    options: [...(spec.options ?? [])],
    readOnly: spec.readOnly ?? false,
    method: spec.method ?? 'auto',
  });
}

export interface TmpfsOptions {
  /** Bytes; tmpfs's default (half of RAM) when omitted. */
  sizeBytes?: number;
  /** Mode of the root directory, e.g. 0o755. */
  mode?: number;
  flags?: readonly MountFlag[];
  /** Further data options, e.g. ['nr_inodes=1k']. */
  options?: readonly string[];
}

export function makeTmpfs(target: string, options: TmpfsOptions = {}): void {
  const data: string[] = [];
  if (options.mode !== undefined) data.push(`mode=${options.mode.toString(8).padStart(4, '0')}`);
  if (options.sizeBytes !== undefined) data.push(`size=${options.sizeBytes}`);
  data.push(...(options.options ?? []));
  mount('tmpfs', target, 'tmpfs', options.flags ?? ['nosuid', 'nodev'], data.length ? data.join(',') : null);
}

/**
 * Makes dir a mount of its own with private propagation (bound onto itself
 * if it is not a mountpoint yet), so mounts made in it, such as pinned mount
 * namespaces, propagate nowhere. Undo with unmount(dir) when it was bound.
 * Returns whether a bind was made.
 */
export function ensurePrivateMount(dir: string): boolean {
  const bound = !isMountpoint(dir);
  if (bound) bindMount(dir, dir, { recursive: false });
  setPropagation(dir, 'private', false);
  return bound;
}

/** True when path is the root of a mount (bind mounts of files included). */
export function isMountpoint(path: string): boolean {
  return addon().isMountpoint(path);
}
