// Seccomp profiles in the OCI JSON format (plus Docker's archMap and
// includes/excludes, which RuntimeDefault uses for capability-gated rules):
// shape validation with errors naming the field, and resolution against a
// container's capabilities, architecture and kernel into the plain rule list
// the addon compiles. Pure: no addon, no file system.
import { InvalidArgumentError } from '../common/errors.js';
import type { RawSeccompProfile } from './addon.js';

export const SECCOMP_ACTIONS = [
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_LOG',
  'SCMP_ACT_TRACE',
] as const;
export type SeccompAction = (typeof SECCOMP_ACTIONS)[number];

export const SECCOMP_OPERATORS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'] as const;
export type SeccompOperator = (typeof SECCOMP_OPERATORS)[number];

/** seccomp(2) filter flags a profile may ask for, with their values. */
export const SECCOMP_FILTER_FLAGS = {
  SECCOMP_FILTER_FLAG_TSYNC: 1,
  SECCOMP_FILTER_FLAG_LOG: 2,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH: 16,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 32,
} as const;
export type SeccompFilterFlag = keyof typeof SECCOMP_FILTER_FLAGS;

export interface SeccompArg {
  index: number;
  value: bigint;
  valueTwo: bigint;
  op: SeccompOperator;
}

/** When a rule applies: all of `caps` held, the native arch among `arches`, kernel at least `minKernel`. */
export interface SeccompConditions {
  caps: string[];
  arches: string[];
  minKernel?: string;
}

export interface SeccompRule {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args: SeccompArg[];
  includes: SeccompConditions;
  excludes: SeccompConditions;
  comment?: string;
}

export interface SeccompProfile {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  /** SCMP_ARCH_* names; when empty, archMap's entry for the native arch, else the native arch only. */
  architectures: string[];
  archMap: { architecture: string; subArchitectures: string[] }[];
  flags: SeccompFilterFlag[];
  syscalls: SeccompRule[];
}

export interface ValidateOptions {
  /** Prefix for field names in errors, e.g. 'seccomp' or the profile's path. */
  field?: string;
  /** Answers whether a syscall name exists; names it rejects fail validation unless ignored. */
  isKnownSyscall?: (name: string) => boolean;
  /** 'reject' (default) fails on unknown names; 'ignore' drops them (a newer syscall this libseccomp lacks). */
  unknownSyscalls?: 'reject' | 'ignore';
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(v: Record<string, Json>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) throw new InvalidArgumentError(`${field}.${key}`, 'unknown field');
  }
}

function stringArray(v: Json, field: string, optional = true): string[] {
  if (v === undefined || v === null) {
    if (optional) return [];
    throw new InvalidArgumentError(field, 'is required');
  }
  if (!Array.isArray(v)) throw new InvalidArgumentError(field, 'must be an array of strings');
  return v.map((item, i) => {
    if (typeof item !== 'string' || item === '') throw new InvalidArgumentError(`${field}[${i}]`, 'must be a non-empty string');
    return item;
  });
}

function errnoValue(v: Json, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 4095) throw new InvalidArgumentError(field, 'must be an errno number 0-4095');
  return v;
}

function action(v: Json, field: string): SeccompAction {
  if (typeof v !== 'string') throw new InvalidArgumentError(field, 'is required and must be a string');
  if (v === 'SCMP_ACT_NOTIFY') throw new InvalidArgumentError(field, 'SCMP_ACT_NOTIFY is not supported (husk has no seccomp agent)');
  if (!(SECCOMP_ACTIONS as readonly string[]).includes(v)) throw new InvalidArgumentError(field, `unknown action "${v}" (known: ${SECCOMP_ACTIONS.join(', ')})`);
  return v as SeccompAction;
}

const U64_MAX = (1n << 64n) - 1n;

/** Numbers must be exact (≤ 2^53); larger values may be given as decimal or 0x strings. */
function u64(v: Json, field: string, required: boolean): bigint {
  if (v === undefined || v === null) {
    if (required) throw new InvalidArgumentError(field, 'is required');
    return 0n;
  }
  let out: bigint;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new InvalidArgumentError(field, 'must be a non-negative integer (give values above 2^53 as a string)');
    out = BigInt(v);
  } else if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) {
    out = BigInt(v);
  } else {
    throw new InvalidArgumentError(field, 'must be an unsigned integer');
  }
  if (out > U64_MAX) throw new InvalidArgumentError(field, 'does not fit in 64 bits');
  return out;
}

function arg(v: Json, field: string): SeccompArg {
  if (!isObject(v)) throw new InvalidArgumentError(field, 'must be an object');
  checkKeys(v, ['index', 'value', 'valueTwo', 'op'], field);
  const index = v.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 5) throw new InvalidArgumentError(`${field}.index`, 'must be an argument index 0-5');
  const op = v.op;
  if (typeof op !== 'string' || !(SECCOMP_OPERATORS as readonly string[]).includes(op))
    throw new InvalidArgumentError(`${field}.op`, `must be one of ${SECCOMP_OPERATORS.join(', ')}`);
  return { index, value: u64(v.value, `${field}.value`, true), valueTwo: u64(v.valueTwo, `${field}.valueTwo`, false), op: op as SeccompOperator };
}

function conditions(v: Json, field: string): SeccompConditions {
  if (v === undefined || v === null) return { caps: [], arches: [] };
  if (!isObject(v)) throw new InvalidArgumentError(field, 'must be an object');
  checkKeys(v, ['caps', 'arches', 'minKernel'], field);
  const out: SeccompConditions = { caps: stringArray(v.caps, `${field}.caps`).map(normalizeCapability), arches: stringArray(v.arches, `${field}.arches`) };
  if (v.minKernel !== undefined) {
    if (typeof v.minKernel !== 'string' || !/^\d+\.\d+$/.test(v.minKernel)) throw new InvalidArgumentError(`${field}.minKernel`, 'must look like "5.8"');
    out.minKernel = v.minKernel;
  }
  return out;
}

const SYSCALL_NAME = /^[a-z_][a-z0-9_]*$/;

function rule(v: Json, field: string, options: ValidateOptions): SeccompRule | undefined {
  if (!isObject(v)) throw new InvalidArgumentError(field, 'must be an object');
  checkKeys(v, ['names', 'name', 'action', 'errnoRet', 'args', 'includes', 'excludes', 'comment'], field);
  // Docker's older format names one syscall in "name".
  const names = v.names !== undefined ? stringArray(v.names, `${field}.names`, false) : stringArray(v.name === undefined ? undefined : [v.name], `${field}.name`, false);
  if (names.length === 0) throw new InvalidArgumentError(`${field}.names`, 'must name at least one syscall');
  const kept: string[] = [];
  names.forEach((name, i) => {
    if (!SYSCALL_NAME.test(name)) throw new InvalidArgumentError(`${field}.names[${i}]`, `"${name}" is not a syscall name`);
    if (options.isKnownSyscall && !options.isKnownSyscall(name)) {
      if (options.unknownSyscalls === 'ignore') return;
      throw new InvalidArgumentError(`${field}.names[${i}]`, `unknown syscall "${name}"`);
    }
    kept.push(name);
  });
  if (kept.length === 0) return undefined;
  if (v.args !== undefined && v.args !== null && !Array.isArray(v.args)) throw new InvalidArgumentError(`${field}.args`, 'must be an array');
  const args = ((v.args as Json[] | undefined | null) ?? []).map((a, i) => arg(a, `${field}.args[${i}]`));
  if (args.length > 6) throw new InvalidArgumentError(`${field}.args`, 'a syscall has at most 6 arguments');
  const out: SeccompRule = {
    names: kept,
    action: action(v.action, `${field}.action`),
    args,
    includes: conditions(v.includes, `${field}.includes`),
    excludes: conditions(v.excludes, `${field}.excludes`),
  };
  const errnoRet = errnoValue(v.errnoRet, `${field}.errnoRet`);
  if (errnoRet !== undefined) out.errnoRet = errnoRet;
  if (typeof v.comment === 'string') out.comment = v.comment;
  return out;
}

function archName(v: string, field: string): string {
  if (!/^SCMP_ARCH_[A-Z0-9_]+$/.test(v)) throw new InvalidArgumentError(field, `"${v}" is not an SCMP_ARCH_* name`);
  return v;
}

/** Checks a parsed JSON value's shape and returns a typed profile. */
export function validateSeccompProfile(json: Json, options: ValidateOptions = {}): SeccompProfile {
  const f = options.field ?? 'seccomp';
  if (!isObject(json)) throw new InvalidArgumentError(f, 'a seccomp profile must be a JSON object');
  checkKeys(json, ['defaultAction', 'defaultErrnoRet', 'architectures', 'archMap', 'flags', 'syscalls', 'listenerPath', 'listenerMetadata', 'comment'], f);
  if (json.listenerPath !== undefined && json.listenerPath !== '') throw new InvalidArgumentError(`${f}.listenerPath`, 'seccomp notify listeners are not supported');
  const architectures = stringArray(json.architectures, `${f}.architectures`).map((a, i) => archName(a, `${f}.architectures[${i}]`));
  if (json.archMap !== undefined && json.archMap !== null && !Array.isArray(json.archMap)) throw new InvalidArgumentError(`${f}.archMap`, 'must be an array');
  const archMap = ((json.archMap as Json[] | undefined | null) ?? []).map((entry, i) => {
    const ef = `${f}.archMap[${i}]`;
    if (!isObject(entry)) throw new InvalidArgumentError(ef, 'must be an object');
    checkKeys(entry, ['architecture', 'subArchitectures'], ef);
    if (typeof entry.architecture !== 'string') throw new InvalidArgumentError(`${ef}.architecture`, 'is required');
    return {
      architecture: archName(entry.architecture, `${ef}.architecture`),
      subArchitectures: stringArray(entry.subArchitectures, `${ef}.subArchitectures`).map((a, j) => archName(a, `${ef}.subArchitectures[${j}]`)),
    };
  });
  const flags = stringArray(json.flags, `${f}.flags`).map((flag, i) => {
    if (!(flag in SECCOMP_FILTER_FLAGS)) throw new InvalidArgumentError(`${f}.flags[${i}]`, `unknown or unsupported flag "${flag}"`);
    return flag as SeccompFilterFlag;
  });
  if (json.syscalls !== undefined && json.syscalls !== null && !Array.isArray(json.syscalls)) throw new InvalidArgumentError(`${f}.syscalls`, 'must be an array');
  const syscalls: SeccompRule[] = [];
  ((json.syscalls as Json[] | undefined | null) ?? []).forEach((s, i) => {
    const r = rule(s, `${f}.syscalls[${i}]`, options);
    if (r) syscalls.push(r);
  });
  const profile: SeccompProfile = { defaultAction: action(json.defaultAction, `${f}.defaultAction`), architectures, archMap, flags, syscalls };
  const defaultErrnoRet = errnoValue(json.defaultErrnoRet, `${f}.defaultErrnoRet`);
  if (defaultErrnoRet !== undefined) profile.defaultErrnoRet = defaultErrnoRet;
  return profile;
}

/** 'sys_admin', 'SYS_ADMIN' and 'CAP_SYS_ADMIN' all become 'CAP_SYS_ADMIN'. */
export function normalizeCapability(cap: string): string {
  const upper = cap.toUpperCase();
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

/** Names the native architecture goes by in includes/excludes.arches (Go, kernel and libseccomp spellings). */
export function nativeArchNames(arch: string = process.arch): string[] {
  switch (arch) {
    case 'x64': return ['amd64', 'x86_64', 'SCMP_ARCH_X86_64'];
    case 'ia32': return ['386', 'x86', 'SCMP_ARCH_X86'];
    case 'arm64': return ['arm64', 'aarch64', 'SCMP_ARCH_AARCH64'];
    case 'arm': return ['arm', 'SCMP_ARCH_ARM'];
    case 'ppc64': return ['ppc64le', 'SCMP_ARCH_PPC64LE'];
    case 's390x': return ['s390x', 'SCMP_ARCH_S390X'];
    case 'riscv64': return ['riscv64', 'SCMP_ARCH_RISCV64'];
    default: return [arch];
  }
}

/** 'SCMP_ARCH_X86_64' -> 'x86_64', libseccomp's spelling. */
export function libseccompArchName(arch: string): string {
  return arch.replace(/^SCMP_ARCH_/, '').toLowerCase();
}

function kernelAtLeast(release: string, min: string): boolean {
  const [major = 0, minor = 0] = release.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const [wantMajor = 0, wantMinor = 0] = min.split('.').map(Number);
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

export interface ResolveContext {
  /** The container's capabilities (any spelling); rules gated on others are left out. */
  capabilities: readonly string[];
  /** Node's process.arch spelling; default the host's. */
  arch?: string;
  /** os.release() spelling; rules with a higher minKernel are left out. Default: no kernel gating. */
  kernelRelease?: string;
}

function applies(rule: SeccompRule, caps: Set<string>, arches: string[], kernel: string | undefined): boolean {
  const inc = rule.includes;
  const exc = rule.excludes;
  if (!inc.caps.every((c) => caps.has(c))) return false;
  if (inc.arches.length > 0 && !inc.arches.some((a) => arches.includes(a))) return false;
  if (inc.minKernel && kernel && !kernelAtLeast(kernel, inc.minKernel)) return false;
  if (exc.caps.some((c) => caps.has(c))) return false;
  if (exc.arches.some((a) => arches.includes(a))) return false;
  if (exc.minKernel && kernel && kernelAtLeast(kernel, exc.minKernel)) return false;
  return true;
}

/** The profile's rules for one container, in the form the addon compiles. */
export function resolveSeccompProfile(profile: SeccompProfile, ctx: ResolveContext): RawSeccompProfile {
  const caps = new Set(ctx.capabilities.map(normalizeCapability));
  const native = nativeArchNames(ctx.arch);
  let arches = profile.architectures;
  if (arches.length === 0) {
    const entry = profile.archMap.find((e) => native.includes(e.architecture));
    if (entry) arches = [entry.architecture, ...entry.subArchitectures];
  }
  const out: RawSeccompProfile = {
    defaultAction: profile.defaultAction,
    architectures: arches.map(libseccompArchName),
    syscalls: profile.syscalls
      .filter((r) => applies(r, caps, native, ctx.kernelRelease))
      .map((r) => {
        const raw: RawSeccompProfile['syscalls'][number] = { names: r.names, action: r.action, args: r.args };
        if (r.errnoRet !== undefined) raw.errnoRet = r.errnoRet;
        return raw;
      }),
  };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  return out;
}

/** The seccomp(2) flags the profile asks for, OR-ed. */
export function seccompFilterFlags(profile: SeccompProfile): number {
  return profile.flags.reduce((acc, flag) => acc | SECCOMP_FILTER_FLAGS[flag], 0);
}
