// Assembles configs, manifests and indexes (OCI and Docker schema2) from layers.
import { DOCKER, OCI, jsonBlob, type Blob, type Layer, type Platform } from './blobs.js';

export interface ImageSettings {
  user?: string;
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workdir?: string;
  stopSignal?: string;
  labels?: Record<string, string>;
  exposedPorts?: string[];
  volumes?: string[];
}

export const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
export const DEFAULT_PLATFORM: Platform = { architecture: 'amd64', os: 'linux' };
const CREATED = '2024-01-01T00:00:00Z';

/** A single-platform image: its manifest plus the blobs the manifest names. */
export interface SingleImage {
  kind: 'manifest';
  manifest: Blob;
  config: Blob;
  layers: Layer[];
}

/** A multi-platform image: its index plus each platform's image. */
export interface IndexImage {
  kind: 'index';
  index: Blob;
  images: SingleImage[];
}

export type BuiltImage = SingleImage | IndexImage;

export type Flavour = 'oci' | 'docker';

function toSet(items: string[] | undefined): Record<string, object> | undefined {
  if (!items) return undefined;
  return Object.fromEntries(items.map((i) => [i, {}]));
}

export function buildImage(
  layers: Layer[],
  settings: ImageSettings = {},
  opts: { platform?: Platform; flavour?: Flavour } = {},
): SingleImage {
  const platform = opts.platform ?? DEFAULT_PLATFORM;
  const flavour = opts.flavour ?? 'oci';
  const config = {
    created: CREATED,
    architecture: platform.architecture,
    ...(platform.variant ? { variant: platform.variant } : {}),
    os: platform.os,
    config: {
      ...(settings.user !== undefined ? { User: settings.user } : {}),
      Env: settings.env ?? DEFAULT_ENV,
      ...(settings.entrypoint ? { Entrypoint: settings.entrypoint } : {}),
      Cmd: settings.cmd ?? ['sh'],
      ...(settings.workdir ? { WorkingDir: settings.workdir } : {}),
      ...(settings.stopSignal ? { StopSignal: settings.stopSignal } : {}),
      ...(settings.labels ? { Labels: settings.labels } : {}),
      ...(settings.exposedPorts ? { ExposedPorts: toSet(settings.exposedPorts) } : {}),
      ...(settings.volumes ? { Volumes: toSet(settings.volumes) } : {}),
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created: CREATED, created_by: `husk test layer ${i}` })),
  };
  const configBlob = jsonBlob(flavour === 'oci' ? OCI.config : DOCKER.config, config);
  const manifestType = flavour === 'oci' ? OCI.manifest : DOCKER.manifest;
  const manifest = jsonBlob(manifestType, {
    schemaVersion: 2,
    mediaType: manifestType,
    config: configBlob.descriptor,
    layers: layers.map((l) => l.descriptor),
  });
  return { kind: 'manifest', manifest, config: configBlob, layers };
}

export function buildIndex(images: SingleImage[], platforms: Platform[], flavour: Flavour = 'oci'): IndexImage {
  const indexType = flavour === 'oci' ? OCI.index : DOCKER.manifestList;
  const index = jsonBlob(indexType, {
    schemaVersion: 2,
    mediaType: indexType,
    manifests: images.map((img, i) => ({ ...img.manifest.descriptor, platform: platforms[i] })),
  });
  return { kind: 'index', index, images };
}

/** The digest a pull by tag resolves first: the index's, or the manifest's. */
export function topDigest(image: BuiltImage): string {
  return image.kind === 'index' ? image.index.descriptor.digest : image.manifest.descriptor.digest;
}
