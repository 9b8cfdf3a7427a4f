// Image metadata: one JSON index at `<root>/images/index.json`, replaced
// atomically on every change, so a kill -9 leaves the old or the new index.
// Blobs and layers are written before the record naming them, so a record
// never points at missing content.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../common/errors.js';
import { writeFileAtomic } from '../common/atomic-write.js';
import type { ImageRuntimeConfig } from './image-config.js';

export interface LayerRef {
  digest: string;
  mediaType: string;
  size: number;
  diffId: string;
  chainId: string;
}

export interface ImageRecord {
  /** The config digest, `sha256:…`. */
  id: string;
  /** Normalised `name:tag`. */
  repoTags: string[];
  /** `name@sha256:…` of the manifest (or index) each pull resolved. */
  repoDigests: string[];
  /** Compressed layers plus config, in bytes. */
  size: number;
  configSize: number;
  layers: LayerRef[];
  /** Every blob this image keeps in the content store: indexes, manifests, config, layers. */
  blobs: string[];
  runtime: ImageRuntimeConfig;
  os: string;
  architecture: string;
  /** Milliseconds since the epoch of the latest pull. */
  pulledAt: number;
}

interface IndexFile {
  version: 1;
  images: ImageRecord[];
}

export class ImageStore {
  private readonly images = new Map<string, ImageRecord>();
  private readonly file: string;
  private tail: Promise<unknown> = Promise.resolve();

  /** `dir` is `<root>/images`. */
  constructor(dir: string) {
    this.file = join(dir, 'index.json');
  }

  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    const parsed = JSON.parse(text) as IndexFile;
    this.images.clear();
    for (const image of parsed.images ?? []) this.images.set(image.id, image);
  }

  get(id: string): ImageRecord | undefined {
    return this.images.get(id);
  }

  all(): ImageRecord[] {
    return [...this.images.values()];
  }

  /**
   * Runs `change` on the records with writes serialised, then persists. The
   * change edits the map it is given; a throw leaves memory and disk as they were.
   */
  update<T>(change: (images: Map<string, ImageRecord>) => T): Promise<T> {
    const run = async () => {
      const draft = new Map([...this.images].map(([id, r]) => [id, structuredClone(r)]));
      const result = change(draft);
      const index: IndexFile = { version: 1, images: [...draft.values()] };
      await writeFileAtomic(this.file, JSON.stringify(index));
      this.images.clear();
      for (const [id, r] of draft) this.images.set(id, r);
      return result;
    };
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
