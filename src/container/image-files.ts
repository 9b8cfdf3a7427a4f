import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../common/errors.js';

/**
 * A file as the container will see it, read from the image's layer
 * directories (bottom first): the topmost layer that has it wins. Used for
 * /etc/passwd and /etc/group before the container exists.
 */
export async function readImageFile(layerDirs: string[], path: string): Promise<string> {
  for (const dir of [...layerDirs].reverse()) {
    try {
      return await readFile(join(dir, path), 'utf8');
    } catch (e) {
      if (!isErrno(e, 'ENOENT') && !isErrno(e, 'ENOTDIR')) throw e;
    }
  }
  return '';
}
