// The image domain's public surface: the service the daemon opens and the
// gRPC handlers call, and the types containers need from images.
import type { HuskConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { ImageService } from './image-service.js';
import { unpackLayer } from './unpack.js';

export { ImageService, type ImageView, type FsUsage, type LayerUsers } from './image-service.js';
export type { ImageRecord, LayerRef } from './image-store.js';
export type { ImageRuntimeConfig } from './image-config.js';
export { parseReference, normalizeReference, familiarName, type ImageReference } from './reference.js';
export { parseImageUser } from './image-user.js';

/** Opens the image store under `config.root` with the real layer unpacker. */
export function openImageService(config: HuskConfig, log?: Logger): Promise<ImageService> {
  return ImageService.open({ config, unpack: unpackLayer, log });
}
