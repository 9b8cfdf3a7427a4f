import type { ImageHandler } from '../rpc-types.js';
import { toFilesystemUsage } from './image-mappers.js';

export const ImageFsInfo: ImageHandler<'ImageFsInfo'> = async (_req, ctx) => {
  const { image, containers } = await ctx.domains.images.fsInfo();
  return { image_filesystems: [toFilesystemUsage(image)], container_filesystems: [toFilesystemUsage(containers)] };
};
