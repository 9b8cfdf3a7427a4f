import { InvalidArgumentError } from '../common/errors.js';

/**
 * Only namespaced sysctls may be set for a pod (as kubelet and runc allow):
 * kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* (IPC namespace), and
 * net.* (network namespace, not with the host network). Anything else would
 * change the node.
 */
export function checkSysctls(sysctls: Record<string, string>, opts: { hostNetwork: boolean; hostIpc: boolean }, field: string): void {
  for (const [key, value] of Object.entries(sysctls)) {
    const name = `${field}["${key}"]`;
    if (!/^[a-z0-9_]+(\.[a-zA-Z0-9_\-/]+)+$/.test(key)) throw new InvalidArgumentError(name, 'is not a sysctl name');
    if (/[\n\0]/.test(value)) throw new InvalidArgumentError(name, 'value must be one line');
    const ipc = /^kernel\.(shm[a-z_]+|msg[a-z_]+|sem)$/.test(key) || key.startsWith('fs.mqueue.');
    const net = key.startsWith('net.');
    if (!ipc && !net) throw new InvalidArgumentError(name, 'is not a namespaced sysctl');
    if (net && opts.hostNetwork) throw new InvalidArgumentError(name, 'cannot be set for a pod on the host network');
    if (ipc && opts.hostIpc) throw new InvalidArgumentError(name, 'cannot be set for a pod sharing the host IPC namespace');
  }
}
