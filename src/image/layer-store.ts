// Unpacked layers by chain ID under `<root>/layers/<chainhex>/fs`, each
// unpacked once and shared by every image whose stack contains it. A layer is
// filled in a `.tmp-*` directory and renamed into place only when its diffID
// checked out, so a crash never leaves a layer that looks complete.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isErrno } from '../common/errors.js';
import { parseDigest } from './digest.js';
import { ContentInvalidError } from './errors.js';

/** What unpacking a layer reports: the digest and size of the uncompressed tar. */
export interface UnpackedLayer {
  diffId: string;
  size: number;
}

export interface LayerMeta {
  chainId: string;
  diffId: string;
  /** Uncompressed tar size. */
  size: number;
}

const TMP_PREFIX = '.tmp-';
const META_FILE = 'layer.json';

export class LayerStore {
  /** `dir` is `<root>/layers`. */
  constructor(readonly dir: string) {}

  private layerDir(chainId: string): string {
    const parsed = parseDigest(chainId);
    if (!parsed) throw new ContentInvalidError(`"${chainId}" is not a chain ID`);
    return join(this.dir, parsed.hex);
  }

  /** The directory holding the layer's files: an overlay lowerdir. */
  fsPath(chainId: string): string {
    return join(this.layerDir(chainId), 'fs');
  }

  async has(chainId: string): Promise<boolean> {
    try {
      await stat(join(this.layerDir(chainId), META_FILE));
      return true;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
  }

  async meta(chainId: string): Promise<LayerMeta | undefined> {
    try {
      return JSON.parse(await readFile(join(this.layerDir(chainId), META_FILE), 'utf8')) as LayerMeta;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  /**
   * Creates the layer unless present. `fill` unpacks into the empty directory
   * it is given and reports the diffID it saw; a diffID other than `diffId`
   * fails the layer and leaves nothing behind.
   */
  async create(chainId: string, diffId: string, fill: (dest: string) => Promise<UnpackedLayer>): Promise<LayerMeta> {
    const final = this.layerDir(chainId);
    const existing = await this.meta(chainId);
    if (existing) return existing;
    const tmp = join(this.dir, `${TMP_PREFIX}${parseDigest(chainId)!.hex.slice(0, 16)}-${randomBytes(4).toString('hex')}`);
    const fs = join(tmp, 'fs');
    await mkdir(fs, { recursive: true, mode: 0o700 });
    try {
      const result = await fill(fs);
      if (result.diffId !== diffId) {
        throw new ContentInvalidError(`layer diffID mismatch: the image config says ${diffId}, the layer unpacked to ${result.diffId}`);
      }
      const meta: LayerMeta = { chainId, diffId, size: result.size };
      await writeFile(join(tmp, META_FILE), JSON.stringify(meta));
      try {
        await rename(tmp, final);
      } catch (err) {
        // Someone else finished the same layer first; theirs is as good as ours.
        if (!isErrno(err, 'ENOTEMPTY') && !isErrno(err, 'EEXIST')) throw err;
        await rm(tmp, { recursive: true, force: true });
      }
      return meta;
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /** Removes the layer; it stops looking present before its files go. */
  async remove(chainId: string): Promise<void> {
    const dir = this.layerDir(chainId);
    const doomed = join(this.dir, `${TMP_PREFIX}rm-${parseDigest(chainId)!.hex.slice(0, 16)}-${randomBytes(4).toString('hex')}`);
    try {
      await rename(dir, doomed);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    await rm(doomed, { recursive: true, force: true });
  }

  /** Chain IDs of every complete layer. */
  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    return names.filter((n) => /^[0-9a-f]{64}$/.test(n)).map((hex) => `sha256:${hex}`);
  }

  /** Drops half-made and half-removed layers left by a crash. Call at startup, before pulls. */
  async cleanupTemp(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    await Promise.all(names.filter((n) => n.startsWith(TMP_PREFIX)).map((n) => rm(join(this.dir, n), { recursive: true, force: true })));
  }
}
