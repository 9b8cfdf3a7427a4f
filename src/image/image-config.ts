// Parses and checks manifests, indexes and image configs (OCI image spec and
// Docker schema2), keeping what pulls and containers need.
import { isDigest } from './digest.js';
import { ContentInvalidError } from './errors.js';
import { isIndexType, isManifestType, layerCompression, MediaType } from './media-types.js';
import type { Platform } from './platform.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
}

export interface ImageManifest {
  config: Descriptor;
  layers: Descriptor[];
}

/** The parts of the image config a container is built from. */
export interface ImageRuntimeConfig {
  user: string;
  env: string[];
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  stopSignal: string;
  labels: Record<string, string>;
  exposedPorts: string[];
  volumes: string[];
}

export interface ImageConfig {
  diffIds: string[];
  runtime: ImageRuntimeConfig;
  os: string;
  architecture: string;
  created?: string;
}

function fail(what: string, problem: string): never {
  throw new ContentInvalidError(`${what}: ${problem}`);
}

function parseJson(body: Buffer, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    fail(what, 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(what, 'is not a JSON object');
  return parsed as Record<string, unknown>;
}

function descriptor(value: unknown, what: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (!d || typeof d !== 'object') fail(what, 'is missing');
  if (typeof d.digest !== 'string' || !isDigest(d.digest)) fail(what, `has an invalid digest "${String(d.digest)}"`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) fail(what, `has an invalid size "${String(d.size)}"`);
  if (typeof d.mediaType !== 'string') fail(what, 'has no mediaType');
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  const p = d.platform as Partial<Platform> | undefined;
  if (p && typeof p.os === 'string' && typeof p.architecture === 'string') {
    out.platform = typeof p.variant === 'string' ? { os: p.os, architecture: p.architecture, variant: p.variant } : { os: p.os, architecture: p.architecture };
  }
  return out;
}

export function rejectUnsupportedManifest(mediaType: string, what: string): void {
  if (mediaType === MediaType.dockerSchema1 || mediaType === MediaType.dockerSchema1Signed) {
    fail(what, 'uses Docker image manifest schema 1, which is deprecated and not supported; push the image again with a current client');
  }
  if (!isIndexType(mediaType) && !isManifestType(mediaType)) fail(what, `has unsupported media type "${mediaType}"`);
}

export function parseIndex(body: Buffer, what: string): Descriptor[] {
  const json = parseJson(body, what);
  if (!Array.isArray(json['manifests'])) fail(what, 'has no manifests list');
  return (json['manifests'] as unknown[]).map((m, i) => descriptor(m, `${what} entry ${i}`));
}

export function parseManifest(body: Buffer, what: string): ImageManifest {
  const json = parseJson(body, what);
  if (json['schemaVersion'] !== 2) fail(what, `has schemaVersion ${String(json['schemaVersion'])}, expected 2`);
  const config = descriptor(json['config'], `${what} config`);
  if (!Array.isArray(json['layers'])) fail(what, 'has no layers list');
  const layers = (json['layers'] as unknown[]).map((l, i) => descriptor(l, `${what} layer ${i}`));
  for (const layer of layers) {
    if (layerCompression(layer.mediaType) === undefined) fail(what, `layer ${layer.digest} has unsupported media type "${layer.mediaType}"`);
  }
  return { config, layers };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
const keys = (v: unknown): string[] => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : []);

export function parseImageConfig(body: Buffer, what: string): ImageConfig {
  const json = parseJson(body, what);
  const rootfs = json['rootfs'] as { type?: unknown; diff_ids?: unknown } | undefined;
  if (!rootfs || !Array.isArray(rootfs.diff_ids)) fail(what, 'has no rootfs.diff_ids');
  const diffIds = rootfs.diff_ids as unknown[];
  for (const id of diffIds) if (typeof id !== 'string' || !isDigest(id)) fail(what, `has an invalid diff ID "${String(id)}"`);
  const c = (json['config'] ?? {}) as Record<string, unknown>;
  const labels: Record<string, string> = {};
  if (c['Labels'] && typeof c['Labels'] === 'object') {
    for (const [k, v] of Object.entries(c['Labels'] as Record<string, unknown>)) if (typeof v === 'string') labels[k] = v;
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    diffIds: diffIds as string[],
    os: str(json['os']),
    architecture: str(json['architecture']),
    ...(typeof json['created'] === 'string' ? { created: json['created'] } : {}),
    runtime: {
      user: str(c['User']),
      env: strings(c['Env']),
      entrypoint: strings(c['Entrypoint']),
      cmd: strings(c['Cmd']),
      workingDir: str(c['WorkingDir']),
      stopSignal: str(c['StopSignal']),
      labels,
      exposedPorts: keys(c['ExposedPorts']),
      volumes: keys(c['Volumes']),
    },
  };
}
