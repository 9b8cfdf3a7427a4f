// A CgroupFs over a plain temp directory that behaves like the kernel where
// the managers depend on it: mkdir fills in interface files for the
// controllers the parent hands down, writes go only to existing files,
// cgroup.subtree_control merges +/- tokens, rmdir drops the interface files
// and refuses a cgroup that has children or members.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CgroupFsError, kernelCgroupFs, type CgroupFs } from '../../../src/cgroups/index.js';

function errno(code: string): NodeJS.ErrnoException {
  const e = new Error(code) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export interface FakeOptions {
  /** 'v2' makes a unified tree; 'v1' one hierarchy per controller, at <root>/<controller>. */
  version: 1 | 2;
  /** v2: what the root's cgroup.controllers offers; v1: the mounted hierarchies. */
  controllers: string[];
  /** v2: whether cgroup.kill exists (Linux 5.14+). */
  cgroupKill?: boolean;
  /** Swap accounting (memory.swap.max / memory.memsw.*). */
  swap?: boolean;
  hugePageSizes?: string[];
}

function v2Files(controllers: Set<string>, o: FakeOptions): Record<string, string> {
  const files: Record<string, string> = {
    'cgroup.procs': '',
    'cgroup.controllers': [...controllers].join(' '),
    'cgroup.subtree_control': '',
    'cgroup.events': 'populated 0\nfrozen 0\n',
    'cgroup.freeze': '0',
  };
  if (o.cgroupKill) files['cgroup.kill'] = '';
  if (controllers.has('cpu')) Object.assign(files, { 'cpu.weight': '100', 'cpu.max': 'max 100000', 'cpu.stat': 'usage_usec 0\nuser_usec 0\nsystem_usec 0\n' });
  if (controllers.has('cpuset')) Object.assign(files, { 'cpuset.cpus': '', 'cpuset.mems': '' });
  if (controllers.has('memory')) {
    Object.assign(files, { 'memory.max': 'max', 'memory.high': 'max', 'memory.current': '0', 'memory.stat': 'anon 0\n', 'memory.events': 'oom 0\noom_kill 0\n' });
    if (o.swap) files['memory.swap.max'] = 'max';
  }
  if (controllers.has('pids')) Object.assign(files, { 'pids.max': 'max', 'pids.current': '0' });
  if (controllers.has('misc')) Object.assign(files, { 'misc.max': '', 'misc.current': '' });
  if (controllers.has('hugetlb')) {
    for (const size of o.hugePageSizes ?? ['2MB', '1GB']) Object.assign(files, { [`hugetlb.${size}.max`]: 'max', [`hugetlb.${size}.current`]: '0' });
  }
  return files;
}

function v1Files(hierarchy: string, o: FakeOptions): Record<string, string> {
  const c = new Set([hierarchy]);
  const files: Record<string, string> = { 'cgroup.procs': '', tasks: '' };
  if (c.has('cpu')) Object.assign(files, { 'cpu.shares': '1024', 'cpu.cfs_period_us': '100000', 'cpu.cfs_quota_us': '-1' });
  if (c.has('cpuacct')) Object.assign(files, { 'cpuacct.usage': '0', 'cpuacct.usage_user': '0', 'cpuacct.usage_sys': '0' });
  if (c.has('cpuset')) Object.assign(files, { 'cpuset.cpus': '', 'cpuset.mems': '' });
  if (c.has('memory')) {
    Object.assign(files, {
      'memory.limit_in_bytes': '9223372036854771712',
      'memory.usage_in_bytes': '0',
      'memory.stat': 'rss 0\ntotal_rss 0\n',
      'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    });
    if (o.swap) files['memory.memsw.limit_in_bytes'] = '9223372036854771712';
  }
  if (c.has('pids')) Object.assign(files, { 'pids.max': 'max', 'pids.current': '0' });
  if (c.has('freezer')) files['freezer.state'] = 'THAWED';
  if (c.has('hugetlb')) {
    for (const size of o.hugePageSizes ?? ['2MB']) Object.assign(files, { [`hugetlb.${size}.limit_in_bytes`]: '9223372036854771712', [`hugetlb.${size}.usage_in_bytes`]: '0' });
  }
  return files;
}

export class FakeCgroupFs implements CgroupFs {
  readonly root: string;
  /** Every write, in order: [path relative to root, value]. */
  readonly writes: [string, string][] = [];
  /** rmdir of these relative paths fails with EBUSY this many more times. */
  readonly busy = new Map<string, number>();

  constructor(private readonly options: FakeOptions) {
    this.root = mkdtempSync(join(tmpdir(), 'husk-cgroups-fake-'));
  }

  /** Makes the root look like a freshly mounted hierarchy. */
  async init(): Promise<this> {
    if (this.options.version === 2) {
      for (const [name, value] of Object.entries(v2Files(new Set(this.options.controllers), this.options))) await writeFile(join(this.root, name), value);
      return this;
    }
    for (const c of this.options.controllers) {
      const files = v1Files(c, this.options);
      if (c === 'cpuset') Object.assign(files, { 'cpuset.cpus': '0-3', 'cpuset.mems': '0' });
      await mkdir(join(this.root, c));
      for (const [name, value] of Object.entries(files)) await writeFile(join(this.root, c, name), value);
    }
    return this;
  }

  /** v1: controller -> mount point, as detection would report. */
  v1Mounts(): Map<string, string> {
    return new Map(this.options.controllers.map((c) => [c, join(this.root, c)]));
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  rel(path: string): string {
    return path.startsWith(this.root) ? path.slice(this.root.length) || '/' : path;
  }

  /** Sets a file's content as the kernel would (for stats fixtures). */
  async set(path: string, value: string): Promise<void> {
    await writeFile(path, value);
  }

  async content(path: string): Promise<string> {
    return (await readFile(path, 'utf8')).trim();
  }

  async mkdir(path: string): Promise<void> {
    if (await exists(path)) return;
    await this.mkdir(dirname(path));
    await mkdir(path);
    let files: Record<string, string>;
    if (this.options.version === 2) {
      const handedDown = (await readFile(join(dirname(path), 'cgroup.subtree_control'), 'utf8')).split(/\s+/).filter(Boolean);
      files = v2Files(new Set(handedDown), this.options);
    } else {
      files = v1Files(this.rel(path).split('/')[1]!, this.options);
    }
    for (const [name, value] of Object.entries(files)) await writeFile(join(path, name), value);
  }

  async rmdir(path: string): Promise<void> {
    if (!(await exists(path))) throw new CgroupFsError('rmdir', path, errno('ENOENT'));
    const left = this.busy.get(this.rel(path)) ?? 0;
    if (left > 0) {
      this.busy.set(this.rel(path), left - 1);
      throw new CgroupFsError('rmdir', path, errno('EBUSY'));
    }
    if ((await this.subdirs(path)).length > 0) throw new CgroupFsError('rmdir', path, errno('EBUSY'));
    if ((await readFile(join(path, 'cgroup.procs'), 'utf8')).trim() !== '') throw new CgroupFsError('rmdir', path, errno('EBUSY'));
    await rm(path, { recursive: true });
  }

  /** As the kernel's: rmdir leaf first, stopping at the first busy one. */
  async removeEmptyTrees(paths: readonly string[]): Promise<boolean> {
    for (const path of paths) if (!(await this.removeEmptyTree(path))) return false;
    return true;
  }

  private async removeEmptyTree(path: string): Promise<boolean> {
    if (!(await exists(path))) return true;
    for (const child of await this.subdirs(path)) if (!(await this.removeEmptyTree(join(path, child)))) return false;
    try {
      await this.rmdir(path);
      return true;
    } catch (e) {
      if (e instanceof CgroupFsError && e.code === 'EBUSY') return false;
      throw e;
    }
  }

  readFile(path: string): Promise<string> {
    return kernelCgroupFs.readFile(path);
  }

  async writeFile(path: string, value: string): Promise<void> {
    if (!(await exists(path))) throw new CgroupFsError('write', path, errno('ENOENT'));
    this.writes.push([this.rel(path), value]);
    if (path.endsWith('/cgroup.subtree_control')) {
      const offered = new Set((await readFile(join(dirname(path), 'cgroup.controllers'), 'utf8')).split(/\s+/).filter(Boolean));
      const enabled = new Set((await readFile(path, 'utf8')).split(/\s+/).filter(Boolean));
      for (const token of value.split(/\s+/).filter(Boolean)) {
        const name = token.slice(1);
        if (!offered.has(name)) throw new CgroupFsError('write', path, errno('ENOENT'));
        if (token.startsWith('+')) enabled.add(name);
        else enabled.delete(name);
      }
      await writeFile(path, [...enabled].join(' '));
      return;
    }
    if (path.endsWith('/cgroup.kill') && value === '1') {
      for (const dir of await this.tree(dirname(path))) await writeFile(join(dir, 'cgroup.procs'), '');
      return;
    }
    await writeFile(path, value);
  }

  private async tree(dir: string): Promise<string[]> {
    const out = [dir];
    for (const child of await this.subdirs(dir)) out.push(...(await this.tree(join(dir, child))));
    return out;
  }

  subdirs(path: string): Promise<string[]> {
    return kernelCgroupFs.subdirs(path);
  }

  files(path: string): Promise<string[]> {
    return kernelCgroupFs.files(path);
  }

  exists(path: string): Promise<boolean> {
    return kernelCgroupFs.exists(path);
  }
}
