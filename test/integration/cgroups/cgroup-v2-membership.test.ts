// The v2 driver on a real cgroup2 mount. On a hybrid host that mount carries
// no controllers, so this covers what does not need them: making the tree,
// moving a process in, cpu.stat, cgroup.kill and removal. Limits are covered
// by the temp-tree unit tests.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireRoot, requireTools, requireCgroup2Mount } from '../../helpers/requirements.js';
import { rmCgroupTree } from '../../helpers/cgroup-dirs.js';
import { V2CgroupManager } from '../../../src/cgroups/index.js';
import { FailedPreconditionError } from '../../../src/common/errors.js';

describe('cgroup v2 driver on a real cgroup2 mount', function () {
  const parent = `/husk-test-${randomBytes(4).toString('hex')}`;
  const path = `${parent}/husk-c1`;
  let mount: string | undefined;
  let manager: V2CgroupManager;
  const children: ChildProcess[] = [];

  before(async function () {
    requireRoot(this);
    requireTools(this, 'sh', 'sleep');
    mount = await requireCgroup2Mount(this);
    manager = new V2CgroupManager(mount, 'cgroupfs');
  });

  after(function () {
    for (const child of children) if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    if (mount) rmCgroupTree(`${mount}${parent}`);
  });

  it('makes the tree, takes a process in and reports its CPU time', async function () {
    const offered = readFileSync(`${mount}/cgroup.controllers`, 'utf8').trim();
    await manager.create(path, {});
    expect(existsSync(`${mount}${path}/cgroup.procs`)).to.equal(true);
    // Only what the root offers can be handed down.
    const handedDown = readFileSync(`${mount}/cgroup.subtree_control`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const c of handedDown) expect(offered.split(/\s+/)).to.include(c);

    const child = spawn('sh', ['-c', 'read _; i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; exec sleep 1000'], { stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(child);
    while (child.pid === undefined) await sleep(5);
    await manager.addProcess(path, child.pid);
    child.stdin!.write('go\n');
    for (let i = 0; i < 500 && readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() !== 'sleep'; i++) await sleep(10);
    expect(await manager.pids(path)).to.deep.equal([child.pid]);
    expect(readFileSync(`/proc/${child.pid}/cgroup`, 'utf8')).to.include(`0::${path}`);
    const stats = await manager.stats(path);
    expect(stats.cpu.usageNs > 0n).to.equal(true);
  });

  it('refuses a limit whose controller the mount does not offer', async function () {
    if (readFileSync(`${mount}/cgroup.controllers`, 'utf8').includes('pids')) this.skip();
    const err = await manager.create(`${parent}/husk-c2`, { pidsLimit: 5 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FailedPreconditionError);
    expect(existsSync(`${mount}${parent}/husk-c2`)).to.equal(false);
  });

  it('remove kills the member and leaves no directory', async function () {
    const child = children[0]!;
    const exited = new Promise<string | null>((resolve) => {
      if (child.signalCode !== null) resolve(child.signalCode);
      else child.once('exit', (_code, signal) => resolve(signal));
    });
    await manager.remove(parent);
    expect(await exited).to.equal('SIGKILL');
    expect(existsSync(`${mount}${parent}`)).to.equal(false);
    await manager.remove(parent);
  });
});
