import { mkdir, open, readdir, readFile, rmdir, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { InternalError, InvalidArgumentError, isErrno } from '../common/errors.js';
import { rmdirTrees } from '../native/index.js';

/** A cgroup filesystem call failed; keeps the errno code so callers can branch on ENOENT/EBUSY/EINVAL. */
export class CgroupFsError extends InternalError {
  readonly code: string | undefined;
  readonly path: string;
  readonly op: string;
  constructor(op: string, path: string, cause: unknown) {
    const code = isErrno(cause) ? cause.code : undefined;
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`cgroup ${op} ${path}: ${detail}`, cause);
    this.code = code;
    this.path = path;
    this.op = op;
  }
}

export function isCgroupFsError(e: unknown, code?: string): e is CgroupFsError {
  return e instanceof CgroupFsError && (code === undefined || e.code === code);
}

/**
 * The only door to the cgroup filesystem. Managers take one of these so unit
 * tests can point them at a plain temp directory that imitates the kernel.
 * Every method throws CgroupFsError naming the path.
 */
export interface CgroupFs {
  /** mkdir -p; an existing directory is fine. */
  mkdir(path: string): Promise<void>;
  /** Removes one empty cgroup directory (the kernel's interface files go with it). */
  rmdir(path: string): Promise<void>;
  /**
   * Removes each cgroup and its children, leaf first, if none has members:
   * false as soon as one is in use (EBUSY), leaving it and its parents (and
   * the trees after it). A missing cgroup counts as removed.
   */
  removeEmptyTrees(paths: readonly string[]): Promise<boolean>;
  readFile(path: string): Promise<string>;
  /** Writes into an existing file; a missing file is ENOENT, never created. */
  writeFile(path: string, value: string): Promise<void>;
  /** Names of the child directories (child cgroups). */
  subdirs(path: string): Promise<string[]>;
  /** Names of the interface files in a cgroup directory. */
  files(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
}

async function wrap<T>(op: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new CgroupFsError(op, path, e);
  }
}

/** The real cgroup filesystem. */
export const kernelCgroupFs: CgroupFs = {
  mkdir: (path) => wrap('mkdir', path, async () => void (await mkdir(path, { recursive: true }))),
  rmdir: (path) => wrap('rmdir', path, () => rmdir(path)),
  // One pool-thread call for all the trees: teardown costs the event loop next to nothing.
  removeEmptyTrees: (paths) => wrap('rmdir', paths.join(', '), () => rmdirTrees(paths)),
  readFile: (path) => wrap('read', path, () => readFile(path, 'utf8')),
  writeFile: (path, value) =>
    wrap('write', path, async () => {
      // O_WRONLY without O_CREAT: cgroupfs files exist or the feature is absent.
      // One write() call per value, as the kernel parses each write on its own.
      const fh = await open(path, constants.O_WRONLY);
      try {
        await fh.write(value);
      } finally {
        await fh.close();
      }
    }),
  subdirs: (path) =>
    wrap('readdir', path, async () => (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name)),
  files: (path) =>
    wrap('readdir', path, async () => (await readdir(path, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name)),
  exists: async (path) => {
    try {
      await stat(path);
      return true;
    } catch (e) {
      if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) return false;
      throw new CgroupFsError('stat', path, e);
    }
  },
};

const KERNEL_REFUSALS: Record<string, string> = {
  EINVAL: 'the kernel rejected the value',
  ERANGE: 'the value is out of range for the kernel',
  EBUSY: 'the kernel refused it while the cgroup is busy (usage above the new limit?)',
  EACCES: 'the kernel refused it for this cgroup',
  EPERM: 'the kernel refused it for this cgroup',
};

/**
 * Writes a limit that came from a request field; the kernel refusing the
 * value (EINVAL, ERANGE, EBUSY...) becomes InvalidArgumentError naming the field.
 */
export async function writeLimit(fs: CgroupFs, dir: string, file: string, value: string, field: string): Promise<void> {
  try {
    await fs.writeFile(`${dir}/${file}`, value);
  } catch (e) {
    if (isCgroupFsError(e) && e.code && KERNEL_REFUSALS[e.code]) {
      throw new InvalidArgumentError(field, `writing "${value}" to ${dir}/${file}: ${KERNEL_REFUSALS[e.code]} (${e.code})`);
    }
    throw e;
  }
}

/** Reads a file, or undefined when it does not exist (controller or feature absent). */
export async function readOptional(fs: CgroupFs, path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path);
  } catch (e) {
    if (isCgroupFsError(e, 'ENOENT')) return undefined;
    throw e;
  }
}
