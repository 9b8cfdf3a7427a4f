import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../../common/errors.js';
import { log } from '../../log/logger.js';
import type { CgroupDriver } from '../../config/config.js';
import { kernelCgroupFs, readOptional, type CgroupFs } from '../fs-ops.js';
import type { CgroupManager, MemoryCgroup, RemoveOptions } from '../manager.js';
import { cgroupDir, containerCgroupPath, normalizeCgroupPath, pathPrefixes, podCgroupPath } from '../path.js';
import { RESOURCE_FIELDS, validateResources, type CgroupResources } from '../resources.js';
import { emptyStats, type CgroupStats } from '../stats.js';
import { missingPrefixes, undoCreate, removeTree, sigkill, treePids, waitEmpty } from '../teardown.js';
import { applyCpu, wantsCpu } from './cpu.js';
import { cpuacctStats } from './cpuacct.js';
import { applyCpuset, inheritCpuset } from './cpuset.js';
import { freeze, thaw } from './freezer.js';
import { hugetlbStats } from './hugetlb.js';
import { applyHugetlb } from '../hugetlb.js';
import { applyMemory, memoryStats, wantsMemory } from './memory.js';
import { applyPids, pidsStats } from './pids.js';
import { applyDevices } from './devices.js';

const DEFAULT_REMOVE_TIMEOUT_MS = 10_000;

/**
 * cgroup v1 (and hybrid hosts, whose cgroup2 mount has no controllers): one
 * directory per hierarchy. The cgroup is made in every mounted controller
 * hierarchy, so the process is accounted everywhere (devices, freezer, blkio...).
 */
export class V1CgroupManager implements CgroupManager {
  readonly version = 1 as const;

  constructor(
    /** controller -> mount point, from detection. */
    private readonly mounts: ReadonlyMap<string, string>,
    readonly driver: CgroupDriver,
    private readonly fs: CgroupFs = kernelCgroupFs,
  ) {}

  /** Unique hierarchy mount points (cpu and cpuacct may share one). */
  private hierarchies(): string[] {
    return [...new Set(this.mounts.values())].sort();
  }

  private dirOf(controller: string, path: string): string | undefined {
    const mount = this.mounts.get(controller);
    return mount === undefined ? undefined : cgroupDir(mount, path);
  }

  private requireDir(controller: string, path: string, field: string): string {
    const dir = this.dirOf(controller, path);
    if (dir === undefined) throw new FailedPreconditionError(`cgroup v1 controller "${controller}" is not mounted; cannot apply ${field}`);
    return dir;
  }

  podPath(cgroupParent: string): string {
    return podCgroupPath(this.driver, cgroupParent);
  }

  containerPath(podPath: string, id: string): string {
    return containerCgroupPath(this.driver, podPath, id);
  }

  procDirs(path: string): string[] {
    return this.hierarchies().map((mount) => cgroupDir(mount, path));
  }

  memoryDir(path: string): MemoryCgroup {
    return { version: 1, dir: this.requireDir('memory', path, 'OOM detection') };
  }

  async exists(path: string): Promise<boolean> {
    const dirs = this.procDirs(path);
    return dirs.length > 0 && (await this.fs.exists(dirs[0]!));
  }

  async create(path: string, resources: CgroupResources): Promise<void> {
    this.check(path, resources);
    const made = await missingPrefixes((p) => this.exists(p), pathPrefixes(path));
    try {
      for (const dir of this.procDirs(path)) await this.fs.mkdir(dir);
      const cpusetMount = this.mounts.get('cpuset');
      if (cpusetMount !== undefined) await inheritCpuset(this.fs, cpusetMount, cgroupDir(cpusetMount, path));
      await this.apply(path, resources);
    } catch (e) {
      await undoCreate(this, this.fs, path, made);
      throw e;
    }
  }

  async update(path: string, resources: CgroupResources): Promise<void> {
    this.check(path, resources);
    if (!(await this.exists(path))) throw new NotFoundError('cgroup', path);
    await this.apply(path, resources);
  }

  private check(path: string, r: CgroupResources): void {
    if (normalizeCgroupPath(path, 'cgroup path') === '/') throw new InvalidArgumentError('cgroup path', 'the root cgroup is not managed');
    validateResources(r);
    if (r.unified && Object.keys(r.unified).length > 0) {
      throw new InvalidArgumentError(RESOURCE_FIELDS.unified, 'this host runs cgroup v1; unified keys need cgroup v2');
    }
  }

  private async apply(path: string, r: CgroupResources): Promise<void> {
    const F = RESOURCE_FIELDS;
    if (wantsCpu(r)) await applyCpu(this.fs, this.requireDir('cpu', path, F.cpuShares), r);
    if (r.cpusetCpus || r.cpusetMems) await applyCpuset(this.fs, this.requireDir('cpuset', path, F.cpusetCpus), r);
    if (wantsMemory(r)) await applyMemory(this.fs, this.requireDir('memory', path, F.memoryLimitInBytes), r);
    if (r.pidsLimit) await applyPids(this.fs, this.requireDir('pids', path, F.pidsLimit), r);
    if (r.devices) {
      const dir = this.dirOf('devices', path);
      if (dir) await applyDevices(this.fs, dir, r.devices);
    }
    if (r.hugepageLimits?.length) {
      const dir = this.dirOf('hugetlb', path);
      // kubelet sends a limit for every page size the node has; a host without
      // the hugetlb hierarchy cannot use huge pages in containers anyway.
      if (dir === undefined) log.debug({ path }, 'hugetlb hierarchy not mounted; hugepage limits skipped');
      else await applyHugetlb(this.fs, dir, r, 1);
    }
  }

  async stats(path: string): Promise<CgroupStats> {
    if (!(await this.exists(path))) throw new NotFoundError('cgroup', path);
    const out = emptyStats();
    const cpuacct = this.dirOf('cpuacct', path);
    if (cpuacct) out.cpu = await cpuacctStats(this.fs, cpuacct);
    const memory = this.dirOf('memory', path);
    if (memory) Object.assign(out, await memoryStats(this.fs, memory));
    const pids = this.dirOf('pids', path);
    if (pids) out.pids = await pidsStats(this.fs, pids);
    const hugetlb = this.dirOf('hugetlb', path);
    if (hugetlb) out.hugetlb = await hugetlbStats(this.fs, hugetlb);
    return out;
  }

  async pids(path: string): Promise<number[]> {
    return treePids(this.fs, this.procDirs(path));
  }

  async addProcess(path: string, pid: number): Promise<void> {
    for (const dir of this.procDirs(path)) await this.fs.writeFile(`${dir}/cgroup.procs`, String(pid));
  }

  async remove(path: string, options: RemoveOptions = {}): Promise<void> {
    if (normalizeCgroupPath(path, 'cgroup path') === '/') throw new InvalidArgumentError('cgroup path', 'the root cgroup is not managed');
    const timeoutMs = options.timeoutMs ?? DEFAULT_REMOVE_TIMEOUT_MS;
    const dirs = this.procDirs(path);
    // The usual case is a container that has already exited: its cgroups just go.
    if (await this.fs.removeEmptyTrees(dirs)) return;
    if ((await treePids(this.fs, dirs)).length > 0) {
      const freezerDir = this.dirOf('freezer', path);
      let frozen = false;
      if (freezerDir && (await this.fs.exists(freezerDir))) frozen = await freeze(this.fs, freezerDir);
      try {
        sigkill(await treePids(this.fs, dirs));
      } finally {
        if (frozen && (await readOptional(this.fs, `${freezerDir}/freezer.state`)) !== undefined) await thaw(this.fs, freezerDir!);
      }
      await waitEmpty(this.fs, dirs, timeoutMs, sigkill);
    }
    await Promise.all(dirs.map((dir) => removeTree(this.fs, dir, timeoutMs)));
  }
}
