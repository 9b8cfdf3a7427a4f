// Which devices a container may use (device cgroup rules), as runc allows
// them by default: mknod of anything, read/write of the standard nodes and
// terminals, plus the devices the request names. Privileged: everything.
import type { DeviceRule } from '../cgroups/index.js';
import type { DeviceSpec } from '../native/index.js';

const STANDARD: DeviceRule[] = [
  { type: 'c', major: '*', minor: '*', access: 'm' },
  { type: 'b', major: '*', minor: '*', access: 'm' },
  { type: 'c', major: 1, minor: 3, access: 'rwm' }, // null
  { type: 'c', major: 1, minor: 5, access: 'rwm' }, // zero
  { type: 'c', major: 1, minor: 7, access: 'rwm' }, // full
  { type: 'c', major: 1, minor: 8, access: 'rwm' }, // random
  { type: 'c', major: 1, minor: 9, access: 'rwm' }, // urandom
  { type: 'c', major: 5, minor: 0, access: 'rwm' }, // tty
  { type: 'c', major: 5, minor: 1, access: 'rwm' }, // console
  { type: 'c', major: 5, minor: 2, access: 'rwm' }, // ptmx
  { type: 'c', major: 136, minor: '*', access: 'rwm' }, // pts
];

export function deviceRules(requested: { device: DeviceSpec; permissions: string }[], privileged: boolean): DeviceRule[] {
  if (privileged) return [{ type: 'a', major: '*', minor: '*', access: 'rwm' }];
  const extra = requested
    .filter(({ device }) => device.type === 'c' || device.type === 'b')
    .map(({ device, permissions }): DeviceRule => ({ type: device.type === 'b' ? 'b' : 'c', major: device.major, minor: device.minor, access: permissions }));
  return [...STANDARD, ...extra];
}
