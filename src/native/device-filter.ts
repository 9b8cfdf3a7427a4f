// Device access control on cgroup v2: the allow-list becomes an eBPF
// BPF_PROG_TYPE_CGROUP_DEVICE program (default deny) attached to the cgroup
// directory, the way v1's devices.allow/devices.deny work.
import { InvalidArgumentError } from '../common/errors.js';
import { addon } from './addon.js';

/** One allow rule, as in a v1 devices.allow line; `a` allows every device and access. */
export interface DeviceFilterRule {
  type: 'a' | 'b' | 'c';
  major: number | '*';
  minor: number | '*';
  /** Letters from `rwm`; empty allows nothing. */
  access: string;
}

export interface DeviceFilterOptions {
  /** Field name in errors for the rule list; default `devices`. */
  field?: string;
}

/** One eBPF instruction (struct bpf_insn) is 8 bytes. */
export const BPF_INSN_SIZE = 8;

// Linux device numbers: 12 bits of major, 20 of minor; the program compares 31-bit immediates.
const MAX_DEVICE_NUMBER = 0x7fffffff;

function rawNumber(field: string, n: number | '*'): number {
  if (n === '*') return -1;
  if (!Number.isInteger(n) || n < 0 || n > MAX_DEVICE_NUMBER) throw new InvalidArgumentError(field, `${n} is not a device number`);
  return n;
}

function rawRules(rules: readonly DeviceFilterRule[], field: string): { type: string; major: number; minor: number; access: string }[] {
  return rules.map((r, i) => {
    const f = `${field}[${i}]`;
    if (r.type !== 'a' && r.type !== 'b' && r.type !== 'c') throw new InvalidArgumentError(`${f}.type`, `"${String(r.type)}" is not a, b or c`);
    if (!/^[rwm]*$/.test(r.access)) throw new InvalidArgumentError(`${f}.access`, `"${r.access}" is not made of r, w and m`);
    return { type: r.type, major: rawNumber(`${f}.major`, r.major), minor: rawNumber(`${f}.minor`, r.minor), access: r.access };
  });
}

/** The program for rules (struct bpf_insn array), without loading it. */
export function compileDeviceFilter(rules: readonly DeviceFilterRule[], options: DeviceFilterOptions = {}): Buffer {
  return addon().compileDeviceFilter(rawRules(rules, options.field ?? 'devices'));
}

/**
 * Makes `rules` the device allow-list of the cgroup v2 directory: attaches the
 * new program, then detaches the ones husk attached before, so the cgroup is
 * never unfiltered. Resolves to the new program's id. Needs CAP_SYS_ADMIN.
 */
export function setDeviceFilter(cgroupDir: string, rules: readonly DeviceFilterRule[], options: DeviceFilterOptions = {}): Promise<number> {
  return addon().setDeviceFilter(cgroupDir, rawRules(rules, options.field ?? 'devices'));
}

/** Ids of the husk device programs attached to the directory itself. */
export function attachedDeviceFilters(cgroupDir: string): number[] {
  return addon().attachedDeviceFilters(cgroupDir);
}

/** True while a BPF program with this id is loaded in the kernel. */
export function bpfProgramLoaded(id: number): boolean {
  return addon().bpfProgramLoaded(id);
}
