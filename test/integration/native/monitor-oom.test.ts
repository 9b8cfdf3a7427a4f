// A cgroup v1 memory limit OOM-kills a container process that exceeds it,
// and the monitor's exit record says oomKilled. (The v2 counter is read the
// same way from memory.events; this machine runs v1.)
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { requireFile } from '../../helpers/requirements.js';
import { busyboxFixture, busyboxSpec, runToExit } from './monitor-harness.js';

const MEMORY_ROOT = '/sys/fs/cgroup/memory';

describe('monitor: OOM kill on cgroup v1', function () {
  let cgroup: string;

  before(function () {
    requireFile(this, join(MEMORY_ROOT, 'memory.oom_control'), 'the cgroup v1 memory controller');
  });
  const fx = busyboxFixture();
  beforeEach(async () => {
    cgroup = join(MEMORY_ROOT, `husk-test-${randomBytes(4).toString('hex')}`);
    await mkdir(cgroup);
    await writeFile(join(cgroup, 'memory.limit_in_bytes'), String(16 * 1024 * 1024));
    if (existsSync(join(cgroup, 'memory.memsw.limit_in_bytes'))) await writeFile(join(cgroup, 'memory.memsw.limit_in_bytes'), String(16 * 1024 * 1024));
  });
  afterEach(async () => {
    if (cgroup) await rmdir(cgroup);
  });

  it('records oomKilled when the process exceeds the limit', async function () {
    // dd allocates and fills a 64 MiB buffer: four times the limit
    const spec = busyboxSpec(fx.dirs, fx.lower, ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'], {
      cgroupDirs: [cgroup],
      oom: { version: 1, memoryCgroupDir: cgroup },
    });
    const { exit } = await runToExit(spec);
    expect(exit).to.include({ exitCode: 137, signal: 9, oomKilled: true });
    expect((await readFile(join(cgroup, 'cgroup.procs'), 'utf8')).trim()).to.equal('');
  });

  it('shows its own memory cgroup at /sys/fs/cgroup/memory inside a cgroup namespace', async function () {
    const script = 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; grep memory /proc/self/cgroup; ls /sys/fs/cgroup | grep -c .; touch /sys/fs/cgroup/x 2>/dev/null || echo ro';
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', script], {
      cgroupDirs: [cgroup],
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mnt' }, { type: 'net' }, { type: 'cgroup' }],
    });
    const { exit, stdout } = await runToExit(spec);
    expect(exit.exitCode).to.equal(0);
    expect(stdout[0]).to.equal(String(16 * 1024 * 1024));
    expect(stdout[1]).to.match(/^\d+:memory:\/$/);
    expect(Number(stdout[2])).to.be.greaterThan(1);
    expect(stdout[3]).to.equal('ro');
  });

  it('does not claim an OOM kill for a process within the limit', async function () {
    const spec = busyboxSpec(fx.dirs, fx.lower, ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1M', 'count=4'], {
      cgroupDirs: [cgroup],
      oom: { version: 1, memoryCgroupDir: cgroup },
    });
    const { exit } = await runToExit(spec);
    expect(exit).to.include({ exitCode: 0, oomKilled: false });
  });
});
