// The only module that loads husk.node. It declares the addon's raw surface,
// finds the built file, and turns the addon's errors into NativeErrors.
// Everything else goes through the typed wrappers in this folder.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fromAddonError } from './errors.js';
import { packageRoot } from '../common/package-info.js';

export interface RawStatfs {
  type: number;
  bsize: number;
  frsize: number;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
  namelen: number;
  flags: number;
}

export interface RawOverlaySpec {
  target: string;
  lower: string[];
  upper?: string;
  work?: string;
  options?: string[];
  readOnly?: boolean;
  method?: 'auto' | 'fsconfig' | 'legacy';
}

export interface RawSeccompArg {
  index: number;
  value: bigint;
  valueTwo: bigint;
  op: string;
}

export interface RawSeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  /** libseccomp architecture names: 'x86_64', 'x86', 'x32', ... */
  architectures: string[];
  syscalls: { names: string[]; action: string; errnoRet?: number; args: RawSeccompArg[] }[];
}

export interface RawDeviceRule {
  type: string;
  /** -1: any */
  major: number;
  /** -1: any */
  minor: number;
  access: string;
}

export interface RawAddon {
  abiVersion: number;
  pinNamespaces(dir: string, kinds: string[]): Promise<void>;
  pinProcessNamespace(pid: number, kind: string, target: string): void;
  unpinNamespaces(paths: string[]): Promise<void>;
  writeSysctlInNamespaces(namespaces: { net?: string; ipc?: string; uts?: string }, path: string, value: string): Promise<void>;
  netnsConnectTcp(nsPath: string, host: string, port: number, timeoutMs: number): Promise<number>;
  netnsLoopbackUp(nsPath: string): Promise<void>;
  netnsInterfaces(nsPath: string): Promise<string[]>;
  mount(source: string | null, target: string, fstype: string | null, flags: string[], data: string | null): void;
  unmount(target: string, flags: string[]): void;
  bindMount(source: string, target: string, recursive: boolean, readOnly: boolean, propagation: string): void;
  setPropagation(target: string, mode: string, recursive: boolean): void;
  remountReadOnly(target: string, recursive: boolean): void;
  mountOverlay(spec: RawOverlaySpec): Promise<void>;
  isMountpoint(path: string): boolean;
  compileSeccomp(profile: RawSeccompProfile): Buffer;
  seccompKnownSyscall(name: string): boolean;
  seccompKnownArch(name: string): boolean;
  pidfdOpen(pid: number): number;
  pidfdSendSignal(fd: number, signal: number): void;
  pidfdExited(fd: number): boolean;
  pidfdWatch(fd: number): { id: number; promise: Promise<boolean> };
  pidfdUnwatch(id: number): void;
  mknod(path: string, kind: 'c' | 'b' | 'p', mode: number, major: number, minor: number): void;
  mkdirExact(path: string, mode: number): void;
  lsetxattr(path: string, name: string, value: Buffer, mode: '' | 'create' | 'replace'): void;
  lgetxattr(path: string, name: string): Buffer | null;
  statfs(path: string): RawStatfs;
  writeFileAtomic(dir: string, name: string, data: Buffer, mode: number, sync: boolean): Promise<void>;
  syncFiles(dir: string, names: string[]): Promise<void>;
  removeTree(path: string): Promise<void>;
  mkdirAll(paths: string[], modes: number[]): Promise<void>;
  rmdirTrees(paths: string[]): Promise<boolean>;
  compileDeviceFilter(rules: RawDeviceRule[]): Buffer;
  setDeviceFilter(cgroupDir: string, rules: RawDeviceRule[]): Promise<number>;
  attachedDeviceFilters(cgroupDir: string): number[];
  bpfProgramLoaded(id: number): boolean;
  /** stdio: 'pipe' | 'ignore' | an fd, per child fd; fds: the daemon's end of each 'pipe' slot. */
  spawnProcess(file: string, args: string[], env: string[], stdio: ('pipe' | 'ignore' | number)[]): Promise<{ pid: number; pidfd: number; fds: (number | null)[] }>;
  /** null while the process runs; code -1 / signal 0 when not applicable. */
  reapPidfd(pidfd: number): { code: number; signal: number } | null;
}

const ADDON_ABI = 3;

/** HUSK_ADDON overrides; else native/out/husk.node in the project (works from src/ and dist/). */
export function addonPath(): string {
  const override = process.env.HUSK_ADDON;
  return override ? resolve(override) : join(packageRoot, 'native', 'out', 'husk.node');
}

function translateErrors(raw: RawAddon): RawAddon {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'function') {
      wrapped[name] = value;
      continue;
    }
    const fn = value as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]): unknown => {
      let result: unknown;
      try {
        result = fn(...args);
      } catch (e) {
        throw fromAddonError(e);
      }
      if (result instanceof Promise) {
        return result.catch((e: unknown) => {
          throw fromAddonError(e);
        });
      }
      return result;
    };
  }
  return wrapped as unknown as RawAddon;
}

let loaded: RawAddon | undefined;

/** The addon, loaded on first use so pure code importing this folder works without a build. */
export function addon(): RawAddon {
  if (loaded) return loaded;
  const path = addonPath();
  if (!existsSync(path)) throw new Error(`native addon not built: ${path} is missing (run npm run build:native)`);
  const raw = createRequire(import.meta.url)(path) as RawAddon;
  if (raw.abiVersion !== ADDON_ABI) throw new Error(`native addon ${path} has ABI ${raw.abiVersion}, expected ${ADDON_ABI}: rebuild it`);
  loaded = translateErrors(raw);
  return loaded;
}

/** True when the addon file exists (tests skip on false). */
export function addonAvailable(): boolean {
  return existsSync(addonPath());
}
