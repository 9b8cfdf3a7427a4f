// Builds the domain services in dependency order and settles what a crash
// or restart left behind, before the server takes any call.
import { join } from 'node:path';
import type { HuskConfig } from '../config/config.js';
import type { Domains } from '../server/domains.js';
import { RuntimeInfo } from '../runtime/runtime-info.js';
import { openImageService } from '../image/index.js';
import { createCgroupManager } from '../cgroups/index.js';
import { CniNetwork } from '../network/cni-network.js';
import { PodService } from '../pod/pod-service.js';
import { NativeSandboxRuntime } from '../pod/native-sandbox-runtime.js';
import { ContainerService } from '../container/container-service.js';
import { NativeContainerRuntime } from '../container/native-container-runtime.js';
import { EventBus } from '../events/event-bus.js';
import { connectLifecycleEvents, type PodSnapshot } from '../events/lifecycle-events.js';
import { log } from '../log/logger.js';
import { DeferredWork } from '../common/deferred-work.js';

/** Everything but the streaming server, which the daemon starts (and stops) as a listener. */
export type CoreDomains = Omit<Domains, 'streaming'> & {
  /** Resolves once the background teardown of removed pods and containers has finished. */
  settleTeardowns(): Promise<void>;
};

export async function openDomains(config: HuskConfig): Promise<CoreDomains> {
  const runtime = new RuntimeInfo(config);
  await runtime.load();
  const images = await openImageService(config);
  const cgroups = await createCgroupManager({ driver: config.cgroup_driver });
  const teardowns = new DeferredWork();
  const pods = new PodService(config, new NativeSandboxRuntime(cgroups, join(config.root, 'pause')), new CniNetwork(config), teardowns);
  const containers = new ContainerService(config, new NativeContainerRuntime(config, cgroups, images), pods, images, teardowns);
  images.addLayerUsers(() => containers.list().flatMap((c) => images.get(c.imageId)?.layers.map((l) => l.chainId) ?? []));
  const events = new EventBus<PodSnapshot>();
  connectLifecycleEvents(pods, containers, events);

  const started = process.hrtime.bigint();
  await pods.recover();
  await containers.recover();
  await images.gc();
  log.info({ pods: pods.list().length, containers: containers.list().length, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'state recovered');
  return { runtime, images, pods, containers, events, settleTeardowns: () => teardowns.settled() };
}
