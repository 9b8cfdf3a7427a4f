// cgroup v1 driver against the real kernel: limits land in the kernel files,
// live updates, stats of a real process, and remove leaves nothing behind.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireRoot, requireTools } from '../../helpers/requirements.js';
import { rmCgroupTree } from '../../helpers/cgroup-dirs.js';
import { detectCgroupLayout, V1CgroupManager, type CgroupLayout } from '../../../src/cgroups/index.js';
import { InvalidArgumentError } from '../../../src/common/errors.js';

const MiB = 1024 * 1024;

function read(dir: string, file: string): string {
  return readFileSync(`${dir}/${file}`, 'utf8').trim();
}

/** rmdir leaf-first, for after(): must work even when the code under test is broken. */
/** A shell that waits for a line on stdin, then execs sleep: the exec allocates memory in whatever cgroup it is in by then. */
function startSleeper(): ChildProcess {
  return spawn('sh', ['-c', 'read _; exec sleep 1000'], { stdio: ['pipe', 'ignore', 'ignore'] });
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('cgroup v1 driver on the real kernel', function () {
  const parent = `/husk-test-${randomBytes(4).toString('hex')}`;
  const path = `${parent}/husk-c1`;
  let layout: CgroupLayout;
  let manager: V1CgroupManager;
  const children: ChildProcess[] = [];
  const dirOf = (controller: string, p = path) => `${layout.v1Mounts.get(controller)}${p}`;

  before(async function () {
    requireRoot(this);
    requireTools(this, 'sh', 'sleep');
    layout = await detectCgroupLayout();
    if (layout.mode === 'v2') {
      console.log('      skipped: host runs cgroup v2 (covered by the v2 unit tests)');
      this.skip();
    }
    for (const c of ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids']) {
      if (!layout.v1Mounts.has(c)) {
        console.log(`      skipped: v1 controller ${c} not mounted`);
        this.skip();
      }
    }
    manager = new V1CgroupManager(layout.v1Mounts, 'cgroupfs');
  });

  after(function () {
    for (const child of children) if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    if (!layout || layout.mode === 'v2') return;
    for (const mount of new Set(layout.v1Mounts.values())) {
      try {
        rmCgroupTree(`${mount}${parent}`);
      } catch (e) {
        console.log(`      cleanup of ${mount}${parent} failed: ${(e as Error).message}`);
      }
    }
  });

  it('creates the cgroup in every hierarchy and the kernel reports the limits back', async function () {
    const rootCpus = read(layout.v1Mounts.get('cpuset')!, 'cpuset.cpus');
    await manager.create(path, {
      cpuShares: 512,
      cpuPeriod: 100_000,
      cpuQuota: 50_000,
      memoryLimitInBytes: 64 * MiB,
      memorySwapLimitInBytes: 128 * MiB,
      pidsLimit: 32,
      cpusetCpus: '0',
      cpusetMems: '0',
    });
    for (const mount of new Set(layout.v1Mounts.values())) expect(existsSync(`${mount}${path}`), `${mount}${path}`).to.equal(true);
    expect(read(dirOf('cpu'), 'cpu.shares')).to.equal('512');
    expect(read(dirOf('cpu'), 'cpu.cfs_period_us')).to.equal('100000');
    expect(read(dirOf('cpu'), 'cpu.cfs_quota_us')).to.equal('50000');
    expect(read(dirOf('memory'), 'memory.limit_in_bytes')).to.equal(String(64 * MiB));
    if (existsSync(`${dirOf('memory')}/memory.memsw.limit_in_bytes`)) {
      expect(read(dirOf('memory'), 'memory.memsw.limit_in_bytes')).to.equal(String(128 * MiB));
    }
    expect(read(dirOf('pids'), 'pids.max')).to.equal('32');
    expect(read(dirOf('cpuset'), 'cpuset.cpus')).to.equal('0');
    expect(read(dirOf('cpuset'), 'cpuset.mems')).to.equal('0');
    // The intermediate cpuset cgroup was seeded from the root, or no process could join below it.
    expect(read(dirOf('cpuset', parent), 'cpuset.cpus')).to.equal(rootCpus);
  });

  it('updates limits live, shrinking and growing memory in the order the kernel accepts', async function () {
    await manager.update(path, { cpuShares: 1024, cpuPeriod: 50_000, cpuQuota: 20_000, memoryLimitInBytes: 32 * MiB, memorySwapLimitInBytes: 32 * MiB, pidsLimit: 16 });
    expect(read(dirOf('cpu'), 'cpu.shares')).to.equal('1024');
    expect(read(dirOf('cpu'), 'cpu.cfs_period_us')).to.equal('50000');
    expect(read(dirOf('cpu'), 'cpu.cfs_quota_us')).to.equal('20000');
    expect(read(dirOf('memory'), 'memory.limit_in_bytes')).to.equal(String(32 * MiB));
    expect(read(dirOf('pids'), 'pids.max')).to.equal('16');
    await manager.update(path, { memoryLimitInBytes: 256 * MiB, memorySwapLimitInBytes: 256 * MiB, cpuQuota: -1 });
    expect(read(dirOf('memory'), 'memory.limit_in_bytes')).to.equal(String(256 * MiB));
    if (existsSync(`${dirOf('memory')}/memory.memsw.limit_in_bytes`)) {
      expect(read(dirOf('memory'), 'memory.memsw.limit_in_bytes')).to.equal(String(256 * MiB));
    }
    expect(read(dirOf('cpu'), 'cpu.cfs_quota_us')).to.equal('-1');
  });

  it('names the field when the kernel or the validator refuses a value', async function () {
    const err1 = await manager.update(path, { cpusetCpus: '4095' }).catch((e: unknown) => e);
    expect(err1).to.be.instanceOf(InvalidArgumentError);
    expect((err1 as InvalidArgumentError).field).to.equal('linux.resources.cpuset_cpus');
    const err2 = await manager.update(path, { unified: { 'memory.high': '1M' } }).catch((e: unknown) => e);
    expect(err2).to.be.instanceOf(InvalidArgumentError);
    expect((err2 as InvalidArgumentError).field).to.equal('linux.resources.unified');
  });

  it('a failed create leaves no directory behind', async function () {
    const bad = `${parent}/husk-bad-pod/husk-bad`;
    const err = await manager.create(bad, { cpusetCpus: '4095' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidArgumentError);
    for (const mount of new Set(layout.v1Mounts.values())) {
      expect(existsSync(`${mount}${parent}/husk-bad-pod`), `${mount}${parent}/husk-bad-pod`).to.equal(false);
      expect(existsSync(`${mount}${parent}`), `${mount}${parent} (made before)`).to.equal(true);
    }
  });

  it('accounts a process moved in: memory, pids and CPU show in stats', async function () {
    const child = startSleeper();
    children.push(child);
    await waitFor(() => child.pid !== undefined, 'spawn');
    await manager.addProcess(path, child.pid!);
    expect(await manager.pids(path)).to.deep.equal([child.pid]);
    child.stdin!.write('go\n');
    await waitFor(() => readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === 'sleep', 'exec of sleep');
    for (const dir of manager.procDirs(path)) expect(read(dir, 'cgroup.procs')).to.equal(String(child.pid));
    const stats = await manager.stats(path);
    expect(stats.pids.current).to.equal(1);
    expect(stats.pids.limit).to.equal(16);
    expect(stats.memory.usageBytes).to.be.greaterThan(0);
    expect(stats.memory.workingSetBytes).to.be.at.most(stats.memory.usageBytes);
    expect(stats.memory.limitBytes).to.equal(256 * MiB);
    expect(stats.cpu.usageNs > 0n).to.equal(true);
    expect(stats.oomKills).to.equal(0);
    expect(manager.memoryDir(path)).to.deep.equal({ version: 1, dir: dirOf('memory') });
  });

  it('remove kills the members and leaves no directory in any hierarchy', async function () {
    const child = children[0]!;
    const exited = new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await manager.remove(parent);
    expect(await exited).to.equal('SIGKILL');
    for (const mount of new Set(layout.v1Mounts.values())) expect(existsSync(`${mount}${parent}`), `${mount}${parent}`).to.equal(false);
    expect(await manager.exists(path)).to.equal(false);
  });

  it('remove kills every member, including ones forked inside the cgroup', async function () {
    const forked = `${parent}/husk-forks`;
    await manager.create(forked, { pidsLimit: 10 });
    const child = spawn('sh', ['-c', 'read _; sleep 1000 & sleep 1000 & wait'], { stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(child);
    await waitFor(() => child.pid !== undefined, 'spawn');
    await manager.addProcess(forked, child.pid!);
    child.stdin!.write('go\n');
    await waitFor(() => read(dirOf('pids', forked), 'pids.current') === '3', 'three members');
    const members = await manager.pids(forked);
    expect(members).to.have.length(3);
    await manager.remove(forked);
    for (const pid of members) expect(existsSync(`/proc/${pid}/cgroup`) && readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(forked), `pid ${pid}`).to.equal(false);
    for (const mount of new Set(layout.v1Mounts.values())) expect(existsSync(`${mount}${forked}`), `${mount}${forked}`).to.equal(false);
  });

  it('counts an OOM kill of a process that outgrows its memory limit', async function () {
    requireTools(this, 'tail');
    const oom = `${parent}/husk-oom`;
    await manager.create(oom, { memoryLimitInBytes: 16 * MiB, memorySwapLimitInBytes: 16 * MiB });
    // tail keeps its input until a newline that /dev/zero never sends.
    const child = spawn('sh', ['-c', 'read _; exec tail /dev/zero'], { stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(child);
    const exited = new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await waitFor(() => child.pid !== undefined, 'spawn');
    await manager.addProcess(oom, child.pid!);
    child.stdin!.write('go\n');
    expect(await exited).to.equal('SIGKILL');
    expect((await manager.stats(oom)).oomKills).to.be.at.least(1);
    await manager.remove(oom);
  });

  it('remove of a missing cgroup is a no-op', async function () {
    await manager.remove(path);
    await manager.remove(parent);
  });
});
