// husk-monitor exec: a command joins a running container's namespaces and
// cgroup, gets the process settings of its spec, exits with its code; setup
// failures come back typed; killing the exec monitor kills the command.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createContainer, execInContainer, execInContainerCapture, isMonitorError, signalContainer, startContainer } from '../../../src/native/monitor.js';
import type { ExecSpec } from '../../../src/native/spec.js';
import { buildBusyboxRootfs, makeContainerDirs, makeTempDir, removeDir, TEST_USER, type ContainerDirs } from '../../helpers/rootfs.js';
import { busyboxSpec, processState, requireMonitor, waitForExit } from './monitor-harness.js';

describe('monitor: exec into a running container', function () {
  let lowerBase: string;
  let lower: string;
  let dirs: ContainerDirs;
  let cgroup: string | undefined;
  let pid: number;

  before(async function () {
    requireMonitor(this);
    lowerBase = await makeTempDir('husk-mon-lower-');
    lower = await buildBusyboxRootfs(join(lowerBase, 'layer'));
    dirs = await makeContainerDirs();
    if (existsSync('/sys/fs/cgroup/memory')) {
      cgroup = join('/sys/fs/cgroup/memory', `husk-test-${randomBytes(4).toString('hex')}`);
      await mkdir(cgroup);
    }
    const spec = busyboxSpec(dirs, lower, ['sleep', '60'], { hostname: 'exec-box', cgroupDirs: cgroup ? [cgroup] : [] });
    ({ pid } = await createContainer(spec));
    await startContainer(spec.stateDir);
  });
  after(async () => {
    if (dirs) {
      await signalContainer(dirs.state, 'SIGKILL').catch(() => undefined);
      await waitForExit(dirs.state).catch(() => undefined);
      await removeDir(dirs.base);
    }
    if (cgroup) await rmdir(cgroup);
    if (lowerBase) await removeDir(lowerBase);
  });

  function execSpec(args: string[], extra: Partial<ExecSpec['process']> = {}): ExecSpec {
    return { pid, cgroupDirs: cgroup ? [cgroup] : [], process: { args, env: ['PATH=/bin'], cwd: '/', ...extra } };
  }

  it('runs in the container namespaces and cgroup and returns the exit code', async function () {
    const script = 'echo pid=$$; hostname; cat /proc/1/cmdline | tr "\\0" " "; echo; cat /proc/self/cgroup | grep memory; exit 3';
    const result = await execInContainerCapture(execSpec(['sh', '-c', script]));
    expect(result.exitCode).to.equal(3);
    const lines = result.stdout.toString().trim().split('\n');
    expect(lines[0]).to.match(/^pid=\d+$/);
    expect(lines[0]).to.not.equal('pid=1');
    expect(lines[1]).to.equal('exec-box');
    expect(lines[2]?.trim()).to.equal('sleep 60');
    if (cgroup) expect(lines[3]).to.match(new RegExp(`memory:/${cgroup.split('/').pop()}$`));
  });

  it('applies user and stdin', async function () {
    const result = await execInContainerCapture(execSpec(['sh', '-c', 'id -u; id -G; cat'], { user: { uid: TEST_USER.uid, gid: TEST_USER.gid, additionalGids: [TEST_USER.extraGroup.gid] } }), {
      input: 'from-stdin',
    });
    expect(result.stdout.toString()).to.equal(`${TEST_USER.uid}\n${TEST_USER.gid} ${TEST_USER.extraGroup.gid}\nfrom-stdin`);
  });

  it('gives a terminal when asked', async function () {
    const result = await execInContainerCapture(execSpec(['sh', '-c', '[ -t 0 ] && [ -t 1 ] && echo tty; stty size'], { terminal: true, consoleSize: { rows: 30, cols: 90 } }));
    expect(result.stdout.toString().replace(/\r/g, '')).to.equal('tty\n30 90\n');
  });

  it('resizes the terminal and passes signals through the control fd', async function () {
    const handle = await execInContainer(execSpec(['sh', '-c', 'trap "echo got-usr1" USR1; read a; stty size; while ! [ -e /tmp/done ]; do sleep 0.02; done'], { terminal: true }));
    let out = '';
    handle.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    handle.resize(44, 144);
    await new Promise((r) => setTimeout(r, 50));
    handle.stdin!.write('x\n');
    const deadline = Date.now() + 5000;
    while (!out.includes('44 144') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(out).to.include('44 144');
    handle.signal(10);
    while (!out.includes('got-usr1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(out).to.include('got-usr1');
    await execInContainerCapture(execSpec(['touch', '/tmp/done']));
    expect(await handle.exit).to.equal(0);
  });

  it('reports a missing executable as a typed error', async function () {
    try {
      await execInContainer(execSpec(['no-such-tool']));
      expect.fail('exec should fail');
    } catch (e) {
      expect(isMonitorError(e)).to.equal(true, String(e));
      if (isMonitorError(e)) expect([e.step, e.code]).to.deep.equal(['exec lookup', 'ENOENT']);
    }
  });

  it('kills the command when the exec monitor is killed', async function () {
    const handle = await execInContainer(execSpec(['sleep', '30']));
    expect(processState(handle.pid)).to.be.oneOf(['S', 'R']);
    handle.kill();
    expect(await handle.exit).to.equal(137);
    const deadline = Date.now() + 3000;
    while (processState(handle.pid) !== undefined && processState(handle.pid) !== 'Z' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(processState(handle.pid) ?? 'gone').to.be.oneOf(['gone', 'Z']);
    if (cgroup) {
      const members = (await readFile(join(cgroup, 'cgroup.procs'), 'utf8')).trim().split('\n');
      expect(members).to.deep.equal([String(pid)]);
    }
  });
});
