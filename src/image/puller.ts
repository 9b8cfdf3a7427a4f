// Pulls one image: resolve the reference at the first endpoint that answers
// (mirrors, then upstream), pick the platform's manifest, then fetch config
// and layers. Each layer is downloaded once and streamed into the content
// store and the unpacker at the same time.
import { PassThrough, Readable } from 'node:stream';
import type { HuskConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { chainIds } from './chain-id.js';
import type { ContentStore } from './content-store.js';
import { ContentInvalidError, RegistryNotFoundError } from './errors.js';
import { parseImageConfig, parseIndex, parseManifest, rejectUnsupportedManifest, type Descriptor, type ImageConfig } from './image-config.js';
import type { LayerRef } from './image-store.js';
import type { LayerStore, UnpackedLayer } from './layer-store.js';
import { isIndexType } from './media-types.js';
import { formatPlatform, selectPlatform, type Platform } from './platform.js';
import { formatReference, type ImageReference } from './reference.js';
import { Authorizer } from './registry/authorizer.js';
import type { ScopedCredentials } from './registry/credentials.js';
import { endpointsFor } from './registry/endpoints.js';
import { RepositoryClient } from './registry/repository-client.js';
import { withRetries } from './registry/retry.js';
import type { TokenCache } from './registry/token-cache.js';
import { SingleFlight } from './single-flight.js';

export type UnpackFn = (opts: { source: string | Readable; mediaType: string; dest: string }) => Promise<UnpackedLayer>;

export interface PullerDeps {
  content: ContentStore;
  layers: LayerStore;
  registry: HuskConfig['registry'];
  tokens: TokenCache;
  platform: Platform;
  unpack: UnpackFn;
  log: Logger;
  /** Bytes received from registries (metrics). */
  onBytes?: (n: number) => void;
  /** Layers fetched at once per pull (containerd's default is 3). */
  layerConcurrency?: number;
}

export interface PullRequest {
  ref: ImageReference;
  credentials?: ScopedCredentials;
  /** Digests and chain IDs this pull is about to write; garbage collection leaves them alone. */
  lease: Set<string>;
}

export interface PulledImage {
  /** Config digest. */
  id: string;
  /** What the reference resolved to: the index or manifest digest (the repo digest). */
  targetDigest: string;
  config: ImageConfig;
  configSize: number;
  layers: LayerRef[];
  blobs: string[];
  size: number;
}

interface Resolved {
  client: RepositoryClient;
  targetDigest: string;
  manifest: { digest: string; mediaType: string; body: Buffer };
  index?: { digest: string; mediaType: string; body: Buffer };
}

/**
 * A failed layer download restarts from scratch this many times in all (mid-stream resets).
 * Pulls take no abort signal: their layer work may be shared with other pulls, so a caller
 * that gives up stops waiting (see ImageService) while the work finishes or stalls out.
 */
const LAYER_ATTEMPTS = { attempts: 2, baseDelayMs: 500, maxDelayMs: 2000 };

export class Puller {
  private readonly layerFlight = new SingleFlight<string, void>();

  constructor(private readonly deps: PullerDeps) {}

  async pull(req: PullRequest): Promise<PulledImage> {
    const resolved = await this.resolve(req);
    const { client } = resolved;
    const what = formatReference(req.ref);
    const manifest = parseManifest(resolved.manifest.body, `manifest ${resolved.manifest.digest} of ${what}`);

    const blobs = [resolved.index?.digest, resolved.manifest.digest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)].filter((d): d is string => !!d);
    blobs.forEach((d) => req.lease.add(d));

    for (const doc of [resolved.index, resolved.manifest]) {
      if (doc) await this.deps.content.ensure(doc.digest, doc.body.length, async () => Readable.from([doc.body]));
    }
    await this.deps.content.ensure(manifest.config.digest, manifest.config.size, () => client.fetchBlob(manifest.config.digest, manifest.config.size));
    const config = parseImageConfig(await this.deps.content.read(manifest.config.digest), `config ${manifest.config.digest} of ${what}`);
    if (config.diffIds.length !== manifest.layers.length) {
      throw new ContentInvalidError(`${what}: the manifest lists ${manifest.layers.length} layers but the config has ${config.diffIds.length} diff IDs`);
    }

    const chains = chainIds(config.diffIds);
    chains.forEach((c) => req.lease.add(c));
    const layers: LayerRef[] = manifest.layers.map((l, i) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size, diffId: config.diffIds[i]!, chainId: chains[i]! }));
    await forEachLimit(layers, this.deps.layerConcurrency ?? 3, (layer) => this.ensureLayer(client, layer));
    await this.deps.content.sync(blobs);

    return {
      id: manifest.config.digest,
      targetDigest: resolved.targetDigest,
      config,
      configSize: manifest.config.size,
      layers,
      blobs,
      size: manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0),
    };
  }

  /** Tries each endpoint in order; a mirror's failure falls through to the next, the upstream's is the answer. */
  private async resolve(req: PullRequest): Promise<Resolved> {
    const endpoints = endpointsFor(req.ref.domain, this.deps.registry);
    const authorizer = new Authorizer({ credentials: req.credentials, tokens: this.deps.tokens, stallMs: this.stallMs() });
    for (const endpoint of endpoints) {
      const client = new RepositoryClient({ endpoint, repository: req.ref.path, authorizer, stallMs: this.stallMs(), onBytes: this.deps.onBytes });
      try {
        return await this.resolveAt(client, req.ref);
      } catch (err) {
        if (!endpoint.mirror) throw err;
        this.deps.log.warn({ mirror: endpoint.base, image: formatReference(req.ref), err: (err as Error).message }, 'mirror failed, trying the next endpoint');
      }
    }
    throw new Error('unreachable: the upstream endpoint is always last');
  }

  private async resolveAt(client: RepositoryClient, ref: ImageReference): Promise<Resolved> {
    const what = formatReference(ref);
    const top = await client.getManifest(ref.digest ?? ref.tag ?? 'latest');
    rejectUnsupportedManifest(top.mediaType, `manifest of ${what}`);
    if (!isIndexType(top.mediaType)) return { client, targetDigest: top.digest, manifest: top };

    const entries = parseIndex(top.body, `index ${top.digest} of ${what}`);
    const chosen = selectPlatform(entries, this.deps.platform);
    if (chosen < 0) {
      const offered = entries.map((e) => (e.platform ? formatPlatform(e.platform) : '?')).join(', ');
      throw new RegistryNotFoundError(`${what}: no manifest for platform ${formatPlatform(this.deps.platform)} (the index offers ${offered || 'nothing'})`);
    }
    const entry: Descriptor = entries[chosen]!;
    const child = await client.getManifest(entry.digest);
    rejectUnsupportedManifest(child.mediaType, `manifest ${entry.digest} of ${what}`);
    if (isIndexType(child.mediaType)) throw new RegistryNotFoundError(`${what}: nested image indexes are not supported`);
    return { client, targetDigest: top.digest, manifest: child, index: top };
  }

  private stallMs(): number {
    return this.deps.registry.stall_timeout_seconds * 1000;
  }

  /** Makes sure the layer's blob is stored and its chain unpacked; concurrent pulls share the work. */
  private async ensureLayer(client: RepositoryClient, layer: LayerRef): Promise<void> {
    const { content, layers, unpack } = this.deps;
    const fetch = () => client.fetchBlob(layer.digest, layer.size);
    await this.layerFlight.run(layer.chainId, async () => {
      const [haveBlob, haveLayer] = await Promise.all([content.has(layer.digest), layers.has(layer.chainId)]);
      if (haveLayer) return;
      if (haveBlob) {
        await layers.create(layer.chainId, layer.diffId, (dest) => unpack({ source: content.blobPath(layer.digest), mediaType: layer.mediaType, dest }));
        return;
      }
      await withRetries(LAYER_ATTEMPTS, undefined, async () => {
        const body = await fetch();
        let used = false;
        try {
          await layers.create(layer.chainId, layer.diffId, (dest) => ((used = true), teeIntoStoreAndUnpacker(body, layer, dest, content, unpack)));
        } finally {
          // The layer appeared meanwhile, or creating it failed early: release the connection.
          if (!used) body.destroy();
        }
      });
    });
    // The chain may have come from another image whose blob for it differs (another compression): keep ours too.
    await content.ensure(layer.digest, layer.size, fetch);
  }
}

/**
 * One download feeding two consumers: the content store (which only commits
 * a verified blob) and the unpacker. The layer counts as unpacked only when
 * both succeeded, so a digest mismatch found at the very end still fails it.
 */
async function teeIntoStoreAndUnpacker(body: Readable, layer: LayerRef, dest: string, content: ContentStore, unpack: UnpackFn): Promise<UnpackedLayer> {
  const branch = new PassThrough({ highWaterMark: 1 << 20 });
  let firstError: unknown;
  const failAll = (err: unknown) => {
    firstError ??= err;
    body.destroy(err as Error);
    branch.destroy(err as Error);
  };
  body.on('error', (err) => branch.destroy(err));
  body.pipe(branch);
  const stored = content.ingest(layer.digest, layer.size, body).catch((err: unknown) => {
    failAll(err);
    throw err;
  });
  const unpacked = unpack({ source: branch, mediaType: layer.mediaType, dest })
    .finally(() => branch.resume()) // an unpacker that stops at the tar end marker must not stall the store's copy
    .catch((err: unknown) => {
      failAll(err);
      throw err;
    });
  const [s, u] = await Promise.allSettled([stored, unpacked]);
  if (s.status === 'rejected' || u.status === 'rejected') throw firstError ?? (s.status === 'rejected' ? s.reason : (u as PromiseRejectedResult).reason);
  return u.value;
}

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
}
