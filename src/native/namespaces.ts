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

/** Unmounts and removes one pin file; a missing or unmounted file is fine. */
export function unpinNamespace(path: string): void {
  addon().unpinNamespace(path);
}

/** Removes every pin in the record; all are attempted, the first error is thrown after. */
export function unpinNamespaces(pins: PinnedNamespaces): void {
  let first: unknown;
  for (const path of Object.values(pins)) {
    try {
      unpinNamespace(path);
    } catch (e) {
      first ??= e;
    }
  }
  if (first !== undefined) throw first;
}

/** The namespace's inode number: two paths name the same namespace iff these match. */
export function namespaceInode(path: string): number {
  return statSync(path).ino;
}
