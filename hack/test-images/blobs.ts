// Content-addressed pieces of a test image: layers (tar + compression),
// configs, manifests and indexes, each with the descriptor that points at it.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeTar, type TarEntry } from './tar-writer.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface Blob {
  descriptor: Descriptor;
  bytes: Buffer;
}

export interface Layer extends Blob {
  /** sha256 of the uncompressed tar. */
  diffId: string;
  tar: Buffer;
}

export const OCI = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

export const DOCKER = {
  manifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  config: 'application/vnd.docker.container.image.v1+json',
  layerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function blobOf(mediaType: string, bytes: Buffer): Blob {
  return { descriptor: { mediaType, digest: sha256(bytes), size: bytes.length }, bytes };
}

export function jsonBlob(mediaType: string, value: unknown): Blob {
  return blobOf(mediaType, Buffer.from(JSON.stringify(value)));
}

// Compressed outputs are cached on disk by the tar's digest, so repeated test
// runs (and several test files in one run) skip the compression work.
const cacheDir = join(tmpdir(), 'husk-test-images-cache');

function cached(key: string, make: () => Buffer): Buffer {
  const file = join(cacheDir, key);
  if (existsSync(file)) return readFileSync(file);
  const bytes = make();
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return bytes;
}

export function compress(tar: Buffer, compression: Compression): Buffer {
  if (compression === 'none') return tar;
  const key = `${sha256(tar).slice(7)}.${compression}`;
  if (compression === 'gzip') return cached(key, () => gzipSync(tar, { level: 6 }));
  return cached(key, () => {
    const r = spawnSync('zstd', ['-q', '-c', '-3', '-T1'], { input: tar, maxBuffer: 1 << 30 });
    if (r.error) throw new Error(`zstd: ${r.error.message} (install Debian's zstd)`);
    if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr.toString()}`);
    return r.stdout;
  });
}

const LAYER_TYPE: Record<Compression, string> = { gzip: OCI.layerGzip, zstd: OCI.layerZstd, none: OCI.layerTar };

export function layerFromTar(tar: Buffer, compression: Compression, mediaType = LAYER_TYPE[compression]): Layer {
  const bytes = compress(tar, compression);
  return { ...blobOf(mediaType, bytes), diffId: sha256(tar), tar };
}

export function layer(entries: readonly TarEntry[], compression: Compression = 'gzip', mediaType?: string): Layer {
  return layerFromTar(writeTar(entries), compression, mediaType);
}
