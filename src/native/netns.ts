// Small jobs inside a pinned network namespace, each on a thread that joins
// it (a net namespace is per thread; the Node threads never switch).
import { addon } from './addon.js';

/** Sets the loopback interface up in the netns (what CNI's loopback plugin does). */
export async function setLoopbackUp(nsPath: string): Promise<void> {
  await addon().netnsLoopbackUp(nsPath);
}

/** Names of the interfaces that exist in the netns. */
export async function interfacesInNetns(nsPath: string): Promise<string[]> {
  return addon().netnsInterfaces(nsPath);
}
