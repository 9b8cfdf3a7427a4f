// The domain services the handlers call. Handlers reach them through
// CallContext.domains.
import type { RuntimeInfo } from '../runtime/runtime-info.js';
import type { ImageService } from '../image/index.js';
import type { PodService } from '../pod/pod-service.js';
import type { ContainerService } from '../container/container-service.js';
import type { LifecycleBus } from '../events/lifecycle-events.js';
import type { StreamingServer } from '../streaming/index.js';

export interface Domains {
  runtime: RuntimeInfo;
  images: ImageService;
  pods: PodService;
  containers: ContainerService;
  events: LifecycleBus;
  streaming: StreamingServer;
}
