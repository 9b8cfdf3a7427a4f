// The domain services the handlers call. Handlers reach them through
// CallContext.domains.
import type { RuntimeInfo } from '../runtime/runtime-info.js';
import type { ImageService } from '../image/index.js';

export interface Domains {
  runtime: RuntimeInfo;
  images: ImageService;
}
