import type { ImageHandler } from '../rpc-types.js';
import { imageRef, toCriImage } from './image-mappers.js';

// An unknown image is an empty answer, not NOT_FOUND: kubelet asks before every pull.
export const ImageStatus: ImageHandler<'ImageStatus'> = async (req, ctx) => {
  const images = ctx.domains.images;
  const ref = imageRef(req.image, 'image');
  const view = images.status(ref);
  if (!view) return { image: null, info: {} };
  return { image: toCriImage(view), info: req.verbose ? await images.statusInfo(view.id) : {} };
};
