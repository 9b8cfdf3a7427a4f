// A loopback docker-registry holding the two images the runtime benchmarks
// use: busybox (the containers) and a busybox-based pause image (for
// containerd's sandbox_image; husk needs none).
import { layer } from '../../hack/test-images/blobs.js';
import { buildImage } from '../../hack/test-images/image-builder.js';
import { pushImage } from '../../hack/test-images/push.js';
import { busyboxRootfs } from '../../hack/test-images/rootfs.js';
import { startRegistry, type TestRegistry } from '../../test/helpers/registry.js';

export interface BenchImages {
  registry: TestRegistry;
  /** `127.0.0.1:PORT/husk-bench/busybox:latest` */
  busybox: string;
  /** `127.0.0.1:PORT/husk-bench/pause:latest` (sleeps forever) */
  pause: string;
}

export async function startBenchRegistry(): Promise<BenchImages> {
  const registry = await startRegistry();
  try {
    const base = layer(busyboxRootfs(), 'gzip');
    const target = { registry: registry.host };
    await pushImage(target, 'husk-bench/busybox', ['latest'], buildImage([base]));
    await pushImage(target, 'husk-bench/pause', ['latest'], buildImage([base], { entrypoint: ['/bin/sleep', 'infinity'] }));
  } catch (err) {
    await registry.stop();
    throw err;
  }
  return { registry, busybox: `${registry.host}/husk-bench/busybox:latest`, pause: `${registry.host}/husk-bench/pause:latest` };
}
