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

export interface AccountFiles {
  passwd: string;
  group: string;
}

/**
 * /etc/passwd and /etc/group of an image, read once per image: its layers
 * never change. Holds the most recent `max` images.
 */
export class ImageAccountFiles {
  private readonly cache = new Map<string, Promise<AccountFiles>>();

  constructor(private readonly max = 64) {}

  get(imageId: string, layerDirs: string[]): Promise<AccountFiles> {
    const hit = this.cache.get(imageId);
    if (hit) return hit;
    const read = Promise.all([readImageFile(layerDirs, 'etc/passwd'), readImageFile(layerDirs, 'etc/group')]).then(([passwd, group]) => ({ passwd, group }));
    this.cache.set(imageId, read);
    read.catch(() => this.cache.delete(imageId));
    if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    return read;
  }
}
