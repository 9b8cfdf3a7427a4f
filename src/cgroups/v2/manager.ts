import { InvalidArgumentError, NotFoundError } from '../../common/errors.js';
import { log } from '../../log/logger.js';
import type { CgroupDriver } from '../../config/config.js';
import { kernelCgroupFs, readOptional, type CgroupFs } from '../fs-ops.js';
import type { CgroupManager, MemoryCgroup, RemoveOptions } from '../manager.js';
import { cgroupDir, containerCgroupPath, normalizeCgroupPath, podCgroupPath, pathPrefixes } from '../path.js';
import { validateResources, type CgroupResources } from '../resources.js';
import { emptyStats, type CgroupStats } from '../stats.js';
import { missingPrefixes, undoCreate, removeTree, sigkill, treePids, waitEmpty } from '../teardown.js';
import { enableSubtreeControllers, requiredControllers, STANDARD_CONTROLLERS } from './controllers.js';
import { applyCpu, cpuStats } from './cpu.js';
import { applyCpuset } from './cpuset.js';
import { applyDevices, kernelDeviceFilter, type DeviceFilterInstaller } from './devices.js';
import { hugetlbStats } from './hugetlb.js';
import { applyHugetlb } from '../hugetlb.js';
import { killTree } from './kill.js';
import { applyMemory, memoryStats } from './memory.js';
import { applyPids, pidsStats } from './pids.js';
import { applyUnified } from './unified.js';

const DEFAULT_REMOVE_TIMEOUT_MS = 10_000;

/** cgroup v2: one tree at `root`; controllers reach a cgroup through its ancestors' cgroup.subtree_control. */
export class V2CgroupManager implements CgroupManager {
  readonly version = 2 as const;

  constructor(
    /** The cgroup2 mount point (normally /sys/fs/cgroup). */
    private readonly root: string,
    readonly driver: CgroupDriver,
    private readonly fs: CgroupFs = kernelCgroupFs,
    private readonly installDeviceFilter: DeviceFilterInstaller = kernelDeviceFilter,
  ) {}

  private dir(path: string): string {
    return cgroupDir(this.root, path);
  }

  podPath(cgroupParent: string): string {
    return podCgroupPath(this.driver, cgroupParent);
  }

  containerPath(podPath: string, id: string): string {
    return containerCgroupPath(this.driver, podPath, id);
  }

  procDirs(path: string): string[] {
    return [this.dir(path)];
  }

  memoryDir(path: string): MemoryCgroup {
    return { version: 2, dir: this.dir(path) };
  }

  exists(path: string): Promise<boolean> {
    return this.fs.exists(this.dir(path));
  }

  async create(path: string, resources: CgroupResources): Promise<void> {
    const leaf = this.check(path, resources);
    const made = await missingPrefixes((p) => this.exists(p), pathPrefixes(path));
    try {
      // Top-down: each level exists and hands its controllers on before the next is made.
      const required = requiredControllers(resources);
      const wanted = new Set<string>([...STANDARD_CONTROLLERS, ...required]);
      let parent = this.root;
      for (const prefix of pathPrefixes(path)) {
        await enableSubtreeControllers(this.fs, parent, wanted, required);
        parent = this.dir(prefix);
        await this.fs.mkdir(parent);
      }
      await this.apply(leaf, resources);
    } catch (e) {
      await undoCreate(this, this.fs, path, made);
      throw e;
    }
  }

  async update(path: string, resources: CgroupResources): Promise<void> {
    const leaf = this.check(path, resources);
    if (!(await this.exists(path))) throw new NotFoundError('cgroup', path);
    await this.apply(leaf, resources);
  }

  private check(path: string, r: CgroupResources): string {
    if (normalizeCgroupPath(path, 'cgroup path') === '/') throw new InvalidArgumentError('cgroup path', 'the root cgroup is not managed');
    validateResources(r);
    return this.dir(path);
  }

  private async apply(dir: string, r: CgroupResources): Promise<void> {
    await applyCpu(this.fs, dir, r);
    await applyCpuset(this.fs, dir, r);
    await applyMemory(this.fs, dir, r);
    await applyPids(this.fs, dir, r);
    await applyDevices(this.installDeviceFilter, dir, r);
    if (r.hugepageLimits?.length) {
      const controllers = (await readOptional(this.fs, `${dir}/cgroup.controllers`)) ?? '';
      if (controllers.split(/\s+/).includes('hugetlb')) await applyHugetlb(this.fs, dir, r, 2);
      else log.debug({ dir }, 'hugetlb controller not available; hugepage limits skipped');
    }
    await applyUnified(this.fs, dir, r);
  }

  async stats(path: string): Promise<CgroupStats> {
    if (!(await this.exists(path))) throw new NotFoundError('cgroup', path);
    const dir = this.dir(path);
    const out = emptyStats();
    out.cpu = await cpuStats(this.fs, dir);
    Object.assign(out, await memoryStats(this.fs, dir));
    out.pids = await pidsStats(this.fs, dir);
    out.hugetlb = await hugetlbStats(this.fs, dir);
    return out;
  }

  pids(path: string): Promise<number[]> {
    return treePids(this.fs, [this.dir(path)]);
  }

  async addProcess(path: string, pid: number): Promise<void> {
    await this.fs.writeFile(`${this.dir(path)}/cgroup.procs`, String(pid));
  }

  async remove(path: string, options: RemoveOptions = {}): Promise<void> {
    if (normalizeCgroupPath(path, 'cgroup path') === '/') throw new InvalidArgumentError('cgroup path', 'the root cgroup is not managed');
    const timeoutMs = options.timeoutMs ?? DEFAULT_REMOVE_TIMEOUT_MS;
    const dir = this.dir(path);
    if (await this.fs.removeEmptyTrees([dir])) return; // also when it is gone already
    await killTree(this.fs, dir);
    await waitEmpty(this.fs, [dir], timeoutMs, sigkill);
    await removeTree(this.fs, dir, timeoutMs);
  }
}
