// Namespaced sysctls and the hostname of pinned namespaces: written from a
// thread that joined them, since /proc/sys resolves per the writer's namespaces.
import { InvalidArgumentError } from '../common/errors.js';
import { addon } from './addon.js';

export type SysctlNamespace = 'net' | 'ipc' | 'uts';

/** Which namespace a sysctl belongs to; undefined for host-wide ones (which pods may not set). */
export function sysctlNamespace(key: string): SysctlNamespace | undefined {
  const k = key.replaceAll('/', '.');
  if (k.startsWith('net.')) return 'net';
  if (k === 'kernel.hostname' || k === 'kernel.domainname') return 'uts';
  if (/^kernel\.(shm|msg)/.test(k) || k === 'kernel.sem' || k.startsWith('fs.mqueue.')) return 'ipc';
  return undefined;
}

/**
 * The path under /proc/sys for a key, sysctl(8) style: dots separate levels
 * and, when the key uses slashes as separators, dots belong to names (an
 * interface called eth0.100).
 */
export function sysctlPath(key: string): string {
  if (!/^[A-Za-z0-9_.\-/]+$/.test(key) || key.split(/[./]/).some((part) => part === '' || part === '..'))
    throw new InvalidArgumentError('sysctls', `"${key}" is not a sysctl name`);
  return key.includes('/') ? key : key.replaceAll('.', '/');
}

export type SysctlNamespaces = Partial<Record<SysctlNamespace, string>>;

/** Writes key=value inside the pinned namespaces given (the ones the key needs must be among them). */
export async function writeSysctl(namespaces: SysctlNamespaces, key: string, value: string): Promise<void> {
  const kind = sysctlNamespace(key);
  if (kind === undefined) throw new InvalidArgumentError('sysctls', `"${key}" is not namespaced and cannot be set for a pod`);
  if (!namespaces[kind]) throw new InvalidArgumentError('sysctls', `"${key}" needs the pod's ${kind} namespace`);
  await addon().writeSysctlInNamespaces(namespaces, sysctlPath(key), value);
}

/** Sets the hostname seen inside a pinned uts namespace. */
export async function setHostnameInNamespace(utsPath: string, hostname: string): Promise<void> {
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})$/.test(hostname)) throw new InvalidArgumentError('hostname', `"${hostname}" is not a valid hostname`);
  await addon().writeSysctlInNamespaces({ uts: utsPath }, 'kernel/hostname', hostname);
}
