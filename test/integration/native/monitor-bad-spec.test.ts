// Bad specs fail create with the step and errno that explain them, and leave
// nothing behind: no mount, no cgroup member, no zombie, no socket.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createContainer, isMonitorError, monitorBinaryPath, runMonitor, startContainer, type MonitorError } from '../../../src/native/monitor.js';
import type { ContainerSpec } from '../../../src/native/spec.js';
import { buildBusyboxRootfs, makeContainerDirs, makeTempDir, removeDir, type ContainerDirs } from '../../helpers/rootfs.js';
import { busyboxSpec, monitorZombies, mountinfoLines, requireMonitor, waitForExit } from './monitor-harness.js';

const MEMORY_ROOT = '/sys/fs/cgroup/memory';

async function createFails(spec: ContainerSpec, monitorPath: string): Promise<MonitorError> {
  try {
    await createContainer(spec, { monitorPath });
  } catch (e) {
    if (isMonitorError(e)) return e;
    throw e;
  }
  throw new Error('create succeeded');
}

describe('monitor: bad specs fail with the reason and leak nothing', function () {
  let lowerBase: string;
  let lower: string;
  let dirs: ContainerDirs;
  let cgroup: string | undefined;
  let monitorPath: string;
  let monitorName: string;

  before(async function () {
    requireMonitor(this);
    lowerBase = await makeTempDir('husk-mon-lower-');
    // a copy under a name of our own, so its zombies cannot be confused with other tests' monitors
    monitorName = `hm-bad-${randomBytes(3).toString('hex')}`;
    monitorPath = join(lowerBase, monitorName);
    await copyFile(monitorBinaryPath(), monitorPath);
    await chmod(monitorPath, 0o755);
    lower = await buildBusyboxRootfs(join(lowerBase, 'layer'));
    if (existsSync(MEMORY_ROOT)) {
      cgroup = join(MEMORY_ROOT, `husk-test-${randomBytes(4).toString('hex')}`);
      await mkdir(cgroup);
    }
  });
  after(async () => {
    if (lowerBase) await removeDir(lowerBase);
    if (cgroup) await rmdir(cgroup);
  });
  beforeEach(async () => {
    dirs = await makeContainerDirs();
  });
  afterEach(async () => {
    if (dirs) await removeDir(dirs.base);
  });

  async function expectFailure(spec: ContainerSpec, step: string, code: string, message: RegExp): Promise<void> {
    if (cgroup) spec.cgroupDirs = [cgroup];
    // other tests on this machine mount things meanwhile: look only at ours
    const ours = async (): Promise<string[]> => (await mountinfoLines()).filter((l) => l.includes(dirs.base) || l.includes(lowerBase));
    expect(await ours()).to.deep.equal([]);
    const zombiesBefore = await monitorZombies(monitorName);
    const err = await createFails(spec, monitorPath);
    expect(err.step).to.equal(step);
    expect(err.code).to.equal(code);
    expect(err.message).to.match(message);
    expect(await ours(), 'mounts left behind').to.deep.equal([]);
    if (cgroup) expect((await readFile(join(cgroup, 'cgroup.procs'), 'utf8')).trim()).to.equal('');
    const zombiesAfter = [...(await monitorZombies(monitorName))].filter((p) => !zombiesBefore.has(p));
    expect(zombiesAfter, 'new zombie monitors').to.deep.equal([]);
    expect(existsSync(join(spec.stateDir, 'monitor.sock'))).to.equal(false);
    expect(existsSync(join(spec.stateDir, 'exit.json'))).to.equal(false);
  }

  it('a missing executable', async function () {
    await expectFailure(busyboxSpec(dirs, lower, ['no-such-binary', 'x']), 'exec lookup', 'ENOENT', /"no-such-binary" not found in \$PATH/);
  });

  it('an executable path that is not there', async function () {
    await expectFailure(busyboxSpec(dirs, lower, ['/usr/bin/missing']), 'exec lookup', 'ENOENT', /\/usr\/bin\/missing/);
  });

  it('a cwd that does not exist', async function () {
    await expectFailure(busyboxSpec(dirs, lower, ['true'], { process: { cwd: '/no/such/dir' } }), 'cwd', 'ENOENT', /chdir \/no\/such\/dir/);
  });

  it('a bind mount whose source does not exist', async function () {
    const spec = busyboxSpec(dirs, lower, ['true'], { mounts: [{ destination: '/data', type: 'bind', source: join(dirs.base, 'missing'), options: ['rbind'] }] });
    await expectFailure(spec, 'mount', 'ENOENT', /bind source .*missing for \/data/);
  });

  it('a lower layer that does not exist', async function () {
    const spec = busyboxSpec(dirs, join(lowerBase, 'nope'), ['true']);
    await expectFailure(spec, 'mount rootfs', 'ENOENT', /overlay/);
  });

  it('a user the process cannot switch to (gid beyond the range)', async function () {
    const spec = busyboxSpec(dirs, lower, ['true'], { process: { user: { uid: 0, gid: 0, additionalGids: Array.from({ length: 70 }, (_, i) => i) } } });
    await expectFailure(spec, 'user', 'E2BIG', /supplementary groups/);
  });

  it('an execve failure comes back as the start reply, and the exit is recorded', async function () {
    const layer = join(dirs.base, 'bad-layer');
    await mkdir(join(layer, 'bin'), { recursive: true });
    await writeFile(join(layer, 'bin', 'not-a-program'), 'garbage without a #! line', { mode: 0o755 });
    const spec = busyboxSpec(dirs, lower, ['/bin/not-a-program'], {
      rootfs: { path: dirs.rootfs, overlay: { lowerdirs: [layer, lower], upperdir: dirs.upper, workdir: dirs.work } },
    });
    await createContainer(spec);
    try {
      await startContainer(spec.stateDir);
      expect.fail('start should fail');
    } catch (e) {
      expect(isMonitorError(e, 'ENOEXEC')).to.equal(true, String(e));
      if (isMonitorError(e)) expect(e.message).to.match(/execve \/bin\/not-a-program/);
    }
    expect((await waitForExit(spec.stateDir)).exitCode).to.equal(126);
  });

  it('a spec without args', async function () {
    await expectFailure(busyboxSpec(dirs, lower, []), 'parse spec', 'EINVAL', /process\.args: must not be empty/);
  });

  it('a spec file that is not JSON', async function () {
    const path = join(dirs.state, 'spec.json');
    await writeFile(path, '{"id": "x", "process": ');
    const { line, code } = await runMonitor(['create', path]);
    expect(code).to.equal(1);
    const report = JSON.parse(line) as { error: { step: string; errno: number; message: string } };
    expect(report.error).to.include({ step: 'parse spec', errno: 22 });
    expect(report.error.message).to.match(/invalid JSON/);
  });
});
