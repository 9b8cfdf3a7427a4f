import type { ImageHandler } from '../rpc-types.js';
import { imageRef } from './image-mappers.js';

// sandbox_config only matters to runtimes that pull per runtime class; husk has one image store.
export const PullImage: ImageHandler<'PullImage'> = async (req, ctx) => ({
  image_ref: await ctx.domains.images.pull(imageRef(req.image, 'image'), req.auth, ctx.signal),
});
