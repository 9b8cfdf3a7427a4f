import { readdir } from 'node:fs/promises';
import { removeTree } from '../native/index.js';
import { join } from 'node:path';
import { isErrno } from './errors.js';
import { isFullId } from './ids.js';

/**
 * Removes the directories under `parent` named by a full ID not in `known`:
 * what a crash left of an object that was never recorded. Returns their IDs.
 */
export async function removeUnknownIdDirs(parent: string, known: ReadonlySet<string>): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(parent, { withFileTypes: true });
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return [];
    throw e;
  }
  const orphans = entries.filter((e) => e.isDirectory() && isFullId(e.name) && !known.has(e.name)).map((e) => e.name);
  await Promise.all(orphans.map((id) => removeTree(join(parent, id))));
  return orphans;
}
