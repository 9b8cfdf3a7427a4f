// Builds the whole catalog once per process and pushes it to a registry.
import { buildCatalog, type CatalogEntry } from './catalog.js';
import { topDigest } from './image-builder.js';
import { pushImage, type PushTarget } from './push.js';

export interface PushedImage {
  /** `husk-test/busybox:latest` (without the registry host). */
  name: string;
  repo: string;
  tag: string;
  /** What the tag points at: the index digest for multi-platform images, else the manifest digest. */
  digest: string;
  mediaType: string;
  /** The image id a pull must report (config digest); for an index, the linux/amd64 one. */
  configDigest: string;
  /** For an index, the linux/amd64 manifest digest; else equal to `digest`. */
  manifestDigest: string;
  /** The layers' diffIds, base first (of the linux/amd64 image for an index). */
  diffIds: string[];
}

let catalog: CatalogEntry[] | undefined;

export function testCatalog(): CatalogEntry[] {
  catalog ??= buildCatalog();
  return catalog;
}

export function describeImages(entries: CatalogEntry[] = testCatalog()): Record<string, PushedImage> {
  const out: Record<string, PushedImage> = {};
  for (const { repo, tags, image } of entries) {
    const single = image.kind === 'index' ? image.images[0]! : image;
    for (const tag of tags) {
      out[`${repo}:${tag}`] = {
        name: `${repo}:${tag}`,
        repo,
        tag,
        digest: topDigest(image),
        mediaType: image.kind === 'index' ? image.index.descriptor.mediaType : image.manifest.descriptor.mediaType,
        configDigest: single.config.descriptor.digest,
        manifestDigest: single.manifest.descriptor.digest,
        diffIds: single.layers.map((l) => l.diffId),
      };
    }
  }
  return out;
}

export async function pushAll(target: PushTarget): Promise<Record<string, PushedImage>> {
  const entries = testCatalog();
  // a few at a time: the registry is local, the work is mostly round trips
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const { repo, tags, image } = entries[next++]!;
      await pushImage(target, repo, tags, image);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return describeImages(entries);
}
