// Test images (hack/test-images) pushed to a test registry. Built once per
// process (compressed blobs are cached under the temp dir across runs).
import { pushAll, describeImages, testCatalog, type PushedImage } from '../../hack/test-images/push-all.js';
import type { TestRegistry } from './registry.js';

export type { PushedImage };
export { MALICIOUS_LAYERS } from '../../hack/test-images/malicious.js';

/** Names of the images that unpack must refuse (husk-test/slip:*). */
export function maliciousImageNames(): string[] {
  return Object.keys(describeImages(testCatalog())).filter((n) => n.startsWith('husk-test/slip:'));
}

/**
 * Builds and pushes every test image; returns them by `repo:tag`, e.g.
 * `images['husk-test/busybox:latest'].digest`. Pass the registry's credentials
 * when it requires them (or a TestRegistry, whose `auth` is used).
 */
export async function pushTestImages(
  registry: string | TestRegistry,
  auth?: { username: string; password: string },
): Promise<Record<string, PushedImage>> {
  const host = typeof registry === 'string' ? registry : registry.host;
  const creds = auth ?? (typeof registry === 'string' ? undefined : registry.auth);
  return pushAll({ registry: host, username: creds?.username, password: creds?.password });
}

export { writeTar, type TarEntry } from '../../hack/test-images/tar-writer.js';
export { compress, sha256, OCI, DOCKER, type Compression } from '../../hack/test-images/blobs.js';
export { whiteoutLayers } from '../../hack/test-images/catalog.js';
export { busyboxRootfs } from '../../hack/test-images/rootfs.js';
