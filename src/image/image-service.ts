// The image domain: pull, look up, list and remove images, and report the
// space they use. Plain TypeScript types; the gRPC handlers map them.
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { DeadlineExceededError, InvalidArgumentError } from '../common/errors.js';
import { AmbiguousIdError } from '../common/ids.js';
import type { HuskConfig } from '../config/config.js';
import { log as rootLog, type Logger } from '../log/logger.js';
import { ContentStore } from './content-store.js';
import { diskUsage, type DiskUsage } from '../common/disk-usage.js';
import { parseImageUser } from './image-user.js';
import { ImageStore, type ImageRecord } from './image-store.js';
import { LayerStore } from './layer-store.js';
import { imagePullBytes, imagePullDuration, imagePulls, imagePullsInFlight } from './metrics.js';
import { hostPlatform, type Platform } from './platform.js';
import { Puller, type UnpackFn } from './puller.js';
import { formatReference, parseReference, repositoryName, type ImageReference } from './reference.js';
import { credentialsFromAuthConfig, type AuthConfigInput } from './registry/credentials.js';
import { TokenCache } from './registry/token-cache.js';

/** An image as CRI shows it. */
export interface ImageView {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  /** Set when the image's USER is numeric. */
  uid?: bigint;
  /** Set when the image's USER is a name. */
  username: string;
  pinned: boolean;
}

export interface FsUsage extends DiskUsage {
  mountpoint: string;
  /** Nanoseconds since the epoch when measured. */
  timestampNs: bigint;
}

/** Chain IDs a non-image user (a container's rootfs) still needs. */
export type LayerUsers = () => Iterable<string> | Promise<Iterable<string>>;

export interface ImageServiceOptions {
  config: Pick<HuskConfig, 'root' | 'pause_image' | 'registry'>;
  unpack: UnpackFn;
  platform?: Platform;
  log?: Logger;
}

/** kubelet asks for ImageFsInfo every few seconds; walking large layer trees that often would cost real CPU. */
const FS_INFO_TTL_MS = 5_000;

export class ImageService {
  readonly content: ContentStore;
  readonly layers: LayerStore;
  private readonly store: ImageStore;
  private readonly puller: Puller;
  private readonly log: Logger;
  private readonly leases = new Set<Set<string>>();
  private readonly layerUsers: LayerUsers[] = [];
  private pinnedRef: string | undefined;
  private gcTail: Promise<unknown> = Promise.resolve();
  private fsCache: { at: number; value: Promise<{ image: FsUsage; containers: FsUsage }> } | undefined;

  private constructor(private readonly opts: ImageServiceOptions) {
    const root = opts.config.root;
    this.log = (opts.log ?? rootLog).child({ domain: 'image' });
    this.content = new ContentStore(join(root, 'content'));
    this.layers = new LayerStore(join(root, 'layers'));
    this.store = new ImageStore(join(root, 'images'));
    this.puller = new Puller({
      content: this.content,
      layers: this.layers,
      registry: opts.config.registry,
      tokens: new TokenCache(),
      platform: opts.platform ?? hostPlatform(),
      unpack: opts.unpack,
      log: this.log,
      onBytes: (n) => imagePullBytes.inc(n),
    });
    try {
      this.pinnedRef = opts.config.pause_image ? formatReference(parseReference(opts.config.pause_image, 'pause_image')) : undefined;
    } catch {
      this.log.warn({ pause_image: opts.config.pause_image }, 'pause_image is not a valid reference; nothing is pinned');
    }
  }

  /** Loads the metadata and clears what a crash left half-made. */
  static async open(opts: ImageServiceOptions): Promise<ImageService> {
    const service = new ImageService(opts);
    const root = opts.config.root;
    await Promise.all(['content', 'layers', 'images', 'containers'].map((d) => mkdir(join(root, d), { recursive: true, mode: 0o700 })));
    await service.store.load();
    await service.content.cleanupIngest();
    await service.layers.cleanupTemp();
    return service;
  }

  /** Lets the container domain keep the layers its containers are built on. */
  addLayerUsers(users: LayerUsers): void {
    this.layerUsers.push(users);
  }

  /** Pulls `image` and returns its id (the config digest). */
  async pull(image: string, auth?: AuthConfigInput | null, signal?: AbortSignal): Promise<string> {
    const ref = parseReference(image, 'image.image');
    const credentials = credentialsFromAuthConfig(auth);
    signal?.throwIfAborted();
    const lease = new Set<string>();
    this.leases.add(lease);
    imagePullsInFlight.inc();
    const started = process.hrtime.bigint();
    let result = 'failure';
    const log = this.log.child({ image: formatReference(ref) });
    // The lease lives as long as the work, which may outlive a caller that gave up.
    const work = this.puller.pull({ ref, credentials, lease });
    work.then(
      () => this.leases.delete(lease),
      () => this.leases.delete(lease),
    );
    try {
      const pulled = await abortable(work, signal);
      const repoDigest = `${repositoryName(ref)}@${pulled.targetDigest}`;
      const repoTag = ref.digest ? undefined : formatReference(ref);
      await this.store.update((images) => {
        for (const other of images.values()) {
          if (other.id === pulled.id) continue;
          // A tag names one image: pulling it again moves it here; the old image stays, reachable by digest.
          other.repoTags = other.repoTags.filter((t) => t !== repoTag);
          other.repoDigests = other.repoDigests.filter((d) => d !== repoDigest);
        }
        const record: ImageRecord = images.get(pulled.id) ?? {
          id: pulled.id,
          repoTags: [],
          repoDigests: [],
          size: 0,
          configSize: 0,
          layers: [],
          blobs: [],
          runtime: pulled.config.runtime,
          os: pulled.config.os,
          architecture: pulled.config.architecture,
          pulledAt: 0,
        };
        if (repoTag && !record.repoTags.includes(repoTag)) record.repoTags.push(repoTag);
        if (!record.repoDigests.includes(repoDigest)) record.repoDigests.push(repoDigest);
        record.blobs = [...new Set([...record.blobs, ...pulled.blobs])];
        record.layers = pulled.layers;
        record.size = pulled.size;
        record.configSize = pulled.configSize;
        record.runtime = pulled.config.runtime;
        record.pulledAt = Date.now();
        images.set(record.id, record);
      });
      this.fsCache = undefined;
      result = 'success';
      log.info({ id: pulled.id, size: pulled.size }, 'image pulled');
      return pulled.id;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'image pull failed');
      throw err;
    } finally {
      imagePullsInFlight.dec();
      imagePulls.inc({ result });
      imagePullDuration.observe({ result }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** The local image for a reference, id or unique id prefix; undefined when there is none. */
  resolve(input: string, field = 'image.image'): ImageRecord | undefined {
    return this.find(input, field)?.record;
  }

  status(input: string): ImageView | undefined {
    const record = this.resolve(input);
    return record && this.view(record);
  }

  /** Verbose ImageStatus info: the image config as pulled, plus where its layers live. */
  async statusInfo(input: string): Promise<Record<string, string>> {
    const record = this.resolve(input);
    if (!record) return {};
    const imageSpec = JSON.parse((await this.content.read(record.id)).toString('utf8')) as unknown;
    const chainID = record.layers[record.layers.length - 1]?.chainId ?? '';
    return { info: JSON.stringify({ imageSpec, chainID, layers: record.layers.map((l) => this.layers.fsPath(l.chainId)), pulledAt: new Date(record.pulledAt).toISOString() }) };
  }

  /** All images, or only the one `filter` names (reference, id or prefix). */
  list(filter?: string): ImageView[] {
    if (filter) {
      const record = this.resolve(filter, 'filter.image.image');
      return record ? [this.view(record)] : [];
    }
    return this.store
      .all()
      .sort((a, b) => a.pulledAt - b.pulledAt)
      .map((r) => this.view(r));
  }

  /** Config and layers of an image, for building containers; undefined when unknown. */
  get(input: string): ImageRecord | undefined {
    return this.resolve(input);
  }

  /** Overlay lower directories of the image, bottom layer first. */
  layerPaths(record: ImageRecord): string[] {
    return record.layers.map((l) => this.layers.fsPath(l.chainId));
  }

  /**
   * Removes by id or id prefix (the whole image), by digest reference (the
   * whole image) or by tag (only that tag, unless it was the last one). An
   * unknown image is not an error. Frees blobs and layers nothing uses.
   */
  async remove(input: string): Promise<void> {
    const found = this.find(input, 'image.image');
    if (!found) return;
    const { record, byTag } = found;
    await this.store.update((images) => {
      const current = images.get(record.id);
      if (!current) return;
      if (byTag) {
        current.repoTags = current.repoTags.filter((t) => t !== byTag);
        if (current.repoTags.length > 0) return;
      }
      images.delete(record.id);
    });
    this.log.info({ id: record.id, tag: byTag }, byTag ? 'image tag removed' : 'image removed');
    await this.gc();
  }

  /** Deletes blobs and layers no image, pull in progress or layer user needs. */
  gc(): Promise<{ blobs: number; layers: number }> {
    const run = async () => {
      // List first, then decide: anything created after the listing is not considered, so a pull racing us is safe.
      const [blobs, layers] = await Promise.all([this.content.list(), this.layers.list()]);
      const keepBlobs = new Set<string>();
      const keepLayers = new Set<string>();
      for (const r of this.store.all()) {
        r.blobs.forEach((b) => keepBlobs.add(b));
        r.layers.forEach((l) => keepLayers.add(l.chainId));
      }
      for (const lease of this.leases) for (const k of lease) (keepBlobs.add(k), keepLayers.add(k));
      for (const users of this.layerUsers) for (const chain of await users()) keepLayers.add(chain);
      const doomedBlobs = blobs.filter((b) => !keepBlobs.has(b));
      const doomedLayers = layers.filter((l) => !keepLayers.has(l));
      for (const b of doomedBlobs) await this.content.remove(b);
      for (const l of doomedLayers) await this.layers.remove(l);
      if (doomedBlobs.length || doomedLayers.length) {
        this.fsCache = undefined;
        this.log.info({ blobs: doomedBlobs.length, layers: doomedLayers.length }, 'freed unused image content');
      }
      return { blobs: doomedBlobs.length, layers: doomedLayers.length };
    };
    const next = this.gcTail.then(run, run);
    this.gcTail = next.catch(() => undefined);
    return next;
  }

  /** Space used by images (content + layers) and by container writable layers. */
  fsInfo(): Promise<{ image: FsUsage; containers: FsUsage }> {
    const now = Date.now();
    if (this.fsCache && now - this.fsCache.at < FS_INFO_TTL_MS) return this.fsCache.value;
    const root = this.opts.config.root;
    const measure = async (mountpoint: string, dirs: string[]): Promise<FsUsage> => ({
      mountpoint,
      timestampNs: BigInt(Date.now()) * 1_000_000n,
      ...(await diskUsage(dirs)),
    });
    const value = Promise.all([measure(root, [join(root, 'content'), join(root, 'layers')]), measure(join(root, 'containers'), [join(root, 'containers')])]).then(
      ([image, containers]) => ({ image, containers }),
    );
    this.fsCache = { at: now, value };
    value.catch(() => {
      if (this.fsCache?.value === value) this.fsCache = undefined;
    });
    return value;
  }

  private view(record: ImageRecord): ImageView {
    const user = parseImageUser(record.runtime.user);
    const view: ImageView = {
      id: record.id,
      repoTags: [...record.repoTags],
      repoDigests: [...record.repoDigests],
      size: record.size,
      username: user.username ?? '',
      pinned: this.isPinned(record),
    };
    if (user.uid !== undefined) view.uid = user.uid;
    return view;
  }

  private isPinned(record: ImageRecord): boolean {
    const pinned = this.pinnedRef;
    if (!pinned) return false;
    return record.repoTags.includes(pinned) || record.repoDigests.includes(pinned);
  }

  /**
   * Resolution order: full id, then reference (tag or digest), then id
   * prefix. `byTag` is the normalised tag when a tag matched.
   */
  private find(input: string, field: string): { record: ImageRecord; byTag?: string } | undefined {
    if (!input) throw new InvalidArgumentError(field, 'image is required');
    const hex = input.startsWith('sha256:') ? input.slice('sha256:'.length) : input;
    if (/^[0-9a-f]{64}$/.test(hex)) {
      const record = this.store.get(`sha256:${hex}`);
      if (record) return { record };
    }
    let ref: ImageReference | undefined;
    let refError: unknown;
    try {
      ref = parseReference(input, field);
    } catch (err) {
      refError = err;
    }
    if (ref) {
      const found = this.findByReference(ref);
      if (found) return found;
    }
    if (/^[0-9a-f]{1,64}$/.test(hex)) return this.findByIdPrefix(hex);
    if (!ref) throw refError;
    return undefined;
  }

  private findByReference(ref: ImageReference): { record: ImageRecord; byTag?: string } | undefined {
    const images = this.store.all();
    if (ref.digest) {
      const repoDigest = `${repositoryName(ref)}@${ref.digest}`;
      const record = images.find((r) => r.repoDigests.includes(repoDigest));
      return record && { record };
    }
    const tag = formatReference(ref);
    const record = images.find((r) => r.repoTags.includes(tag));
    return record && { record, byTag: tag };
  }

  private findByIdPrefix(hexPrefix: string): { record: ImageRecord } | undefined {
    let found: ImageRecord | undefined;
    for (const record of this.store.all()) {
      if (!record.id.startsWith(`sha256:${hexPrefix}`)) continue;
      if (found) throw new AmbiguousIdError('image', hexPrefix);
      found = record;
    }
    return found && { record: found };
  }
}

/** Waits for `work` unless `signal` fires first; the work itself goes on. */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DeadlineExceededError('image pull cancelled by the caller; its downloads go on for the next attempt'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
