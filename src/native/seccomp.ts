// Seccomp for containers: husk's RuntimeDefault profile, Localhost profiles
// from JSON files, and compilation to the BPF program the monitor loads.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '../common/errors.js';
import { writeFileAtomic } from '../common/atomic-write.js';
import { addon } from './addon.js';
import { packageRoot } from '../common/package-info.js';
import { resolveSeccompProfile, validateSeccompProfile, type ResolveContext, type SeccompProfile, type ValidateOptions } from './seccomp-profile.js';

export const RUNTIME_DEFAULT_PROFILE_PATH = join(packageRoot, 'config', 'seccomp', 'runtime-default.json');

/** One classic-BPF instruction (struct sock_filter) is 8 bytes. */
export const SOCK_FILTER_SIZE = 8;

export interface ParseOptions {
  /** Prefix for field names in errors. */
  field?: string;
  /** What to do with syscall names this libseccomp does not know; default 'reject'. */
  unknownSyscalls?: 'reject' | 'ignore';
}

/** Validates a parsed JSON profile, checking every syscall name against libseccomp. */
export function parseSeccompProfile(json: unknown, options: ParseOptions = {}): SeccompProfile {
  const known = addon().seccompKnownSyscall;
  const validate: ValidateOptions = { field: options.field ?? 'seccomp', isKnownSyscall: (name) => known(name), unknownSyscalls: options.unknownSyscalls ?? 'reject' };
  const profile = validateSeccompProfile(json, validate);
  const arches = [...profile.architectures, ...profile.archMap.flatMap((e) => [e.architecture, ...e.subArchitectures])];
  for (const arch of arches) {
    if (!addon().seccompKnownArch(arch.replace(/^SCMP_ARCH_/, '').toLowerCase())) throw new InvalidArgumentError(`${validate.field}.architectures`, `unknown architecture "${arch}"`);
  }
  return profile;
}

let runtimeDefault: SeccompProfile | undefined;

/** husk's RuntimeDefault profile (config/seccomp/runtime-default.json), validated once. */
export function runtimeDefaultProfile(): SeccompProfile {
  runtimeDefault ??= parseSeccompProfile(JSON.parse(readFileSync(RUNTIME_DEFAULT_PROFILE_PATH, 'utf8')) as unknown, { field: 'RuntimeDefault' });
  return runtimeDefault;
}

/**
 * Reads and validates a Localhost profile (OCI JSON). Problems are
 * InvalidArgumentErrors naming `field` (the request field that named the file).
 */
export async function loadLocalhostProfile(path: string, options: ParseOptions = {}): Promise<SeccompProfile> {
  const field = options.field ?? 'localhost_ref';
  if (!path.startsWith('/')) throw new InvalidArgumentError(field, `seccomp profile path must be absolute: "${path}"`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InvalidArgumentError(field, `cannot read seccomp profile ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(field, `seccomp profile ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseSeccompProfile(json, { ...options, field: `${field} (${path})` });
}

export type CompileContext = Partial<ResolveContext>;

function resolveContext(ctx: CompileContext): ResolveContext {
  return { capabilities: ctx.capabilities ?? [], arch: ctx.arch ?? process.arch, kernelRelease: ctx.kernelRelease ?? release() };
}

/**
 * The profile as raw BPF (struct sock_filter[]), for a container holding
 * `capabilities` (rules gated on other capabilities are left out).
 */
export function compileSeccomp(profile: SeccompProfile, ctx: CompileContext = {}): Buffer {
  return addon().compileSeccomp(resolveSeccompProfile(profile, resolveContext(ctx)));
}

/** Compiles and writes the BPF atomically to outPath (mode 0600); returns its instruction count. */
export async function writeSeccompBpf(profile: SeccompProfile, outPath: string, ctx: CompileContext = {}): Promise<number> {
  const bpf = compileSeccomp(profile, ctx);
  await writeFileAtomic(outPath, bpf, 0o600, { sync: false }); // read by the next start only: no power loss to survive
  return bpf.length / SOCK_FILTER_SIZE;
}
