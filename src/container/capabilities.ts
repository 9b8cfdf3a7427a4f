// The capability set a container gets: the runtime default, minus drops,
// plus adds; "ALL" in either list means every capability, as containerd and
// CRI-O read it. Privileged containers get everything.
import { InvalidArgumentError } from '../common/errors.js';
import { normalizeCapability } from '../native/index.js';
import { DEFAULT_CAPABILITIES } from '../native/index.js';

/** Every capability Linux defines (up to CAP_CHECKPOINT_RESTORE, 40). */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK',
  'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

const FIELD = 'config.linux.security_context.capabilities';

function names(list: string[], field: string): string[] {
  return list.map((c, i) => {
    if (c.toUpperCase() === 'ALL') return 'ALL';
    const name = normalizeCapability(c);
    if (!ALL_CAPABILITIES.includes(name)) throw new InvalidArgumentError(`${FIELD}.${field}[${i}]`, `unknown capability "${c}"`);
    return name;
  });
}

/**
 * `hostBounding` is what the runtime itself may hold (its bounding set): a
 * process can be given nothing beyond it, so "ALL" means all of those, as in
 * containerd, and an added capability the host lacks is left out.
 */
export function containerCapabilities(add: string[], drop: string[], privileged: boolean, hostBounding: readonly string[] = ALL_CAPABILITIES): string[] {
  const adds = names(add, 'add_capabilities');
  const drops = names(drop, 'drop_capabilities');
  if (privileged || adds.includes('ALL')) return ALL_CAPABILITIES.filter((c) => hostBounding.includes(c));
  const base = drops.includes('ALL') ? [] : DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c));
  return [...new Set([...base, ...adds])].filter((c) => hostBounding.includes(c));
}

/** Capability names in a /proc/<pid>/status hex mask (`CapBnd:\t000001fffeffffff`). */
export function capabilitiesInMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim()}`);
  return ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

