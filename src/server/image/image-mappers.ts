// Domain image views to CRI messages, with the fields exactly as kubelet and
// crictl read them.
import type { FsUsage, ImageView } from '../../image/image-service.js';
import type { Image } from '../../generated/runtime/v1/Image.js';
import type { FilesystemUsage } from '../../generated/runtime/v1/FilesystemUsage.js';
import type { ImageSpec__Output } from '../../generated/runtime/v1/ImageSpec.js';
import type { ImageFilter__Output } from '../../generated/runtime/v1/ImageFilter.js';
import { requireMessage, requireString } from '../validate.js';

export function toCriImage(v: ImageView): Image {
  return {
    id: v.id,
    repo_tags: v.repoTags,
    repo_digests: v.repoDigests,
    size: String(v.size),
    uid: v.uid === undefined ? null : { value: v.uid.toString() },
    username: v.username,
    spec: { image: v.id, annotations: {} },
    pinned: v.pinned,
  };
}

export function toFilesystemUsage(u: FsUsage): FilesystemUsage {
  return {
    timestamp: u.timestampNs.toString(),
    fs_id: { mountpoint: u.mountpoint },
    used_bytes: { value: String(u.bytes) },
    inodes_used: { value: String(u.inodes) },
  };
}

/** The reference or id an ImageSpec names; `field` is the spec's path in the request. */
export function imageRef(spec: ImageSpec__Output | null | undefined, field: string): string {
  return requireString(requireMessage(spec, field).image, `${field}.image`);
}

/** The filter's reference, or undefined for "all images". */
export function imageFilter(filter: ImageFilter__Output | null | undefined): string | undefined {
  return filter?.image?.image || undefined;
}
