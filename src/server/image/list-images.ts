import type { ImageHandler } from '../rpc-types.js';
import { batches } from '../stream-batches.js';
import { imageFilter, toCriImage } from './image-mappers.js';

export const ListImages: ImageHandler<'ListImages'> = async (req, ctx) => ({
  images: ctx.domains.images.list(imageFilter(req.filter)).map(toCriImage),
});

export const StreamImages: ImageHandler<'StreamImages'> = async function* (req, ctx) {
  for (const batch of batches(ctx.domains.images.list(imageFilter(req.filter)))) yield { images: batch.map(toCriImage) };
};
