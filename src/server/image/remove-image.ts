import type { ImageHandler } from '../rpc-types.js';
import { imageRef } from './image-mappers.js';

export const RemoveImage: ImageHandler<'RemoveImage'> = async (req, ctx) => {
  await ctx.domains.images.remove(imageRef(req.image, 'image'));
  return {};
};
