// A minimal OCI distribution-spec pusher: HEAD to skip blobs the registry has,
// POST + PUT monolithic blob uploads, PUT manifests by digest and by tag.
import type { Blob } from './blobs.js';
import type { BuiltImage, SingleImage } from './image-builder.js';

export interface PushTarget {
  /** `host:port`; plain HTTP (test registries are on loopback). */
  registry: string;
  username?: string;
  password?: string;
}

function headers(target: PushTarget, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (target.username !== undefined) {
    h.authorization = `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}`;
  }
  return h;
}

async function expectStatus(res: Response, ok: number[], what: string): Promise<void> {
  if (ok.includes(res.status)) {
    await res.arrayBuffer();
    return;
  }
  throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 500)}`);
}

/**
 * Uploads under way, by registry, repository and digest. Images pushed in
 * parallel share blobs; docker-registry rejects two concurrent uploads of one
 * blob into one repository, so a second push of it waits for the first.
 */
const uploads = new Map<string, Promise<void>>();

export function pushBlob(target: PushTarget, repo: string, blob: Blob): Promise<void> {
  const key = `${target.registry}/${repo}@${blob.descriptor.digest}`;
  let upload = uploads.get(key);
  if (!upload) {
    upload = uploadBlob(target, repo, blob).finally(() => uploads.delete(key));
    uploads.set(key, upload);
  }
  return upload;
}

async function uploadBlob(target: PushTarget, repo: string, blob: Blob): Promise<void> {
  const base = `http://${target.registry}/v2/${repo}/blobs`;
  const { digest } = blob.descriptor;
  const head = await fetch(`${base}/${digest}`, { method: 'HEAD', headers: headers(target) });
  if (head.status === 200) return;
  const start = await fetch(`${base}/uploads/`, { method: 'POST', headers: headers(target) });
  await expectStatus(start, [202], `start upload of ${digest} to ${repo}`);
  const location = start.headers.get('location');
  if (!location) throw new Error(`start upload of ${digest} to ${repo}: no Location header`);
  const url = new URL(location, `http://${target.registry}`);
  url.searchParams.set('digest', digest);
  const put = await fetch(url, {
    method: 'PUT',
    headers: headers(target, { 'content-type': 'application/octet-stream' }),
    body: new Uint8Array(blob.bytes),
  });
  await expectStatus(put, [201], `upload of ${digest} to ${repo}`);
}

export async function pushManifest(target: PushTarget, repo: string, reference: string, manifest: Blob): Promise<void> {
  const res = await fetch(`http://${target.registry}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: headers(target, { 'content-type': manifest.descriptor.mediaType }),
    body: new Uint8Array(manifest.bytes),
  });
  await expectStatus(res, [201], `manifest ${repo}:${reference}`);
}

async function pushSingle(target: PushTarget, repo: string, image: SingleImage): Promise<void> {
  for (const l of image.layers) await pushBlob(target, repo, l);
  await pushBlob(target, repo, image.config);
  await pushManifest(target, repo, image.manifest.descriptor.digest, image.manifest);
}

/** Pushes blobs, then child manifests, then the top manifest under each tag. */
export async function pushImage(target: PushTarget, repo: string, tags: string[], image: BuiltImage): Promise<void> {
  const top = image.kind === 'index' ? image.index : image.manifest;
  if (image.kind === 'index') {
    for (const child of image.images) await pushSingle(target, repo, child);
  } else {
    await pushSingle(target, repo, image);
  }
  for (const tag of tags) await pushManifest(target, repo, tag, top);
}
