import { open, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { replaceFile } from '../native/fs.js';
import { isNativeError } from '../native/errors.js';

export interface AtomicWriteOptions {
  /**
   * false: no fsync, so only a crash of the daemon (not of the machine) is
   * covered until the caller syncs (see BackgroundSync). Default true.
   */
  sync?: boolean;
}

/**
 * Writes a file so that readers (and a restart after kill -9, or with `sync`
 * a power loss) see either the old content or the new, never a torn one:
 * temp file, fsync, rename, fsync dir. The directory is made if missing.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644, options: AtomicWriteOptions = {}): Promise<void> {
  const sync = options.sync ?? true;
  try {
    await replaceFile(path, data, mode, sync);
  } catch (e) {
    if (!isNativeError(e, 'ENOENT')) throw e;
    await mkdir(dirname(path), { recursive: true });
    await replaceFile(path, data, mode, sync);
  }
}

export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
