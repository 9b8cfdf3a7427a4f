// ImageService RPCs husk has built. Every other RPC answers UNIMPLEMENTED.
import type { ImageHandlers } from '../rpc-types.js';

export const imageHandlers: ImageHandlers = {};
