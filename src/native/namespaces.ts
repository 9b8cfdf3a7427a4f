// Namespaces pinned to files: create new ones, pin a live process's, remove
// pins. A pin file keeps its namespace alive with no process in it.
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { addon } from './addon.js';

/** Kinds that can be created empty and pinned (pid needs a live init, see pinProcessNamespace). */
export type PinnableNamespaceKind = 'net' | 'ipc' | 'uts' | 'mnt' | 'cgroup';
export type NamespaceKind = PinnableNamespaceKind | 'pid';

export type PinnedNamespaces = Partial<Record<PinnableNamespaceKind, string>>;

/**
 * Creates one new namespace of each kind and pins it at `<dir>/<kind>` (the
 * files must not exist yet). Returns the pin paths. On failure nothing is left.
 * Pinning 'mnt' needs dir on a privately propagating mount (ensurePrivateMount).
 */
export async function createPinnedNamespaces(dir: string, kinds: readonly PinnableNamespaceKind[]): Promise<PinnedNamespaces> {
  const unique = [...new Set(kinds)];
  await addon().pinNamespaces(dir, unique);
  const pins: PinnedNamespaces = {};
  for (const kind of unique) pins[kind] = join(dir, kind);
  return pins;
}

/** Pins the `kind` namespace of a live process at `target` (a file this creates). */
export function pinProcessNamespace(pid: number, kind: NamespaceKind, target: string): void {
  addon().pinProcessNamespace(pid, kind, target);
}

/**
 * Unmounts and removes pin files (a missing or unmounted one is fine), on a
 * pool thread: each unmount waits for an RCU grace period. All are
 * attempted; the first error is thrown after.
 */
export async function unpinNamespaces(pins: PinnedNamespaces | readonly string[]): Promise<void> {
  const paths = Array.isArray(pins) ? [...pins] : (Object.values(pins) as string[]);
  if (paths.length) await addon().unpinNamespaces(paths);
}

/** The namespace's inode number: two paths name the same namespace iff these match. */
export function namespaceInode(path: string): number {
  return statSync(path).ino;
}
